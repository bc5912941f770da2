package dev.ingot.memory;

import java.nio.ByteBuffer;

/**
 * A bounds-checked window of {@code capacity} bytes of native memory, addressed by byte index
 * from its start, in the manner of Agrona's {@code UnsafeBuffer.wrap(address, length)}. Views of
 * memory Ingot does not own come from {@link ArrowMemory#view} (Arrow buffers) and
 * {@link #of(ByteBuffer)} (direct and mapped buffers, e.g. a chunk blob); an owned
 * {@link MemoryBlock} is itself a view.
 *
 * <p>Every accessor checks {@code 0 <= index && index + n <= capacity} (in {@code long}
 * arithmetic, so no overflow lets an index through) and throws {@link IndexOutOfBoundsException}
 * with the message {@code index=I length=N capacity=C}. The checks can be switched off for
 * benchmarks only with {@code -D}{@value #BOUNDS_CHECKS_PROPERTY}{@code =false}, read once when
 * this class initialises; an access out of range then reads or writes foreign memory.
 *
 * <p>Ownership: a view does not own its memory and frees nothing; it is valid while the memory
 * it wraps is (the Arrow buffer not released, the buffer reachable, the block not closed).
 * Byte order: little-endian (the platform's; {@link NativeMemory} refuses big-endian hosts).
 *
 * <p>Thread-safety: plain (non-volatile) accesses; share the memory between threads only with a
 * happens-before edge (a lock, a queue, a thread start). The view object itself is immutable
 * (a {@link MemoryBlock} changes once, when closed).
 */
public sealed class MemoryView permits MemoryBlock {
    /**
     * The system property that switches the bounds checks of every view, block and {@link Bits}
     * operation off when set to {@code false}; for benchmarks only (default {@code true}).
     */
    public static final String BOUNDS_CHECKS_PROPERTY = "ingot.memory.boundsChecks";

    /** Whether accessors check their index: true unless {@value #BOUNDS_CHECKS_PROPERTY} is {@code false}. */
    public static final boolean SHOULD_BOUNDS_CHECK = !"false".equalsIgnoreCase(System.getProperty(BOUNDS_CHECKS_PROPERTY));

    /** Native address of byte 0; 0 once a {@link MemoryBlock} is closed. */
    long address;
    /** Bytes accessible from {@link #address}; 0 once a {@link MemoryBlock} is closed. */
    long limit;
    /**
     * The buffer whose memory this is ({@link #of(ByteBuffer)}), held so that it stays reachable
     * (its memory is freed when it is collected) as long as this view is; null otherwise.
     */
    private final ByteBuffer buffer;

    MemoryView(long address, long capacity) {
        this(address, capacity, null);
    }

