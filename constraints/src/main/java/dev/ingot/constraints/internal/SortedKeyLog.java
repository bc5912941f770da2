package dev.ingot.constraints.internal;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An off-heap, append-only log of strictly increasing keys of one or two integer columns, delta
 * encoded: what a {@link dev.ingot.constraints.KeySetKind#SORTED sorted} key set keeps so that it
 * can rebuild an exact set if the order breaks later. Keys are written as LEB128 varints (7 bits a
 * byte, as Protocol Buffers' varints). One column: the unsigned difference to the previous key.
 * Two columns {@code (a, b)}: a head varint whose low 2 bits are a tag:
 * <pre>
 *   tag 0: a repeated;  head &gt;&gt;&gt; 2 = b - previous b            (when that is below 2^62)
 *   tag 1: a grew;      head &gt;&gt;&gt; 2 = a - previous a, then zig-zag(b)   (difference below 2^62)
 *   tag 2: otherwise;   then varint(a - previous a), zig-zag(b)
 * </pre>
 * so the next line of a TPC-H order takes one byte and a new order two or three: about 1.4 bytes a
 * lineitem key, 1 byte an orders key.
 *
 * <p>Memory: segments of 4 KiB doubling up to 8 MiB from the allocator, never copied.
 *
 * <p>Thread-safety: not thread-safe. Ownership: the creator closes it; close is idempotent.
 */
final class SortedKeyLog implements AutoCloseable {
    private static final int FIRST_SEGMENT = 4 << 10;
    private static final int MAX_SEGMENT = 8 << 20;
    /** Longest encoding of one key: a 1-byte head and two 10-byte varints. */
    private static final int MAX_KEY_BYTES = 21;
    private static final long SMALL = 1L << 62;

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
        int p;
        if (!pair) {
            p = putVarint(current, position, da);
        } else if (da == 0 && Long.compareUnsigned(b - lastB, SMALL) < 0) {
            p = putVarint(current, position, (b - lastB) << 2);
        } else if (da != 0 && Long.compareUnsigned(da, SMALL) < 0) {
            p = putVarint(current, position, (da << 2) | 1);
            p = putVarint(current, p, (b << 1) ^ (b >> 63));
        } else {
            p = putVarint(current, position, 2);
            p = putVarint(current, p, da);
            p = putVarint(current, p, (b << 1) ^ (b >> 63));
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

    /** Reads the varint at {@code at[0]} and advances it. */
    private static long getVarint(MemoryBlock m, long[] at) {
        long p = at[0];
        long v = 0;
        int shift = 0;
        byte x;
        do {
            x = m.getByte(p++);
            v |= (long) (x & 0x7F) << shift;
            shift += 7;
        } while (x < 0);
        at[0] = p;
        return v;
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
            long[] cursor = {0};
            while (p < end) {
                cursor[0] = p;
                long v = getVarint(m, cursor);
                if (!pair) {
                    pa += v;
                } else {
                    int tag = (int) (v & 3);
                    if (tag == 0) {
                        pb += v >>> 2;
                    } else {
                        pa += tag == 1 ? v >>> 2 : getVarint(m, cursor);
                        long z = getVarint(m, cursor);
                        pb = (z >>> 1) ^ -(z & 1);
                    }
                    b[n] = pb;
                }
                p = (int) cursor[0];
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
