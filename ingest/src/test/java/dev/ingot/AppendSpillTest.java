package dev.ingot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.testing.TestSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Appends whose keys do not fit the memory limit (issue 14 for appends): the keys a transaction
 * appends to a table that holds rows spill to disk ({@link dev.ingot.constraints.AppendedKeys})
 * instead of failing, and the result is exactly that of the same transaction with ample memory and
 * of a {@link java.util} model: the same first violation (constraint, table, key, row, in the same
 * message) or the same committed rows. Seeded rounds over a parent {@code o} (BIGINT PRIMARY KEY,
 * text UNIQUE) and a child {@code l} (composite PRIMARY KEY, FOREIGN KEY to {@code o}), each round
 * one transaction of several appends in random key order (so the key index writers hash, and grow)
 * with, sometimes, a planted duplicate (of a stored key, or of a key appended earlier in the same
 * transaction, far enough back to be among the spilled keys) or orphan (a key neither stored nor
 * appended). After every round no spill file is left.
 */
class AppendSpillTest {
    @TempDir
    Path tmp;

    static final TableDef O = new TableDef("o",
            List.of(ColumnDef.notNull("okey", ColumnType.int64()), ColumnDef.notNull("name", ColumnType.varchar(40)),
                    ColumnDef.nullable("v", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("o_pk", "okey"), ConstraintSpec.unique("o_name_key", "name")));
    static final TableDef L = new TableDef("l",
            List.of(ColumnDef.notNull("lkey", ColumnType.int64()), ColumnDef.notNull("ln", ColumnType.int32()),
                    ColumnDef.nullable("q", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("l_pk", "lkey", "ln"), ConstraintSpec.foreignKey("l_o_fk", List.of("lkey"), "o", List.of("okey"))));

    /** A limit whose quarter (the appended keys' share) holds a few thousand keys: the rounds below spill. */
    static final long TINY = 96L << 10;

    Random rnd;
    final List<Long> oKeys = new ArrayList<>();
    final Set<String> oNames = new HashSet<>();
    final Set<List<Long>> lKeys = new HashSet<>();
    long next = 1;
    int failures;
    /** The kinds of planted violation that failed a round (1-5). */
    final Set<Integer> planted = new java.util.TreeSet<>();
    int commits;

    @Test
    void spilledAppendsFindWhatInMemoryAppendsFind() throws Exception {
        long seed = TestSeed.seed("AppendSpillTest");
        TestSeed.run(seed, () -> run(seed));
    }

    private void run(long seed) throws Exception {
        rnd = new Random(seed);
        for (int round = 0; round < 6 || planted.size() < 5 || commits < 2; round++) {
            if (round > 40) {
                throw new AssertionError("40 rounds without each kind of violation and 2 commits: " + planted + ", " + commits);
            }
            // each round on two new stores holding the same committed rows (a spilled commit leaves its rows
            // without an index segment, which the next transaction would index in memory: see the README)
            Path ampleDir = tmp.resolve("ample" + round);
            Path tinyDir = tmp.resolve("tiny" + round);
            oKeys.clear();
            oNames.clear();
            lKeys.clear();
            for (Path dir : List.of(ampleDir, tinyDir)) {
                try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing())) {
                    db.createTable(O);
                    db.createTable(L);
                }
            }
            Random base = new Random(rnd.nextLong());
            try (Ingot ample = Ingot.open(ampleDir, IngotOptions.defaults());
                 Ingot ampleToo = Ingot.open(tinyDir, IngotOptions.defaults())) {
                Random saved = rnd;
                rnd = base;
                String stored = roundOn(ample, ampleToo, -1); // the stored rows: committed with ample memory in both
                rnd = saved;
                assertEquals("committed", stored);
            }
            try (Ingot ample = Ingot.open(ampleDir, IngotOptions.defaults());
                 Ingot tiny = Ingot.open(tinyDir, IngotOptions.defaults().withMemoryLimit(TINY))) {
                String outcome = roundOn(ample, tiny, round);
                if (outcome.equals("committed")) {
                    // the tiny store's appends spilled: their rows were committed without an index segment
                    // (the writer held the keys before the spill only), the ample store's with one
                    assertTrue(uncovered(tiny, "o", "o_pk") > 0, "o_pk's appended keys spilled under " + TINY + " bytes");
                    assertTrue(uncovered(tiny, "l", "l_pk") > 0, "l_pk's appended keys spilled under " + TINY + " bytes");
                    assertEquals(0, uncovered(ample, "o", "o_pk"), "with ample memory every appended row is indexed");
                }
            }
        }
        System.out.println("AppendSpillTest: " + commits + " commits, " + failures + " failures of kinds " + planted);
    }

