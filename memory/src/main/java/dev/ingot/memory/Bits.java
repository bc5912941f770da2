package dev.ingot.memory;

/**
 * Word-at-a-time operations on LSB-first bitmaps (Arrow validity layout) in {@link MemoryView}s.
 *
 * <p>Each operation checks its whole range once (while {@link MemoryView#SHOULD_BOUNDS_CHECK})
 * and then works unchecked inside it: a source bitmap of bits {@code [bit, bit + n)} is read only
 * within bytes {@code [bit / 8, ceil((bit + n) / 8))}; a destination bitmap is read and written in
 * whole 8-byte words, so its view must extend to the end of the 8-byte word holding its last bit.
 * Ranges outside a view throw {@link IndexOutOfBoundsException} ({@code index= length= capacity=},
 * in bytes). Stateless and thread-safe (the memory is the caller's to guard).
 */
public final class Bits {
    private Bits() {}

    /** Checks that the bytes holding bits {@code [bit, bit + n)} lie in {@code view}. */
    private static void checkBits(MemoryView view, long bit, long n) {
        if (bit < 0 || n < 0 || bit > Long.MAX_VALUE - n - 7) {
            throw new IndexOutOfBoundsException("bit=" + bit + " bits=" + n + " capacity=" + view.capacity());
        }
        long from = bit >>> 3;
        view.boundsCheck0(from, ((bit + n + 7) >>> 3) - from);
    }

    /** Checks that the 8-byte words holding bits {@code [bit, bit + n)} lie in {@code view}. */
    private static void checkWords(MemoryView view, long bit, long n) {
        if (bit < 0 || n < 0 || bit > Long.MAX_VALUE - n - 63) {
            throw new IndexOutOfBoundsException("bit=" + bit + " bits=" + n + " capacity=" + view.capacity());
        }
        long from = (bit >>> 6) << 3;
        view.boundsCheck0(from, (((bit + n + 63) >>> 6) << 3) - from);
    }

    /**
     * Reads {@code k} bits ({@code 1..64}) starting at bit {@code bit}, touching only the bytes that
     * hold them; bit 0 of the result is the first bit.
     *
     * @throws IllegalArgumentException if {@code k} is not 1..64
     */
    public static long readBits(MemoryView view, long bit, int k) {
        if (k < 1 || k > 64) {
            throw new IllegalArgumentException("bits to read must be 1..64: " + k);
        }
        if (MemoryView.SHOULD_BOUNDS_CHECK) {
            checkBits(view, bit, k);
        }
        return readBits(view.address, bit, k);
    }

    private static long readBits(long address, long bit, int k) {
        long b = bit >>> 3;
        int shift = (int) (bit & 7);
        int lastByte = (int) (((bit + k - 1) >>> 3) - b); // 0..8
        long w;
        if (lastByte >= 7) {
            w = NativeMemory.getLong(address + b) >>> shift;
            if (lastByte == 8) {
                w |= (NativeMemory.getByte(address + b + 8) & 0xFFL) << (64 - shift);
            }
        } else {
            w = 0;
            for (int i = 0; i <= lastByte; i++) {
                w |= (NativeMemory.getByte(address + b + i) & 0xFFL) << (8 * i);
            }
            w >>>= shift;
        }
        return k == 64 ? w : w & ((1L << k) - 1);
    }

    /**
     * ORs {@code n} bits from {@code src} at bit {@code srcBit} into {@code dst} at bit
     * {@code dstBit}; destination bits in that range must be zero beforehand (staging bitmaps are
     * zeroed when a chunk starts). Byte-aligned ranges are copied with one memory copy.
     */
    public static void copyBits(MemoryView srcView, long srcBit, MemoryView dstView, long dstBit, long n) {
        if (n <= 0) {
            return;
        }
        if (MemoryView.SHOULD_BOUNDS_CHECK) {
            checkBits(srcView, srcBit, n);
            checkWords(dstView, dstBit, n);
        }
        long src = srcView.address;
        long dst = dstView.address;
        if ((srcBit & 7) == 0 && (dstBit & 7) == 0) {
            long bytes = n >>> 3;
            NativeMemory.copy(src + (srcBit >>> 3), dst + (dstBit >>> 3), bytes);
            int rest = (int) (n & 7);
            if (rest != 0) {
                long last = dst + (dstBit >>> 3) + bytes;
                int bits = NativeMemory.getByte(src + (srcBit >>> 3) + bytes) & ((1 << rest) - 1);
                NativeMemory.putByte(last, (byte) (NativeMemory.getByte(last) | bits));
            }
            return;
        }
        // head: fill the destination word that dstBit starts in
        int inWord = (int) (dstBit & 63);
        if (inWord != 0) {
            int k = (int) Math.min(64 - inWord, n);
            long w = readBits(src, srcBit, k);
            long a = dst + ((dstBit >>> 6) << 3);
            NativeMemory.putLong(a, NativeMemory.getLong(a) | (w << inWord));
            srcBit += k;
            dstBit += k;
            n -= k;
        }
        // body: whole destination words
        long a = dst + ((dstBit >>> 6) << 3);
        while (n >= 64) {
            NativeMemory.putLong(a, readBits(src, srcBit, 64));
            a += 8;
            srcBit += 64;
            n -= 64;
        }
        // tail: the last partial word (dstBit is word-aligned here); whole-byte writes only
        if (n > 0) {
            long w = readBits(src, srcBit, (int) n);
            int bytes = (int) ((n + 7) >>> 3);
            for (int i = 0; i < bytes; i++) {
                NativeMemory.putByte(a + i, (byte) (NativeMemory.getByte(a + i) | (w >>> (8 * i))));
            }
        }
    }

    /** The index (0-based, relative to {@code bit}) of the first zero among {@code n} bits, or -1. */
    public static long firstZero(MemoryView view, long bit, long n) {
        if (n <= 0) {
            return -1;
        }
        if (MemoryView.SHOULD_BOUNDS_CHECK) {
            checkBits(view, bit, n);
        }
        long address = view.address;
        long i = 0;
        while (i < n) {
            int k = (int) Math.min(64, n - i);
            long w = readBits(address, bit + i, k);
            long mask = k == 64 ? -1L : (1L << k) - 1;
            if (w != mask) {
                return i + Long.numberOfTrailingZeros(~w);
            }
            i += k;
        }
        return -1;
    }

    /** Number of set bits among bits {@code [0, n)} of the bitmap in {@code view}. */
    public static long countOnes(MemoryView view, long n) {
        if (n <= 0) {
            return 0;
        }
        if (MemoryView.SHOULD_BOUNDS_CHECK) {
            checkBits(view, 0, n);
        }
        long address = view.address;
        long count = 0;
        long words = n >>> 6;
        for (long w = 0; w < words; w++) {
            count += Long.bitCount(NativeMemory.getLong(address + (w << 3)));
        }
        int rest = (int) (n & 63);
        if (rest != 0) {
            count += Long.bitCount(readBits(address, words << 6, rest));
        }
        return count;
    }

    /** Whether bit {@code bit} is set. */
    public static boolean isSet(MemoryView view, long bit) {
        if (bit < 0) {
            throw new IndexOutOfBoundsException("bit=" + bit + " capacity=" + view.capacity());
        }
        return (view.getByte(bit >>> 3) >>> (bit & 7) & 1) != 0;
    }
}