    private MemoryView(long address, long capacity, ByteBuffer buffer) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + capacity);
        }
        if (address == 0 && capacity != 0) {
            throw new IllegalArgumentException("null address for a view of " + capacity + " bytes");
        }
        this.address = address;
        this.limit = capacity;
        this.buffer = buffer;
    }

    /**
     * A view of bytes {@code [0, capacity)} of a direct {@link ByteBuffer} (position and limit
     * ignored), e.g. a chunk blob from the pager. The view holds the buffer, as Agrona's
     * {@code UnsafeBuffer} does, so a buffer referenced only by its view (such as
     * {@code MemoryView.of(ByteBuffer.allocateDirect(n))}) is not collected, and its memory freed,
     * while the view is in use.
     *
     * @throws IllegalArgumentException if {@code direct} is not direct
     */
    public static MemoryView of(ByteBuffer direct) {
        return new MemoryView(NativeMemory.addressOf(direct), direct.capacity(), direct);
    }

    /** Size of the view in bytes. */
    public long capacity() {
        return limit;
    }

    /**
     * Checks {@code [index, index + length)} against the capacity (always, whatever
     * {@link #SHOULD_BOUNDS_CHECK} says).
     *
     * @throws IndexOutOfBoundsException {@code index=I length=N capacity=C} if the range is outside the view
     * @throws IllegalStateException if this is a closed {@link MemoryBlock}
     */
    public final void boundsCheck(long index, long length) {
        boundsCheck0(index, length);
    }

    final void boundsCheck0(long index, long length) {
        if (index < 0 || length < 0 || index > limit - length) {
            throw outOfBounds(index, length);
        }
    }

    /** The failure of a bounds check (a closed {@link MemoryBlock} says so instead). */
    RuntimeException outOfBounds(long index, long length) {
        return new IndexOutOfBoundsException("index=" + index + " length=" + length + " capacity=" + limit);
    }

    /** A view of {@code length} bytes from {@code index}; valid while this view's memory is. */
    public MemoryView slice(long index, long length) {
        boundsCheck(index, length);
        return new MemoryView(address + index, length);
    }

    public final byte getByte(long index) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 1);
        }
        return NativeMemory.getByte(address + index);
    }

    public final void putByte(long index, byte value) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 1);
        }
        NativeMemory.putByte(address + index, value);
    }

    /** The little-endian 16-bit value at {@code index}. */
    public final short getShort(long index) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 2);
        }
        return NativeMemory.getShort(address + index);
    }

    public final void putShort(long index, short value) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 2);
        }
        NativeMemory.putShort(address + index, value);
    }

    /** The little-endian 32-bit value at {@code index}. */
    public final int getInt(long index) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 4);
        }
        return NativeMemory.getInt(address + index);
    }

    public final void putInt(long index, int value) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 4);
        }
        NativeMemory.putInt(address + index, value);
    }

    /** The little-endian 64-bit value at {@code index}. */
    public final long getLong(long index) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 8);
        }
        return NativeMemory.getLong(address + index);
    }

    public final void putLong(long index, long value) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 8);
        }
        NativeMemory.putLong(address + index, value);
    }

    /** Sets {@code length} bytes from {@code index} to {@code value}. */
    public final void fill(long index, long length, byte value) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, length);
        }
        NativeMemory.fill(address + index, length, value);
    }

    /** Copies {@code length} bytes from {@code index} of this view to {@code dstIndex} of {@code dst} (ranges must not overlap). */
    public final void copyTo(long index, MemoryView dst, long dstIndex, long length) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, length);
            dst.boundsCheck0(dstIndex, length);
        }
        NativeMemory.copy(address + index, dst.address + dstIndex, length);
    }

    /** Copies {@code length} bytes from {@code index} into {@code dst[dstIndex ..]}. */
    public final void getBytes(long index, byte[] dst, int dstIndex, int length) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, length);
        }
        NativeMemory.copyToArray(address + index, dst, dstIndex, length);
    }

    /** Copies {@code src[srcIndex .. srcIndex + length)} to {@code index}. */
    public final void putBytes(long index, byte[] src, int srcIndex, int length) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, length);
        }
        NativeMemory.copyFromArray(src, srcIndex, address + index, length);
    }

    /** Copies {@code count} little-endian longs from {@code index} into {@code dst[dstIndex ..]}. */
    public final void getLongs(long index, long[] dst, int dstIndex, int count) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 8L * count);
        }
        NativeMemory.copyToLongArray(address + index, dst, dstIndex, count);
    }

    /** Copies {@code count} little-endian ints from {@code index} into {@code dst[dstIndex ..]}. */
    public final void getInts(long index, int[] dst, int dstIndex, int count) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 4L * count);
        }
        NativeMemory.copyToIntArray(address + index, dst, dstIndex, count);
    }

    /** Copies {@code src[srcIndex, srcIndex + count)} as little-endian longs to {@code index}. */
    public final void putLongs(long index, long[] src, int srcIndex, int count) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 8L * count);
        }
        NativeMemory.copyFromLongArray(src, srcIndex, address + index, count);
    }

    /** Copies {@code src[srcIndex, srcIndex + count)} as little-endian ints to {@code index}. */
    public final void putInts(long index, int[] src, int srcIndex, int count) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 4L * count);
        }
        NativeMemory.copyFromIntArray(src, srcIndex, address + index, count);
    }

    /**
     * Expands runs into 8-byte slots from {@code index}: run {@code r} stores {@code values[r]}
     * (little-endian) into slots {@code [ends[r - 1], ends[r])} (run 0 from slot 0), e.g. the runs
     * of an RLE chunk into an Arrow data buffer. The slots up to the last end are checked once;
     * runs then store 8 slots unconditionally where that stays within them (the slots past a short
     * run are overwritten by the runs after it), so short runs of varying length cost no branch
     * on their length.
     *
     * @throws IllegalArgumentException  if a run ends before it starts or past the last run's end
     * @throws IndexOutOfBoundsException if {@code runs} exceeds either array
     */
    public final void putRuns(long index, long[] values, int[] ends, int runs) {
        java.util.Objects.checkFromIndexSize(0, runs, values.length);
        java.util.Objects.checkFromIndexSize(0, runs, ends.length);
        if (runs == 0) {
            return;
        }
        int total = ends[runs - 1];
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 8L * total);
        }
        long base = address + index;
        int start = 0;
        for (int r = 0; r < runs; r++) {
            int end = ends[r];
            if (end < start || end > total) {
                throw new IllegalArgumentException("run " + r + " ends at " + end + ", before its start " + start
                        + " or past the last run's end " + total);
            }
            long v = values[r];
            int i = start;
            if (start <= total - 8) {
                long d = base + 8L * start;
                NativeMemory.putLong(d, v);
                NativeMemory.putLong(d + 8, v);
                NativeMemory.putLong(d + 16, v);
                NativeMemory.putLong(d + 24, v);
                NativeMemory.putLong(d + 32, v);
                NativeMemory.putLong(d + 40, v);
                NativeMemory.putLong(d + 48, v);
                NativeMemory.putLong(d + 56, v);
                i = start + 8;
            }
            for (; i < end; i++) {
                NativeMemory.putLong(base + 8L * i, v);
            }
            start = end;
        }
    }

    /**
     * Reads one word of each of {@code count} variable-width values: value {@code i} is bytes
     * {@code [offsets[from + i], offsets[from + i + 1])} of this view (Arrow's offsets layout), and
     * {@code out[outIndex + i * outStride]} becomes its bytes {@code [skip, skip + 8)} as a
     * little-endian word, zero past the value's end (0 for a value of at most {@code skip} bytes).
     * With {@code skip} = 0, 8, 16, ... the words of a value of equal length are equal exactly when
     * the values are. Offsets must not decrease, so the whole range
     * {@code [offsets[from], offsets[from + count])} is checked once; each value reads one
     * unaligned word where 8 bytes stay in the view, byte by byte at the view's end.
     *
     * @throws IllegalArgumentException  if a value ends before it starts, {@code skip} is negative or {@code outStride} below 1
     * @throws IndexOutOfBoundsException if the values are outside the view or the ranges outside the arrays
     */
    public final void getValueWords(int[] offsets, int from, int count, int skip, long[] out, int outIndex, int outStride) {
        if (skip < 0 || outStride < 1) {
            throw new IllegalArgumentException("skip " + skip + ", stride " + outStride);
        }
        java.util.Objects.checkFromIndexSize(from, count + 1, offsets.length);
        if (count > 0) {
            java.util.Objects.checkFromIndexSize(outIndex, (long) (count - 1) * outStride + 1, out.length);
        }
        int first = offsets[from];
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(first, (long) offsets[from + count] - first);
        }
        long wholeWordsBelow = limit - 8; // words starting at or below this are one read
        int start = first;
        for (int i = 0, o = outIndex; i < count; i++, o += outStride) {
            int end = offsets[from + i + 1];
            int len = end - start;
            if (len < 0) {
                throw new IllegalArgumentException("value " + (from + i) + " ends at " + end + " before its start " + start);
            }
            int rest = len - skip;
            long at = (long) start + skip;
            long w = 0;
            if (at <= wholeWordsBelow) {
                // one read and a mask of the value's bytes in it (none when rest <= 0), without a branch
                // on the length: values of mixed lengths (l_shipinstruct) would mispredict it row by row
                int shift = (8 - Math.min(Math.max(rest, 0), 8)) << 3; // 64 - 8 * (bytes kept)
                w = NativeMemory.getLong(address + at) & ((-1L >>> (shift >> 1)) >>> (shift - (shift >> 1))); // two shifts: 64 clears all
            } else {
                for (int j = 0, n = Math.min(rest, 8); j < n; j++) {
                    w |= (NativeMemory.getByte(address + at + j) & 0xFFL) << (8 * j);
                }
            }
            out[o] = w;
            start = end;
        }
    }

    /**
     * Stores {@code src[srcIndex, srcIndex + count)} as 16-byte little-endian two's-complement
     * values from {@code index} (Arrow's decimal layout: the low word the value, the high word its
     * sign extension): the whole range is checked once, the stores run unchecked.
     *
     * @throws IndexOutOfBoundsException if the source range is outside {@code src}
     */
    public final void putLongsSignExtended(long index, long[] src, int srcIndex, int count) {
        java.util.Objects.checkFromIndexSize(srcIndex, count, src.length);
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, 16L * count);
        }
        long d = address + index;
        for (int i = srcIndex, end = srcIndex + count; i < end; i++, d += 16) {
            long v = src[i];
            NativeMemory.putLong(d, v);
            NativeMemory.putLong(d + 8, v >> 63);
        }
    }

    /**
     * Copies {@code count} 8-byte values, value {@code i} from {@code index + i * stride} of this
     * view to {@code dstIndex + i * dstStride} of {@code dst} (e.g. the low words of 16-byte
     * decimals into an 8-byte column); both whole ranges are checked once, the loop runs unchecked.
     *
     * @throws IllegalArgumentException if {@code count < 0} or a stride is below 8
     */
    public final void copyLongs(long index, int stride, MemoryView dst, long dstIndex, int dstStride, int count) {
        if (count < 0 || stride < 8 || dstStride < 8) {
            throw new IllegalArgumentException("count " + count + ", strides " + stride + " and " + dstStride);
        }
        if (count == 0) {
            return;
        }
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(index, (long) stride * (count - 1) + 8);
            dst.boundsCheck0(dstIndex, (long) dstStride * (count - 1) + 8);
        }
        long s = address + index;
        long d = dst.address + dstIndex;
        for (int i = 0; i < count; i++) {
            NativeMemory.putLong(d, NativeMemory.getLong(s));
            s += stride;
            d += dstStride;
        }
    }

    /**
     * Unsigned lexicographic comparison of bytes {@code [a, a + aLength)} and {@code [b, b + bLength)}
     * of this view, 8 bytes at a time (a prefix sorts first).
     */
    public final int compareBytes(long a, int aLength, long b, int bLength) {
        if (SHOULD_BOUNDS_CHECK) {
            boundsCheck0(a, aLength);
            boundsCheck0(b, bLength);
        }
        long x0 = address + a;
        long y0 = address + b;
        int n = Math.min(aLength, bLength);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            long x = NativeMemory.getLong(x0 + i);
            long y = NativeMemory.getLong(y0 + i);
            if (x != y) {
                return Long.compareUnsigned(Long.reverseBytes(x), Long.reverseBytes(y));
            }
        }
        int rest = n - i;
        if (rest > 0 && a + i + 8 <= limit && b + i + 8 <= limit) {
            // the last 1-7 bytes in one read each, the bytes past them masked off (both reads stay in the view)
            long mask = -1L << (64 - 8 * rest);
            long x = Long.reverseBytes(NativeMemory.getLong(x0 + i)) & mask;
            long y = Long.reverseBytes(NativeMemory.getLong(y0 + i)) & mask;
            return x != y ? Long.compareUnsigned(x, y) : Integer.compare(aLength, bLength);
        }
        for (; i < n; i++) {
            int c = (NativeMemory.getByte(x0 + i) & 0xFF) - (NativeMemory.getByte(y0 + i) & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(aLength, bLength);
    }

    @Override
    public String toString() {
        return "MemoryView[" + limit + " bytes]";
    }
}
