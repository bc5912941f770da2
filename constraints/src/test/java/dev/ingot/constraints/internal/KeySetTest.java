package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.ArrowRows;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeySetTest {
    private NativeAllocator allocator;
    private BufferAllocator arrow;
    private final List<FieldVector> vectors = new ArrayList<>();

    @BeforeEach
    void open() {
        allocator = NativeAllocator.root("test", 1L << 32);
        arrow = new RootAllocator();
    }

    @AfterEach
    void assertNoLeak() {
        vectors.forEach(FieldVector::close);
        arrow.close();
        assertEquals(0, allocator.allocatedBytes());
        allocator.close();
    }

    private FieldVector vec(FieldVector v, Object... values) {
        vectors.add(v);
        v.allocateNew();
        for (int i = 0; i < values.length; i++) {
            ArrowRows.set(v, i, values[i]);
        }
        v.setValueCount(values.length);
        return v;
    }

    private BigIntVector longs(Object... values) {
        return (BigIntVector) vec(new BigIntVector("b" + vectors.size(), arrow), values);
    }

    private VarCharVector texts(Object... values) {
        return (VarCharVector) vec(new VarCharVector("t" + vectors.size(), arrow), values);
    }

    private static final List<ColumnType> LONG1 = List.of(ColumnType.int64());
    private static final List<ColumnType> LONG2 = List.of(ColumnType.int64(), ColumnType.int64());

    @Test
    void encodingChoice() {
        assertEquals(KeyEncoding.LONG, KeyEncoding.of(List.of(ColumnType.int32())));
        assertEquals(KeyEncoding.LONG, KeyEncoding.of(List.of(ColumnType.decimal(12, 2))));
        assertEquals(KeyEncoding.PACKED_PAIR, KeyEncoding.of(List.of(ColumnType.int32(), ColumnType.date())));
        assertEquals(KeyEncoding.BYTES, KeyEncoding.of(List.of(ColumnType.varchar(25))));
        assertEquals(KeyEncoding.BYTES, KeyEncoding.of(List.of(ColumnType.int64(), ColumnType.charOf(1))));
        assertEquals(KeyEncoding.BYTES, KeyEncoding.of(List.of(ColumnType.int64(), ColumnType.int64(), ColumnType.int64())));
    }

    @Test
    void singleLongKeyWindowsAndNulls() {
        int n = 10_000; // spans several scratch windows
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = (long) i * 3 - 5000;
        }
        try (KeySet set = KeySet.create(LONG1, allocator, n, 0.75f)) {
            BigIntVector v = longs(values);
            assertEquals(-1, set.addBatch(new FieldVector[] {v}, 0, n));
            assertEquals(0, set.resizeCount(), "presized exactly");
            assertEquals(n, set.size());
            assertEquals(-1, set.firstMissing(new FieldVector[] {v}, 0, n));
            long g = 1L << 40;
            BigIntVector more = longs(-g, 0L, g + 1, g + 2, g + 4, g + 5, g + 1, g + 3, g + 7);
            assertEquals(4, set.addBatch(new FieldVector[] {more}, 2, 7), "g+1 recurs 4 rows later, relative to offset 2");
            assertEquals(n + 4, set.size(), "rows before the duplicate were added");
            // nulls are skipped both ways, and indexes still map back to batch rows
            BigIntVector withNulls = longs(null, 1_000_000L, null, 1_000_001L, -5000L, 7_777_777_777L);
            assertEquals(4, set.addBatch(new FieldVector[] {withNulls}, 0, 6));
            assertEquals(5, set.firstMissing(new FieldVector[] {withNulls}, 0, 6));
            assertEquals(-1, set.firstMissing(new FieldVector[] {withNulls}, 0, 5));
        }
    }

    @Test
    void integerLikeTypesCompareByValue() {
        try (KeySet set = KeySet.create(LONG1, allocator, 0, 0.75f)) {
            set.addBatch(new FieldVector[] {longs(-7L, 0L, 19000L, 1234L)}, 0, 4);
            IntVector ints = (IntVector) vec(new IntVector("i", arrow), -7, 0, 19000, 1234, 5);
            assertEquals(4, set.firstMissing(new FieldVector[] {ints}, 0, 5));
            DateDayVector dates = (DateDayVector) vec(new DateDayVector("d", arrow),
                    LocalDate.ofEpochDay(19000), LocalDate.ofEpochDay(-7), LocalDate.ofEpochDay(1));
            assertEquals(2, set.firstMissing(new FieldVector[] {dates}, 0, 3));
            DecimalVector decimals = (DecimalVector) vec(new DecimalVector("m", arrow, 15, 2),
                    new BigDecimal("12.34"), new BigDecimal("-0.07"), new BigDecimal("0.01"));
            assertEquals(2, set.firstMissing(new FieldVector[] {decimals}, 0, 3), "unscaled 1234 and -7 present, 1 absent");
            assertThrows(IllegalArgumentException.class, () -> set.addBatch(new FieldVector[] {texts("x")}, 0, 1));
            DecimalVector wide = (DecimalVector) vec(new DecimalVector("w", arrow, 38, 0), new BigDecimal("1e30").setScale(0));
            assertThrows(IllegalArgumentException.class, () -> set.firstMissing(new FieldVector[] {wide}, 0, 1));
        }
    }

    @Test
    void packedPairMigratesAndKeepsEveryKey() {
        long seed = TestSeed.seed("KeySetTest.packedPairMigratesAndKeepsEveryKey");
        TestSeed.run(seed, () -> packedPairMigrates(new Random(seed)));
    }

    private void packedPairMigrates(Random rnd) {
        Set<List<Long>> model = new HashSet<>();
        PairKeySet set = (PairKeySet) KeySet.create(LONG2, allocator, 0, 0.75f);
        try {
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
        } finally {
            set.close();
        }
    }

    @Test
    void textAndCompositeBytesKeys() {
        try (KeySet one = KeySet.create(List.of(ColumnType.varchar(10)), allocator, 0, 0.75f)) {
            VarCharVector v = texts("FRANCE", "", "GERMANY", null, "", "x");
            assertEquals(4, one.addBatch(new FieldVector[] {v}, 0, 6), "empty string duplicates; NULL exempt");
            assertEquals(3, one.size());
            assertEquals(-1, one.firstMissing(new FieldVector[] {v}, 0, 5));
            assertEquals(5, one.firstMissing(new FieldVector[] {v}, 0, 6));
        }
        List<ColumnType> three = List.of(ColumnType.varchar(5), ColumnType.varchar(5), ColumnType.int32());
        try (KeySet set = KeySet.create(three, allocator, 0, 0.75f)) {
            FieldVector[] cols = {texts("ab", "a", "ab", "a"),
                                  texts("c", "bc", "c", "bc"),
                                  vec(new IntVector("i", arrow), 1, 1, 2, 1)};
            assertEquals(3, set.addBatch(cols, 0, 4), "('ab','c') and ('a','bc') differ");
            assertEquals(3, set.size());
            FieldVector[] probe = {texts("ab"), texts("c"), longs(2L)};
            assertEquals(-1, set.firstMissing(probe, 0, 1), "INT64 child matches INT32 parent");
        }
    }

    @Test
    void rangeChecks() {
        try (KeySet set = KeySet.create(LONG1, allocator, 0, 0.75f)) {
            BigIntVector v = longs(1L, 2L);
            assertThrows(IndexOutOfBoundsException.class, () -> set.addBatch(new FieldVector[] {v}, 1, 2));
            assertThrows(IllegalArgumentException.class, () -> set.addBatch(new FieldVector[] {v, v}, 0, 1));
        }
    }
}
