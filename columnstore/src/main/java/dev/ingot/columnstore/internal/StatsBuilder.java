package dev.ingot.columnstore.internal;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.MemoryView;

/**
 * The min/max of one chunk being sealed, filled by a {@link ColumnCodec} and written into the
 * chunk header by {@link #writeTo}. Applies the bounded-prefix rule of {@link ChunkFormat} to
 * byte-string stats longer than {@value ChunkFormat#MAX_STAT_BYTES} bytes. One per column
 * writer, reset per chunk.
 *
 * <p>Thread-safety: not thread-safe; confined to its column writer.
 */
final class StatsBuilder {
    private final byte[] minStat = new byte[ChunkFormat.MAX_STAT_BYTES];
    private final byte[] maxStat = new byte[ChunkFormat.MAX_STAT_BYTES];
    private boolean hasMinMax;
    private boolean sorted;
    private long min;
    private long max;
    private int minLength;
    private int maxLength;
    private boolean minTruncated;
    private boolean maxTruncated;

    /** Clears the stats (a chunk whose values are all NULL has none). */
    void reset() {
        hasMinMax = false;
        sorted = false;
        min = 0;
        max = 0;
        minLength = 0;
        maxLength = 0;
        minTruncated = false;
        maxTruncated = false;
    }

    /** Long stats (see ChunkFormat). */
    void longStats(long min, long max, boolean sorted) {
        reset();
        this.hasMinMax = true;
        this.min = min;
        this.max = max;
        this.sorted = sorted;
    }

    /** 16-byte little-endian byte stats from (low, high) words. */
    void sixteenByteStats(long minLow, long minHigh, long maxLow, long maxHigh, boolean sorted) {
        reset();
        hasMinMax = true;
        this.sorted = sorted;
        putLong(minStat, 0, minLow);
        putLong(minStat, 8, minHigh);
        putLong(maxStat, 0, maxLow);
        putLong(maxStat, 8, maxHigh);
        minLength = 16;
        maxLength = 16;
    }

    private static void putLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * Byte stats from the smallest and largest values, bytes {@code [min, min + minBytes)} and
     * {@code [max, max + maxBytes)} of {@code data}. Values longer than the
     * stat area are cut by the bounded-prefix rule: the min to its longest prefix of at most 64
     * bytes (for UTF-8 {@code text}, ending on a character boundary), the max to its 64-byte
     * prefix with the last byte below 0xFF incremented and the rest dropped; if that prefix is
     * all 0xFF there is no upper bound and the chunk gets no min/max.
     */
    void byteStats(MemoryView data, long min, int minBytes, long max, int maxBytes, boolean text, boolean sorted) {
        reset();
        this.sorted = sorted;
        int cap = ChunkFormat.MAX_STAT_BYTES;
        minLength = Math.min(minBytes, cap);
        if (minBytes > cap && text) {
            // back up to the start of the character that crosses the cut (continuation bytes are 10xxxxxx)
            while (minLength > 0 && (data.getByte(min + minLength) & 0xC0) == 0x80) {
                minLength--;
            }
        }
        data.getBytes(min, minStat, 0, minLength);
        minTruncated = minBytes > minLength;
        if (maxBytes <= cap) {
            data.getBytes(max, maxStat, 0, maxBytes);
            maxLength = maxBytes;
        } else {
            data.getBytes(max, maxStat, 0, cap);
            int last = cap - 1;
            while (last >= 0 && maxStat[last] == (byte) 0xFF) {
                last--;
            }
            if (last < 0) {
                reset(); // no byte string of at most 64 bytes is above every value with this prefix
                return;
            }
            maxStat[last]++;
            maxLength = last + 1;
            maxTruncated = true;
        }
        hasMinMax = true;
    }

    /** Whether the chunk has min/max (at least one non-null value and, for byte stats, an upper bound). */
    boolean hasMinMax() {
        return hasMinMax;
    }

    /** The long-stats minimum (see ChunkFormat); 0 without min/max. */
    long min() {
        return min;
    }

    /** The long-stats maximum; 0 without min/max. */
    long max() {
        return max;
    }

    /** Header flags of these stats: HAS_MIN_MAX, SORTED, MIN_TRUNCATED, MAX_TRUNCATED. */
    int flags() {
        if (!hasMinMax) {
            return 0;
        }
        return ChunkFormat.FLAG_HAS_MIN_MAX | (sorted ? ChunkFormat.FLAG_SORTED : 0)
                | (minTruncated ? ChunkFormat.FLAG_MIN_TRUNCATED : 0) | (maxTruncated ? ChunkFormat.FLAG_MAX_TRUNCATED : 0);
    }

    /** Writes min/max and the byte stats into the (zeroed) header of {@code target}; flags are written by the caller. */
    void writeTo(MemoryBlock target) {
        target.putLong(ChunkFormat.OFF_MIN, min);
        target.putLong(ChunkFormat.OFF_MAX, max);
        target.putByte(ChunkFormat.OFF_MIN_STAT_LENGTH, (byte) minLength);
        target.putByte(ChunkFormat.OFF_MAX_STAT_LENGTH, (byte) maxLength);
        target.putBytes(ChunkFormat.OFF_MIN_STAT, minStat, 0, minLength);
        target.putBytes(ChunkFormat.OFF_MAX_STAT, maxStat, 0, maxLength);
    }
}
