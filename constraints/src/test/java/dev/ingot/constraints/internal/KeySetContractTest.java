package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ArrowRows;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link KeySet} kind keeps ({@link LongKeySet}, {@link PairKeySet},
 * {@link BytesKeySet}), run by each kind's test class: seeded random batches (random slices,
 * NULLs, repeats) added and probed against a {@link java.util.HashSet} model, both through the
 * set and through separate {@link KeySet.Prober}s; batches wider than the scratch windows; the
 * NULL exemption; range and column-count checks; presizing; close. Cases of one kind only (value
 * comparison across integer types, pair packing and migration, text and composite encodings)
 * stay in its own test class.
 */
abstract class KeySetContractTest {
    protected NativeAllocator allocator;
    protected BufferAllocator arrow;
    private final List<VectorSchemaRoot> batches = new ArrayList<>();
    private final List<FieldVector> vectors = new ArrayList<>();

    /** The key's column types, which make {@link KeySet#create} pick the kind under test. */
    abstract List<ColumnType> keyTypes();

    /** The kind under test. */
    abstract Class<? extends KeySet> kind();

    /** A random key (one non-null value per column, as {@link ArrowRows#set} takes it), often repeating. */
    abstract List<Object> randomKey(Random random);

    /** Key number {@code i}: distinct for distinct {@code i >= 0}. */
    abstract List<Object> key(long i);

    @BeforeEach
    void openAllocators() {
        allocator = NativeAllocator.root("test", 1L << 32);
        arrow = TestAllocators.arrow();
    }

    @AfterEach
    void closeAllocators() {
        batches.forEach(VectorSchemaRoot::close);
        vectors.forEach(FieldVector::close);
        arrow.close();
        allocator.close(); // throws, listing them, if a key set left blocks behind
    }

    KeySet newSet(long expectedKeys) {
        return KeySet.create(keyTypes(), allocator, expectedKeys, 0.75f);
    }

    /** The key columns of a batch of {@code rows}, each a key as {@link #randomKey} makes it (null for NULL). */
    FieldVector[] batch(List<List<Object>> rows) {
        List<ColumnDef> columns = new ArrayList<>();
        for (int c = 0; c < keyTypes().size(); c++) {
            columns.add(ColumnDef.nullable("k" + c, keyTypes().get(c)));
        }
        Object[][] cells = new Object[rows.size()][];
        for (int r = 0; r < cells.length; r++) {
            cells[r] = rows.get(r).toArray();
        }
        VectorSchemaRoot root = ArrowRows.root(arrow, new TableDef("keys", columns, List.of()), cells);
        batches.add(root);
        return root.getFieldVectors().toArray(new FieldVector[0]);
    }

    /** {@code v}, closed after the test, holding {@code values} ({@link ArrowRows#set} forms, null for NULL). */
    <V extends FieldVector> V vec(V v, Object... values) {
        vectors.add(v);
        v.allocateNew();
        for (int i = 0; i < values.length; i++) {
            ArrowRows.set(v, i, values[i]);
        }
        v.setValueCount(values.length);
        return v;
    }

    BigIntVector longs(Object... values) {
        return vec(new BigIntVector("b" + vectors.size(), arrow), values);
    }

    VarCharVector texts(Object... values) {
        return vec(new VarCharVector("t" + vectors.size(), arrow), values);
    }

    /** {@code key} with a NULL in column {@code column} (modulo the column count). */
    List<Object> withNull(List<Object> key, int column) {
        List<Object> row = new ArrayList<>(key);
        row.set(column % row.size(), null);
        return row;
    }

    private static boolean hasNull(List<Object> row) {
        for (Object v : row) {
            if (v == null) {
                return true;
            }
        }
        return false;
    }

    /**
     * What {@link KeySet#addBatch} ({@code add}) or {@link KeySet#firstMissing} must return, on the
     * model: the first non-NULL row whose key is already present (and adds the rows before it),
     * or whose key is absent.
     */
    private static int onModel(Set<List<Object>> model, List<List<Object>> rows, int offset, int length, boolean add) {
        for (int r = 0; r < length; r++) {
            List<Object> row = rows.get(offset + r);
            if (!hasNull(row) && (add ? !model.add(row) : !model.contains(row))) {
                return r;
            }
        }
        return -1;
    }

    @Test
    void createPicksThisKind() {
        try (KeySet set = newSet(0)) {
            assertInstanceOf(kind(), set);
        }
    }

    @Test
    void randomBatchesMatchAHashSet() {
        long seed = TestSeed.seed(getClass().getSimpleName() + ".randomBatchesMatchAHashSet");
        TestSeed.run(seed, () -> randomBatches(new Random(seed)));
    }

