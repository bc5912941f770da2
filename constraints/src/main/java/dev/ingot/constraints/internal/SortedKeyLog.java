package dev.ingot.constraints.internal;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An off-heap, append-only log of strictly increasing keys of one or two integer columns, delta
 * encoded: what a {@link KeySetKind#SORTED sorted} key set keeps so that it can rebuild an exact
 * set if the order breaks later. Each key is written as LEB128 varints (7 bits a byte, as
 * Protocol Buffers' varints): the first column as the unsigned difference to the previous key's;
 * for two columns then the second column as the difference to the previous second column if the
 * first column repeated, else zig-zag encoded. Sorted TPC-H keys take 1-2 bytes each.
 *
 * <p>Memory: segments of 4 KiB doubling up to 8 MiB from the allocator, never copied.
 *
 * <p>Thread-safety: not thread-safe. Ownership: the creator closes it; close is idempotent.
 */
final class SortedKeyLog implements AutoCloseable {
    private static final int FIRST_SEGMENT = 4 << 10;
    private static final int MAX_SEGMENT = 8 << 20;
    /** Longest encoding of one key: two 10-byte varints. */
    private static final int MAX_KEY_BYTES = 20;

    private final NativeAllocator allocator;
    private final boolean pair;
    private final List<MemoryBlock> segments = new ArrayList<>();
    /** Bytes used in each finished segment. */
    private final List<Integer> used = new ArrayList<>();
    private MemoryBlock current;
    private int position;
    private long lastA;
    private long lastB;
    private long count;
    private long bytes;
    private boolean closed;

    SortedKeyLog(NativeAllocator allocator, boolean pair) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.pair = pair;
    }

    /** Receives replayed keys a window at a time. */
    interface Sink {
        void accept(long[] a, long[] b, int n);
    }

    /**
     * Appends a key that the caller has checked to be greater than the last one.
     *
     * @throws dev.ingot.memory.MemoryLimitException if a new segment cannot be allocated (the log is unchanged)
     * @throws IllegalStateException if closed
     */
    void append(long a, long b) {
        if (current == null || position > current.capacity() - MAX_KEY_BYTES) {
            nextSegment();
        }
        long da = a - lastA;
        int p = putVarint(current, position, da);
        if (pair) {
            p = putVarint(current, p, da == 0 ? b - lastB : (b << 1) ^ (b >> 63));
        }
        position = p;
        lastA = a;
        lastB = b;
        count++;
    }

    private void nextSegment() {
        if (closed) {
            throw new IllegalStateException("SortedKeyLog is closed");
        }
        long size = current == null ? FIRST_SEGMENT : Math.min(MAX_SEGMENT, current.capacity() * 2);
        MemoryBlock next = allocator.allocate(size, "SortedKeyLog segment");
        if (current != null) {
            used.add(position);
        }
        segments.add(next);
        current = next;
        position = 0;
        bytes += size;
    }

    private static int putVarint(MemoryBlock m, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            m.putByte(p++, (byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        m.putByte(p++, (byte) v);
        return p;
    }

    /** Keys appended. */
    long count() {
        return count;
    }

    /** Off-heap bytes held. */
    long allocatedBytes() {
        return bytes;
    }

    /**
     * Decodes every key in order into windows of {@code a} (and {@code b}; unused for one column),
     * handing each full window and the last partial one to {@code sink}.
     */
    void replay(long[] a, long[] b, Sink sink) {
        long pa = 0;
        long pb = 0;
        int n = 0;
        for (int s = 0; s < segments.size(); s++) {
            MemoryBlock m = segments.get(s);
            int end = s < used.size() ? used.get(s) : position;
            int p = 0;
            while (p < end) {
                long v = 0;
                int shift = 0;
                byte x;
                do {
                    x = m.getByte(p++);
                    v |= (long) (x & 0x7F) << shift;
                    shift += 7;
                } while (x < 0);
                long da = v;
                pa += da;
                if (pair) {
                    v = 0;
                    shift = 0;
                    do {
                        x = m.getByte(p++);
                        v |= (long) (x & 0x7F) << shift;
                        shift += 7;
                    } while (x < 0);
                    pb = da == 0 ? pb + v : (v >>> 1) ^ -(v & 1);
                    b[n] = pb;
                }
                a[n++] = pa;
                if (n == a.length) {
                    sink.accept(a, b, n);
                    n = 0;
                }
            }
        }
        if (n > 0) {
            sink.accept(a, b, n);
        }
    }

    /** Frees every segment; idempotent. */
    @Override
    public void close() {
        for (MemoryBlock m : segments) {
            m.close();
        }
        segments.clear();
        used.clear();
        current = null;
        bytes = 0;
        closed = true;
    }
}
