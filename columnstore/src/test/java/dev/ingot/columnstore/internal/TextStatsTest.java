package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TextStats#rows} against {@link Arrays#compareUnsigned} (a prefix sorts first) over seeded
 * chunks whose values share long prefixes (so most comparisons go past the first and second words),
 * differ in trailing zero bytes or only in their last byte, with NULL rows (whose staged bytes are
 * anything), and end at the view's last byte. Values stay below the 64-byte stat area, so the stats
 * are the exact min and max.
 */
class TextStatsTest {
    @Test
    void minAndMaxEqualTheUnsignedByteOrder() {
        long seed = TestSeed.seed("TextStatsTest", 31L);
        Random rnd = new Random(seed);
        byte[] prefix = "Customer#0000000Customer#0000000".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 24)) {
            for (int round = 0; round < 300; round++) {
                int rows = 1 + rnd.nextInt(round % 3 == 0 ? 5 : 400);
                boolean hasNulls = rnd.nextBoolean();
                int shared = rnd.nextInt(prefix.length + 1);
                byte[][] values = new byte[rows][];
                boolean[] isNull = new boolean[rows];
                int[] offsets = new int[rows + 1];
                for (int i = 0; i < rows; i++) {
                    int len = rnd.nextInt(41);
                    byte[] v = new byte[len];
                    for (int k = 0; k < len; k++) {
                        v[k] = k < shared ? prefix[k] : (byte) (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(4) == 0 ? 0xFF : '0' + rnd.nextInt(3));
                    }
                    values[i] = v;
                    isNull[i] = hasNulls && rnd.nextInt(5) == 0 && i != rows / 2; // one row stays non-null
                    offsets[i + 1] = offsets[i] + len;
                }
                try (MemoryBlock data = memory.allocate(Math.max(1, offsets[rows]), "data");
                     MemoryBlock validity = memory.allocate((rows + 7) / 8, "validity");
                     MemoryBlock header = memory.allocate(ChunkFormat.HEADER_BYTES, "header")) {
                    validity.fill(0, validity.capacity(), (byte) 0);
                    byte[] min = null;
                    byte[] max = null;
                    for (int i = 0; i < rows; i++) {
                        data.putBytes(offsets[i], values[i], 0, values[i].length);
                        if (isNull[i]) {
                            continue;
                        }
                        validity.putByte(i >>> 3, (byte) (validity.getByte(i >>> 3) | (1 << (i & 7))));
                        min = min == null || Arrays.compareUnsigned(values[i], min) < 0 ? values[i] : min;
                        max = max == null || Arrays.compareUnsigned(values[i], max) > 0 ? values[i] : max;
                    }
                    StatsBuilder stats = new StatsBuilder();
                    TextStats.rows(validity, offsets, data, rows, hasNulls, false, stats);
                    header.fill(0, header.capacity(), (byte) 0);
                    stats.writeTo(header);
                    String what = "round " + round + " rows " + rows + " shared " + shared + " " + TestSeed.describe(seed);
                    assertEquals(HexFormat.of().formatHex(min), HexFormat.of().formatHex(stat(header, ChunkFormat.OFF_MIN_STAT_LENGTH,
                            ChunkFormat.OFF_MIN_STAT)), "min, " + what);
                    assertEquals(HexFormat.of().formatHex(max), HexFormat.of().formatHex(stat(header, ChunkFormat.OFF_MAX_STAT_LENGTH,
                            ChunkFormat.OFF_MAX_STAT)), "max, " + what);
                }
            }
        }
    }

    private static byte[] stat(MemoryBlock header, int lengthAt, int at) {
        byte[] b = new byte[header.getByte(lengthAt) & 0xFF];
        header.getBytes(at, b, 0, b.length);
        return b;
    }
}
