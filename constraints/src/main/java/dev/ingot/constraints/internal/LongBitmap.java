package dev.ingot.constraints.internal;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * An off-heap bitmap of the integer keys in {@code [lo, hi]}: bit {@code k - lo} is set when key
 * {@code k} is present ({@code lo} is a multiple of 64, so a grown bitmap copies whole words).
 *
 * <p>Thread-safety: not thread-safe for writes; once published, {@link #contains} may be called
 * from any number of threads. Ownership: the creator closes it; close is idempotent.
 */
final class LongBitmap implements AutoCloseable {
    /** The widest range a bitmap covers: 2^34 values (2 GiB of bits). */
    static final long MAX_BITS = 1L << 34;

    private final NativeAllocator allocator;
    private MemoryBlock words;
    private long lo;
    /** Number of values covered: a multiple of 64. */
    private long bits;

    /**
     * Creates an empty bitmap covering at least {@code [min, max]}.
     *
     * @throws IllegalArgumentException if {@code min > max} or the range is wider than {@link #MAX_BITS}
     */
    LongBitmap(NativeAllocator allocator, long min, long max) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.lo = floor64(min);
        this.bits = wordsFor(lo, max) * 64;
        this.words = allocator.allocate(bits / 8, "LongBitmap words");
    }

    static long floor64(long v) {
        return Math.floorDiv(v, 64) * 64;
    }

    /** Words needed to cover {@code [lo, max]}; lo a multiple of 64. */
    private static long wordsFor(long lo, long max) {
        if (max < lo) {
            throw new IllegalArgumentException("empty range [" + lo + ", " + max + "]");
        }
        long span = max - lo; // may overflow for extreme ranges: treated as too wide
        if (span < 0 || span >= MAX_BITS) {
            throw new IllegalArgumentException("range [" + lo + ", " + max + "] is wider than " + MAX_BITS + " values");
        }
        return span / 64 + 1;
    }

    /** Bytes a bitmap covering {@code [min, max]} takes, or {@link Long#MAX_VALUE} if too wide. */
    static long bytesFor(long min, long max) {
        long l = floor64(min);
        long span = max - l;
        if (max < l || span < 0 || span >= MAX_BITS) {
            return Long.MAX_VALUE;
        }
        return (span / 64 + 1) * 8;
    }

    boolean covers(long k) {
        return k >= lo && k - lo < bits;
    }

    /** The lowest value covered. */
    long lo() {
        return lo;
    }

    /** The highest value covered. */
    long hi() {
        return lo + bits - 1;
    }

    /**
     * Grows the bitmap to cover {@code [min, max]} as well (a new block; set bits move by whole
     * words; the old block is freed after the copy, so a refused allocation leaves it unchanged).
     */
    void growTo(long min, long max) {
        long newLo = Math.min(lo, floor64(min));
        long newHi = Math.max(hi(), max);
        long newWords = wordsFor(newLo, newHi);
        MemoryBlock fresh = allocator.allocate(newWords * 8, "LongBitmap words");
        words.copyTo(0, fresh, (lo - newLo) / 8, bits / 8);
        words.close();
        words = fresh;
        lo = newLo;
        bits = newWords * 64;
    }

    /**
     * Sets the bit of {@code k}, which must be covered.
     *
     * @return false if it was already set
     */
    boolean add(long k) {
        long i = k - lo;
        long at = (i >>> 6) << 3;
        long w = words.getLong(at);
        long m = 1L << i;
        if ((w & m) != 0) {
            return false;
        }
        words.putLong(at, w | m);
        return true;
    }

    boolean contains(long k) {
        if (!covers(k)) {
            return false;
        }
        long i = k - lo;
        return (words.getLong((i >>> 6) << 3) & (1L << i)) != 0;
    }

    /** Calls {@code action} for every present key in increasing order. */
    void forEach(LongConsumer action) {
        long n = bits / 64;
        for (long w = 0; w < n; w++) {
            long x = words.getLong(w << 3);
            while (x != 0) {
                int t = Long.numberOfTrailingZeros(x);
                action.accept(lo + w * 64 + t);
                x &= x - 1;
            }
        }
    }

    long allocatedBytes() {
        MemoryBlock w = words;
        return w == null ? 0 : w.capacity();
    }

    @Override
    public void close() {
        MemoryBlock w = words;
        words = null;
        if (w != null) {
            w.close();
        }
    }
}
