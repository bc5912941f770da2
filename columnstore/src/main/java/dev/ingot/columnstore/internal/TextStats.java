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
        int first = 0;
        while (hasNulls && !Bits.isSet(validity, first)) {
            first++;
        }
        // prefix keys with the sign bit flipped: their signed order is the prefixes' unsigned order
        long minKey = prefixKey(data, offsets[first], offsets[first + 1] - offsets[first]) ^ Long.MIN_VALUE;
        long maxKey = minKey;
        int minRow = first;
        int maxRow = first;
        int minTies = 0; // later rows whose prefix key equals the min's (the max's)
        int maxTies = 0;
        for (int i = first + 1; i < rows; i++) {
            if (hasNulls && !Bits.isSet(validity, i)) {
                continue;
            }
            int at = offsets[i];
            long key = prefixKey(data, at, offsets[i + 1] - at) ^ Long.MIN_VALUE;
            // ties are counted, not branched on: a branch taken by no row of the first tables (and
            // by every row of c_name) was compiled as a trap, then deoptimized and recompiled
            minTies += equal(key, minKey);
            maxTies += equal(key, maxKey);
            if (key < minKey) {
                minKey = key;
                minRow = i;
                minTies = 0;
            }
            if (key > maxKey) {
                maxKey = key;
                maxRow = i;
                maxTies = 0;
            }
        }
        if (minTies > 0) {
            minRow = extremeOfTies(validity, offsets, data, rows, hasNulls, minKey ^ Long.MIN_VALUE, minRow, -1);
        }
        if (maxTies > 0) {
            maxRow = extremeOfTies(validity, offsets, data, rows, hasNulls, maxKey ^ Long.MIN_VALUE, maxRow, 1);
        }
        out.byteStats(data, offsets[minRow], offsets[minRow + 1] - offsets[minRow], offsets[maxRow], offsets[maxRow + 1] - offsets[maxRow],
                text, false);
    }

    /** 1 if {@code a == b}, else 0, without a branch. */
    private static int equal(long a, long b) {
        long x = a ^ b;
        return (int) ((x | -x) >>> 63) ^ 1;
    }

    /**
     * Of the non-null rows after {@code row} whose prefix key is {@code key} (the first such row is
     * {@code row}), the least ({@code sign} -1) or greatest ({@code sign} 1) by all its bytes.
     */
    private static int extremeOfTies(MemoryView validity, int[] offsets, MemoryView data, int rows, boolean hasNulls, long key, int row,
                                     int sign) {
        int best = row;
        for (int i = row + 1; i < rows; i++) {
            if (hasNulls && !Bits.isSet(validity, i)) {
                continue;
            }
            int at = offsets[i];
            int len = offsets[i + 1] - at;
            if (prefixKey(data, at, len) == key
                    && sign * compareAfterPrefix(data, at, len, offsets[best], offsets[best + 1] - offsets[best]) > 0) {
                best = i;
            }
        }
        return best;
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
