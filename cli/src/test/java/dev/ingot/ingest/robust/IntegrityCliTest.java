package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.internal.LegacyCatalog;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.ConstraintMode;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 through the CLI: {@code verify} always finishes with a report of every problem it can
 * find (definition problems of a catalog written without the rules, a cycle named with its
 * tables, key sets over {@code --memory-limit-mb}), the first error of a {@code .tbl} load is the
 * same in both checked modes, and a scale factor the generator cannot honour is a usage error.
 */
class IntegrityCliTest {
    private static final ColumnType BIGINT = ColumnType.int64();

    @TempDir
    Path tmp;

    private static TableDef table(String name, List<String> columns, ConstraintSpec... constraints) {
        List<ColumnDef> cols = new ArrayList<>();
        for (String c : columns) {
            cols.add(c.equals("id") ? ColumnDef.notNull(c, BIGINT) : ColumnDef.nullable(c, BIGINT));
        }
        return new TableDef(name, cols, List.of(constraints));
    }

    /** One batch of BIGINT rows. */
    private static BatchSource rows(BufferAllocator arrow, TableDef def, long[][] rows) {
        return new BatchSource() {
            boolean done;

            @Override
            public InsertSource.ArrowBatch next() {
                if (done) {
                    return null;
                }
                done = true;
                VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), arrow);
                root.allocateNew();
                for (int c = 0; c < def.columns().size(); c++) {
                    BigIntVector v = (BigIntVector) root.getVector(c);
                    for (int r = 0; r < rows.length; r++) {
                        v.setSafe(r, rows[r][c]);
                    }
                    v.setValueCount(rows.length);
                }
                root.setRowCount(rows.length);
                return new InsertSource.ArrowBatch(root, RowOrigin.NONE);
            }

