package dev.ingot.ingest;

import static dev.ingot.ingest.MemoryRows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.TableChecker;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-referencing FOREIGN KEYs through the library: {@link TableInserter} over many row groups
 * (a row references a key several row groups later; the recheck reads only the row groups from
 * the first unknown reference on), a composite self-reference, NULL references (MATCH SIMPLE),
 * {@link BulkLoader} in every checked mode, {@code verify} of the result, and the checker's
 * refusal to publish a table whose self-references were never rechecked.
 */
class SelfReferenceLoadTest {
    /** employee(id) with manager_id REFERENCES employee(id). */
    static final TableDef EMPLOYEE = new TableDef("employee", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("manager_id", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("employee_pk", "id"),
                    ConstraintSpec.foreignKey("employee_manager_fk", List.of("manager_id"), "employee", List.of("id"))));
    /** part(site, no) with (parent_site, parent_no) REFERENCES part(site, no): a composite text + integer key. */
    static final TableDef PART = new TableDef("part", List.of(
            ColumnDef.notNull("site", ColumnType.varchar(2)),
            ColumnDef.notNull("no", ColumnType.int64()),
            ColumnDef.nullable("parent_site", ColumnType.varchar(2)),
            ColumnDef.nullable("parent_no", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("part_pk", "site", "no"),
                    ConstraintSpec.foreignKey("part_parent_fk", List.of("parent_site", "parent_no"), "part", List.of("site", "no"))));
    private static final int EMPLOYEES = 10_000;
    private static final int CHUNK_ROWS = 1024;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("self-reference", 1L << 28);
    private int stores;

    /**
     * Employee i (1-based) is managed by i + 1500 for i <= 8500 (a row one or two row groups
     * later), by i - 8000 after that, and by nobody (NULL) when i is a multiple of 97.
     */
    private static List<Object[]> employees() {
        List<Object[]> rows = new ArrayList<>();
        for (long i = 1; i <= EMPLOYEES; i++) {
            Long manager = i % 97 == 0 ? null : i <= 8500 ? i + 1500 : i - 8000;
            rows.add(row(i, manager));
        }
        return rows;
    }

    /** Loads {@code rows} into {@code def} through one inserter in row groups of 1024 rows; returns "committed" or the message. */
    private String insert(ColumnStore store, TableDef def, List<Object[]> rows, ConstraintMode mode, int batchRows, boolean concurrent)
            throws Exception {
        try (ConstraintService constraints = new ConstraintService(mem.ingot())) {
            constraints.planLoad(List.of(def));
            ColumnStoreWriteHints hints = ColumnStoreWriteHints.estimate(def).withChunkRows(CHUNK_ROWS);
            try (TableInserter inserter = TableInserter.begin(store, constraints, def, hints, mode, rows.size(), concurrent)) {
                for (int from = 0; from < rows.size(); from += batchRows) {
                    int to = Math.min(rows.size(), from + batchRows);
                    try (VectorSchemaRoot root = MemoryRows.batch(mem.arrow(), def, rows, from, to)) {
                        inserter.insert(new InsertSource.ArrowBatch(root, new RowOrigin(def.name() + ".rows", from + 1)));
                    }
                }
                inserter.commit();
                assertEquals(0, constraints.outstandingBytes());
                return "committed";
            } catch (TableLoadException e) {
                return e.getMessage();
            }
        }
    }

    /** Every checked way through one inserter: immediate inline and concurrent, deferred; batch sizes 1000 and 4096. */
    private void assertEveryWay(TableDef def, List<Object[]> rows, String expected) throws Exception {
        for (ConstraintMode mode : List.of(ConstraintMode.IMMEDIATE, ConstraintMode.DEFERRED)) {
            for (int batchRows : new int[] {1000, 4096}) {
                for (boolean concurrent : new boolean[] {false, true}) {
                    try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s" + stores++))) {
                        String how = mode + " batch " + batchRows + (concurrent ? " concurrent" : " inline");
                        assertEquals(expected, insert(store, def, rows, mode, batchRows, concurrent), how);
                        if (expected.equals("committed")) {
                            assertEquals(rows.size(), store.table(def.name()).orElseThrow().rowCount(), how);
                            VerifyReport v = StoreVerifier.verify(store, mem.ingot());
                            assertEquals(List.of(), v.problems(), how);
                        } else {
                            assertTrue(store.table(def.name()).isEmpty(), how);
                        }
                    }
                }
            }
        }
    }

    @Test
    void employeesManagedByLaterRowsAcrossRowGroupsCommit() throws Exception {
        assertEveryWay(EMPLOYEE, employees(), "committed");
    }

    @Test
    void theLowestManagerOfNoRowIsReportedAfterAllRowsAreIn() throws Exception {
        List<Object[]> rows = employees();
        rows.get(9000)[1] = 20_001L; // in the ninth row group: the recheck reads from the first unknown reference on
        rows.get(7000)[1] = 20_000L;
        assertEveryWay(EMPLOYEE, rows, "insert into table employee violates FOREIGN KEY constraint \"employee_manager_fk\": "
                + "key (manager_id)=(20000) is not present in table employee; row 7000 (employee.rows line 7001)");
    }

    @Test
    void aManagerThatIsTheLastRowAndARowManagingItself() throws Exception {
        List<Object[]> rows = employees();
        rows.get(0)[1] = (long) EMPLOYEES;
        rows.get(5)[1] = 6L;
        assertEveryWay(EMPLOYEE, rows, "committed");
    }

