package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared rules of constraint definitions ({@link ConstraintRules}) and where the store applies them. */
class ConstraintRulesTest {
    @TempDir
    Path dir;

    private static TableDef table(String name, String refTable, String fkName) {
        List<ConstraintSpec> cs = refTable == null
                ? List.of(ConstraintSpec.primaryKey(name + "_pk", "id"))
                : List.of(ConstraintSpec.primaryKey(name + "_pk", "id"), ConstraintSpec.foreignKey(fkName, List.of("ref"), refTable, List.of("id")));
        return new TableDef(name, List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.nullable("ref", ColumnType.int64())), cs);
    }

    private static List<String> messages(List<ConstraintRules.Problem> problems) {
        return problems.stream().map(ConstraintRules.Problem::message).toList();
    }

    @Test
    void aCycleIsNamedWithItsTablesAndASelfReferenceIsAllowed() {
        TableDef a = table("a", "b", "a_b");
        TableDef b = table("b", "c", "b_c");
        TableDef c = table("c", "a", "c_a");
        TableDef self = table("s", "s", "s_s");
        List<ConstraintRules.Problem> problems = ConstraintRules.check(List.of(a, b, c, self));
        assertEquals(List.of("foreign keys form a cycle: a -> b -> c -> a (closed by FOREIGN KEY \"c_a\" of table c)"), messages(problems));
        assertEquals("c", problems.get(0).table());
        assertSame(c.foreignKeys().get(0), problems.get(0).constraint());
    }

    @Test
    void compositeKeysMatchInAnyOrderButEachColumnOnce() {
        TableDef parent = new TableDef("p", List.of(ColumnDef.notNull("x", ColumnType.int64()), ColumnDef.notNull("y", ColumnType.date())),
                List.of(ConstraintSpec.primaryKey("p_pk", "x", "y")));
        TableDef good = new TableDef("g", List.of(ColumnDef.nullable("d", ColumnType.date()), ColumnDef.nullable("n", ColumnType.int32())),
                List.of(ConstraintSpec.foreignKey("g_fk", List.of("d", "n"), "p", List.of("y", "x"))));
        TableDef twice = new TableDef("t", List.of(ColumnDef.nullable("n", ColumnType.int64()), ColumnDef.nullable("m", ColumnType.int64())),
                List.of(ConstraintSpec.foreignKey("t_fk", List.of("n", "m"), "p", List.of("x", "x"))));
        TableDef swapped = new TableDef("w", List.of(ColumnDef.nullable("d", ColumnType.date()), ColumnDef.nullable("n", ColumnType.int32())),
                List.of(ConstraintSpec.foreignKey("w_fk", List.of("d", "n"), "p", List.of("x", "y"))));
        assertEquals(List.of(
                "FOREIGN KEY \"t_fk\" of table t references p (x, x), which is not a PRIMARY KEY or UNIQUE constraint of p",
                "FOREIGN KEY \"w_fk\" of table w: column d DATE cannot reference p.x BIGINT"),
                messages(ConstraintRules.check(List.of(parent, good, twice, swapped))));
    }

    @Test
    void addedTablesAreNotBlamedForOldProblemsAndUncommittedParentsAreNamed() {
        TableDef orphan = table("o", "gone", "o_fk");
        TableDef parent = table("p", null, null);
        TableDef child = table("c", "p", "c_fk");
        assertEquals(List.of(), ConstraintRules.checkAdded(List.of(parent), List.of(orphan), Set.of()));
        assertEquals(List.of("FOREIGN KEY \"c_fk\" of table c references table p, which is not committed yet"),
                messages(ConstraintRules.checkAdded(List.of(child), List.of(parent), Set.of("p"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConstraintRules.requireValid(List.of(table("x", null, null), table("o2", "nope", "o_fk")), List.of(orphan)));
        assertEquals("constraint name \"o_fk\" is used twice, by FOREIGN KEY (ref) REFERENCES gone (id) of table o and by FOREIGN KEY (ref) "
                + "REFERENCES nope (id) of table o2; constraint names must be unique in the store; FOREIGN KEY \"o_fk\" of table o2 references "
                + "table nope, which does not exist", e.getMessage());
    }

    @Test
    void theStoreChecksAtCreateTableAgainstLoadsInProgressAndAgainAtCommit() throws Exception {
        try (ColumnStore store = ColumnStore.openOrCreate(dir)) {
            TableDef p = table("p", null, null);
            TableDef c = table("c", "p", "c_fk");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.createTable(c, ColumnStoreWriteHints.estimate(c)));
            assertEquals("cannot define table c: FOREIGN KEY \"c_fk\" of table c references table p, which does not exist", e.getMessage());
            try (TableWriter pw = store.createTable(p, ColumnStoreWriteHints.estimate(p));
                 TableWriter cw = store.createTable(c, ColumnStoreWriteHints.estimate(c))) {
                IllegalStateException s = assertThrows(IllegalStateException.class, cw::commit);
                assertEquals("cannot commit table c: FOREIGN KEY \"c_fk\" of table c references table p, which is not committed yet", s.getMessage());
                pw.commit();
                cw.commit(); // the writer stayed open and commits once its parent has
            }
            assertEquals(List.of("p", "c"), store.tables().stream().map(TableInfo::name).toList());
            assertTrue(store.definitionProblems().isEmpty());
        }
        try (ColumnStore store = ColumnStore.openOrCreate(dir)) {
            assertEquals(2, store.tables().size());
        }
    }
}
