package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The stats an integer chunk gets from {@link ChunkEncoder#integralStats} (values loaded once into
 * the encoder, which the encoding then reuses) equal those of {@link ColumnCodec#stats} (value by
 * value through the staging view) for every integer kind, with and without NULL rows, in random,
 * sorted and constant chunks; other kinds are left to their codec.
 */
class IntegralStatsTest {
    @Test
    void encoderStatsEqualTheCodecsForEveryIntegerKind() {
        long seed = TestSeed.seed("IntegralStatsTest", 99L);
        Random rnd = new Random(seed);
        List<ColumnType> types = List.of(ColumnType.int8(), ColumnType.int16(), ColumnType.int32(), ColumnType.int64(), ColumnType.date(),
                ColumnType.time(), ColumnType.timestamp(), ColumnType.timestampTz(), ColumnType.decimal(18, 2));
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 24)) {
            for (ColumnType type : types) {
                int w = type.kind().fixedWidth();
                for (int shape = 0; shape < 6; shape++) {
                    int rows = 1 + rnd.nextInt(3000);
                    boolean nulls = shape % 2 == 1;
                    try (MemoryBlock data = memory.allocate(8L * rows + 64, "data"); MemoryBlock validity = memory.allocate(rows / 8 + 72, "validity")) {
                        validity.fill(0, validity.capacity(), (byte) 0);
                        int nonNull = 0;
                        for (int i = 0; i < rows; i++) {
                            long v = shape < 2 ? rnd.nextLong() >> rnd.nextInt(64) : shape < 4 ? i * 3L - 1000 : 42;
                            v = (v << (64 - 8 * w)) >> (64 - 8 * w); // within the kind's width
                            boolean isNull = nulls && (i == 0 || rnd.nextInt(4) == 0) && i != rows - 1;
                            if (!isNull) {
                                validity.putByte(i >>> 3, (byte) (validity.getByte(i >>> 3) | (1 << (i & 7))));
                                nonNull++;
                            }
                            long junk = isNull ? rnd.nextLong() : v; // a null row's staged bytes are anything
                            for (int b = 0; b < w; b++) {
                                data.putByte((long) w * i + b, (byte) (junk >>> (8 * b)));
                            }
                        }
                        StatsBuilder expected = new StatsBuilder();
                        ColumnCodec.of(type).stats(validity, null, data, rows, nulls, expected);
                        StatsBuilder got = new StatsBuilder();
                        assertTrue(new ChunkEncoder(type.kind()).integralStats(validity, data, rows, rows - nonNull, got));
                        String what = type + " shape " + shape + " rows " + rows + " " + TestSeed.describe(seed);
                        assertEquals(expected.min(), got.min(), what);
                        assertEquals(expected.max(), got.max(), what);
                        assertEquals(expected.flags(), got.flags(), what + " (sorted flag)");
                    }
                }
            }
            try (MemoryBlock data = memory.allocate(64, "data")) {
                assertFalse(new ChunkEncoder(ColumnType.Kind.FLOAT64).integralStats(data, data, 1, 0, new StatsBuilder()));
            }
        }
    }
}
