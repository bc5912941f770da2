package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.testing.TestSeed;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;

/**
 * {@link PairKeySet}: the {@link KeySetContractTest contract} (whose random keys leave the packed
 * range now and then, so the model test crosses the migration), plus packing and migration.
 */
class PairKeySetTest extends KeySetContractTest {
    private static final List<ColumnType> LONG2 = List.of(ColumnType.int64(), ColumnType.int64());

    @Override
    List<ColumnType> keyTypes() {
        return LONG2;
    }

    @Override
    Class<? extends KeySet> kind() {
        return PairKeySet.class;
    }

    private static long part(Random rnd) {
        return switch (rnd.nextInt(200)) {
            case 0 -> -1 - rnd.nextInt(3); // outside [0, 2^32): migrates the set
            case 1 -> 1L << 32;
            case 2 -> Long.MIN_VALUE;
            default -> rnd.nextInt(4) == 0 ? 0xFFFF_FFFFL - rnd.nextInt(3) : rnd.nextInt(40);
        };
    }

    @Override
    List<Object> randomKey(Random rnd) {
        return List.of(part(rnd), part(rnd));
    }

    @Override
    List<Object> key(long i) {
        return List.of(i >> 3, i & 7);
    }

    @Test
    void packedPairMigratesAndKeepsEveryKey() {
        long seed = TestSeed.seed("PairKeySetTest.packedPairMigratesAndKeepsEveryKey");
        TestSeed.run(seed, () -> packedPairMigrates(new Random(seed)));
    }

    private void packedPairMigrates(Random rnd) {
        Set<List<Long>> model = new HashSet<>();
        try (PairKeySet set = (PairKeySet) KeySet.create(LONG2, allocator, 0, 0.75f)) {
            int n = 20_000;
            Object[] a = new Object[n];
            Object[] b = new Object[n];
            for (int i = 0; i < n; i++) {
                long x;
                long y;
                do {
                    x = rnd.nextInt(1 << 20);
                    y = i % 7 == 0 ? 0xFFFF_FFFFL - rnd.nextInt(4) : rnd.nextInt(8);
                } while (!model.add(List.of(x, y)));
                a[i] = x;
                b[i] = y;
            }
            FieldVector[] batch = {longs(a), longs(b)};
            assertEquals(-1, set.addBatch(batch, 0, n));
            assertTrue(set.isPacked());
            assertTrue(set.resizeCount() > 0);
            // probing a packed set with values outside [0, 2^32): absent, no migration
            FieldVector[] odd = {longs(a[0], -1L, 1L << 32), longs(b[0], 0L, 0L)};
            assertEquals(1, set.firstMissing(odd, 0, 3));
            assertEquals(2, set.firstMissing(odd, 2, 1) + 2);
            assertTrue(set.isPacked());
            // adding such a value migrates; earlier keys of the same batch stay
            FieldVector[] mixed = {longs(-1L, 1L << 32, Long.MIN_VALUE, 5L, a[3]), longs(0L, 0L, Long.MAX_VALUE, 1L << 40, b[3])};
            assertEquals(4, set.addBatch(mixed, 0, 5));
            assertFalse(set.isPacked());
            model.add(List.of(-1L, 0L));
            model.add(List.of(1L << 32, 0L));
            model.add(List.of(Long.MIN_VALUE, Long.MAX_VALUE));
            model.add(List.of(5L, 1L << 40));
            assertEquals(model.size(), set.size());
            assertEquals(-1, set.firstMissing(batch, 0, n), "every packed key survived migration");
            assertEquals(-1, set.firstMissing(mixed, 0, 5));
            assertEquals(0, set.addBatch(batch, 17, 100), "still duplicates after migration");
            FieldVector[] absent = {longs(1L << 21), longs(0L)};
            assertEquals(0, set.firstMissing(absent, 0, 1));
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes(), "packed table freed");
        }
    }
}
