package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.Rows.Row;
import dev.ingot.testing.ArrowPerTest;
import dev.ingot.testing.TestSeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random sequences of appends, deletes, updates (delete + append in one transaction, over
 * two tables), drops and re-creations, compactions, reopenings and held snapshots over three
 * tables (a parent, a child with a FOREIGN KEY to it, an independent one), against a java.util
 * model: after every step each table's live rows, their order, counts and an independent sum and
 * checksum must equal the model's, and a snapshot taken before a step must still show the state
 * before it. {@code -Dingot.test.seed=S} replays a run.
 */
class RandomizedTableModelTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();
    long nextId = 1;

    static final Map<String, TableDef> DEFS = Map.of("p", Rows.def("p"), "c", Rows.child("c", "p"), "x", Rows.def("x"));

    ColumnStore open() throws Exception {
        return ColumnStore.openOrCreate(dir, TestData.options().withPagerOptions(TestData.options().pagerOptions().withSegmentBytes(1 << 20)));
    }

    @Test
    void randomChangesMatchTheModel() throws Exception {
        long seed = TestSeed.seed("RandomizedTableModelTest");
        TestSeed.run(seed, () -> run(new Random(seed), 60));
    }

    private ColumnStoreWriteHints hints(Random r, TableDef def) {
        return ColumnStoreWriteHints.estimate(def).withChunkRows(64 + r.nextInt(900));
    }

    private List<Row> fresh(Random r, int max) {
        int n = 1 + r.nextInt(max);
        List<Row> rows = Rows.range(nextId, nextId + n);
        nextId += n;
        return rows;
    }

    private void run(Random r, int steps) throws Exception {
        Map<String, List<Row>> model = new LinkedHashMap<>();
        ColumnStore store = open();
        try {
            for (int step = 0; step < steps; step++) {
                String what;
                int op = r.nextInt(10);
                StoreSnapshot held = r.nextInt(5) == 0 ? store.snapshot() : null;
                Map<String, List<Row>> before = copy(model);
                if (model.isEmpty() || op == 0) { // create the missing tables, parents first
                    what = "create";
                    try (StoreTransaction tx = store.begin()) {
                        for (String t : List.of("p", "c", "x")) {
                            if (!model.containsKey(t)) {
                                List<Row> rows = fresh(r, 2000);
                                Rows.write(arrow.allocator(), tx.createTable(DEFS.get(t), hints(r, DEFS.get(t))), rows);
                                model.put(t, new ArrayList<>(rows));
                            }
                        }
                        tx.commit();
                    }
                } else if (op <= 3) { // appends to one or two tables
                    what = "append";
                    try (StoreTransaction tx = store.begin()) {
                        for (String t : pick(r, model)) {
                            List<Row> rows = fresh(r, 1500);
                            Rows.write(arrow.allocator(), tx.append(t, hints(r, DEFS.get(t))), rows);
                            model.get(t).addAll(rows);
                        }
                        tx.commit();
                    }
                } else if (op <= 6) { // deletes, or updates (delete + append) when op is 6
                    what = op == 6 ? "update" : "delete";
                    try (StoreTransaction tx = store.begin()) {
                        for (String t : pick(r, model)) {
                            deleteSome(r, store, tx, t, model.get(t));
                            if (op == 6) {
                                List<Row> rows = fresh(r, 300);
                                Rows.write(arrow.allocator(), tx.append(t, hints(r, DEFS.get(t))), rows);
                                model.get(t).addAll(rows);
                            }
                        }
                        if (r.nextBoolean()) {
                            tx.commit();
                        } else {
                            what += " (aborted)";
                            restore(model, before);
                        }
                    }
                } else if (op == 7) { // drops: the parent is refused while the child exists
                    what = "drop";
                    try (StoreTransaction tx = store.begin()) {
                        if (model.containsKey("c") && model.containsKey("p")) {
                            assertEquals("cannot drop table p: table c references it (foreign key c_fk)",
                                    assertThrows(IllegalArgumentException.class, () -> tx.drop("p")).getMessage());
                        }
                        List<String> names = new ArrayList<>(model.keySet());
                        String t = names.get(r.nextInt(names.size()));
                        if (!t.equals("p") || !model.containsKey("c")) {
                            tx.drop(t);
                            model.remove(t);
                        }
                        tx.commit();
                    }
                } else if (op == 8) {
                    what = "compact";
                    if (held != null) {
                        held.close();
                        held = null;
                    }
                    CompactionReport report = store.compact();
                    assertEquals(report.fileBytesAfter(), store.pager().fileSizeBytes());
                    for (String t : model.keySet()) {
                        assertEquals(0, store.table(t).orElseThrow().deletedRowCount(), "no deleted rows after compaction");
                    }
                } else {
                    what = "reopen";
                    if (held != null) {
                        held.close();
                        held = null;
                    }
                    store.close();
                    store = open();
                }
                String where = "step " + step + " (" + what + ")";
                assertEquals(model.keySet(), new java.util.HashSet<>(store.tables().stream().map(TableInfo::name).toList()), where);
                for (Map.Entry<String, List<Row>> e : model.entrySet()) {
                    Rows.assertRows(e.getValue(), Rows.read(store, e.getKey()), where + " table " + e.getKey());
                    assertEquals(e.getValue().size(), store.table(e.getKey()).orElseThrow().liveRowCount(), where);
                }
                if (held != null) {
                    for (Map.Entry<String, List<Row>> e : before.entrySet()) {
                        try (TableReader reader = held.openTable(e.getKey())) {
                            Rows.assertRows(e.getValue(), Rows.read(reader), where + ": snapshot of table " + e.getKey() + " taken before");
                        }
                    }
                    held.close();
                }
            }
        } finally {
            store.close();
        }
    }

    /** Deletes random live rows of {@code t} by row id (found through the reader's live row ids) from the model and the store. */
    private static void deleteSome(Random r, ColumnStore store, StoreTransaction tx, String t, List<Row> rows) throws Exception {
        if (rows.isEmpty()) {
            return;
        }
        long[] rowIds;
        try (TableReader reader = store.openTable(t)) {
            List<Long> ids = new ArrayList<>();
            for (int g = 0; g < reader.rowGroupCount(); g++) {
                for (long id : reader.liveRowIds(g)) {
                    ids.add(id);
                }
            }
            assertEquals(rows.size(), ids.size(), "live row ids of " + t);
            int n = 1 + r.nextInt(Math.max(1, rows.size() / 4));
            List<Integer> positions = r.ints(0, rows.size()).distinct().limit(n).boxed().sorted((a, b) -> b - a).toList();
            rowIds = new long[positions.size()];
            for (int i = 0; i < positions.size(); i++) {
                rowIds[i] = ids.get(positions.get(i));
                rows.remove((int) positions.get(i));
            }
        }
        assertEquals(rowIds.length, tx.delete(t, rowIds));
    }

    private static List<String> pick(Random r, Map<String, List<Row>> model) {
        List<String> names = new ArrayList<>(model.keySet());
        java.util.Collections.shuffle(names, r);
        return names.subList(0, Math.min(names.size(), 1 + r.nextInt(2)));
    }

    private static Map<String, List<Row>> copy(Map<String, List<Row>> model) {
        Map<String, List<Row>> c = new LinkedHashMap<>();
        model.forEach((k, v) -> c.put(k, new ArrayList<>(v)));
        return c;
    }

    private static void restore(Map<String, List<Row>> model, Map<String, List<Row>> before) {
        model.clear();
        model.putAll(copy(before));
    }
}
