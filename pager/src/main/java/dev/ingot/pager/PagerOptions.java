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
 */
public record PagerOptions(int segmentBytes, long dataStartOffset, boolean syncOnCommit) {
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

    public static PagerOptions defaults() {
        return new PagerOptions(64 << 20, 2L * SUPERBLOCK_BYTES, true);
    }

    public PagerOptions withSegmentBytes(int bytes) {
        return new PagerOptions(bytes, dataStartOffset, syncOnCommit);
    }

    public PagerOptions withDataStartOffset(long offset) {
        return new PagerOptions(segmentBytes, offset, syncOnCommit);
    }

    public PagerOptions withSyncOnCommit(boolean sync) {
        return new PagerOptions(segmentBytes, dataStartOffset, sync);
    }

    /** The largest blob a put accepts: one segment. */
    public long maxBlobBytes() {
        return segmentBytes;
    }
}
