package dev.ingot.constraints.hash;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Hash functions and sizing helpers shared by the off-heap hash sets of this package.
 *
 * <p>Algorithms:
 * <ul>
 *   <li>{@link #fmix64(long)} is the 64-bit finalizer of MurmurHash3 (Austin Appleby, public
 *       domain, {@code MurmurHash3.cpp}, {@code fmix64}); every input bit affects every output
 *       bit, so masking the low bits gives a usable table index even for sequential keys
 *       (Agrona's {@code Hashing.hash(long)} plays the same role with a weaker mix).</li>
 *   <li>{@link #hashPair(long, long)} mixes the first word, XORs in the second and mixes again.</li>
 *   <li>{@link #hashBytes(byte[], int, int)} runs the MurmurHash3_x64_128 body round on a single
 *       64-bit lane over little-endian 8-byte words (tail zero-padded), then adds the length and
 *       applies {@code fmix64}. Not the reference MurmurHash3 output; deterministic across runs.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class Hashing {
    /** Smallest load factor the sets accept (as Agrona's {@code CollectionUtil.validateLoadFactor}). */
    public static final float MIN_LOAD_FACTOR = 0.1f;
    /** Largest load factor the sets accept. */
    public static final float MAX_LOAD_FACTOR = 0.9f;
    /** Load factor used when none is given; the same as Agrona's {@code Hashing.DEFAULT_LOAD_FACTOR}. */
    public static final float DEFAULT_LOAD_FACTOR = 0.65f;

    private static final VarHandle LONGS_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;
    private static final long SEED = 0x9E3779B97F4A7C15L;

    private Hashing() {}

    /** The MurmurHash3 64-bit finalizer: a bijective avalanche mix of {@code k}. */
    public static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** A 64-bit hash of the 128-bit key {@code (high, low)}. */
    public static long hashPair(long high, long low) {
        return fmix64(fmix64(high) ^ low);
    }

    /**
     * A 64-bit hash of {@code length} bytes of {@code key} starting at {@code offset}.
     *
     * @throws IndexOutOfBoundsException if the range is outside the array
     */
    public static long hashBytes(byte[] key, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, key.length);
        long h = SEED;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            h = round(h, (long) LONGS_LE.get(key, i));
        }
        if (i < end) {
            long tail = 0;
            for (int shift = 0; i < end; i++, shift += 8) {
                tail |= (key[i] & 0xFFL) << shift;
            }
            h = round(h, tail);
        }
        return fmix64(h ^ length);
    }

    private static long round(long h, long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        k *= C2;
        h ^= k;
        h = Long.rotateLeft(h, 27);
        return h * 5 + 0x52dce729;
    }

    /** Reads a little-endian long from {@code bytes} at {@code index} (8 bytes must be present). */
    static long getLongLE(byte[] bytes, int index) {
        return (long) LONGS_LE.get(bytes, index);
    }

    /**
     * Checks a load factor is within [{@value #MIN_LOAD_FACTOR}, {@value #MAX_LOAD_FACTOR}].
     *
     * @throws IllegalArgumentException if it is not
     */
    public static void validateLoadFactor(float loadFactor) {
        if (!(loadFactor >= MIN_LOAD_FACTOR && loadFactor <= MAX_LOAD_FACTOR)) {
            throw new IllegalArgumentException("load factor must be in [" + MIN_LOAD_FACTOR + ", " + MAX_LOAD_FACTOR + "]: " + loadFactor);
        }
    }

    /**
     * The power-of-two slot count that holds {@code expectedSize} keys at {@code loadFactor}
     * without growing, clamped to [{@code minCapacity}, {@code maxCapacity}].
     *
     * @throws IllegalArgumentException if {@code expectedSize < 0}
     */
    public static int capacityFor(long expectedSize, float loadFactor, int minCapacity, int maxCapacity) {
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize must be >= 0: " + expectedSize);
        }
        long capacity = minCapacity;
        while (capacity < maxCapacity && thresholdFor((int) capacity, loadFactor) < expectedSize) {
            capacity <<= 1;
        }
        return (int) capacity;
    }

    /** How many keys a table of {@code capacity} slots holds before it grows. */
    static int thresholdFor(int capacity, float loadFactor) {
        return Math.min(capacity - 1, (int) (capacity * (double) loadFactor));
    }
}
