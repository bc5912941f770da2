package dev.ingot.columnstore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The definition of a table: name, columns and constraints. Immutable; validated on
 * construction (distinct column names, constrained columns exist, at most one PRIMARY KEY,
 * PRIMARY KEY columns NOT NULL, no REAL/DOUBLE key columns: see {@link ColumnType#canBeKey()}).
 */
public record TableDef(String name, List<ColumnDef> columns, List<ConstraintSpec> constraints) {
    public TableDef {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("table name is empty");
        }
        columns = List.copyOf(columns);
        constraints = constraints == null ? List.of() : List.copyOf(constraints);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + name + " has no columns");
        }
        Map<String, ColumnDef> byName = new HashMap<>();
        for (ColumnDef c : columns) {
            if (byName.put(c.name(), c) != null) {
                throw new IllegalArgumentException("table " + name + " has two columns named " + c.name());
            }
        }
        int pks = 0;
        for (ConstraintSpec k : constraints) {
            for (String col : k.columns()) {
                ColumnDef c = byName.get(col);
                if (c == null) {
                    throw new IllegalArgumentException("constraint " + k.name() + " names unknown column " + name + "." + col);
                }
                if (!c.type().canBeKey()) {
                    throw new IllegalArgumentException(k.kind().sql() + " " + k.name() + " of table " + name + " names column " + col
                            + " of type " + c.type() + "; REAL and DOUBLE columns cannot be key columns (floating-point equality is"
                            + " not an identity: -0.0 = 0.0 and NaN <> NaN); use DECIMAL");
                }
                if (k.kind() == ConstraintSpec.Kind.PRIMARY_KEY && c.nullable()) {
                    throw new IllegalArgumentException("primary key column " + name + "." + col + " must be NOT NULL");
                }
            }
            if (k.kind() == ConstraintSpec.Kind.PRIMARY_KEY) {
                pks++;
            }
        }
        if (pks > 1) {
            throw new IllegalArgumentException("table " + name + " has more than one PRIMARY KEY");
        }
    }

    /**
     * Whether {@code o} is a table definition with the same name, columns and constraints (the
     * record's equality, written out: a record's generated {@code equals} is linked through an
     * {@code invokedynamic} bootstrap on its first call, which spins about 50 method-handle
     * classes at the start of every load that compares definitions).
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof TableDef t && name.equals(t.name) && columns.equals(t.columns) && constraints.equals(t.constraints);
    }

    /** A hash of the name, columns and constraints, consistent with {@link #equals}. */
    @Override
    public int hashCode() {
        return (31 * name.hashCode() + columns.hashCode()) * 31 + constraints.hashCode();
    }

    /** The table of an Arrow schema, with the given constraints. */
    public static TableDef fromArrow(String name, Schema schema, List<ConstraintSpec> constraints) {
        List<ColumnDef> cols = new ArrayList<>();
        for (Field f : schema.getFields()) {
            cols.add(ColumnDef.fromArrow(f));
        }
        return new TableDef(name, cols, constraints);
    }

    /** The Arrow schema of batches appended to, and scanned from, this table. */
    public Schema arrowSchema() {
        List<Field> fields = new ArrayList<>(columns.size());
        for (ColumnDef c : columns) {
            fields.add(c.arrowField());
        }
        return new Schema(fields);
    }

    /**
     * Where {@code fields} (of an Arrow batch or file) stop matching this table: the index of the
     * first column whose name or Arrow type differs (field metadata is not compared), or -1 if
     * they match. Only the first {@code min(columns().size(), fields.size())} columns are compared;
     * callers check the column count themselves.
     */
    public int firstMismatchedColumn(List<Field> fields) {
        int n = Math.min(columns.size(), fields.size());
        for (int i = 0; i < n; i++) {
            ColumnDef c = columns.get(i);
            Field f = fields.get(i);
            if (!f.getName().equals(c.name()) || !f.getType().equals(c.type().arrowType())) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the column named {@code column}, or -1. */
    public int columnIndex(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    /** The column named {@code column}. @throws IllegalArgumentException if there is none */
    public ColumnDef column(String column) {
        int i = columnIndex(column);
        if (i < 0) {
            throw new IllegalArgumentException("table " + name + " has no column " + column);
        }
        return columns.get(i);
    }

    /** The PRIMARY KEY, if declared. */
    public Optional<ConstraintSpec> primaryKey() {
        return constraints.stream().filter(c -> c.kind() == ConstraintSpec.Kind.PRIMARY_KEY).findFirst();
    }

    /** PRIMARY KEY and UNIQUE constraints. */
    public List<ConstraintSpec> keyConstraints() {
        return constraints.stream().filter(ConstraintSpec::isKey).toList();
    }

    /** FOREIGN KEY constraints. */
    public List<ConstraintSpec> foreignKeys() {
        return constraints.stream().filter(c -> !c.isKey()).toList();
    }

    /** Names of the tables this table references. */
    public List<String> referencedTables() {
        return foreignKeys().stream().map(ConstraintSpec::referencedTable).distinct().toList();
    }
}
