package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.index.KeyIndexSegment;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys that arrive in order and the sorted runs that index them without index bytes: seeded random
 * appends (mostly above the stored maximum, sometimes below it, so the order breaks), deletes,
 * re-inserted keys, compactions and reopenings over a parent {@code o} (one-column PRIMARY KEY) and
 * a child {@code l} (composite PRIMARY KEY, FOREIGN KEY to {@code o}), checked after every step
 * against a {@link LinkedHashMap} model: contents in row order, a lookup of every live key (single
 * and batched, in shuffled order) and of absent keys (below, between and above the stored ones,
 * deleted ones), exact messages of duplicate and orphan keys on append, and the index's shape:
 * while the stored rows' keys are strictly increasing, the key is one sorted run and nothing else.
 */
class SortedKeyRunTest {
    @TempDir
    Path tmp;

    static final TableDef O = new TableDef("o",
            List.of(ColumnDef.notNull("okey", ColumnType.int64()), ColumnDef.nullable("v", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("o_pk", "okey")));
    static final TableDef L = new TableDef("l",
            List.of(ColumnDef.notNull("lkey", ColumnType.int64()), ColumnDef.notNull("ln", ColumnType.int32()),
                    ColumnDef.nullable("q", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("l_pk", "lkey", "ln"), ConstraintSpec.foreignKey("l_o_fk", List.of("lkey"), "o", List.of("okey"))));

    /** Live rows in row order, by key. */
    final Map<List<Object>, List<Object>> o = new LinkedHashMap<>();
    final Map<List<Object>, List<Object>> l = new LinkedHashMap<>();
    /** Every stored row's key (deleted ones included until a compaction), in row id order. */
    final List<List<Object>> oPhysical = new ArrayList<>();
    final List<List<Object>> lPhysical = new ArrayList<>();
    long oMax = 0;
    long lMax = 0;
    Random rnd;
    int breaks;
    final int[] appended = new int[2];
    int failed;
    int sortedChecks;

    @Test
    void randomChangesAcrossTheSortedToBrokenTransition() throws Exception {
        long seed = TestSeed.seed("SortedKeyRunTest");
        TestSeed.run(seed, () -> run(seed));
    }

    private boolean covered() {
        return sortedChecks > 5 && breaks > 0 && appended[0] > 5 && appended[1] > 5 && failed > 3;
    }

    private void run(long seed) throws Exception {
        rnd = new Random(seed);
        Path dir = tmp.resolve("db");
        Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing());
        try {
            db.createTable(O);
            db.createTable(L);
            // 60 steps, then more (up to 300) until every path below was taken: a seed-independent check
            for (int step = 0; step < 60 || (!covered() && step < 300); step++) {
                int op = rnd.nextInt(10);
                String what;
                if (op <= 3) {
                    what = appendO(db, step < 20 ? 0 : 5);
                } else if (op <= 5) {
                    what = appendL(db, step < 20 ? 0 : 5);
                } else if (op == 6) {
                    what = delete(db);
                } else if (op == 7) {
                    db.close();
                    db = Ingot.open(dir, IngotOptions.defaults());
                    what = "reopen";
                } else if (op == 8) {
                    db.compact();
                    compact(o, oPhysical);
                    compact(l, lPhysical);
                    what = "compact";
                } else {
                    what = "lookups only";
                }
                check(db, step + " " + what);
            }
            assertTrue(sortedChecks > 5, "the tables were checked while sorted: " + sortedChecks);
            assertTrue(breaks > 0, "the order broke at least once");
            assertTrue(appended[0] > 5 && appended[1] > 5, "appends to o and l succeeded: " + Arrays.toString(appended));
            assertTrue(failed > 3, "appends failed with their messages: " + failed);
            System.out.println("SortedKeyRunTest: appended " + Arrays.toString(appended) + ", failed " + failed + ", sorted checks "
                    + sortedChecks + ", broken checks " + breaks);
        } finally {
            db.close();
        }
    }

    private static void compact(Map<List<Object>, List<Object>> model, List<List<Object>> physical) {
        physical.clear();
        physical.addAll(model.keySet());
    }

    private String appendO(Ingot db, int breakOdds) throws Exception {
        int n = 1 + rnd.nextInt(30);
        List<List<Object>> rows = new ArrayList<>();
        long max = oMax;
        int breakAt = breakOdds > 0 && rnd.nextInt(breakOdds) == 0 ? rnd.nextInt(n) : -1;
        for (int i = 0; i < n; i++) {
            long k = i == breakAt && max > 0 ? 1 + rnd.nextInt((int) max) : max + 1 + rnd.nextInt(3);
            max = Math.max(max, k);
            rows.add(Arrays.asList(k, (long) rnd.nextInt(100)));
        }
        String expected = null;
        java.util.Set<List<Object>> keys = new java.util.HashSet<>(o.keySet());
        for (int r = 0; r < n && expected == null; r++) {
            if (!keys.add(List.of(rows.get(r).get(0)))) {
                expected = "duplicate key value violates PRIMARY KEY constraint \"o_pk\" on table o: key (okey)=(" + rows.get(r).get(0)
                        + ") already exists; row " + r;
            }
        }
        append(db, "o", O, rows, expected);
        if (expected == null) {
            for (List<Object> row : rows) {
                o.put(List.of(row.get(0)), row);
                oPhysical.add(List.of(row.get(0)));
            }
            oMax = max;
            appended[0]++;
        } else {
            failed++;
        }
        return "append " + n + " to o" + (expected == null ? "" : " (fails)");
    }

    private String appendL(Ingot db, int breakOdds) throws Exception {
        List<Object> parents = new ArrayList<>();
        o.keySet().forEach(k -> parents.add(k.get(0)));
        Collections.sort(parents, (a, b) -> Long.compare((Long) a, (Long) b));
        List<List<Object>> rows = new ArrayList<>();
        for (Object parent : parents) { // lines of the parents above the stored children, in key order
            int lines = 1 + rnd.nextInt(4);
            for (int ln = 1; ln <= lines && (Long) parent > lMax && rows.size() < 20; ln++) {
                rows.add(Arrays.asList(parent, (long) ln, (long) rnd.nextInt(50)));
            }
        }
        if (rows.isEmpty() || rnd.nextInt(5) == 0) { // no such parent
            rows.add(rnd.nextInt(rows.size() + 1), Arrays.asList(oMax + 1 + rnd.nextInt(5), 1L, 0L));
        }
        if (breakOdds > 0 && !parents.isEmpty() && rnd.nextInt(breakOdds) == 0) { // out of order: maybe a duplicate
            rows.add(rnd.nextInt(rows.size() + 1), Arrays.asList(parents.get(rnd.nextInt(parents.size())), (long) (1 + rnd.nextInt(4)), 7L));
        }
        int n = rows.size();
        String expected = null;
        java.util.Set<List<Object>> keys = new java.util.HashSet<>(l.keySet());
        for (int r = 0; r < n && expected == null; r++) {
            List<Object> row = rows.get(r);
            if (!keys.add(List.of(row.get(0), row.get(1)))) {
                expected = "duplicate key value violates PRIMARY KEY constraint \"l_pk\" on table l: key (lkey, ln)=(" + row.get(0) + ", "
                        + row.get(1) + ") already exists; row " + r;
            } else if (!o.containsKey(List.of(row.get(0)))) {
                expected = "insert into table l violates FOREIGN KEY constraint \"l_o_fk\": key (lkey)=(" + row.get(0)
                        + ") is not present in table o; row " + r;
            }
        }
        append(db, "l", L, rows, expected);
        if (expected == null) {
            for (List<Object> row : rows) {
                l.put(List.of(row.get(0), row.get(1)), row);
                lPhysical.add(List.of(row.get(0), row.get(1)));
                lMax = Math.max(lMax, (Long) row.get(0));
            }
            appended[1]++;
        } else {
            failed++;
        }
        return "append " + n + " to l" + (expected == null ? "" : " (fails)");
    }

    private void append(Ingot db, String table, TableDef def, List<List<Object>> rows, String expected) throws Exception {
        try (Transaction tx = db.begin(); VectorSchemaRoot batch = ArrowValues.root(db.allocator(), def.columns(), rows)) {
            if (expected == null) {
                int split = rnd.nextInt(rows.size() + 1);
                tx.append(table, batch, 0, split);
                tx.append(table, batch, split, rows.size() - split);
                tx.commit();
            } else {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append(table, batch));
                assertEquals(expected, e.getMessage());
            }
        }
    }

