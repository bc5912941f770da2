package dev.ingot.pager.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Placement and writing of blobs in the data region of a {@link MappedPager}: reserves space at
 * the append offset (a blob never crosses a segment boundary; a direct reservation is padded to
 * whole pages) and writes blobs there, buffered or, for large payloads, directly through
 * {@link StoreChannel#writeDirect} from a page-aligned staging buffer. The rules (alignment,
 * fallback to buffered writes) are described under "Direct writes" in {@link MappedPager}.
 *
 * <p>Thread-safety: the placement methods ({@link #place}, {@link #placeDirect},
 * {@link #alignAppendOffset}, {@link #reserve}, {@link #appendOffset}, {@link #resetAppendOffset})
 * must be called under the pager's directory lock, which also guards the key directory, so that a
 * reservation and its directory entry agree; the write methods are called without any lock
 * (their reservations are disjoint) and are thread-safe. Ownership: owns the staging buffers
 * ({@link #close()}); not the channel.
 */
final class DataRegionWriter {
    /** Direct writes are aligned to, and reserve space in, pages of this many bytes. */
    static final int PAGE_BYTES = StoreChannel.DIRECT_ALIGNMENT;
    /**
     * Smallest put or putBatch payload written directly; smaller ones stay buffered: a direct
     * write waits for the device, and its padding costs up to a page per reservation.
     */
    static final int DIRECT_MIN_BYTES = 16 << 10;
    private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect(PAGE_BYTES).asReadOnlyBuffer();

    private final StoreFileIo io;
    private final SegmentMap segments;
    private final int segmentBytes;
    /** End of the used data region (file offset); guarded by the pager's directory lock. */
    private long appendOffset;
    /**
     * Whether large blob writes go through {@link StoreChannel#writeDirect}; cleared for the
     * pager's lifetime by a fallback.
     */
    private volatile boolean directIo;
    /** Set by the first direct write that succeeds: after it, EINVAL is a failure, not a fallback. */
    private volatile boolean directWriteSucceeded;
    /** Aligned buffers that direct writes copy blobs into; closed with the pager. */
    private final DirectStaging staging = new DirectStaging();

    DataRegionWriter(StoreFileIo io, SegmentMap segments, int segmentBytes, long appendOffset, boolean directIo) {
        this.io = io;
        this.segments = segments;
        this.segmentBytes = segmentBytes;
        this.appendOffset = appendOffset;
        this.directIo = directIo;
    }

    /** Whether a put of {@code payloadBytes} is written directly. */
    boolean direct(long payloadBytes) {
        return directIo && payloadBytes >= DIRECT_MIN_BYTES;
    }

    /** Whether large blob writes currently bypass the page cache. */
    boolean directIo() {
        return directIo;
    }

    /** Native bytes held by the staging buffers. */
    long stagingBytes() {
        return staging.allocatedBytes();
    }

    // ---------------------------------------------------------------- placement (directory lock held)

    /** End of the used data region; caller holds the directory lock. */
    long appendOffset() {
        return appendOffset;
    }

    /** Sets the end of the used data region (a refreshed commit's); caller holds the directory lock. */
    void resetAppendOffset(long offset) {
        appendOffset = offset;
    }

    /**
     * Reserves {@code bytes} at the append offset with no segment rule (the key directory, which
     * is read with file reads, never mapped); caller holds the directory lock.
     */
    long reserve(long bytes) {
        long offset = appendOffset;
        appendOffset += bytes;
        return offset;
    }

    /** Rounds the append offset up to a page boundary; caller holds the directory lock. */
    void alignAppendOffset() {
        appendOffset = (appendOffset + PAGE_BYTES - 1) & -(long) PAGE_BYTES;
    }

    /**
     * Like {@link #place}, for a direct write: the reservation starts on a page boundary and
     * covers whole pages; caller holds the directory lock.
     */
    long placeDirect(int length) {
        alignAppendOffset();
        long offset = place(length);
        alignAppendOffset();
        return offset;
    }

    /** Reserves {@code length} bytes at the append offset without crossing a segment; caller holds the directory lock. */
    long place(int length) {
        long offset = appendOffset;
        if (length > 0) {
            long inSegment = offset & (segmentBytes - 1);
            if (inSegment + length > segmentBytes) {
                offset += segmentBytes - inSegment;
            }
        }
        appendOffset = offset + length;
        return offset;
    }

    // ---------------------------------------------------------------- writes (no lock)

    /** Writes one blob into its reservation at {@code offset}, growing the file first. */
    void writeBlob(ByteBuffer blob, long offset, boolean direct) throws IOException {
        int length = blob.remaining();
        if (length == 0) {
            return;
        }
        segments.ensureFileLength(offset + length);
        if (direct) {
            writeRunDirect(new ByteBuffer[] {blob}, 0, 0, offset, length);
        } else {
            io.writeFully(blob.duplicate(), offset, "");
        }
    }

    /**
     * Writes the blobs of a batch into their reservations, growing the file first: one gathering
     * write per run of file-contiguous blobs, or if {@code direct}, one staged direct write per
     * run (per {@link DirectStaging#MAX_BUFFER_BYTES} of it).
     */
    void writeBatch(ByteBuffer[] blobs, long[] offsets, int[] lengths, boolean direct) throws IOException {
        int n = blobs.length;
        segments.ensureFileLength(offsets[n - 1] + lengths[n - 1]);
        int i = 0;
        while (i < n) {
            if (lengths[i] == 0) {
                i++;
                continue;
            }
            int j = i;
            long runEnd = offsets[i] + lengths[i];
            while (j + 1 < n && (lengths[j + 1] == 0 || offsets[j + 1] == runEnd)) {
                j++;
                runEnd += lengths[j];
            }
            if (direct) {
                writeRunDirect(blobs, i, j, offsets[i], runEnd - offsets[i]);
                i = j + 1;
                continue;
            }
            int nonEmpty = 0;
            for (int k = i; k <= j; k++) {
                if (lengths[k] > 0) {
                    nonEmpty++;
                }
            }
            if (nonEmpty == 1) {
                io.writeFully(blobs[i].duplicate(), offsets[i], "");
            } else {
                ByteBuffer[] run = new ByteBuffer[nonEmpty];
                int r = 0;
                for (int k = i; k <= j; k++) {
                    if (lengths[k] > 0) {
                        run[r++] = blobs[k].duplicate();
                    }
                }
                io.writeGathered(run, offsets[i], runEnd - offsets[i]);
            }
            i = j + 1;
        }
    }

    /**
     * Stages blobs {@code from..to} (inclusive; file-contiguous, empty ones skipped) into an
     * aligned buffer and writes them with direct writes from {@code runStart}, zero-padding the
     * last page. {@code runStart} is page-aligned and the reservation covers the padded end
     * (see {@link #placeDirect}).
     */
    private void writeRunDirect(ByteBuffer[] blobs, int from, int to, long runStart, long runBytes)
            throws IOException {
        DirectStaging.Buffer stage = staging.acquire(runBytes);
        try {
            ByteBuffer buffer = stage.buffer();
            long fileOffset = runStart;
            for (int k = from; k <= to; k++) {
                ByteBuffer src = blobs[k].duplicate();
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), buffer.remaining());
                    int limit = src.limit();
                    src.limit(src.position() + n);
                    buffer.put(src);
                    src.limit(limit);
                    if (!buffer.hasRemaining()) {
                        buffer.flip();
                        fileOffset += writeStaged(buffer, fileOffset);
                        buffer.clear();
                    }
                }
            }
            if (buffer.position() > 0) {
                int padding = (int) (-buffer.position() & (PAGE_BYTES - 1));
                buffer.put(ZERO_PAGE.duplicate().limit(padding));
                buffer.flip();
                writeStaged(buffer, fileOffset);
            }
        } finally {
            staging.release(stage);
        }
    }

    /**
     * Writes a staged, page-aligned buffer at the page-aligned {@code position}: with direct
     * writes, or buffered after a fallback. Falls back for good if the very first direct write of
     * this pager fails with EINVAL (a file system that accepted {@code O_DIRECT} at open but not
     * these writes); finishes buffered if a short direct write left an unaligned remainder.
     *
     * @return bytes written (all of them)
     */
    private int writeStaged(ByteBuffer src, long position) throws IOException {
        int bytes = src.remaining();
        if (!directIo) {
            io.writeFully(src, position, "");
            return bytes;
        }
        long at = position;
        try {
            while (src.hasRemaining() && ((at | src.remaining()) & (PAGE_BYTES - 1)) == 0) {
                at += io.channel().writeDirect(src, at);
            }
        } catch (IOException e) {
            if (!directWriteSucceeded && at == position && isInvalidArgument(e)) {
                directIo = false;
                io.writeFully(src, position, "");
                return bytes;
            }
            throw io.failure("direct write of " + bytes + " bytes at offset " + position
                    + (at != position ? " (" + (at - position) + " bytes written)" : ""), e);
        }
        directWriteSucceeded = true;
        if (src.hasRemaining()) {
            // A short direct write ended mid-page: the rest of the reservation is this put's alone.
            io.writeFully(src, at, " (rest of a short direct write at offset " + position + ")");
        }
        return bytes;
    }

    /** EINVAL from the kernel, or the JDK's own alignment check of a direct channel. */
    private static boolean isInvalidArgument(IOException e) {
        String message = e.getMessage();
        return message != null && (message.contains("Invalid argument") || message.contains("multiple of the block size"));
    }

    /** Frees the staging buffers (one in use by a concurrent put is freed when that put ends). */
    void close() {
        staging.close();
    }
}
