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
 * unpacking copies the packed words to a heap array in one bulk copy ({@link #load}) and unpacks
 * them there with shifts and masks only.
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
        int i = 0;
        if (width <= 32) { // whole blocks of 64 values into `width` words, unrolled per width
            for (int blocks = n >>> 6; i >>> 6 < blocks && BitUnpack.packBlock(width, values, from + i, reference, words, (i >>> 6) * width); ) {
                i += 64;
            }
            // a block with a too wide value stops here; the loop below finds it and names it
        }
        long bit = (long) i * width;
        for (; i < n; i++, bit += width) {
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
     * (wrapping) and writes them to {@code out[0, n)}: {@link #load} into a fresh word array,
     * then {@link #unpack(long[], int, int, long, long[])}. Callers that decode many chunks keep
     * the word array and call those two themselves.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64]
     * @throws IndexOutOfBoundsException if {@code src} holds fewer bytes than the values need
     */
    public static void unpack(java.nio.ByteBuffer src, int index, int n, int width, long reference, long[] out) {
        unpack(load(src, index, n, width, null), n, width, reference, out);
    }

    /**
     * {@link #unpack(java.nio.ByteBuffer, int, int, int, long, long[])} into ints: widths up to
     * 32, the low 32 bits of each sum (codes, lengths, row numbers, 32-bit kinds).
     */
    public static void unpack(java.nio.ByteBuffer src, int index, int n, int width, long reference, int[] out) {
        unpack(load(src, index, n, width, null), n, width, reference, out);
    }

    /**
     * Value {@code i} of {@code n} values of {@code width} bits stored at {@code index} of {@code src}
     * (little-endian, as {@link #unpack(java.nio.ByteBuffer, int, int, int, long, long[])} reads
     * them) plus {@code reference} (wrapping): random access for point reads, reading at most the
     * two words that hold the value.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64] or {@code src} is not
     *                                  in little-endian order
     * @throws IndexOutOfBoundsException if {@code i} is outside [0, n) or {@code src} holds fewer
     *                                   bytes than the values need
     */
    public static long get(java.nio.ByteBuffer src, int index, int n, int width, long reference, int i) {
        if (src.order() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("packed values are read from a little-endian buffer");
        }
        int nWords = words(n, width);
        if (i < 0 || i >= n || index < 0 || index + 8L * nWords > src.limit()) {
            throw new IndexOutOfBoundsException("value " + i + " of " + n + " values of " + width + " bits at " + index
                    + " of a buffer of " + src.limit() + " bytes");
        }
        if (width == 0) {
            return reference;
        }
        long bit = (long) i * width;
        int w = (int) (bit >>> 6);
        int s = (int) bit & 63;
        long lo = src.getLong(index + 8 * w);
        long hi = s + width > 64 ? src.getLong(index + 8 * w + 8) : 0;
        long v = (lo >>> s) | ((hi << 1) << (63 - s));
        return (width == 64 ? v : v & ((1L << width) - 1)) + reference;
    }

    /**
     * The sum of values {@code [from, to)} of {@code n} values of {@code width} bits stored at
     * {@code index} of {@code src} (little-endian, as {@link #get} reads them), each plus
     * {@code reference}, wrapping: the lengths before a row of a point read, read straight from the
     * packed words (one bounds check, no array) instead of one {@link #get} per value.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64] or {@code src} is not
     *                                  in little-endian order
     * @throws IndexOutOfBoundsException if {@code [from, to)} is not inside [0, n) or {@code src}
     *                                   holds fewer bytes than the values need
     */
    public static long sum(java.nio.ByteBuffer src, int index, int n, int width, long reference, int from, int to) {
        if (src.order() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("packed values are read from a little-endian buffer");
        }
        int nWords = words(n, width);
        if (from < 0 || from > to || to > n || index < 0 || index + 8L * nWords > src.limit()) {
            throw new IndexOutOfBoundsException("values [" + from + ", " + to + ") of " + n + " values of " + width + " bits at " + index
                    + " of a buffer of " + src.limit() + " bytes");
        }
        long total = reference * (to - from);
        if (width == 0) {
            return total;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        long bit = (long) from * width;
        // the words in two locals, each read from the buffer once (not once or twice per value)
        int w = (int) (bit >>> 6);
        int s = (int) bit & 63;
        long word = from < to ? src.getLong(index + 8 * w) : 0;
        long next = from < to && w + 1 < nWords ? src.getLong(index + 8 * w + 8) : 0;
        for (int i = from; i < to; i++) {
            total += ((word >>> s) | (next << 1 << (63 - s))) & mask; // (next << 1 << 63 - s): 0 at s = 0, where a shift by 64 would not be
            s += width;
            if (s >= 64) {
                s -= 64;
                w++;
                word = next;
                next = w + 1 < nWords ? src.getLong(index + 8 * w + 8) : 0;
            }
        }
        return total;
    }

    /**
     * Copies the {@code words(n, width)} packed words at {@code index} of {@code src} (little-endian)
     * into {@code scratch} in one bulk copy and zeroes the word after them (the unpack loops read
     * each value's next word without a branch); returns {@code scratch}, or a larger array when it
     * is null or too short.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64] or {@code n} is negative
     * @throws IndexOutOfBoundsException if {@code src} holds fewer bytes than the values need
     */
    public static long[] load(java.nio.ByteBuffer src, int index, int n, int width, long[] scratch) {
        if (n < 0) {
            throw new IllegalArgumentException("negative value count " + n);
        }
        int nWords = words(n, width);
        if (index < 0 || index + 8L * nWords > src.limit()) {
            throw new IndexOutOfBoundsException("unpacking " + n + " values of " + width + " bits at " + index + " of a buffer of "
                    + src.limit() + " bytes");
        }
        long[] words = scratch != null && scratch.length > nWords ? scratch
                : new long[Math.max(nWords + 1, scratch == null ? 0 : scratch.length + scratch.length / 2)];
        java.nio.ByteBuffer b = src.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.position(index);
        b.asLongBuffer().get(words, 0, nWords);
        words[nWords] = 0;
        return words;
    }

    /**
     * Unpacks {@code n} values of {@code width} bits from {@code words} (as {@link #load} leaves
     * them: the packed words and one zero word after them), adds {@code reference} (wrapping) and
     * writes them to {@code out[0, n)}. Widths up to 32 take whole blocks of 64 values (which
     * fill {@code width} words) through a loop unrolled per width ({@code BitUnpack}, generated);
     * the last values and wider widths read each value from its word and the next without a branch.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64]
     * @throws IndexOutOfBoundsException if {@code words} (with its pad word) or {@code out} is too short
     */
    public static void unpack(long[] words, int n, int width, long reference, long[] out) {
        checkUnpack(words, n, width, out.length, 64);
        unpack(words, n, 0, n, width, reference, out);
    }

    /**
     * Values {@code [from, from + count)} of the {@code n} values of {@code width} bits in
     * {@code words} (as {@link #load} leaves them), plus {@code reference} (wrapping), into
     * {@code out[0, count)}: a block of a chunk unpacked into a small array that stays in the
     * first-level cache. A {@code from} that is a multiple of 64 takes the unrolled whole blocks
     * as {@link #unpack(long[], int, int, long, long[])} does.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64]
     * @throws IndexOutOfBoundsException if {@code [from, from + count)} is outside {@code [0, n)}, or
     *                                   {@code words} (with its pad word) or {@code out} is too short
     */
    public static void unpack(long[] words, int n, int from, int count, int width, long reference, long[] out) {
        checkUnpack(words, n, width, n, 64);
        java.util.Objects.checkFromIndexSize(from, count, n);
        java.util.Objects.checkFromIndexSize(0, count, out.length);
        if (width == 0) {
            java.util.Arrays.fill(out, 0, count, reference);
            return;
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        int i = 0;
        if (width <= 32 && (from & 63) == 0) { // whole blocks of 64 values in `width` words, unrolled per width
            for (int blocks = count >>> 6, b = 0; b < blocks; b++, i += 64) {
                BitUnpack.block(width, words, ((from >>> 6) + b) * width, out, i, reference);
            }
        }
        long bit = (long) (from + i) * width;
        for (; i < count; i++, bit += width) {
            int w = (int) (bit >>> 6);
            int s = (int) bit & 63;
            long v = (words[w] >>> s) | ((words[w + 1] << 1) << (63 - s)); // shift 0: the second term is 0
            out[i] = (v & mask) + reference;
        }
    }

    /**
     * {@link #unpack(long[], int, int, long, long[])} into ints: widths up to 32, the low 32 bits
     * of each sum.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 32]
     * @throws IndexOutOfBoundsException if {@code words} (with its pad word) or {@code out} is too short
     */
    public static void unpack(long[] words, int n, int width, long reference, int[] out) {
        checkUnpack(words, n, width, out.length, 32);
        int ref = (int) reference;
        if (width == 0) {
            java.util.Arrays.fill(out, 0, n, ref);
            return;
        }
        int mask = (int) ((1L << width) - 1);
        int i = 0;
        for (int blocks = n >>> 6, b = 0; b < blocks; b++, i += 64) {
            BitUnpack.block(width, words, b * width, out, i, ref);
        }
        long bit = (long) i * width;
        for (; i < n; i++, bit += width) {
            int w = (int) (bit >>> 6);
            int s = (int) bit & 63;
            long v = (words[w] >>> s) | ((words[w + 1] << 1) << (63 - s));
            out[i] = ((int) v & mask) + ref;
        }
    }

    /**
     * Values {@code positions[0, count)} (any order, repeats allowed) of {@code n} values of
     * {@code width} bits in {@code words} (as {@link #load} leaves them), plus {@code reference}
     * (wrapping), into {@code out[0, count)}: random access reading the one or two words that hold
     * each value, for selections too sparse to unpack every value.
     *
     * @throws IllegalArgumentException if {@code width} is outside [0, 64] or a position is outside [0, n)
     * @throws IndexOutOfBoundsException if {@code words} (with its pad word) or {@code out} is too short
     */
    public static void gather(long[] words, int n, int width, long reference, int[] positions, int count, long[] out) {
        checkUnpack(words, n, width, n, 64);
        if (count < 0 || count > positions.length || count > out.length) {
            throw new IndexOutOfBoundsException(count + " positions of " + positions.length + " into " + out.length);
        }
        long mask = width == 64 ? -1L : (1L << width) - 1;
        for (int i = 0; i < count; i++) {
            int p = positions[i];
            if (p < 0 || p >= n) {
                throw new IllegalArgumentException("position " + p + " outside [0, " + n + ")");
            }
            if (width == 0) {
                out[i] = reference;
                continue;
            }
            long bit = (long) p * width;
            int w = (int) (bit >>> 6);
            int s = (int) bit & 63;
            long v = (words[w] >>> s) | ((words[w + 1] << 1) << (63 - s));
            out[i] = (v & mask) + reference;
        }
    }

    /** Checks the arguments of an unpack from words: the width, and room for the values and the pad word. */
    private static void checkUnpack(long[] words, int n, int width, int outLength, int maxWidth) {
        if (width < 0 || width > maxWidth) {
            throw new IllegalArgumentException("bit width " + width + " outside [0, " + maxWidth + "]");
        }
        if (n < 0 || outLength < n || words.length < words(n, width) + 1) {
            throw new IndexOutOfBoundsException("unpacking " + n + " values of " + width + " bits from " + words.length + " words into "
                    + outLength);
        }
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