    private void randomBatches(Random rnd) throws Exception {
        Set<List<Object>> model = new HashSet<>();
        try (KeySet set = newSet(rnd.nextBoolean() ? 0 : 5000)) {
            KeySet.Prober prober = set.newProber();
            for (int round = 0; round < 60; round++) {
                int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 6000 : 300);
                List<List<Object>> rows = new ArrayList<>(n);
                for (int r = 0; r < n; r++) {
                    List<Object> key = randomKey(rnd);
                    rows.add(rnd.nextInt(20) == 0 ? withNull(key, rnd.nextInt(8)) : key);
                }
                FieldVector[] columns = batch(rows);
                int offset = rnd.nextInt(n);
                int length = rnd.nextInt(n - offset + 1);
                String where = "round " + round + ", rows [" + offset + ", " + (offset + length) + ") of " + n;
                switch (rnd.nextInt(3)) {
                    case 0 -> assertEquals(onModel(model, rows, offset, length, true), set.addBatch(columns, offset, length), where);
                    case 1 -> assertEquals(onModel(model, rows, offset, length, false),
                            set.firstMissing(columns, offset, length), where);
                    default -> assertEquals(onModel(model, rows, offset, length, false),
                            prober.firstMissing(columns, offset, length), where);
                }
                assertEquals(model.size(), set.size(), where);
            }
            // every key of the model is there, seen through fresh probers on two threads at once
            List<List<Object>> all = new ArrayList<>(model);
            FieldVector[] everything = batch(all);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Callable<Integer> probe = () -> set.newProber().firstMissing(everything, 0, all.size());
                List<Future<Integer>> results = pool.invokeAll(List.of(probe, probe));
                for (Future<Integer> f : results) {
                    assertEquals(-1, f.get());
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(all.isEmpty() ? -1 : 0, set.addBatch(everything, 0, all.size()), "every key is a duplicate");
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        }
    }

    @Test
    void batchesWiderThanTheScratchWindowsWithNulls() {
        int n = 10_000; // several windows of every kind
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(key(i));
        }
        try (KeySet set = newSet(n)) {
            FieldVector[] columns = batch(rows);
            assertEquals(-1, set.addBatch(columns, 0, n));
            assertEquals(0, set.resizeCount(), "presized exactly");
            assertEquals(n, set.size());
            assertEquals(-1, set.firstMissing(columns, 0, n));
            assertEquals(-1, set.newProber().firstMissing(columns, 0, n));
            assertEquals(0, set.addBatch(columns, n - 1, 1), "the last row is a duplicate");

            // rows after the first duplicate are not added; indexes are relative to the offset
            List<List<Object>> more = new ArrayList<>();
            for (int i = 0; i < 9000; i++) {
                more.add(key(n + i));
            }
            more.add(key(n + 4500)); // row 9000 repeats row 4500
            more.add(key(n + 9001));
            FieldVector[] moreColumns = batch(more);
            assertEquals(8998, set.addBatch(moreColumns, 2, more.size() - 2));
            assertEquals(n + 8998, set.size(), "rows before the duplicate were added");
            assertEquals(8999, set.firstMissing(moreColumns, 2, more.size() - 2), "the row after it was not");
            assertEquals(0, set.firstMissing(moreColumns, 1, 1), "nor the row before the offset");

            // NULL rows are skipped both ways, and indexes still map back to batch rows
            List<List<Object>> withNulls = List.of(withNull(key(3 * n), 0), key(3 * n + 1), withNull(key(3 * n + 2), 1),
                    key(3 * n + 3), key(5), key(3 * n + 4));
            FieldVector[] nullColumns = batch(withNulls);
            assertEquals(4, set.addBatch(nullColumns, 0, 6));
            assertEquals(5, set.firstMissing(nullColumns, 0, 6));
            assertEquals(-1, set.firstMissing(nullColumns, 0, 5));
            assertEquals(n + 8998 + 2, set.size());
        }
    }

    @Test
    void rangesAndColumnCountsAreChecked() {
        try (KeySet set = newSet(0)) {
            FieldVector[] columns = batch(List.of(key(1), key(2)));
            String outside = "rows [1, 3) outside column k0 of 2 rows";
            assertEquals(outside, assertThrows(IndexOutOfBoundsException.class, () -> set.addBatch(columns, 1, 2)).getMessage());
            assertEquals(outside, assertThrows(IndexOutOfBoundsException.class, () -> set.firstMissing(columns, 1, 2)).getMessage());
            assertEquals(outside, assertThrows(IndexOutOfBoundsException.class,
                    () -> set.newProber().firstMissing(columns, 1, 2)).getMessage());
            FieldVector[] oneMore = Arrays.copyOf(columns, columns.length + 1);
            oneMore[columns.length] = columns[0];
            String count = "key has " + columns.length + " columns, got " + oneMore.length;
            assertEquals(count, assertThrows(IllegalArgumentException.class, () -> set.addBatch(oneMore, 0, 1)).getMessage());
            assertEquals(count, assertThrows(IllegalArgumentException.class, () -> set.firstMissing(oneMore, 0, 1)).getMessage());
            assertEquals(0, set.size(), "a refused batch adds nothing");
            assertEquals(-1, set.addBatch(columns, 2, 0), "an empty range is fine");
        }
    }

    @Test
    void closeIsIdempotentAndFreesEverything() {
        KeySet set = newSet(0);
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            rows.add(key(i));
        }
        assertEquals(-1, set.addBatch(batch(rows), 0, rows.size()));
        assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        set.close();
        set.close();
        assertEquals(0, set.allocatedBytes());
        assertEquals(0, allocator.allocatedBytes());
    }
}
