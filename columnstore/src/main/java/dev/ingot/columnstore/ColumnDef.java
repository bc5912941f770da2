package dev.ingot.columnstore;

import org.apache.arrow.vector.types.pojo.Field;

/**
 * A column of a table: its name, SQL type and whether it admits NULL. Immutable.
 */
public record ColumnDef(String name, ColumnType type, boolean nullable) {
    public ColumnDef {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("column name is empty");
        }
        if (type == null) {
            throw new IllegalArgumentException("column " + name + " has no type");
        }
    }

    /** A NOT NULL column. */
    public static ColumnDef notNull(String name, ColumnType type) {
        return new ColumnDef(name, type, false);
    }

    /** A nullable column. */
    public static ColumnDef nullable(String name, ColumnType type) {
        return new ColumnDef(name, type, true);
    }

    /** The Arrow field for this column. */
    public Field arrowField() {
        return new Field(name, type.fieldType(nullable), null);
    }

    /** The column of an Arrow field. */
    public static ColumnDef fromArrow(Field field) {
        return new ColumnDef(field.getName(), ColumnType.fromArrow(field.getType(), field.getMetadata()), field.isNullable());
    }
}
