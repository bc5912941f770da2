package dev.ingot.columnstore;

import java.util.List;

/**
 * A declared integrity constraint, as plain data kept in the catalog. Enforcement lives in the
 * constraints module. Immutable.
 *
 * @param name              constraint name, unique in the store (e.g. {@code lineitem_pk})
 * @param kind              PRIMARY KEY, UNIQUE or FOREIGN KEY
 * @param columns           the constrained columns of the owning table, in key order
 * @param referencedTable   for a FOREIGN KEY, the referenced (parent) table; otherwise null
 * @param referencedColumns for a FOREIGN KEY, the parent's PRIMARY KEY or UNIQUE columns in the
 *                          same order as {@code columns}; otherwise empty
 */
public record ConstraintSpec(String name, Kind kind, List<String> columns, String referencedTable,
                             List<String> referencedColumns) {
    /** Constraint kinds. */
    public enum Kind {
        PRIMARY_KEY("PRIMARY KEY"), UNIQUE("UNIQUE"), FOREIGN_KEY("FOREIGN KEY");

        private final String sql;

        Kind(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }
    }

    public ConstraintSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("constraint name is empty");
        }
        if (kind == null || columns == null || columns.isEmpty()) {
            throw new IllegalArgumentException("constraint " + name + " needs a kind and at least one column");
        }
        columns = List.copyOf(columns);
        referencedColumns = referencedColumns == null ? List.of() : List.copyOf(referencedColumns);
        if (kind == Kind.FOREIGN_KEY) {
            if (referencedTable == null || referencedColumns.size() != columns.size()) {
                throw new IllegalArgumentException("foreign key " + name + " needs a referenced table and as many referenced columns as columns");
            }
        } else if (referencedTable != null || !referencedColumns.isEmpty()) {
            throw new IllegalArgumentException(kind.sql() + " " + name + " cannot reference a table");
        }
    }

    public static ConstraintSpec primaryKey(String name, String... columns) {
        return new ConstraintSpec(name, Kind.PRIMARY_KEY, List.of(columns), null, List.of());
    }

    public static ConstraintSpec unique(String name, String... columns) {
        return new ConstraintSpec(name, Kind.UNIQUE, List.of(columns), null, List.of());
    }

    public static ConstraintSpec foreignKey(String name, List<String> columns, String referencedTable, List<String> referencedColumns) {
        return new ConstraintSpec(name, Kind.FOREIGN_KEY, columns, referencedTable, referencedColumns);
    }

    /** Whether this constraint makes its columns a key (PRIMARY KEY or UNIQUE). */
    public boolean isKey() {
        return kind != Kind.FOREIGN_KEY;
    }

    /** SQL-like text, e.g. {@code FOREIGN KEY (l_orderkey) REFERENCES orders (o_orderkey)}. */
    public String describe() {
        String s = kind.sql() + " (" + String.join(", ", columns) + ")";
        if (kind == Kind.FOREIGN_KEY) {
            s += " REFERENCES " + referencedTable + " (" + String.join(", ", referencedColumns) + ")";
        }
        return s;
    }
}
