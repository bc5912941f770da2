package dev.ingot.pager;

/**
 * Settings for {@link Pager#open}. Immutable; build variants with the {@code with...} methods.
 *
 * @param segmentBytes    the file grows, and is mapped, in segments of this many bytes; a
 *                        power of two from 1 MiB to 1 GiB (default 64 MiB). A blob never spans
 *                        two segments, so this is also the largest blob.
 * @param dataStartOffset file offset where blob data begins (default: right after the two
 *                        superblocks, 8 KiB). Tests set it beyond 2 GiB to exercise large
 *                        offsets without writing gigabytes; the gap stays a sparse hole.
 * @param syncOnCommit    whether {@link Pager#commit()} forces data and superblock to stable
 *                        storage (default true; false only for throwaway stores in tests)
 * @param directWrites    whether blob writes of {@link Pager#put} and {@link Pager#putBatch}
 *                        bypass the page cache ({@code O_DIRECT}, through a second file
 *                        descriptor) when they carry at least 16 KiB (default true). Such a
 *                        write is staged into a 4096-aligned buffer and its file space is
 *                        reserved in whole 4 KiB pages (start and end rounded to 4096), so the
 *                        store may hold up to 8 KiB of padding per large put. Where the file
 *                        system refuses {@code O_DIRECT} (e.g. tmpfs) the pager silently writes
 *                        through the page cache instead. Semantics, durability (commit still
 *                        forces the file) and the file format are the same either way; reads
 *                        always go through the read-only mappings.
 */
public record PagerOptions(int segmentBytes, long dataStartOffset, boolean syncOnCommit, boolean directWrites) {
    /** Size of one superblock slot; two slots sit at file offsets 0 and 4096. */
    public static final int SUPERBLOCK_BYTES = 4096;

    public PagerOptions {
        if (segmentBytes < (1 << 20) || segmentBytes > (1 << 30) || Integer.bitCount(segmentBytes) != 1) {
            throw new IllegalArgumentException("segmentBytes must be a power of two in [1 MiB, 1 GiB]: " + segmentBytes);
        }
        if (dataStartOffset < 2L * SUPERBLOCK_BYTES || dataStartOffset % SUPERBLOCK_BYTES != 0) {
            throw new IllegalArgumentException("dataStartOffset must be a multiple of 4096 and >= 8192: " + dataStartOffset);
        }
    }

    /**
     * Options without {@link #directWrites()} given: direct writes on (the default). Kept so
     * that code written against the three-component record still compiles.
     */
    public PagerOptions(int segmentBytes, long dataStartOffset, boolean syncOnCommit) {
        this(segmentBytes, dataStartOffset, syncOnCommit, true);
    }

    /** 64 MiB segments, data at 8 KiB, fsync on commit, direct writes on. */
    public static PagerOptions defaults() {
        return new PagerOptions(64 << 20, 2L * SUPERBLOCK_BYTES, true, true);
    }

    public PagerOptions withSegmentBytes(int bytes) {
        return new PagerOptions(bytes, dataStartOffset, syncOnCommit, directWrites);
    }

    public PagerOptions withDataStartOffset(long offset) {
        return new PagerOptions(segmentBytes, offset, syncOnCommit, directWrites);
    }

    public PagerOptions withSyncOnCommit(boolean sync) {
        return new PagerOptions(segmentBytes, dataStartOffset, sync, directWrites);
    }

    /** These options with {@link #directWrites()} set to {@code direct}. */
    public PagerOptions withDirectWrites(boolean direct) {
        return new PagerOptions(segmentBytes, dataStartOffset, syncOnCommit, direct);
    }

    /** The largest blob a put accepts: one segment. */
    public long maxBlobBytes() {
        return segmentBytes;
    }
}
