package dev.ingot.ingest;

import static dev.ingot.ingest.MemoryRows.row;
import static dev.ingot.ingest.MemoryRows.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Constraint definitions are checked when a table is defined and again at commit (issue 17, cases
 * 1 to 3): a definition the store could not use is refused in every mode, through
 * {@link BulkLoader} and {@link TableInserter}, and the store always reopens with its tables.
 */
class ConstraintDefinitionTest {
    private static final ColumnType BIGINT = ColumnType.int64();

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("definitions", 1L << 28);

    private static TableDef parent(String name) {
        return new TableDef(name, List.of(ColumnDef.notNull("id", BIGINT), ColumnDef.nullable("label", ColumnType.varchar(10))),
                List.of(ConstraintSpec.primaryKey(name + "_pk", "id")));
    }

    /** p1 = {1} and p2 = {2}, committed. */
    private ColumnStore storeWithParents() {
        ColumnStore store = open();
        LoadReport r = MemoryRows.load(store, mem.ingot(), mem.arrow(), LoadOptions.defaults(), List.of(parent("p1"), parent("p2")),
                Map.of("p1", rows(row(1L, "one")), "p2", rows(row(2L, "two"))), 10);
        assertNull(r.failure());
        return store;
    }

    private ColumnStore open() {
        try {
            return ColumnStore.openOrCreate(tmp.resolve("store"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> reopenedTables() throws Exception {
        try (ColumnStore store = open()) {
            VerifyReport v = StoreVerifier.verify(store, mem.ingot());
            assertTrue(v.ok(), () -> v.problems().toString());
            return store.tables().stream().map(TableInfo::name).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- case 1: two FOREIGN KEYs named alike

    private static final TableDef TWO_FKS_ONE_NAME = new TableDef("ch", List.of(ColumnDef.nullable("x", BIGINT), ColumnDef.nullable("y", BIGINT)),
            List.of(ConstraintSpec.foreignKey("fk", List.of("x"), "p1", List.of("id")),
                    ConstraintSpec.foreignKey("fk", List.of("y"), "p2", List.of("id"))));
    private static final String TWO_FKS_PROBLEM = "constraint name \"fk\" is used twice, by FOREIGN KEY (x) REFERENCES p1 (id) of table ch "
            + "and by FOREIGN KEY (y) REFERENCES p2 (id) of table ch; constraint names must be unique in the store";

    @ParameterizedTest
    @EnumSource(ConstraintMode.class)
    void twoForeignKeysWithOneNameAreRefusedByTheLoader(ConstraintMode mode) throws Exception {
        try (ColumnStore store = storeWithParents()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryRows.load(store, mem.ingot(), mem.arrow(),
                    LoadOptions.defaults().withMode(mode), List.of(TWO_FKS_ONE_NAME), Map.of("ch", rows(row(999L, 2L))), 10));
            assertEquals(TWO_FKS_PROBLEM, e.getMessage());
        }
        assertEquals(List.of("p1", "p2"), reopenedTables());
    }

    @ParameterizedTest
    @EnumSource(ConstraintMode.class)
    void twoForeignKeysWithOneNameAreRefusedByTheInserter(ConstraintMode mode) throws Exception {
        try (ColumnStore store = storeWithParents();
             ConstraintService constraints = new ConstraintService(mem.ingot())) {
            constraints.planLoad(List.of(TWO_FKS_ONE_NAME));
            constraints.registerExistingTable(parent("p1"), new StoredKeyScanner(store, "p1"));
            constraints.registerExistingTable(parent("p2"), new StoredKeyScanner(store, "p2"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableInserter.begin(store, constraints,
                    TWO_FKS_ONE_NAME, ColumnStoreWriteHints.estimate(TWO_FKS_ONE_NAME), mode, 1));
            assertEquals("cannot define table ch: " + TWO_FKS_PROBLEM, e.getMessage());
            constraints.cancelTable("ch");
        }
        assertEquals(List.of("p1", "p2"), reopenedTables());
    }

    @Test
    void aConstraintNameIsUniqueAcrossTables() throws Exception {
        TableDef clash = new TableDef("other", List.of(ColumnDef.notNull("id", BIGINT)), List.of(ConstraintSpec.primaryKey("p1_pk", "id")));
        try (ColumnStore store = storeWithParents()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryRows.load(store, mem.ingot(), mem.arrow(),
                    LoadOptions.defaults(), List.of(clash), Map.of("other", rows(row(1L))), 10));
            assertEquals("constraint name \"p1_pk\" is used twice, by PRIMARY KEY (id) of table p1 and by PRIMARY KEY (id) of table other; "
                    + "constraint names must be unique in the store", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- case 2: PRIMARY KEY and UNIQUE named alike

    @ParameterizedTest
    @EnumSource(ConstraintMode.class)
    void primaryKeyAndUniqueWithOneNameAreRefused(ConstraintMode mode) throws Exception {
        TableDef sameTypes = new TableDef("t", List.of(ColumnDef.notNull("a", BIGINT), ColumnDef.notNull("b", BIGINT)),
                List.of(ConstraintSpec.primaryKey("k", "a"), ConstraintSpec.unique("k", "b")));
        TableDef mixedTypes = new TableDef("u", List.of(ColumnDef.notNull("a", BIGINT), ColumnDef.notNull("b", ColumnType.varchar(5))),
                List.of(ConstraintSpec.primaryKey("k2", "a"), ConstraintSpec.unique("k2", "b")));
        try (ColumnStore store = open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryRows.load(store, mem.ingot(), mem.arrow(),
                    LoadOptions.defaults().withMode(mode), List.of(sameTypes), Map.of("t", rows(row(1L, 2L), row(2L, 1L))), 10));
            assertEquals("constraint name \"k\" is used twice, by PRIMARY KEY (a) of table t and by UNIQUE (b) of table t; "
                    + "constraint names must be unique in the store", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> MemoryRows.load(store, mem.ingot(), mem.arrow(),
                    LoadOptions.defaults().withMode(mode), List.of(mixedTypes), Map.of("u", rows(row(1L, "x"), row(2L, "y"))), 10));
            assertEquals("constraint name \"k2\" is used twice, by PRIMARY KEY (a) of table u and by UNIQUE (b) of table u; "
                    + "constraint names must be unique in the store", e.getMessage());
        }
        assertEquals(List.of(), reopenedTables());
    }

    // ---------------------------------------------------------------- case 3: definitions the open path would refuse

    @Test
    void uncheckedLoadOfAForeignKeyToANonKeyColumnIsRefused() throws Exception {
        TableDef child = new TableDef("c", List.of(ColumnDef.nullable("x", ColumnType.varchar(10))),
                List.of(ConstraintSpec.foreignKey("c_fk", List.of("x"), "p1", List.of("label"))));
        try (ColumnStore store = storeWithParents()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryRows.load(store, mem.ingot(), mem.arrow(),
                    LoadOptions.defaults().withMode(ConstraintMode.UNCHECKED), List.of(child), Map.of("c", rows(row("one"))), 10));
            assertEquals("FOREIGN KEY \"c_fk\" of table c references p1 (label), which is not a PRIMARY KEY or UNIQUE constraint of p1",
                    e.getMessage());
        }
        assertEquals(List.of("p1", "p2"), reopenedTables());
    }

    @Test
    void foreignKeyOfIncompatibleTypeIsRefused() throws Exception {
        TableDef child = new TableDef("c", List.of(ColumnDef.nullable("x", ColumnType.varchar(10))),
                List.of(ConstraintSpec.foreignKey("c_fk", List.of("x"), "p1", List.of("id"))));
        try (ColumnStore store = storeWithParents()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TableInserter.begin(store, null, child, ColumnStoreWriteHints.estimate(child), ConstraintMode.UNCHECKED, 0));
            assertEquals("cannot define table c: FOREIGN KEY \"c_fk\" of table c: column x VARCHAR(10) cannot reference p1.id BIGINT",
                    e.getMessage());
        }
    }

    @Test
    void uncheckedInsertOfAForeignKeyToAMissingTableIsRefused() throws Exception {
        TableDef child = new TableDef("c", List.of(ColumnDef.nullable("x", BIGINT)),
                List.of(ConstraintSpec.foreignKey("c_fk", List.of("x"), "nope", List.of("id"))));
        try (ColumnStore store = storeWithParents()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TableInserter.begin(store, null, child, ColumnStoreWriteHints.estimate(child), ConstraintMode.UNCHECKED, 0));
            assertEquals("cannot define table c: FOREIGN KEY \"c_fk\" of table c references table nope, which does not exist", e.getMessage());
        }
        assertEquals(List.of("p1", "p2"), reopenedTables());
    }

    @ParameterizedTest
    @EnumSource(value = ConstraintMode.class, names = {"IMMEDIATE", "DEFERRED"})
    void anEmptyChildCannotCommitBeforeItsParent(ConstraintMode mode) throws Exception {
        TableDef p = parent("p");
        TableDef c = new TableDef("c", List.of(ColumnDef.nullable("x", BIGINT)),
                List.of(ConstraintSpec.foreignKey("c_fk", List.of("x"), "p", List.of("id"))));
        try (ColumnStore store = open();
             ConstraintService constraints = new ConstraintService(mem.ingot())) {
            constraints.planLoad(List.of(p, c));
            try (TableInserter parentLoad = TableInserter.begin(store, constraints, p, ColumnStoreWriteHints.estimate(p), mode, 0);
                 TableInserter childLoad = TableInserter.begin(store, constraints, c, ColumnStoreWriteHints.estimate(c), mode, 0)) {
                IllegalStateException e = assertThrows(IllegalStateException.class, childLoad::commit);
                assertEquals("cannot commit table c: FOREIGN KEY \"c_fk\" of table c references table p, which is not committed yet",
                        e.getMessage());
                parentLoad.abort(); // the parent fails: before the fix the store kept c and could not be opened
            }
        }
        assertEquals(List.of(), reopenedTables());
    }

    @Test
    void aForeignKeyCycleCannotBeStoredEvenUnchecked() throws Exception {
        TableDef a = new TableDef("a", List.of(ColumnDef.notNull("id", BIGINT), ColumnDef.nullable("b_id", BIGINT)),
                List.of(ConstraintSpec.primaryKey("a_pk", "id"), ConstraintSpec.foreignKey("a_b", List.of("b_id"), "b", List.of("id"))));
        TableDef b = new TableDef("b", List.of(ColumnDef.notNull("id", BIGINT), ColumnDef.nullable("a_id", BIGINT)),
                List.of(ConstraintSpec.primaryKey("b_pk", "id"), ConstraintSpec.foreignKey("b_a", List.of("a_id"), "a", List.of("id"))));
        try (ColumnStore store = open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryRows.load(store, mem.ingot(), mem.arrow(),
                    LoadOptions.defaults().withMode(ConstraintMode.UNCHECKED), List.of(a, b),
                    Map.of("a", rows(row(1L, 1L)), "b", rows(row(1L, 1L))), 10));
            assertEquals("foreign keys form a cycle: a -> b -> a (closed by FOREIGN KEY \"b_a\" of table b)", e.getMessage());
        }
        assertEquals(List.of(), reopenedTables());
    }
}
