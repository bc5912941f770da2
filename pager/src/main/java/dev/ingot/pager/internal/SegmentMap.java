package dev.ingot.pager.internal;

import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.StoreCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.util.Arrays;

/**
 * The segments of a {@link MappedPager} store file: the file's length (grown by a writer to a
 * multiple of {@code segmentBytes} before anything is written beyond it) and the read-only
 * mappings through which every blob is read. Segment {@code i} is file bytes
 * {@code [i * segmentBytes, (i + 1) * segmentBytes)}; a blob never crosses a segment boundary, so
 * each blob is one slice of one mapping.
 *
 * <p>Segments are mapped lazily, whole and once (a reader, which never grows the file, maps what
 * the file holds of a segment and maps it again, larger, when a refreshed commit reaches further).
 * {@link #close()} drops the references without unmapping: the garbage collector unmaps each
 * segment when its last view is gone (an explicit unmap would crash a JVM still holding a view).
 *
 * <p>Thread-safety: thread-safe. The mapping array is copy-on-write under a lock and read without
 * one; growth is serialized by its own lock.
 */
final class SegmentMap {
    private static final ByteBuffer EMPTY_BLOB = ByteBuffer.allocateDirect(0).asReadOnlyBuffer();

    private final StoreFileIo io;
    private final int segmentBytes;
    private final long dataStartOffset;
    private final boolean readOnly;
    private final PagerDiagnostics diagnostics;

    /** Guards file growth; {@link #fileLength} is the length this pager has grown the file to (or seen). */
    private final Object growLock = new Object();
    private volatile long fileLength;
    /** Guards mapping and {@link #closed}; {@link #segments} is copy-on-write, indexed by segment number. */
    private final Object mapLock = new Object();
    private volatile MappedByteBuffer[] segments = new MappedByteBuffer[0];
    private boolean closed;

    SegmentMap(StoreFileIo io, int segmentBytes, long dataStartOffset, boolean readOnly, long fileLength,
               PagerDiagnostics diagnostics) {
        this.io = io;
        this.segmentBytes = segmentBytes;
        this.dataStartOffset = dataStartOffset;
        this.readOnly = readOnly;
        this.fileLength = fileLength;
        this.diagnostics = diagnostics;
    }

    /** {@code offset} rounded up to a multiple of {@code segmentBytes}. */
    static long roundUpToSegment(long offset, int segmentBytes) {
        return (offset + segmentBytes - 1) & -(long) segmentBytes;
    }

    /** The file length this pager grew the file to, or (read-only) the largest size it has seen. */
    long fileLength() {
        return fileLength;
    }

    /** Notes a file size read by a refresh of a read-only pager (the writer only ever grows it). */
    void observeFileLength(long size) {
        synchronized (growLock) {
            if (size > fileLength) {
                fileLength = size;
            }
        }
    }

    /**
     * Notes that the writer truncated the file to {@code length} (a segment multiple) and drops
     * the mappings of the segments beyond it; nothing may read beyond it afterwards.
     */
    void shrinkTo(long length) {
        synchronized (growLock) {
            synchronized (mapLock) {
                fileLength = length;
                int keep = (int) (length / segmentBytes);
                if (segments.length > keep) {
                    segments = Arrays.copyOf(segments, keep);
                }
            }
        }
    }

    /** The start of the data region. */
    long dataStartOffset() {
        return dataStartOffset;
    }

    /** Grows the file to the segment multiple covering {@code endOffset}, before anything is written there. */
    void ensureFileLength(long endOffset) throws IOException {
        if (endOffset <= fileLength) {
            return;
        }
        synchronized (growLock) {
            long current = fileLength;
            if (endOffset <= current) {
                return;
            }
            long target = roundUpToSegment(endOffset, segmentBytes);
            // A positional write of the last byte: sparse, leaves the channel position alone, and
            // reports a full disk as an IOException. Bytes in [current, target) are not yet in use.
            io.writeFully(ByteBuffer.allocate(1), target - 1, " (growing the file to " + target + " bytes)");
            fileLength = target;
        }
    }

    /**
     * A read-only little-endian slice of the mapped segment holding {@code [offset, offset + length)}.
     *
     * @throws StoreCorruptedException if the range lies outside the data region or the file, or
     *                                 crosses a segment boundary
     * @throws IllegalStateException   if the map is closed and the segment was not mapped yet
     */
    ByteBuffer view(long key, long offset, int length) throws IOException {
        if (length == 0) {
            return EMPTY_BLOB.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        }
        long segmentIndex = offset / segmentBytes;
        long inSegment = offset - segmentIndex * segmentBytes;
        long length0 = fileLength;
        if (offset < dataStartOffset || length < 0 || inSegment + length > segmentBytes
                || offset + length > length0 || segmentIndex > Integer.MAX_VALUE) {
            throw new StoreCorruptedException(io.file(), offset, "blob of key " + key + " [" + offset + ", +" + length
                    + ") is outside the data region [" + dataStartOffset + ", " + length0
                    + ") or crosses a segment boundary");
        }
        MappedByteBuffer segment = segment((int) segmentIndex, inSegment + length);
        return segment.slice((int) inSegment, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The mapping of segment {@code index}, covering at least its first {@code needed} bytes. */
    private MappedByteBuffer segment(int index, long needed) throws IOException {
        MappedByteBuffer[] current = segments;
        if (index < current.length && current[index] != null && current[index].capacity() >= needed) {
            return current[index];
        }
        synchronized (mapLock) {
            if (closed) {
                throw new IllegalStateException("pager " + io.file() + " is closed");
            }
            current = segments;
            if (index < current.length && current[index] != null && current[index].capacity() >= needed) {
                return current[index];
            }
            long start = (long) index * segmentBytes;
            long size = io.size();
            long mapBytes = readOnly ? Math.min(segmentBytes, size - start) : segmentBytes;
            if (mapBytes < needed || start + mapBytes > size) {
                throw new StoreCorruptedException(io.file(), start, "segment " + index + " [" + start + ", "
                        + (start + (readOnly ? needed : segmentBytes)) + ") lies beyond the end of the file (" + size
                        + " bytes): truncated");
            }
            MappedByteBuffer mapped;
            try {
                mapped = io.channel().mapReadOnly(start, mapBytes);
            } catch (IOException e) {
                throw StoreFileIo.ioFailure(io.file(), "mapping segment " + index + " (" + mapBytes + " bytes at offset "
                        + start + ")", e);
            }
            MappedByteBuffer[] next = Arrays.copyOf(current, Math.max(current.length, index + 1));
            next[index] = mapped;
            segments = next;
            diagnostics.increment(Counter.SEGMENTS_MAPPED);
            return mapped;
        }
    }

    /** Drops every mapping reference (the GC unmaps them) and refuses new mappings. Idempotent. */
    void close() {
        synchronized (mapLock) {
            closed = true;
            segments = new MappedByteBuffer[0];
        }
    }
}
