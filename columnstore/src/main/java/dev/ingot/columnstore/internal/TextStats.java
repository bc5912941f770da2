package dev.ingot.columnstore.internal;

import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryView;

/**
 * Min/max byte stats of a staged CHAR/VARCHAR/VARBINARY chunk (unsigned byte order, which for UTF-8
 * is code point order), written through {@link StatsBuilder#byteStats}: over the non-null rows, or
 * over the distinct values of a dictionary (the same min/max, for as many comparisons as entries).
 * Each value is compared by its first 8 bytes as one unsigned number; only values whose first 8
 * bytes equal the current min's or max's are compared further. No value is copied.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
final class TextStats {
    private TextStats() {}

    /**
     * Stats of {@code rows} values at {@code [offsets[i], offsets[i + 1])} of {@code data}, rows whose
     * validity bit is clear skipped when {@code hasNulls}; at least one row is not null.
     *
     * @param text whether the values are UTF-8 text (a cut min ends on a character boundary)
     */
    static void rows(MemoryView validity, int[] offsets, MemoryView data, int rows, boolean hasNulls, boolean text, StatsBuilder out) {
        int i = 0;
        while (hasNulls && !Bits.isSet(validity, i)) {
            i++;
        }
        int minStart = offsets[i];
        int minLen = offsets[i + 1] - minStart;
        int maxStart = minStart;
        int maxLen = minLen;
        long minKey = prefixKey(data, minStart, minLen);
        long maxKey = minKey;
        for (i++; i < rows; i++) {
            if (hasNulls && !Bits.isSet(validity, i)) {
                continue;
            }
            int at = offsets[i];
            int len = offsets[i + 1] - at;
            long key = prefixKey(data, at, len);
            // the first 8 bytes decide almost every comparison; equal prefixes compare the rest
            int c = Long.compareUnsigned(key, minKey);
            if (c < 0 || c == 0 && compareAfterPrefix(data, at, len, minStart, minLen) < 0) {
                minKey = key;
                minStart = at;
                minLen = len;
                continue; // below the min, so not above the max
            }
            c = Long.compareUnsigned(key, maxKey);
            if (c > 0 || c == 0 && compareAfterPrefix(data, at, len, maxStart, maxLen) > 0) {
                maxKey = key;
                maxStart = at;
                maxLen = len;
            }
        }
        out.byteStats(data, minStart, minLen, maxStart, maxLen, text, false);
    }

    /**
     * Stats of {@code n >= 1} distinct values at {@code [starts[e], starts[e] + lengths[e])} of
     * {@code data} (a chunk's dictionary: the min and max of its rows).
     */
    static void entries(int[] starts, int[] lengths, int n, MemoryView data, boolean text, StatsBuilder out) {
        int min = 0;
        int max = 0;
        long minKey = prefixKey(data, starts[0], lengths[0]);
        long maxKey = minKey;
        for (int e = 1; e < n; e++) {
            long key = prefixKey(data, starts[e], lengths[e]);
            int c = Long.compareUnsigned(key, minKey);
            if (c < 0 || c == 0 && compareAfterPrefix(data, starts[e], lengths[e], starts[min], lengths[min]) < 0) {
                minKey = key;
                min = e;
                continue;
            }
            c = Long.compareUnsigned(key, maxKey);
            if (c > 0 || c == 0 && compareAfterPrefix(data, starts[e], lengths[e], starts[max], lengths[max]) > 0) {
                maxKey = key;
                max = e;
            }
        }
        out.byteStats(data, starts[min], lengths[min], starts[max], lengths[max], text, false);
    }

    /**
     * Compares two values whose prefix keys are equal: word after word, each as a prefix key (one
     * read, zero-padded), until the words differ or a value ends within the words compared. Where
     * the words are equal and a value ends within them, the shorter one is a prefix of the longer
     * (equal zero-padded keys mean the longer one's extra bytes within the key are zero), so the
     * lengths decide. One loop of one shape, whatever the lengths (a call of
     * {@link MemoryView#compareBytes} here was deoptimized and recompiled with the whole row loop
     * as tables with other lengths came: 5 C2 compiles per SF1 load).
     */
    private static int compareAfterPrefix(MemoryView data, int a, int aLen, int b, int bLen) {
        for (int off = 8; aLen > off && bLen > off; off += 8) {
            int c = Long.compareUnsigned(prefixKey(data, a + (long) off, aLen - off), prefixKey(data, b + (long) off, bLen - off));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(aLen, bLen);
    }

    /**
     * The first 8 bytes as a big-endian unsigned number, zero-padded; orders like the bytes (ties
     * possible). One read and a mask computed without branches on the length, so the row loops'
     * compiled code does not change with the lengths a table brings; byte by byte only at the end
     * of the view.
     */
    private static long prefixKey(MemoryView data, long index, int len) {
        if (index + 8 <= data.capacity()) {
            int shift = (8 - Math.min(Math.max(len, 0), 8)) << 3; // 64 - 8 * (bytes kept)
            long mask = (-1L >>> (shift >> 1)) >>> (shift - (shift >> 1)); // two shifts: 64 clears all
            return Long.reverseBytes(data.getLong(index) & mask);
        }
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = (k << 8) | (i < len ? data.getByte(index + i) & 0xFF : 0);
        }
        return k;
    }
}
