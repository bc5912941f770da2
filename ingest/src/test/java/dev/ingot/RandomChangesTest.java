package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.testing.TestSeed;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random sequences of appends, deletes (by key and by filter), updates, drops, lookups,
 * compactions and reopenings over three tables (p: PRIMARY KEY and a nullable UNIQUE; c: composite
 * PRIMARY KEY and a nullable FOREIGN KEY to p; g: a composite FOREIGN KEY to c), checked after every
 * step against a {@link LinkedHashMap} model: the exact message of each expected violation (the
 * lowest row; for one row PRIMARY KEY, UNIQUE, FOREIGN KEY; RESTRICT naming the first referencing
 * child row), every table's contents in row order, a lookup of every live key and of absent ones, and
 * the model's own integrity (every FOREIGN KEY value held by a live parent row).
 */
class RandomChangesTest {
    @TempDir
    Path tmp;

    static final TableDef P = new TableDef("p",
            List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.nullable("code", ColumnType.varchar(8)),
                    ColumnDef.nullable("v", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("p_pk", "id"), ConstraintSpec.unique("p_code_uq", "code")));
    static final TableDef C = new TableDef("c",
            List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.notNull("n", ColumnType.int32()),
                    ColumnDef.nullable("pid", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("c_pk", "id", "n"), ConstraintSpec.foreignKey("c_p_fk", List.of("pid"), "p", List.of("id"))));
    static final TableDef G = new TableDef("g",
            List.of(ColumnDef.notNull("gid", ColumnType.int64()), ColumnDef.nullable("cid", ColumnType.int64()),
                    ColumnDef.nullable("cn", ColumnType.int32())),
            List.of(ConstraintSpec.primaryKey("g_pk", "gid"),
                    ConstraintSpec.foreignKey("g_c_fk", List.of("cid", "cn"), "c", List.of("id", "n"))));

    /** Live rows in row order, by key. */
    final Map<List<Object>, List<Object>> p = new LinkedHashMap<>();
    final Map<List<Object>, List<Object>> c = new LinkedHashMap<>();
    final Map<List<Object>, List<Object>> g = new LinkedHashMap<>();
    Random rnd;

    @Test
    void randomSequencesMatchTheModel() throws Exception {
        long seed = TestSeed.seed("RandomChangesTest");
        TestSeed.run(seed, () -> run(seed));
    }

