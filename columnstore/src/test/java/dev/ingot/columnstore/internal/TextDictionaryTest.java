package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TextDictionary#build} against a java.util model (a {@link LinkedHashMap} of the values'
 * bytes, codes in order of first appearance, the same two rules for giving up): codes, entries,
 * their bytes and the decoded bytes, for chunks of short values (both loops), long values sharing
 * their first 8 bytes, values that differ only in trailing zero bytes, NULL rows, and chunks that
 * give up in the sample or past half their rows. The staged data ends at the last value's last
 * byte, so the last values' first words are read at the end of the view.
 */
class TextDictionaryTest {
    private static final byte[][] SHORT = {bytes(""), bytes("A"), bytes("A\0"), bytes("\0"), bytes("AIR"), bytes("REG AIR"),
        bytes("TRUCK"), bytes("12345678"), bytes("1234567\0"), bytes("F"), bytes("O")};
    private static final byte[][] LONG = {bytes("DELIVER IN PERSON"), bytes("DELIVER IN PERSOX"), bytes("DELIVER IN"),
        bytes("COLLECT COD"), bytes("TAKE BACK RETURN"), bytes("12345678\0"), bytes("12345678"), bytes("NONE"),
        bytes("0123456789abcdef0123456789abcdef"), bytes("0123456789abcdef0123456789abcde\0"), bytes("0123456789abcdef0123456789abcde"),
        bytes("0123456789abcdef\0"), bytes("0123456789abcdef")};

