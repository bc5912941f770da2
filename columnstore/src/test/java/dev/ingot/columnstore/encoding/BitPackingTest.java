package dev.ingot.columnstore.encoding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bit-packing at every width 0..64 against values kept in plain arrays (seeded). */
class BitPackingTest {
    @Test
    void everyWidthRoundTripsWithAReferenceAndWraps() {
        long seed = TestSeed.seed("BitPackingTest", 20261126L);
        Random r = new Random(seed);
        for (int width = 0; width <= 64; width++) {
            for (int n : new int[] {0, 1, 63, 64, 65, 1000}) {
                long reference = width == 64 ? 0 : r.nextLong();
                long mask = width == 64 ? -1L : (1L << width) - 1;
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    long packed = i % 7 == 0 ? mask : i % 11 == 0 ? 0 : r.nextLong() & mask; // the extremes of the width too
                    values[i] = reference + packed; // wrapping, as the format defines
                }
                long[] words = new long[BitPacking.words(n, width)];
                assertEquals((n * (long) width + 63) / 64, words.length, "words of " + n + " x " + width);
                BitPacking.pack(values, 0, n, reference, width, words);
                // from a buffer that ends with the packed words (the last values take the word path) at an offset of 24
                ByteBuffer buffer = ByteBuffer.allocateDirect(24 + 8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < words.length; i++) {
                    buffer.putLong(24 + 8 * i, words[i]);
                }
                long[] fromBuffer = new long[n];
                BitPacking.unpack(buffer, 24, n, width, reference, fromBuffer);
                assertArrayEquals(values, fromBuffer, "buffer width " + width + " n " + n + " " + TestSeed.describe(seed));
                for (int i = 0; i < n; i++) { // random access reads the same values
                    assertEquals(values[i], BitPacking.get(buffer, 24, n, width, reference, i), "get " + i + " width " + width + " n " + n);
                }
                for (int k = 0; k < 20 && n > 0; k++) { // sums of ranges (the first and last value, empty ranges) against the values added
                    int from = k == 0 ? 0 : r.nextInt(n + 1);
                    int to = k == 1 ? n : from + r.nextInt(n - from + 1);
                    long expected = 0;
                    for (int i = from; i < to; i++) {
                        expected += values[i];
                    }
                    assertEquals(expected, BitPacking.sum(buffer, 24, n, width, reference, from, to), "sum [" + from + ", " + to + ") width " + width);
                }
                // gathered positions (backwards, with repeats) from the loaded words, the last value included
                long[] loaded = BitPacking.load(buffer, 24, n, width, null);
                int[] positions = new int[2 * n];
                for (int i = 0; i < 2 * n; i++) {
                    positions[i] = i < n ? n - 1 - i : r.nextInt(n);
                }
                long[] gathered = new long[2 * n];
                BitPacking.gather(loaded, n, width, reference, positions, 2 * n, gathered);
                for (int i = 0; i < 2 * n; i++) {
                    assertEquals(values[positions[i]], gathered[i], "gather " + positions[i] + " width " + width + " n " + n);
                }
                // ranges: from a block edge (64, the unrolled blocks) and off it, to the last value
                for (int from : new int[] {0, 1, 63, 64, 65, 640}) {
                    if (from > n) {
                        continue;
                    }
                    int len = Math.min(n - from, 300);
                    long[] range = new long[len];
                    BitPacking.unpack(loaded, n, from, len, width, reference, range);
                    assertArrayEquals(java.util.Arrays.copyOfRange(values, from, from + len), range,
                            "range from " + from + " width " + width + " n " + n);
                }
                int count = n;
                int wg = width;
                assertEquals("position " + n + " outside [0, " + n + ")", assertThrows(IllegalArgumentException.class,
                        () -> BitPacking.gather(loaded, count, wg, 0, new int[] {0, count}, 2, new long[2])).getMessage());
                if (n > 0) {
                    int last = n;
                    int wd = width;
                    assertEquals("value " + last + " of " + n + " values of " + width + " bits at 24 of a buffer of " + buffer.limit() + " bytes",
                            assertThrows(IndexOutOfBoundsException.class, () -> BitPacking.get(buffer, 24, last, wd, 0, last)).getMessage());
                }
                if (width <= 32) {
                    int[] ints = new int[n];
                    for (int i = 0; i < n; i++) {
                        ints[i] = (int) (values[i] - reference);
                    }
                    long[] unsigned = new long[n];
                    for (int i = 0; i < n; i++) {
                        unsigned[i] = ints[i] & 0xFFFFFFFFL;
                    }
                    BitPacking.pack(unsigned, 0, n, 0, width, words);
                    for (int i = 0; i < words.length; i++) {
                        buffer.putLong(24 + 8 * i, words[i]);
                    }
                    int[] backFromBuffer = new int[n];
                    BitPacking.unpack(buffer, 24, n, width, 0, backFromBuffer);
                    assertArrayEquals(ints, backFromBuffer, "buffer int width " + width + " n " + n);
                }
            }
        }
    }

    @Test
    void aSumOutsideTheValuesOrTheBufferIsRefused() {
        ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN); // 2 words: 12 values of 10 bits
        assertEquals(0, BitPacking.sum(buffer, 0, 12, 10, 5, 12, 12));
        assertEquals("values [3, 13) of 12 values of 10 bits at 0 of a buffer of 16 bytes", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.sum(buffer, 0, 12, 10, 5, 3, 13)).getMessage());
        assertEquals("values [4, 3) of 12 values of 10 bits at 0 of a buffer of 16 bytes", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.sum(buffer, 0, 12, 10, 5, 4, 3)).getMessage());
        assertEquals("values [0, 1) of 13 values of 10 bits at 0 of a buffer of 16 bytes", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.sum(buffer, 0, 13, 10, 5, 0, 1)).getMessage());
        assertEquals("packed values are read from a little-endian buffer", assertThrows(IllegalArgumentException.class,
                () -> BitPacking.sum(ByteBuffer.allocate(16), 0, 12, 10, 5, 0, 1)).getMessage());
    }

    @Test
    void theStreamIsLsbFirstAcrossWordBoundaries() {
        long[] words = new long[BitPacking.words(3, 60)];
        BitPacking.pack(new long[] {1, 2, (1L << 59) | 1}, 0, 3, 0, 60, words);
        assertEquals(3, words.length);
        assertEquals(1L | (2L << 60), words[0]); // value 1 at bits 60..119: its low 4 bits end word 0
        assertEquals(0L | (1L << 56), words[1]); // value 2 starts at bit 120 = word 1 bit 56
        assertEquals(1L << 51, words[2]); // its bit 59 is stream bit 179 = word 2 bit 51
    }

    @Test
    void aValueWiderThanTheWidthIsRefused() {
        long[] words = new long[1];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BitPacking.pack(new long[] {5, 8}, 0, 2, 0, 3, words));
        assertEquals("value 8 minus reference 0 needs more than 3 bits", e.getMessage());
        IllegalArgumentException below = assertThrows(IllegalArgumentException.class,
                () -> BitPacking.pack(new long[] {-1}, 0, 1, 0, 63, words));
        assertEquals("value -1 minus reference 0 needs more than 63 bits", below.getMessage());
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> BitPacking.pack(new long[] {7, 8}, 0, 2, 7, 0, words));
        assertEquals("value 8 minus reference 7 needs more than 0 bits", zero.getMessage());
        assertEquals("bit width 65 outside [0, 64]", assertThrows(IllegalArgumentException.class, () -> BitPacking.words(1, 65)).getMessage());
        ByteBuffer short8 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("unpacking 2 values of 40 bits at 0 of a buffer of 8 bytes", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.unpack(short8, 0, 2, 40, 0, new long[2])).getMessage());
    }

    @Test
    void aTooWideValueInsideAnUnrolledBlockIsNamed() {
        // 200 values of 5 bits: blocks of 64 take the unrolled path; value 100 (in the second block) needs 6 bits
        long[] values = new long[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1000 + i % 32;
        }
        values[100] = 1000 + 32;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BitPacking.pack(values, 0, values.length, 1000, 5, new long[BitPacking.words(200, 5)]));
        assertEquals("value 1032 minus reference 1000 needs more than 5 bits", e.getMessage());
        values[100] = 999; // below the reference: wraps to a value of 64 bits
        IllegalArgumentException below = assertThrows(IllegalArgumentException.class,
                () -> BitPacking.pack(values, 0, values.length, 1000, 5, new long[BitPacking.words(200, 5)]));
        assertEquals("value 999 minus reference 1000 needs more than 5 bits", below.getMessage());
    }

    @Test
    void everyWidthPacksTheWordsOfTheBitByBitLayoutOverWhateverTheWordsHeld() {
        long seed = TestSeed.seed("BitPackingTest.layout", 20261127L);
        Random r = new Random(seed);
        for (int width = 0; width <= 64; width++) {
            for (int n : new int[] {0, 1, 2, 63, 64, 65, 127, 128, 129, 4096 + 17}) {
                long reference = r.nextLong();
                long mask = width == 64 ? -1L : (1L << width) - 1;
                long[] values = new long[n + 3];
                for (int i = 0; i < values.length; i++) {
                    long packed = i % 5 == 0 ? mask : i % 13 == 0 ? 0 : r.nextLong() & mask;
                    values[i] = reference + packed;
                }
                long[] expected = new long[BitPacking.words(n, width)];
                for (int i = 0; i < n; i++) { // bit by bit: value i's bit b is stream bit i * width + b
                    long v = values[3 + i] - reference;
                    for (int b = 0; b < width; b++) {
                        long bit = (long) i * width + b;
                        expected[(int) (bit >>> 6)] |= ((v >>> b) & 1) << (bit & 63);
                    }
                }
                long[] words = new long[expected.length + 2];
                java.util.Arrays.fill(words, 0x5A5A5A5A5A5A5A5AL); // a reused array: every word of the values is overwritten
                BitPacking.pack(values, 3, n, reference, width, words);
                assertArrayEquals(expected, java.util.Arrays.copyOf(words, expected.length),
                        "width " + width + " n " + n + " " + TestSeed.describe(seed));
                assertEquals(0x5A5A5A5A5A5A5A5AL, words[expected.length], "the word after the values is not written");
            }
        }
    }

    @Test
    void aTooWideValueAnywhereIsNamedAtEveryWidth() {
        long seed = TestSeed.seed("BitPackingTest.tooWide", 20261127L);
        Random r = new Random(seed);
        for (int width = 0; width < 64; width++) {
            long mask = (1L << width) - 1;
            long reference = 1000;
            // in the first block, in a middle word, in the last value of a block, in the tail after the whole blocks
            for (int at : new int[] {0, 37, 63, 64 + 31, 200}) {
                long[] values = new long[203];
                for (int i = 0; i < values.length; i++) {
                    values[i] = reference + (r.nextLong() & mask);
                }
                long wide = reference + (1L << width) + (r.nextLong() & mask);
                values[at] = wide;
                values[at + 1] = reference - 1; // a second bad value after it: the first one is named
                int w = width;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> BitPacking.pack(values, 0, values.length, reference, w, new long[BitPacking.words(values.length, w)]));
                assertEquals("value " + wide + " minus reference 1000 needs more than " + width + " bits", e.getMessage(),
                        "at " + at + " " + TestSeed.describe(seed));
            }
        }
    }

    @Test
    void unpackingFromWordsNeedsThePadWordAndRoomForTheValues() {
        long[] words = new long[BitPacking.words(128, 3)]; // no pad word
        assertEquals("unpacking 128 values of 3 bits from 6 words into 128", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.unpack(words, 128, 3, 0, new int[128])).getMessage());
        assertEquals("unpacking 128 values of 3 bits from 7 words into 127", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.unpack(new long[7], 128, 3, 0, new long[127])).getMessage());
        assertEquals("Range [100, 100 + 29) out of bounds for length 128", assertThrows(IndexOutOfBoundsException.class,
                () -> BitPacking.unpack(new long[7], 128, 100, 29, 3, 0, new long[29])).getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> BitPacking.unpack(new long[7], 128, 64, 64, 3, 0, new long[63]));
        assertEquals("bit width 33 outside [0, 32]", assertThrows(IllegalArgumentException.class,
                () -> BitPacking.unpack(new long[100], 64, 33, 0, new int[64])).getMessage());
        long[] loaded = BitPacking.load(ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN).putLong(40, -1L), 0, 128, 3, new long[] {7, 7, 7, 7, 7, 7, 7, 7});
        assertEquals(8, loaded.length); // the scratch array is reused when it has room for the pad word
        assertEquals(0, loaded[6]);
        assertEquals(-1L, loaded[5]);
    }
}