            @Override
            public void close() {}
        };
    }

    /**
     * A store as a version without definition checks could leave it: ch has two FOREIGN KEYs named
     * "fk" (case 1), orphan references a table that does not exist (case 3), a and b reference each
     * other (a cycle), and dup, unrelated to all of them, holds a real duplicate key.
     */
    private Path legacyStore() throws IOException {
        Path store = tmp.resolve("legacy");
        List<TableDef> tables = List.of(
                table("p1", List.of("id"), ConstraintSpec.primaryKey("p1_pk", "id")),
                table("p2", List.of("id"), ConstraintSpec.primaryKey("p2_pk", "id")),
                table("ch", List.of("x", "y"), ConstraintSpec.foreignKey("fk_x", List.of("x"), "p1", List.of("id")),
                        ConstraintSpec.foreignKey("fk_y", List.of("y"), "p2", List.of("id"))),
                table("orphan", List.of("id", "g"), ConstraintSpec.primaryKey("orphan_pk", "id")),
                table("a", List.of("id", "b_id"), ConstraintSpec.primaryKey("a_pk", "id")),
                table("b", List.of("id", "a_id"), ConstraintSpec.primaryKey("b_pk", "id"),
                        ConstraintSpec.foreignKey("b_a_fk", List.of("a_id"), "a", List.of("id"))),
                table("dup", List.of("id"), ConstraintSpec.primaryKey("dup_pk", "id")));
        Map<String, long[][]> data = Map.of("p1", new long[][] {{1}}, "p2", new long[][] {{2}}, "ch", new long[][] {{999, 2}},
                "orphan", new long[][] {{1, 7}}, "a", new long[][] {{1, 1}}, "b", new long[][] {{1, 1}},
                "dup", new long[][] {{5}, {6}, {5}});
        try (BufferAllocator arrow = TestAllocators.arrow();
             NativeAllocator memory = NativeAllocator.root("legacy", 1L << 26);
             ColumnStore cs = ColumnStore.openOrCreate(store, Fixtures.NO_SYNC)) {
            LoadReport r = new BulkLoader(cs, memory, LoadOptions.defaults().withMode(ConstraintMode.UNCHECKED)).load(tables,
                    (def, batchRows, threads) -> rows(arrow, def, data.get(def.name())), t -> 0, new BulkLoader.Progress() {});
            assertNull(r.failure());
        }
        LegacyCatalog.rewrite(store, def -> switch (def.name()) {
            case "ch" -> table("ch", List.of("x", "y"), ConstraintSpec.foreignKey("fk", List.of("x"), "p1", List.of("id")),
                    ConstraintSpec.foreignKey("fk", List.of("y"), "p2", List.of("id")));
            case "orphan" -> table("orphan", List.of("id", "g"), ConstraintSpec.primaryKey("orphan_pk", "id"),
                    ConstraintSpec.foreignKey("orphan_fk", List.of("g"), "gone", List.of("id")));
            case "a" -> table("a", List.of("id", "b_id"), ConstraintSpec.primaryKey("a_pk", "id"),
                    ConstraintSpec.foreignKey("a_b_fk", List.of("b_id"), "b", List.of("id")));
            default -> def;
        });
        return store;
    }

    @Test
    void verifyReportsEveryDefinitionProblemAndStillChecksTheRest() throws IOException {
        Path store = legacyStore();
        Fixtures.CliRun diag = Fixtures.cli("diag", "--store", store.toString());
        assertEquals(0, diag.exit(), diag.err());
        Fixtures.CliRun v = Fixtures.cli("verify", "--store", store.toString());
        assertEquals(1, v.exit(), v.err());
        assertEquals(List.of(
                "ingot: verify: table ch: constraint name \"fk\" is used twice, by FOREIGN KEY (x) REFERENCES p1 (id) of table ch and by "
                        + "FOREIGN KEY (y) REFERENCES p2 (id) of table ch; constraint names must be unique in the store; constraint \"fk\" "
                        + "(FOREIGN KEY (y) REFERENCES p2 (id)) not checked",
                "ingot: verify: table orphan: FOREIGN KEY \"orphan_fk\" of table orphan references table gone, which does not exist; "
                        + "constraint \"orphan_fk\" (FOREIGN KEY (g) REFERENCES gone (id)) not checked",
                "ingot: verify: table b: foreign keys form a cycle: a -> b -> a (closed by FOREIGN KEY \"b_a_fk\" of table b); "
                        + "constraint \"b_a_fk\" (FOREIGN KEY (a_id) REFERENCES a (id)) not checked",
                "ingot: verify: table ch: insert into table ch violates FOREIGN KEY constraint \"fk\": key (x)=(999) is not present in table p1; row 0",
                "ingot: verify: table dup: duplicate key value violates PRIMARY KEY constraint \"dup_pk\" on table dup: key (id)=(5) already exists; row 2"),
                v.err().lines().toList());
        assertTrue(v.out().contains("verified 7 tables in "), v.out());
    }

    @Test
    void verifyWithATinyMemoryLimitReportsTheTablesItCouldNotCheck() throws IOException {
        Path store = tmp.resolve("sf001");
        Fixtures.CliRun load = Fixtures.cli("load-tpch", "--scale", "0.1", "--store", store.toString(), "--no-progress");
        assertEquals(0, load.exit(), load.err());
        Fixtures.CliRun v = Fixtures.cli("verify", "--store", store.toString(), "--memory-limit-mb", "1");
        assertEquals(1, v.exit(), v.err());
        assertFalse(v.err().contains("OutOfMemoryError"), v.err());
        // SF0.1: partsupp's hash set (1 MiB for 80,000 keys) does not fit, and lineitem, which references
        // it, is not checked either (lineitem's own sorted key needs no set, and at SF0.01 every set
        // fits in 1 MiB); every other table is still checked and verifies
        assertEquals(List.of("ingot: verify: table partsupp: constraints not checked: the key sets need more off-heap memory than the "
                + "limit of 1048576 bytes (allocator 'ingot/verify/constraints' limit of 1048576 bytes exceeded: 81736 allocated, "
                + "1048576 requested)", "ingot: verify: table lineitem: constraints not checked because table(s) [partsupp] failed verification"),
                v.err().lines().toList());
        assertTrue(v.out().contains("verified 8 tables in "), v.out());
        // with a spill directory the same limit checks every table (externally) and the store verifies
        Path spill = tmp.resolve("verify-spill");
        Fixtures.CliRun spilled = Fixtures.cli("verify", "--store", store.toString(), "--memory-limit-mb", "1", "--spill-dir", spill.toString());
        assertEquals(0, spilled.exit(), spilled.err());
        assertEquals("", spilled.err());
        assertTrue(spilled.out().contains("verified 8 tables in ") && spilled.out().contains(": OK ("), spilled.out());
        assertFalse(Files.exists(spill), "the spill directory verify created is removed");
    }

    @Test
    void theFirstErrorOfATblLoadIsTheSameInBothCheckedModes() throws IOException {
        Path tbl = Fixtures.writeTbl(tmp.resolve("tbl"), 0.01);
        Path orders = tbl.resolve("orders.tbl");
        List<String> lines = new ArrayList<>(Files.readAllLines(orders));
        String[] line2 = lines.get(1).split("\\|");
        line2[1] = "999999"; // a customer key with no customer
        lines.set(1, String.join("|", line2) + "|");
        String[] line5000 = lines.get(4999).split("\\|");
        line5000[0] = lines.get(0).split("\\|")[0]; // the order key of line 1 again
        lines.set(4999, String.join("|", line5000) + "|");
        Files.write(orders, lines);
        String expected = "ingot: error: insert into table orders violates FOREIGN KEY constraint \"orders_customer_fk\": key (o_custkey)=(999999) "
                + "is not present in table customer; row 1 (" + orders + " line 2)";
        assertOneErrorInBothCheckedModes(tbl, "store-", expected);
        // a line the parser rejects later in the file: the violation of line 2 still comes first
        lines.set(4999, "not a line of orders");
        Files.write(orders, lines);
        assertOneErrorInBothCheckedModes(tbl, "parse-", expected);
        // a rejected line in the same batch as the violation (line 12, batch of 1000 rows): the rows
        // parsed before it are still checked, so the violation of line 2 still comes first
        lines.set(4999, String.join("|", line5000) + "|");
        lines.set(11, "not a line of orders either");
        Files.write(orders, lines);
        assertOneErrorInBothCheckedModes(tbl, "same-batch-", expected);
    }

    /** {@code load-tpch --batch-size 1000} of {@code tbl} fails with exactly {@code expected} in immediate and deferred mode. */
    private void assertOneErrorInBothCheckedModes(Path tbl, String storePrefix, String expected) {
        for (String mode : List.of("immediate", "deferred")) {
            Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", tbl.toString(), "--batch-size", "1000",
                    "--mode", mode, "--store", tmp.resolve(storePrefix + mode).toString(), "--no-progress");
            assertEquals(1, run.exit(), run.err());
            List<String> errors = run.err().lines().filter(l -> l.startsWith("ingot: error: ")).toList();
            assertEquals(List.of(expected), errors, mode);
        }
    }

    @Test
    void aScaleTheGeneratorCannotHonourIsAUsageError() {
        for (String command : List.of("load-tpch", "gen-tbl")) {
            Path dir = tmp.resolve(command);
            Fixtures.CliRun run = Fixtures.cli(command, "--scale", "0.00001", command.equals("gen-tbl") ? "--out" : "--store", dir.toString());
            assertEquals(2, run.exit(), run.err());
            assertEquals("--scale: scale factor 1.0E-5 is too small: the TPC-H generator would make no supplier rows "
                    + "(the smallest scale factor is 0.0001)", run.err().lines().findFirst().orElseThrow());
            assertFalse(Files.exists(dir), "nothing is created for a usage error");
        }
        // 0.0001 has one supplier: the generator gives every part that supplier four times
        Fixtures.CliRun tiny = Fixtures.cli("load-tpch", "--scale", "0.0001", "--store", tmp.resolve("tiny").toString());
        assertEquals(2, tiny.exit(), tiny.err());
        assertEquals("--scale: scale factor 1.0E-4 cannot be generated: with 1 suppliers the TPC-H generator gives a part the same "
                + "supplier twice (duplicate partsupp keys)", tiny.err().lines().findFirst().orElseThrow());
        Fixtures.CliRun huge = Fixtures.cli("load-tpch", "--scale", "1e9", "--store", tmp.resolve("huge").toString());
        assertEquals(2, huge.exit(), huge.err());
        assertEquals("--scale: scale factor must be a finite number > 0 and <= 100000: 1.0E9", huge.err().lines().findFirst().orElseThrow());
    }
}