    @Test
    void codesAndEntriesEqualTheModelForEveryShape() {
        long seed = TestSeed.seed("TextDictionaryTest", 8L);
        Random rnd = new Random(seed);
        TextDictionary dictionary = new TextDictionary(); // one for every chunk: arrays are reused
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 26)) {
            for (int round = 0; round < 80; round++) {
                int shape = round % 8;
                int rows = shape == 6 ? 9000 + rnd.nextInt(4000) : rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(1100) : 1 + rnd.nextInt(6000);
                boolean nulls = rnd.nextBoolean();
                byte[][] values = new byte[rows][];
                for (int i = 0; i < rows; i++) {
                    values[i] = nulls && rnd.nextInt(7) == 0 ? null : value(shape, i, rows, rnd);
                }
                String what = "shape " + shape + " rows " + rows + " nulls " + nulls + " " + TestSeed.describe(seed);
                check(memory, dictionary, values, what);
            }
        }
    }

    /**
     * Values that differ only in their last bytes (TPC-H's {@code o_clerk}, {@code Clerk#000000001}
     * to {@code Clerk#000001000}, two words each, and {@code p_brand}, {@code Brand#11} to
     * {@code Brand#55}, one word) reach most home slots of a table at load 1/2, as random hashes
     * would (about 790 slots for 1,000 values in 2,048 slots, about 21 for 25 in 64; 790 and 19
     * now): the probes stay short. A hash whose last step only folded the high bits down reached
     * 571 and 8.
     */
    @Test
    void valuesThatDifferInTheirLastBytesSpreadOverTheHomeSlots() {
        java.util.Set<Integer> homes = new java.util.HashSet<>();
        for (int i = 1; i <= 1000; i++) {
            long[] w = words(String.format("Clerk#%09d", i));
            homes.add(TextDictionary.wordHash(w, 0, 2, 15) & 2047);
        }
        assertTrue(homes.size() >= 700, homes.size() + " home slots of 2048 for 1000 clerks");
        homes.clear();
        for (int i = 1; i <= 5; i++) {
            for (int j = 1; j <= 5; j++) {
                homes.add(TextDictionary.mix(words("Brand#" + i + j)[0], 8) & 63);
            }
        }
        assertTrue(homes.size() >= 17, homes.size() + " home slots of 64 for 25 brands");
    }

    /** The little-endian words of an ASCII value, zero past its end. */
    private static long[] words(String value) {
        byte[] b = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long[] w = new long[(b.length + 7) / 8];
        for (int j = 0; j < b.length; j++) {
            w[j / 8] |= (b[j] & 0xFFL) << (8 * (j % 8));
        }
        return w;
    }

    /**
     * Two short values with the same first word (one byte, then zero bytes: {@code [b]} and
     * {@code [b, 0, ...]}) whose hashes pick the same first slot of the 64-slot table, found by a
     * search with {@link TextDictionary#mix}: only the length tells them apart on the probe.
     */
    @Test
    void shortValuesWithOneFirstWordInOneSlotAreTwoEntries() {
        byte[] a = null;
        byte[] b = null;
        search:
        for (int x = 0; x < 256; x++) {
            for (int len = 2; len <= TextDictionary.SHORT_BYTES; len++) {
                if ((TextDictionary.mix(x, 1) & 63) == (TextDictionary.mix(x, len) & 63)) {
                    a = new byte[] {(byte) x};
                    b = new byte[len];
                    b[0] = (byte) x;
                    break search;
                }
            }
        }
        byte[][] values = new byte[100][];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 == 0 ? a : i % 3 == 1 ? b : SHORT[4];
        }
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 20)) {
            check(memory, new TextDictionary(), values, "[" + (a[0] & 0xFF) + "] and its " + b.length + "-byte zero-padded form");
        }
        assertEquals(3, new Model(values).entries.size());
    }

    /**
     * Two values of up to 32 bytes with the same words (one ends in zero bytes the other lacks)
     * whose word hashes pick the same first slot: only the length tells them apart on the probe.
     */
    @Test
    void wordValuesWithTheSameWordsInOneSlotAreTwoEntries() {
        byte[] a = null;
        byte[] b = null;
        search:
        for (int x = 0; x < 1 << 16; x++) {
            byte[] base = bytes(String.format("value-%010d", x)); // 16 bytes: two words
            long[] w = new long[4];
            for (int k = 0; k < 16; k++) {
                w[k / 8] |= (base[k] & 0xFFL) << (8 * (k % 8));
            }
            for (int len = 17; len <= TextDictionary.MAX_WORD_BYTES; len++) {
                if ((TextDictionary.wordHash(w, 0, 4, 16) & 63) == (TextDictionary.wordHash(w, 0, 4, len) & 63)) {
                    a = base;
                    b = Arrays.copyOf(base, len);
                    break search;
                }
            }
        }
        byte[][] values = new byte[100][];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 3 == 0 ? a : i % 3 == 1 ? b : bytes("0123456789abcdef0123456789abcdef");
        }
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 20)) {
            check(memory, new TextDictionary(), values, new String(a, java.nio.charset.StandardCharsets.UTF_8) + " and its "
                    + b.length + "-byte zero-padded form");
        }
        assertEquals(3, new Model(values).entries.size());
    }

    /**
     * Two 12-byte values equal in their first 8 bytes whose 32-bit hashes ({@link TextDictionary#hash})
     * collide, found by a search over the last 4 bytes: in the hashing loop only comparing the bytes
     * past the first 8 tells them apart.
     */
    @Test
    void longValuesWithCollidingHashesAreTwoEntries() {
        Map<Integer, byte[]> byHash = new java.util.HashMap<>();
        byte[][] pair = null;
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 20); MemoryBlock one = memory.allocate(16, "value")) {
            for (int x = 0; pair == null; x++) {
                byte[] v = bytes("ABCDEFGH0000");
                for (int k = 0; k < 4; k++) {
                    v[8 + k] = (byte) (x >>> (8 * k));
                }
                one.putBytes(0, v, 0, 12);
                int h = TextDictionary.hash(one, 0, 12, one.getLong(0));
                byte[] earlier = byHash.putIfAbsent(h, v);
                if (earlier != null) {
                    pair = new byte[][] {earlier, v};
                }
            }
            byte[][] values = new byte[60][];
            for (int i = 0; i < values.length; i++) {
                values[i] = pair[i % 2];
            }
            check(memory, new TextDictionary(), values, "colliding " + Arrays.toString(pair[0]) + " " + Arrays.toString(pair[1]));
            assertEquals(2, new Model(values).entries.size());
        }
    }

    /**
     * The direct table of values of at most one byte gives up at the same entry as the hash loops:
     * a chunk of {@code 2k} rows with {@code k} distinct values (NULL rows among the second half)
     * is coded, one more distinct value in its last row gives up; all 257 values of at most one
     * byte (every byte and the empty value) are the entries of one chunk of 514 rows.
     */
    @Test
    void oneByteValuesGiveUpAtHalfTheRowsAndCoverEveryByte() {
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 22)) {
            TextDictionary dictionary = new TextDictionary();
            for (int k : new int[] {1, 2, 3, 100, 256, 257}) {
                byte[][] values = new byte[2 * k][];
                for (int i = 0; i < values.length; i++) {
                    int v = i % k;
                    values[i] = i >= k && i % 5 == 4 ? null : v == 256 ? new byte[0] : new byte[] {(byte) (255 - v)};
                }
                assertTrue(new Model(values).built, "k " + k);
                check(memory, dictionary, values, k + " distinct of " + 2 * k + " rows");
                assertEquals(k, dictionary.size());
                if (k < 256) {
                    values[values.length - 1] = new byte[0]; // the (k + 1)th distinct value
                    assertTrue(!new Model(values).built, "k " + k);
                    check(memory, dictionary, values, k + 1 + " distinct of " + 2 * k + " rows");
                }
            }
        }
    }

    /** The value of row {@code i} of a chunk of one shape. */
    private static byte[] value(int shape, int i, int rows, Random rnd) {
        switch (shape) {
            case 0: // short values, a few distinct: the first-word loop
                return SHORT[rnd.nextInt(SHORT.length)];
            case 1: // short and long values, sharing first words and differing in trailing zero bytes
                return rnd.nextBoolean() ? SHORT[rnd.nextInt(SHORT.length)] : LONG[rnd.nextInt(LONG.length)];
            case 2: // more distinct values than half the rows after the sample: gives up past it
                return bytes("value-" + (i < 1024 ? i % 100 : i));
            case 3: { // the sample more than 7/8 distinct, the chunk not: gives up after the sample
                int n = Math.min(rows / 2, 1000);
                return bytes("sample-" + (n == 0 ? 0 : i % n));
            }
            case 6: // distinct after the sample until 5,120 rows, then repeats: more than half distinct at the first block's end
                return bytes("phrase-" + (i < 1024 ? i % 400 : i < 5120 ? i : i % 7));
            case 4: { // up to rows / 2 distinct, 12-byte values equal in their first 8 bytes
                byte[] b = bytes("ABCDEFGH0000");
                int x = rnd.nextInt(Math.max(1, rows / 3));
                for (int k = 0; k < 4; k++) {
                    b[8 + k] = (byte) (x >>> (8 * k));
                }
                return b;
            }
            case 7: { // values of 0 or 1 byte, 1 to 257 of them distinct (the direct table)
                int v = (rnd.nextInt(1 + rows % 257) + rows) % 257;
                return v == 256 ? new byte[0] : new byte[] {(byte) v};
            }
            default: // random bytes of 0..10, any of them zero
                byte[] b = new byte[rnd.nextInt(11)];
                for (int k = 0; k < b.length; k++) {
                    b[k] = (byte) rnd.nextInt(3);
                }
                return b;
        }
    }

    private static void check(NativeAllocator memory, TextDictionary dictionary, byte[][] values, String what) {
        int rows = values.length;
        int[] offsets = new int[rows + 1];
        int maxLength = 0;
        for (int i = 0; i < rows; i++) {
            int len = values[i] == null ? 0 : values[i].length;
            offsets[i + 1] = offsets[i] + len;
            maxLength = Math.max(maxLength, len);
        }
        int nulls = (int) Arrays.stream(values).filter(v -> v == null).count();
        try (MemoryBlock data = memory.allocate(Math.max(1, offsets[rows]), "data");
             MemoryBlock validity = memory.allocate((rows + 7) / 8, "validity")) {
            validity.fill(0, validity.capacity(), (byte) 0);
            for (int i = 0; i < rows; i++) {
                if (values[i] != null) {
                    data.putBytes(offsets[i], values[i], 0, values[i].length);
                    validity.putByte(i >>> 3, (byte) (validity.getByte(i >>> 3) | (1 << (i & 7))));
                }
            }
            Model model = new Model(values);
            // the length decides the loop; the word and the hashing loops must agree on shorter values too
            for (int asLength : new int[] {maxLength, Math.max(maxLength, TextDictionary.SHORT_BYTES),
                Math.max(maxLength, TextDictionary.SHORT_BYTES + 1),
                TextDictionary.MAX_WORD_BYTES + 1 + maxLength}) {
                String how = what + " maxLength " + asLength;
                boolean built = dictionary.build(validity, offsets, data, rows, nulls, asLength);
                assertEquals(model.built, built, how);
                if (!built) {
                    continue;
                }
                assertEquals(model.entries.size(), dictionary.size(), how);
                assertArrayEquals(model.codes, Arrays.copyOf(dictionary.codes(), rows), how);
                long entryBytes = 0;
                for (int e = 0; e < dictionary.size(); e++) {
                    byte[] entry = new byte[dictionary.lengths()[e]];
                    data.getBytes(dictionary.starts()[e], entry, 0, entry.length);
                    assertArrayEquals(model.entries.get(e), entry, how + " entry " + e);
                    entryBytes += entry.length;
                }
                assertEquals(entryBytes, dictionary.bytes(), how);
                assertEquals(model.decodedBytes, dictionary.decodedBytes(), how);
            }
        }
    }

    /** The dictionary computed with java.util: codes in order of first appearance, the two rules for giving up. */
    private static final class Model {
        final long[] codes;
        final List<byte[]> entries = new ArrayList<>();
        final boolean built;
        long decodedBytes;

        Model(byte[][] values) {
            int rows = values.length;
            codes = new long[rows];
            Map<ByteBuffer, Integer> seen = new LinkedHashMap<>();
            boolean ok = true;
            for (int i = 0; i < rows && ok; i++) {
                if (i == ChunkEncoder.DICTIONARY_SAMPLE_ROWS && 8 * seen.size() > 7 * i) {
                    ok = false;
                    break;
                }
                if (i > ChunkEncoder.DICTIONARY_SAMPLE_ROWS && (i - ChunkEncoder.DICTIONARY_SAMPLE_ROWS) % TextDictionary.BLOCK_ROWS == 0
                        && 2 * seen.size() > i) {
                    ok = false; // more than half the rows of the blocks so far distinct
                    break;
                }
                if (values[i] == null) {
                    continue;
                }
                Integer code = seen.get(ByteBuffer.wrap(values[i]));
                if (code == null) {
                    if (seen.size() >= rows / 2) {
                        ok = false;
                        break;
                    }
                    code = seen.size();
                    seen.put(ByteBuffer.wrap(values[i]), code);
                    entries.add(values[i]);
                }
                codes[i] = code;
                decodedBytes += values[i].length;
            }
            built = ok;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