    private static List<Object[]> parts() {
        List<Object[]> rows = new ArrayList<>();
        String[] sites = {"A", "B", "Cé"};
        for (int s = 0; s < sites.length; s++) {
            for (long no = 1; no <= 1000; no++) {
                // the parent is the same number at the next site (a later row group), none for the last site
                rows.add(s == sites.length - 1 ? row(sites[s], no, null, null) : row(sites[s], no, sites[s + 1], no));
            }
        }
        rows.get(10)[2] = null; // MATCH SIMPLE: a NULL in any column exempts the row
        rows.get(10)[3] = 424242L;
        return rows;
    }

    @Test
    void compositeSelfReferencesToLaterRowsCommit() throws Exception {
        assertEveryWay(PART, parts(), "committed");
    }

    @Test
    void aCompositeSelfReferenceToNoRowNamesBothColumns() throws Exception {
        List<Object[]> rows = parts();
        rows.get(1500)[3] = 1001L; // (Cé, 1001) is in no row
        assertEveryWay(PART, rows, "insert into table part violates FOREIGN KEY constraint \"part_parent_fk\": "
                + "key (parent_site, parent_no)=('Cé', 1001) is not present in table part; row 1500 (part.rows line 1501)");
    }

    @Test
    void bulkLoaderLoadsASelfReferencingTableBesideItsParentInEveryCheckedMode() throws Exception {
        TableDef dept = new TableDef("dept", List.of(ColumnDef.notNull("id", ColumnType.int64())),
                List.of(ConstraintSpec.primaryKey("dept_pk", "id")));
        TableDef staff = new TableDef("staff", List.of(ColumnDef.notNull("id", ColumnType.int64()),
                ColumnDef.notNull("dept", ColumnType.int64()), ColumnDef.nullable("boss", ColumnType.int64())),
                List.of(ConstraintSpec.primaryKey("staff_pk", "id"), ConstraintSpec.foreignKey("staff_boss_fk", List.of("boss"), "staff", List.of("id")),
                        ConstraintSpec.foreignKey("staff_dept_fk", List.of("dept"), "dept", List.of("id"))));
        List<Object[]> depts = List.of(row(1L), row(2L));
        List<Object[]> good = List.of(row(1L, 1L, 3L), row(2L, 2L, 3L), row(3L, 1L, null));
        List<Object[]> orphan = List.of(row(1L, 1L, 3L), row(2L, 2L, 4L), row(3L, 1L, null));
        for (ConstraintMode mode : List.of(ConstraintMode.IMMEDIATE, ConstraintMode.DEFERRED)) {
            for (int threads = 1; threads <= 2; threads++) {
                LoadOptions options = LoadOptions.defaults().withMode(mode).withParallelism(threads, threads);
                try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("b" + stores++))) {
                    LoadReport r = MemoryRows.load(store, mem.ingot(), mem.arrow(), options, List.of(staff, dept), Map.of("dept", depts, "staff", good), 2);
                    assertNull(r.failure(), mode + " " + threads);
                    assertEquals(3, store.table("staff").orElseThrow().rowCount());
                    assertEquals(0, r.constraintOutstandingBytes());
                }
                try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("b" + stores++))) {
                    LoadReport r = MemoryRows.load(store, mem.ingot(), mem.arrow(), options, List.of(staff, dept), Map.of("dept", depts, "staff", orphan), 2);
                    TableLoadException e = assertInstanceOf(TableLoadException.class, r.failure());
                    assertEquals("insert into table staff violates FOREIGN KEY constraint \"staff_boss_fk\": key (boss)=(4) is not present "
                            + "in table staff; row 1 (staff.rows line 2)", e.getMessage(), mode + " " + threads);
                    assertEquals(2, store.table("dept").orElseThrow().rowCount()); // the parent stays committed
                    assertFalse(store.table("staff").isPresent());
                }
            }
        }
    }

    @Test
    void aCheckerRefusesToFinishBeforeItsSelfReferencesWereRechecked() throws Exception {
        List<Object[]> rows = List.of(row(1L, 2L), row(2L, null));
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("c"));
             ConstraintService constraints = new ConstraintService(mem.ingot())) {
            constraints.planLoad(List.of(EMPLOYEE));
            assertEquals(2, constraints.holdCount("employee", "employee_pk")); // its own table and its self-reference
            try (TableChecker checker = constraints.beginTable(EMPLOYEE, 2, null);
                 VectorSchemaRoot root = MemoryRows.batch(mem.arrow(), EMPLOYEE, rows, 0, 2)) {
                checker.checkBatch(root, 0, 1, 0); // row 0's manager 2 comes in the next batch
                checker.checkBatch(root, 1, 1, 1);
                assertTrue(checker.needsSelfReferenceCheck());
                IllegalStateException e = assertThrows(IllegalStateException.class, checker::finish);
                assertEquals("table employee references keys of its own table from row 0 on that were not known when checked; "
                        + "call checkSelfReferences before finish", e.getMessage());
                // the stored rows: the recheck finds key 2 and lets the checker finish
                try (TableInserter unchecked = TableInserter.begin(store, constraints, EMPLOYEE, ColumnStoreWriteHints.estimate(EMPLOYEE),
                        ConstraintMode.UNCHECKED, 2)) {
                    unchecked.insert(new InsertSource.ArrowBatch(root, RowOrigin.NONE));
                    unchecked.commit();
                }
                try (TableReader stored = store.openTable("employee")) {
                    checker.checkSelfReferences(stored);
                }
                assertFalse(checker.needsSelfReferenceCheck());
                checker.finish();
            }
            assertEquals(0, constraints.outstandingBytes());
        }
    }
}
