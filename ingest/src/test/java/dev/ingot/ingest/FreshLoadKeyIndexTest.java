package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.index.KeyIndexSegment;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key indexes a fresh load commits (one structure per key while rows arrive, the load's key
 * set; the index's hash partitions built at the commit from the stored key columns): a composite
 * PRIMARY KEY whose keys arrive in order for a while and then shuffled, and a UNIQUE text key with
 * NULLs (no sorted run), loaded in batches; each key's segment covers every row (no catch-up), its
 * sorted run is exactly the rows in order, and every key, present or absent, is found at its row
 * against a model. With no memory for the index's partitions the table still commits, without
 * them, and the catch-up indexes it from its key columns with the same answers.
 */
class FreshLoadKeyIndexTest {
    private static final TableDef T = new TableDef("t",
            List.of(ColumnDef.notNull("k", ColumnType.int64()), ColumnDef.notNull("j", ColumnType.int32()),
                    ColumnDef.nullable("code", ColumnType.varchar(16))),
            List.of(ConstraintSpec.primaryKey("t_pk", "k", "j"), ConstraintSpec.unique("t_code", "code")));

    @TempDir
    Path tmp;

    @Test
    void theSegmentsOfAFreshLoadAnswerEveryKey() throws Exception {
        long seed = TestSeed.seed("FreshLoadKeyIndexTest");
        TestSeed.run(seed, () -> {
            for (boolean roomForIndex : new boolean[] {true, false}) {
                Random rnd = new Random(seed);
                int rows = 3000 + rnd.nextInt(3000);
                int sorted = 500 + rnd.nextInt(1000);
                // the largest keys first, in order, then the others shuffled: the order breaks at row `sorted`
                List<Integer> order = new ArrayList<>();
                for (int n = rows - sorted; n < rows; n++) {
                    order.add(n);
                }
                List<Integer> rest = new ArrayList<>();
                for (int n = 0; n < rows - sorted; n++) {
                    rest.add(n);
                }
                Collections.shuffle(rest, rnd);
                order.addAll(rest);
                List<Object[]> data = new ArrayList<>();
                Map<List<Object>, Long> pk = new HashMap<>();
                Map<List<Object>, Long> codes = new HashMap<>();
                for (int r = 0; r < rows; r++) {
                    long k = order.get(r) / 4;
                    int j = order.get(r) % 4;
                    String code = rnd.nextInt(10) == 0 ? null : "c" + order.get(r);
                    data.add(new Object[] {k, j, code});
                    pk.put(List.of(k, j), (long) r);
                    if (code != null) {
                        codes.put(List.of(code), (long) r);
                    }
                }
                assertTrue(order.get(sorted) < order.get(sorted - 1), "the keys break their order at row " + sorted);
                try (BufferAllocator arrow = TestAllocators.arrow();
                     NativeAllocator memory = NativeAllocator.root("sets", 1L << 28);
                     NativeAllocator indexMemory = NativeAllocator.root("index", roomForIndex ? 1L << 28 : 4096);
                     ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s" + roomForIndex))) {
                    try (ConstraintService constraints = new ConstraintService(memory)) {
                        constraints.planLoad(List.of(T));
                        try (TableInserter inserter = TableInserter.begin(store, constraints, T, ColumnStoreWriteHints.estimate(T),
                                ConstraintMode.IMMEDIATE, rows, rnd.nextBoolean(), indexMemory)) {
                            for (int from = 0; from < rows; ) {
                                int to = Math.min(rows, from + 1 + rnd.nextInt(900));
                                try (VectorSchemaRoot b = MemoryRows.batch(arrow, T, data, from, to)) {
                                    inserter.insert(new InsertSource.ArrowBatch(b, RowOrigin.NONE));
                                }
                                from = to;
                            }
                            inserter.commit();
                        }
                    }
                    assertEquals(0, indexMemory.allocatedBytes(), "the index build's memory is freed");
                    List<String> indexes = store.table("t").orElseThrow().indexes().stream().map(IndexInfo::name).toList();
                    String what = (roomForIndex ? "with" : "without") + " room for the index";
                    assertEquals(roomForIndex ? List.of(StoredTable.segmentName("t_code", 0), StoredTable.segmentName("t_pk", 0)) : List.of(),
                            indexes, what);
                    try (NativeAllocator check = NativeAllocator.root("check", 1L << 28);
                         StoreSnapshot snapshot = store.snapshot();
                         StoredTable stored = new StoredTable(snapshot, "t", store.pager().file(), check)) {
                        StoredTable.Index idx = stored.index("t_pk");
                        if (roomForIndex) {
                            assertNull(idx.catchUp(), "the segment covers every row");
                            KeyIndexSegment seg = idx.segments().get(0);
                            assertEquals(sorted, seg.sortedRunRows(), "the run is the rows in order");
                            assertEquals(rows, seg.keyCount());
                            assertTrue(seg.exact(), "pairs within 32 bits are exact");
                            KeyIndexSegment text = stored.index("t_code").segments().get(0);
                            assertEquals(0, text.sortedRunRows(), "a text key has no run");
                            assertEquals(codes.size(), text.keyCount(), "NULL codes are not indexed");
                        } else {
                            assertNotNull(idx.catchUp(), "no segment: the catch-up indexes the key columns");
                        }
                        probe(arrow, stored, "t_pk", List.of("k", "j"), pk, List.of(List.of((long) rows, 0), List.of(-1L, 3)), what);
                        probe(arrow, stored, "t_code", List.of("code"), codes, List.of(List.of("c" + rows), List.of("")), what);
                    }
                }
            }
        });
    }

    /** Finds every key of {@code model} at its row and each of {@code absent} nowhere. */
    private static void probe(BufferAllocator arrow, StoredTable stored, String constraint, List<String> columns,
                              Map<List<Object>, Long> model, List<List<Object>> absent, String what) throws Exception {
        List<ColumnDef> cols = columns.stream().map(T::column).toList();
        TableDef keys = new TableDef("keys", cols, List.of());
        List<Object[]> probes = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        model.forEach((k, row) -> {
            probes.add(k.toArray());
            expected.add(row);
        });
        for (List<Object> k : absent) {
            probes.add(k.toArray());
            expected.add(-1L);
        }
        long[] got = new long[probes.size()];
        try (VectorSchemaRoot root = MemoryRows.batch(arrow, keys, probes, 0, probes.size())) {
            FieldVector[] v = root.getFieldVectors().toArray(new FieldVector[0]);
            stored.keyIndex(constraint, null).newFinder().find(v, 0, probes.size(), r -> false, got);
        }
        for (int i = 0; i < got.length; i++) {
            assertEquals((long) expected.get(i), got[i], constraint + " " + java.util.Arrays.toString(probes.get(i)) + " " + what);
        }
    }
}