    /** Deletes some child rows and the parents left without children. */
    private String delete(Ingot db) throws Exception {
        List<List<Object>> lGone = new ArrayList<>();
        for (List<Object> k : l.keySet()) {
            if (rnd.nextInt(4) == 0) {
                lGone.add(k);
            }
        }
        List<List<Object>> oGone = new ArrayList<>();
        for (List<Object> k : o.keySet()) {
            boolean referenced = false;
            for (List<Object> lk : l.keySet()) {
                referenced |= lk.get(0).equals(k.get(0)) && !lGone.contains(lk);
            }
            if (!referenced && rnd.nextInt(3) == 0) {
                oGone.add(k);
            }
        }
        try (Transaction tx = db.begin()) {
            assertEquals(lGone.size(), tx.deleteKeys("l", lGone));
            assertEquals(oGone.size(), tx.deleteKeys("o", oGone));
            tx.commit();
        }
        lGone.forEach(l::remove);
        oGone.forEach(o::remove);
        return "delete " + lGone.size() + " from l, " + oGone.size() + " from o";
    }

    private static boolean strictlyIncreasing(List<List<Object>> keys) {
        for (int i = 1; i < keys.size(); i++) {
            List<Object> a = keys.get(i - 1);
            List<Object> b = keys.get(i);
            int c = Long.compare(((Number) a.get(0)).longValue(), ((Number) b.get(0)).longValue());
            if (c == 0 && a.size() == 2) {
                c = Long.compare(((Number) a.get(1)).longValue(), ((Number) b.get(1)).longValue());
            }
            if (c >= 0) {
                return false;
            }
        }
        return true;
    }

