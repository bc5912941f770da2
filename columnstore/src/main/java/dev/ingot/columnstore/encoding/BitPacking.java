package dev.ingot.columnstore.encoding;

/**
 * Fixed-width bit-packing of unsigned integers into 64-bit words, the layout of Ingot's encoded
 * column chunks: value {@code i} of width {@code w} (0 to 64 bits) occupies bits
 * {@code [i * w, i * w + w)} of the packed stream, least significant bit first, bit {@code b}
 * of the stream being bit {@code b % 64} of word {@code b / 64}; words are stored little-endian,
 * so the stream is also LSB-first in byte order (the layout of Arrow's validity bitmaps and of
 * Lemire and Boytsov's "horizontal" packing, Software: Practice and Experience 2015, without
 * their SIMD lane interleaving). A width of 0 packs nothing: every value is 0.
 *
 * <p>Packing reads heap arrays and writes heap words (the writer moves them to the chunk);
 * unpacking reads the chunk's buffer in place, one unaligned 8-byte load per value.
 *
 * <p>Thread-safety: stateless; every method only touches its arguments.
 */
public final class BitPacking {
    /** Largest bit width. */
    public static final int MAX_WIDTH = 64;

    private BitPacking() {}

    /** Bits needed for the unsigned value {@code v}: 0 for 0, 64 for a negative long. */
    public static int width(long v) {
        return 64 - Long.numberOfLeadingZeros(v);
    }

    /** Words holding {@code n} values of {@code width} bits. */
    public static int words(int n, int width) {
        checkWidth(width);
        return (int) (((long) n * width + 63) >>> 6);
    }

    /** Bytes holding {@code n} values of {@code width} bits: whole 8-byte words. */
    public static long bytes(int n, int width) {
        return 8L * words(n, width);
    }

    /**
     * Packs {@code values[from, from + n)} minus {@code reference} (wrapping 64-bit subtraction)
     * at {@code width} bits into {@code words[0, words(n, width))}, which are overwritten.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64], {@code words} is too
     *         short, or a value minus the reference needs more than {@code width} bits
     */
    public static void pack(long[] values, int from, int n, long reference, int width, long[] words) {
        int nWords = words(n, width);
        if (words.length < nWords) {
            throw new IllegalArgumentException("need " + nWords + " words for " + n + " values of " + width + " bits, have " + words.length);
        }
        java.util.Arrays.fill(words, 0, nWords, 0L);
        if (width == 0) {
            for (int i = 0; i < n; i++) {
                if (values[from + i] != reference) {
                    throw tooWide(values[from + i], reference, width);
                }
            }
            return;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long bit = 0;
        for (int i = 0; i < n; i++, bit += width) {
            long v = values[from + i] - reference;
            if ((v & ~mask) != 0) {
                throw tooWide(values[from + i], reference, width);
            }
            int word = (int) (bit >>> 6);
            int shift = (int) (bit & 63);
            words[word] |= v << shift;
            if (shift + width > 64) {
                words[word + 1] |= v >>> (64 - shift);
            }
        }
    }

    /**
     * Unpacks {@code n} values of {@code width} bits stored at {@code index} of {@code src} (a
     * little-endian buffer holding {@code bytes(n, width)} bytes there), adds {@code reference}
     * (wrapping) and writes them to {@code out[0, n)}. Reads each value with one unaligned 8-byte
     * load where the buffer has 8 bytes from the value's first byte (widths up to 56), so no word
     * is copied to the heap first; the last values and wider widths take the word path.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64]
     * @throws IndexOutOfBoundsException if {@code src} holds fewer bytes than the values need
     */
    public static void unpack(java.nio.ByteBuffer src, int index, int n, int width, long reference, long[] out) {
        int fast = checkUnpack(src, index, n, width, out.length, 64);
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long bit = 0;
        for (int i = 0; i < n; i++, bit += width) {
            out[i] = value(src, index, bit, width, mask, i < fast) + reference;
        }
    }

    /**
     * {@link #unpack(java.nio.ByteBuffer, int, int, int, long, long[])} into ints: widths up to
     * 32, the low 32 bits of each sum (codes, lengths, row numbers, 32-bit kinds).
     */
    public static void unpack(java.nio.ByteBuffer src, int index, int n, int width, long reference, int[] out) {
        int fast = checkUnpack(src, index, n, width, out.length, 32);
        long mask = (1L << width) - 1;
        long bit = 0;
        for (int i = 0; i < n; i++, bit += width) {
            out[i] = (int) (value(src, index, bit, width, mask, i < fast) + reference);
        }
    }

    /** Checks the arguments of an unpack; returns how many leading values take the one-load path. */
    private static int checkUnpack(java.nio.ByteBuffer src, int index, int n, int width, int outLength, int maxWidth) {
        if (width > maxWidth) {
            throw new IllegalArgumentException("bit width " + width + " above " + maxWidth);
        }
        long bytes = bytes(n, width);
        if (index < 0 || index + bytes > src.limit() || outLength < n) {
            throw new IndexOutOfBoundsException("unpacking " + n + " values of " + width + " bits at " + index + " of a buffer of "
                    + src.limit() + " into " + outLength);
        }
        return width == 0 ? n : fastValues(src, index, n, width);
    }

    /** The packed value at stream bit {@code bit}: one unaligned load when {@code fast}, else from its words (0 for width 0). */
    private static long value(java.nio.ByteBuffer src, int index, long bit, int width, long mask, boolean fast) {
        if (width == 0) {
            return 0;
        }
        return fast ? (src.getLong(index + (int) (bit >>> 3)) >>> (bit & 7)) & mask : slow(src, index, bit, width, mask);
    }

    /** How many leading values can be read with one 8-byte load each (0 above 56 bits). */
    private static int fastValues(java.nio.ByteBuffer src, int index, int n, int width) {
        if (width > 56) {
            return 0;
        }
        // value i is readable when index + (i * width) / 8 + 8 <= limit
        long room = (long) src.limit() - index - 8;
        if (room < 0) {
            return 0;
        }
        return (int) Math.min(n, (room * 8) / width + 1);
    }

    /** The value at stream bit {@code bit} from its one or two 8-byte words. */
    private static long slow(java.nio.ByteBuffer src, int index, long bit, int width, long mask) {
        int word = (int) (bit >>> 6);
        int shift = (int) (bit & 63);
        long v = src.getLong(index + 8 * word) >>> shift;
        if (shift + width > 64) {
            v |= src.getLong(index + 8 * word + 8) << (64 - shift);
        }
        return v & mask;
    }

    private static void checkWidth(int width) {
        if (width < 0 || width > MAX_WIDTH) {
            throw new IllegalArgumentException("bit width " + width + " outside [0, 64]");
        }
    }

    private static IllegalArgumentException tooWide(long value, long reference, int width) {
        return new IllegalArgumentException("value " + value + " minus reference " + reference + " needs more than " + width + " bits");
    }
}