    private void run(long seed) throws Exception {
        rnd = new Random(seed);
        Path dir = tmp.resolve("db");
        Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing());
        try {
            db.createTable(P);
            db.createTable(C);
            db.createTable(G);
            for (int step = 0; step < 70; step++) {
                int op = rnd.nextInt(12);
                String what;
                if (op <= 2) {
                    what = appendP(db);
                } else if (op <= 4) {
                    what = appendC(db);
                } else if (op == 5) {
                    what = appendG(db);
                } else if (op == 6) {
                    what = deleteP(db);
                } else if (op == 7) {
                    what = deleteC(db);
                } else if (op == 8) {
                    what = updateP(db);
                } else if (op == 9) {
                    db.close();
                    db = Ingot.open(dir, IngotOptions.defaults());
                    what = "reopen";
                } else if (op == 10) {
                    db.compact();
                    what = "compact";
                } else {
                    db.drop("g");
                    g.clear();
                    db.createTable(G);
                    what = "drop and create g";
                }
                check(db, step + " " + what);
            }
        } finally {
            db.close();
        }
    }

    private List<Object> pRow(long id) {
        return Arrays.asList(id, rnd.nextInt(4) == 0 ? null : "c" + rnd.nextInt(40), (long) rnd.nextInt(1000));
    }

    /** Appends random parents; a violation is expected exactly when the model says so. */
    private String appendP(Ingot db) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        int n = 1 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            rows.add(pRow(rnd.nextInt(60)));
        }
        String expected = null;
        Set<Object> ids = new HashSet<>();
        Set<Object> codes = new HashSet<>();
        for (List<Object> live : p.values()) {
            ids.add(live.get(0));
            if (live.get(1) != null) {
                codes.add(live.get(1));
            }
        }
        for (int r = 0; r < n && expected == null; r++) {
            List<Object> row = rows.get(r);
            if (!ids.add(row.get(0))) {
                expected = "duplicate key value violates PRIMARY KEY constraint \"p_pk\" on table p: key (id)=(" + row.get(0)
                        + ") already exists; row " + r;
            } else if (row.get(1) != null && !codes.add(row.get(1))) {
                expected = "duplicate key value violates UNIQUE constraint \"p_code_uq\" on table p: key (code)=('" + row.get(1)
                        + "') already exists; row " + r;
            }
        }
        appendExpecting(db, "p", P, rows, expected);
        if (expected == null) {
            for (List<Object> row : rows) {
                p.put(List.of(row.get(0)), row);
            }
        }
        return "append " + n + " to p" + (expected == null ? "" : " (fails)");
    }

    private String appendC(Ingot db) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        int n = 1 + rnd.nextInt(15);
        for (int i = 0; i < n; i++) {
            Long pid = rnd.nextInt(5) == 0 ? null : (long) rnd.nextInt(60);
            rows.add(Arrays.asList((long) rnd.nextInt(20), (long) rnd.nextInt(4), pid));
        }
        String expected = null;
        Set<List<Object>> keys = new HashSet<>(c.keySet());
        for (int r = 0; r < n && expected == null; r++) {
            List<Object> row = rows.get(r);
            if (!keys.add(List.of(row.get(0), row.get(1)))) {
                expected = "duplicate key value violates PRIMARY KEY constraint \"c_pk\" on table c: key (id, n)=(" + row.get(0) + ", "
                        + row.get(1) + ") already exists; row " + r;
            } else if (row.get(2) != null && !p.containsKey(List.of(row.get(2)))) {
                expected = "insert into table c violates FOREIGN KEY constraint \"c_p_fk\": key (pid)=(" + row.get(2)
                        + ") is not present in table p; row " + r;
            }
        }
        appendExpecting(db, "c", C, rows, expected);
        if (expected == null) {
            for (List<Object> row : rows) {
                c.put(List.of(row.get(0), row.get(1)), row);
            }
        }
        return "append " + n + " to c" + (expected == null ? "" : " (fails)");
    }

    private String appendG(Ingot db) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        List<List<Object>> cKeys = new ArrayList<>(c.keySet());
        int n = 1 + rnd.nextInt(8);
        for (int i = 0; i < n; i++) {
            List<Object> ref = !cKeys.isEmpty() && rnd.nextInt(4) != 0 ? cKeys.get(rnd.nextInt(cKeys.size()))
                    : List.of((long) rnd.nextInt(20), (long) rnd.nextInt(4));
            rows.add(rnd.nextInt(6) == 0 ? Arrays.asList((long) rnd.nextInt(30), null, ref.get(1))
                    : Arrays.asList((long) rnd.nextInt(30), ref.get(0), ref.get(1)));
        }
        String expected = null;
        Set<List<Object>> keys = new HashSet<>(g.keySet());
        for (int r = 0; r < n && expected == null; r++) {
            List<Object> row = rows.get(r);
            if (!keys.add(List.of(row.get(0)))) {
                expected = "duplicate key value violates PRIMARY KEY constraint \"g_pk\" on table g: key (gid)=(" + row.get(0)
                        + ") already exists; row " + r;
            } else if (row.get(1) != null && !c.containsKey(List.of(row.get(1), row.get(2)))) {
                expected = "insert into table g violates FOREIGN KEY constraint \"g_c_fk\": key (cid, cn)=(" + row.get(1) + ", "
                        + row.get(2) + ") is not present in table c; row " + r;
            }
        }
        appendExpecting(db, "g", G, rows, expected);
        if (expected == null) {
            for (List<Object> row : rows) {
                g.put(List.of(row.get(0)), row);
            }
        }
        return "append " + n + " to g" + (expected == null ? "" : " (fails)");
    }

    private void appendExpecting(Ingot db, String table, TableDef def, List<List<Object>> rows, String expected) throws Exception {
        try (Transaction tx = db.begin(); VectorSchemaRoot batch = ArrowValues.root(db.allocator(), def.columns(), rows)) {
            if (expected == null) {
                int split = rnd.nextInt(rows.size() + 1); // two appends in one transaction
                tx.append(table, batch, 0, split);
                tx.append(table, batch, split, rows.size() - split);
                tx.commit();
            } else {
                TableLoadException e = assertThrows(TableLoadException.class, () -> tx.append(table, batch));
                assertEquals(expected, e.getMessage());
            }
        }
    }

    private String deleteP(Ingot db) throws Exception {
        List<List<Object>> keys = new ArrayList<>();
        List<List<Object>> live = new ArrayList<>(p.keySet());
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            keys.add(!live.isEmpty() && rnd.nextBoolean() ? live.get(rnd.nextInt(live.size())) : List.of((long) rnd.nextInt(60)));
        }
        Set<Object> gone = new HashSet<>();
        for (List<Object> k : keys) {
            if (p.containsKey(k)) {
                gone.add(k.get(0));
            }
        }
        String expected = null;
        for (List<Object> child : c.values()) { // the first referencing child row in row order
            if (child.get(2) != null && gone.contains(child.get(2))) {
                expected = "delete from table p violates FOREIGN KEY constraint \"c_p_fk\" on table c: key (id)=(" + child.get(2)
                        + ") is still referenced from table c";
                break;
            }
        }
        try (Transaction tx = db.begin()) {
            assertEquals(gone.size(), tx.deleteKeys("p", keys));
            if (expected == null) {
                tx.commit();
                for (Object id : gone) {
                    p.remove(List.of(id));
                }
            } else {
                ConstraintViolationException e = assertThrows(ConstraintViolationException.class, tx::commit);
                assertEquals(expected, e.getMessage());
            }
        }
        return "delete " + gone + " from p" + (expected == null ? "" : " (restricted)");
    }

    private String deleteC(Ingot db) throws Exception {
        long n = rnd.nextInt(4);
        List<List<Object>> gone = new ArrayList<>();
        for (Map.Entry<List<Object>, List<Object>> e : c.entrySet()) {
            if (e.getValue().get(1).equals(n)) {
                gone.add(e.getKey());
            }
        }
        String expected = null;
        for (List<Object> gr : g.values()) {
            if (gr.get(1) != null && gone.contains(List.of(gr.get(1), gr.get(2)))) {
                expected = "delete from table c violates FOREIGN KEY constraint \"g_c_fk\" on table g: key (id, n)=(" + gr.get(1) + ", "
                        + gr.get(2) + ") is still referenced from table g";
                break;
            }
        }
        try (Transaction tx = db.begin()) {
            assertEquals(gone.size(), tx.deleteWhere("c", RowFilter.eq("n", n)));
            if (expected == null) {
                tx.commit();
                gone.forEach(c::remove);
            } else {
                ConstraintViolationException e = assertThrows(ConstraintViolationException.class, tx::commit);
                assertEquals(expected, e.getMessage());
            }
        }
        return "delete n=" + n + " from c" + (expected == null ? "" : " (restricted)");
    }

    /** Updates a live parent's v (and keeps its code): referenced parents too, as the key stays. */
    private String updateP(Ingot db) throws Exception {
        if (p.isEmpty()) {
            return "no update";
        }
        List<List<Object>> live = new ArrayList<>(p.keySet());
        List<Object> old = p.get(live.get(rnd.nextInt(live.size())));
        List<Object> row = Arrays.asList(old.get(0), old.get(1), (long) rnd.nextInt(1000));
        try (Transaction tx = db.begin(); VectorSchemaRoot batch = ArrowValues.root(db.allocator(), P.columns(), List.of(row))) {
            assertEquals(1, tx.update("p", batch));
            tx.commit();
        }
        p.remove(List.of(row.get(0)));
        p.put(List.of(row.get(0)), row); // an update moves the row to the end
        return "update p " + row;
    }

    private void check(Ingot db, String step) throws Exception {
        for (List<Object> child : c.values()) {
            assertTrue(child.get(2) == null || p.containsKey(List.of(child.get(2))), "model integrity after " + step);
        }
        for (List<Object> gr : g.values()) {
            assertTrue(gr.get(1) == null || c.containsKey(List.of(gr.get(1), gr.get(2))), "model integrity after " + step);
        }
        checkTable(db, "p", P, p, step);
        checkTable(db, "c", C, c, step);
        checkTable(db, "g", G, g, step);
    }

    private void checkTable(Ingot db, String table, TableDef def, Map<List<Object>, List<Object>> model, String step) throws Exception {
        List<List<Object>> scanned = new ArrayList<>();
        for (Map<String, Object> row : db.scan(table).toList()) {
            scanned.add(new ArrayList<>(row.values()));
        }
        assertEquals(new ArrayList<>(model.values()), scanned, table + " after " + step);
        String pk = def.primaryKey().orElseThrow().name();
        for (Map.Entry<List<Object>, List<Object>> e : model.entrySet()) {
            assertEquals(e.getValue(), new ArrayList<>(db.lookupBy(table, pk, e.getKey().toArray()).orElseThrow().values()),
                    table + " lookup " + e.getKey() + " after " + step);
        }
        List<Object> absent = def.primaryKey().orElseThrow().columns().size() == 1 ? List.of(1000L) : List.of(1000L, 1L);
        assertTrue(db.lookupBy(table, pk, absent.toArray()).isEmpty());
        if (table.equals("p")) {
            for (List<Object> row : model.values()) {
                if (row.get(1) != null) {
                    assertEquals(row.get(0), db.lookupBy("p", "p_code_uq", row.get(1)).orElseThrow().get("id"), "UNIQUE lookup after " + step);
                }
            }
        }
    }
}
