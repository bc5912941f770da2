package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TableDef}'s written-out equality: the record's (name, columns, constraints), with a matching hash. */
class TableDefEqualityTest {
    private static TableDef def(String name, String secondColumn, boolean withKey) {
        return new TableDef(name, List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.nullable(secondColumn, ColumnType.int32())),
                withKey ? List.of(ConstraintSpec.primaryKey(name + "_pk", "id")) : List.of());
    }

    @Test
    void equalDefinitionsBuiltTwiceAreEqualWithTheSameHash() {
        TableDef a = def("orders", "qty", true);
        TableDef b = def("orders", "qty", true);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        // the record's component-wise hash, as a record would define it with these components
        assertEquals((31 * "orders".hashCode() + a.columns().hashCode()) * 31 + a.constraints().hashCode(), a.hashCode());
    }

    @Test
    void aDifferentNameColumnOrConstraintIsNotEqual() {
        TableDef a = def("orders", "qty", true);
        assertNotEquals(a, def("order2", "qty", true)); // the name (and so the key's name)
        assertNotEquals(a, def("orders", "price", true)); // a column
        assertNotEquals(a, def("orders", "qty", false)); // the constraints
        assertNotEquals(a, new TableDef("orders", a.columns(), List.of(ConstraintSpec.unique("orders_pk", "id")))); // the constraint's kind
        assertNotEquals(a, (Object) "orders");
        assertNotEquals(a, null);
    }
}