    private void check(Ingot db, String step) throws Exception {
        checkTable(db, "o", O, o, oPhysical, step);
        checkTable(db, "l", L, l, lPhysical, step);
    }

    private void checkTable(Ingot db, String table, TableDef def, Map<List<Object>, List<Object>> model, List<List<Object>> physical,
                            String step) throws Exception {
        List<List<Object>> scanned = new ArrayList<>();
        for (Map<String, Object> row : db.scan(table).toList()) {
            scanned.add(new ArrayList<>(row.values()));
        }
        assertEquals(new ArrayList<>(model.values()), scanned, table + " after " + step);
        for (Map.Entry<List<Object>, List<Object>> e : model.entrySet()) {
            assertEquals(e.getValue(), new ArrayList<>(db.lookup(table, e.getKey().toArray()).orElseThrow().values()),
                    table + " lookup " + e.getKey() + " after " + step);
        }
        // absent: below, between, above, deleted
        List<List<Object>> probes = new ArrayList<>(model.keySet());
        boolean pair = def.primaryKey().orElseThrow().columns().size() == 2;
        for (long k = 0; k < (pair ? lMax : oMax) + 3; k += 1 + rnd.nextInt(4)) {
            probes.add(pair ? List.of(k, (long) (1 + rnd.nextInt(5))) : List.of(k));
        }
        probes.addAll(physical);
        Collections.shuffle(probes, rnd);
        try (VectorSchemaRoot keys = ArrowValues.root(db.allocator(), ArrowValues.columns(def, def.primaryKey().orElseThrow().columns()), probes);
             Lookup found = db.lookup(table, def.primaryKey().orElseThrow().name(), keys, null)) {
            for (int i = 0; i < probes.size(); i++) {
                List<Object> expected = model.get(probes.get(i));
                assertEquals(expected != null, found.found(i), table + " batched lookup " + probes.get(i) + " after " + step);
                if (expected != null) {
                    assertEquals(expected, new ArrayList<>(ArrowValues.row(found.rows(), i).values()), table + " batched " + probes.get(i));
                }
            }
        }
        // the index's shape
        boolean sorted = strictlyIncreasing(physical);
        if (!sorted) {
            breaks++;
        }
        try (NativeAllocator memory = NativeAllocator.root("check", 1L << 28);
             StoreSnapshot snapshot = db.store().snapshot();
             StoredTable stored = new StoredTable(snapshot, table, db.store().pager().file(), memory)) {
            StoredTable.Index idx = stored.index(def.primaryKey().orElseThrow().name());
            long runRows = 0;
            long hashed = 0;
            for (KeyIndexSegment s : idx.segments()) {
                runRows += s.sortedRunRows();
                hashed += s.keyCount() - s.sortedRunRows();
            }
            if (idx.catchUp() != null) {
                runRows += idx.catchUp().sortedRunRows();
                hashed += idx.catchUp().size() - idx.catchUp().sortedRunRows();
            }
            assertEquals(physical.size(), runRows + hashed, table + " every stored row is indexed once after " + step);
            if (sorted && !physical.isEmpty()) {
                sortedChecks++;
                assertEquals(0, hashed, table + " keys in order need no hash after " + step);
                assertTrue(idx.segments().size() + (idx.catchUp() == null ? 0 : 1) == 1,
                        table + " keys in order are one run after " + step + ": " + idx.segments());
            }
        }
    }
}