    @Test
    void aTransactionWhoseKeysSpilledRefusesDeletesOfThatTable() throws Exception {
        Path dir = tmp.resolve("db");
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing().withMemoryLimit(TINY))) {
            db.createTable(O);
            db.createTable(L);
            List<List<Object>> rows = new ArrayList<>();
            for (long k = 1; k <= 6000; k++) {
                long key = (k * 7919) % 6001; // not in order: the writer hashes, and spills
                rows.add(Arrays.asList(key, "n" + key, 0L));
            }
            try (Transaction tx = db.begin(); VectorSchemaRoot root = ArrowValues.root(db.allocator(), O.columns(), rows)) {
                tx.append("o", root);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> tx.deleteKeys("o", List.of(List.of(5L))));
                assertEquals("cannot delete rows of table o in this transaction: the keys of o_pk it appended did not fit the memory"
                        + " limit and were spilled to disk, where rows are not found by key; commit the appends first, or raise the"
                        + " memory limit", e.getMessage());
                tx.commit(); // the refusal left the transaction usable
            }
            assertEquals(6000, db.store().table("o").orElseThrow().liveRowCount());
            assertTrue(uncovered(db, "o", "o_pk") > 0, "the keys spilled");
            assertFalse(Files.exists(dir.resolve(SpillDirectory.DEFAULT_NAME)), "no spill directory is left");
        }
    }

    @Test
    void restrictRefusesWhenTheAppendedReferencesWereLetGo() throws Exception {
        Path dir = tmp.resolve("db");
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing())) {
            db.createTable(O);
            db.createTable(L);
            List<List<Object>> parents = new ArrayList<>();
            for (long k = 1; k <= 6001; k++) {
                parents.add(Arrays.asList(k, "n" + k, 0L));
            }
            try (Transaction tx = db.begin(); VectorSchemaRoot root = ArrowValues.root(db.allocator(), O.columns(), parents)) {
                tx.append("o", root);
                tx.commit();
            }
        }
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().withMemoryLimit(TINY))) {
            List<List<Object>> lines = new ArrayList<>();
            for (long k = 1; k <= 6000; k++) {
                lines.add(Arrays.asList((k * 7919) % 6000 + 1, 1, 0L)); // every parent but 6001, in no order
            }
            try (Transaction tx = db.begin(); VectorSchemaRoot root = ArrowValues.root(db.allocator(), L.columns(), lines)) {
                tx.append("l", root);
                assertEquals(1, tx.deleteKeys("o", List.of(List.of(6001L)))); // no line references it
                IllegalStateException e = assertThrows(IllegalStateException.class, tx::commit);
                assertEquals("cannot check FOREIGN KEY l_o_fk of table l for the keys of table o this transaction deleted: the values"
                        + " it appended to l did not fit the memory limit; delete and append in separate transactions, or raise the"
                        + " memory limit", e.getMessage());
            }
            assertEquals(6001, db.store().table("o").orElseThrow().liveRowCount(), "nothing was published");
            assertEquals(0, db.store().table("l").orElseThrow().liveRowCount());
        }
    }

    /** Committed rows of {@code table} that no stored segment of {@code key} covers. */
    private static long uncovered(Ingot db, String table, String key) throws Exception {
        try (dev.ingot.columnstore.StoreSnapshot s = db.store().snapshot();
             dev.ingot.memory.NativeAllocator mem = dev.ingot.memory.NativeAllocator.root("check", 1L << 30);
             dev.ingot.ingest.keys.StoredTable t = new dev.ingot.ingest.keys.StoredTable(s, table, db.store().pager().file(), mem)) {
            dev.ingot.ingest.keys.StoredTable.Index idx = t.index(key);
            return idx.catchUp() == null ? 0 : t.info().rowCount() - idx.catchUpFirstRowId();
        }
    }

    /** One transaction on both stores (round -1: the stored rows); returns its outcome after checking it. */
    private String roundOn(Ingot ample, Ingot tiny, int round) throws Exception {
        // 0: none, 1: a stored key again, 2: a key appended earlier (spilled), 3: a text key appended earlier (spilled),
        // 4: an orphan, 5: a key of the transaction's first rows (held by the writer before the spill)
        int plant = round < 1 ? 0 : rnd.nextInt(6);
        List<List<List<Object>>> oBatches = new ArrayList<>();
        List<List<Object>> oRows = new ArrayList<>();
        int n = 4000 + rnd.nextInt(4000);
        List<Long> fresh = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fresh.add(next++);
        }
        Collections.shuffle(fresh, rnd);
        for (long k : fresh) {
            oRows.add(Arrays.asList(k, "n" + k, (long) rnd.nextInt(1000)));
        }
        int at = n / 2 + rnd.nextInt(n / 2); // far from the rows it repeats: those are among the spilled keys
        if (plant == 1 && !oKeys.isEmpty()) {
            long k = oKeys.get(rnd.nextInt(oKeys.size()));
            oRows.add(at, Arrays.asList(k, "dup-of-stored-" + k, 1L));
        } else if (plant == 2) {
            long k = (Long) oRows.get(n / 4 + rnd.nextInt(n / 4)).get(0);
            oRows.add(at, Arrays.asList(k, "dup-of-appended-" + k, 2L));
        } else if (plant == 3) {
            String name = (String) oRows.get(n / 4 + rnd.nextInt(n / 4)).get(1);
            oRows.add(at, Arrays.asList(next++, name, 3L));
        } else if (plant == 5) {
            long k = (Long) oRows.get(rnd.nextInt(200)).get(0);
            oRows.add(at, Arrays.asList(k, "dup-of-first-" + k, 5L));
        }
        for (int from = 0; from < oRows.size(); from += 1500) { // several appends in one transaction
            oBatches.add(oRows.subList(from, Math.min(oRows.size(), from + 1500)));
        }
        List<Long> parents = new ArrayList<>(oKeys);
        oRows.forEach(r -> parents.add((Long) r.get(0)));
        List<List<Object>> lRows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long p = parents.get(rnd.nextInt(parents.size()));
            lRows.add(Arrays.asList(p, 1 + rnd.nextInt(1_000_000), 0L));
        }
        if (plant == 4) {
            lRows.add(1000 + rnd.nextInt(2000), Arrays.asList(next + 1_000_000, 1, 4L));
        }
        String expected = expected(oRows, lRows);

        String ampleOutcome = apply(ample, oBatches, lRows);
        String tinyOutcome = apply(tiny, oBatches, lRows);
        assertEquals(expected == null ? "committed" : expected, ampleOutcome, "round " + round + " with ample memory");
        assertEquals(ampleOutcome, tinyOutcome, "round " + round + " under " + TINY + " bytes: the same outcome");
        if (expected == null) {
            commits += round >= 0 ? 1 : 0;
            oRows.forEach(r -> {
                oKeys.add((Long) r.get(0));
                oNames.add((String) r.get(1));
            });
            lRows.forEach(r -> lKeys.add(List.of((Long) r.get(0), ((Integer) r.get(1)).longValue())));
        } else {
            failures++;
            planted.add(plant);
        }
        for (Ingot db : List.of(ample, tiny)) {
            assertEquals(oKeys.size(), db.store().table("o").orElseThrow().liveRowCount(), "o's committed rows, round " + round);
            assertEquals(lKeys.size(), db.store().table("l").orElseThrow().liveRowCount(), "l's committed rows, round " + round);
        }
        Path spill = tiny.store().directory().resolve(SpillDirectory.DEFAULT_NAME);
        if (Files.exists(spill)) {
            try (Stream<Path> files = Files.list(spill)) {
                fail("the spill directory is left after round " + round + ", holding " + files.toList());
            }
        }
        return ampleOutcome;
    }

    /** The model's first violation (in append order: o's rows, then l's), or null. */
    private String expected(List<List<Object>> oRows, List<List<Object>> lRows) {
        Set<Long> keys = new HashSet<>(oKeys);
        Set<String> names = new HashSet<>(oNames);
        for (int r = 0; r < oRows.size(); r++) {
            List<Object> row = oRows.get(r);
            if (!keys.add((Long) row.get(0))) {
                return "duplicate key value violates PRIMARY KEY constraint \"o_pk\" on table o: key (okey)=(" + row.get(0)
                        + ") already exists; row " + r;
            }
            if (!names.add((String) row.get(1))) {
                return "duplicate key value violates UNIQUE constraint \"o_name_key\" on table o: key (name)=('" + row.get(1) + "'"
                        + ") already exists; row " + r;
            }
        }
        Set<List<Long>> lk = new HashSet<>(lKeys);
        for (int r = 0; r < lRows.size(); r++) {
            List<Object> row = lRows.get(r);
            if (!lk.add(List.of((Long) row.get(0), ((Integer) row.get(1)).longValue()))) {
                return "duplicate key value violates PRIMARY KEY constraint \"l_pk\" on table l: key (lkey, ln)=(" + row.get(0) + ", "
                        + row.get(1) + ") already exists; row " + r;
            }
            if (!keys.contains((Long) row.get(0))) {
                return "insert into table l violates FOREIGN KEY constraint \"l_o_fk\": key (lkey)=(" + row.get(0)
                        + ") is not present in table o; row " + r;
            }
        }
        return null;
    }

    /** Runs the round's transaction: "committed", or the message of the failure that ended it. */
    private String apply(Ingot db, List<List<List<Object>>> oBatches, List<List<Object>> lRows) throws Exception {
        try (Transaction tx = db.begin()) {
            try {
                for (List<List<Object>> b : oBatches) {
                    try (VectorSchemaRoot root = ArrowValues.root(db.allocator(), O.columns(), b)) {
                        tx.append("o", root);
                    }
                }
                try (VectorSchemaRoot root = ArrowValues.root(db.allocator(), L.columns(), lRows)) {
                    tx.append("l", root);
                }
                tx.commit();
                return "committed";
            } catch (TableLoadException e) {
                IllegalStateException after = assertThrows(IllegalStateException.class, tx::commit, "a failed transaction refuses to commit");
                assertTrue(after.getMessage().startsWith("transaction failed"), after.getMessage());
                assertFalse(e.getMessage().isEmpty());
                return e.getMessage();
            }
        }
    }
}
