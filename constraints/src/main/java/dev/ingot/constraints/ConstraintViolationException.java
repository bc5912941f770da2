package dev.ingot.constraints;

import dev.ingot.columnstore.ConstraintSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Raised when a row breaks a PRIMARY KEY, UNIQUE or FOREIGN KEY constraint. Names the constraint,
 * the table, the key columns and values, the row id (0-based row number within the table's load)
 * and, when known, the source location. The loader rolls the table's load back.
 *
 * <p>Message shapes (stable; tests assert them):
 * <pre>
 * duplicate key value violates PRIMARY KEY constraint "orders_pk" on table orders: key (o_orderkey)=(7) already exists; row 1234 (orders.tbl line 1235)
 * insert into table lineitem violates FOREIGN KEY constraint "lineitem_orders_fk": key (l_orderkey)=(99) is not present in table orders; row 5 (lineitem.tbl line 6)
 * null value in column o_orderkey violates PRIMARY KEY constraint "orders_pk" on table orders; row 3 (orders.tbl line 4)
 * delete from table orders violates FOREIGN KEY constraint "lineitem_orders_fk" on table lineitem: key (o_orderkey)=(7) is still referenced from table lineitem
 * </pre>
 * Without a source location the tail is just {@code ; row 1234}. Composite keys print as
 * {@code key (ps_partkey, ps_suppkey)=(1, 2)}; text values print in single quotes (an embedded
 * quote doubled), NULL as {@code NULL}.
 *
 * <p>Immutable; thread-safe.
 */
public class ConstraintViolationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The key value of a PRIMARY KEY or UNIQUE constraint already exists. */
        DUPLICATE_KEY,
        /** A FOREIGN KEY value is not present in the referenced table. */
        MISSING_REFERENCE,
        /** A PRIMARY KEY column is NULL. */
        NULL_KEY,
        /** A deleted PRIMARY KEY / UNIQUE value is still referenced by a live row of a child table (RESTRICT). */
        STILL_REFERENCED
    }

    private final Reason reason;
    private final transient ConstraintSpec constraint;
    private final String tableName;
    private final List<String> keyColumns;
    private final transient List<Object> keyValues;
    private final String nullColumn;
    private final long rowId;
    private final String sourceLocation;

    private ConstraintViolationException(String message, Reason reason, ConstraintSpec constraint, String tableName,
                                         List<String> keyColumns, List<Object> keyValues, String nullColumn,
                                         long rowId, String sourceLocation) {
        super(message);
        this.reason = reason;
        this.constraint = constraint;
        this.tableName = tableName;
        this.keyColumns = List.copyOf(keyColumns);
        this.keyValues = Collections.unmodifiableList(new ArrayList<>(keyValues));
        this.nullColumn = nullColumn;
        this.rowId = rowId;
        this.sourceLocation = sourceLocation;
    }

    /**
     * A duplicate PRIMARY KEY / UNIQUE value.
     *
     * @param constraint     the PRIMARY KEY or UNIQUE constraint
     * @param tableName      the table being loaded
     * @param keyValues      the row's values of {@code constraint.columns()}, in that order
     * @param rowId          0-based row number within the table's load
     * @param sourceLocation e.g. {@code "orders.tbl line 1235"}, or null
     */
    public static ConstraintViolationException duplicateKey(ConstraintSpec constraint, String tableName,
                                                            List<Object> keyValues, long rowId, String sourceLocation) {
        String msg = "duplicate key value violates " + constraint.kind().sql() + " constraint \"" + constraint.name()
                + "\" on table " + tableName + ": key " + formatKey(constraint.columns(), keyValues) + " already exists"
                + rowPart(rowId, sourceLocation);
        return new ConstraintViolationException(msg, Reason.DUPLICATE_KEY, constraint, tableName, constraint.columns(),
                keyValues, null, rowId, sourceLocation);
    }

    /**
     * A FOREIGN KEY value missing from the referenced table.
     *
     * @param foreignKey the FOREIGN KEY constraint of {@code tableName}
     * @param keyValues  the row's values of {@code foreignKey.columns()}, in that order
     */
    public static ConstraintViolationException missingReference(ConstraintSpec foreignKey, String tableName,
                                                                List<Object> keyValues, long rowId, String sourceLocation) {
        String msg = "insert into table " + tableName + " violates FOREIGN KEY constraint \"" + foreignKey.name()
                + "\": key " + formatKey(foreignKey.columns(), keyValues) + " is not present in table "
                + foreignKey.referencedTable() + rowPart(rowId, sourceLocation);
        return new ConstraintViolationException(msg, Reason.MISSING_REFERENCE, foreignKey, tableName, foreignKey.columns(),
                keyValues, null, rowId, sourceLocation);
    }

    /**
     * A NULL in a PRIMARY KEY column.
     *
     * @param nullColumn the first key column (in key order) that is NULL in the row
     * @param keyValues  the row's values of {@code constraint.columns()} (with nulls)
     */
    public static ConstraintViolationException nullKey(ConstraintSpec constraint, String tableName, String nullColumn,
                                                       List<Object> keyValues, long rowId, String sourceLocation) {
        String msg = "null value in column " + nullColumn + " violates " + constraint.kind().sql() + " constraint \""
                + constraint.name() + "\" on table " + tableName + rowPart(rowId, sourceLocation);
        return new ConstraintViolationException(msg, Reason.NULL_KEY, constraint, tableName, constraint.columns(),
                keyValues, nullColumn, rowId, sourceLocation);
    }

    /**
     * A delete of a referenced key that a live row of a child table still references (FOREIGN KEY
     * RESTRICT, as PostgreSQL's {@code update or delete on table ... violates foreign key constraint}).
     *
     * @param foreignKey  the child's FOREIGN KEY constraint
     * @param parentTable the table rows are deleted from
     * @param childTable  the table holding the referencing row
     * @param keyValues   the deleted key, in the order of {@code foreignKey.referencedColumns()}
     * @param parentRowId row id of the deleted parent row
     */
    public static ConstraintViolationException stillReferenced(ConstraintSpec foreignKey, String parentTable, String childTable,
                                                               List<Object> keyValues, long parentRowId) {
        String msg = "delete from table " + parentTable + " violates FOREIGN KEY constraint \"" + foreignKey.name()
                + "\" on table " + childTable + ": key " + formatKey(foreignKey.referencedColumns(), keyValues)
                + " is still referenced from table " + childTable;
        return new ConstraintViolationException(msg, Reason.STILL_REFERENCED, foreignKey, parentTable,
                foreignKey.referencedColumns(), keyValues, null, parentRowId, null);
    }

    private static String rowPart(long rowId, String sourceLocation) {
        return "; row " + rowId + (sourceLocation == null ? "" : " (" + sourceLocation + ")");
    }

    /** {@code (a, b)=(1, 'x')}. */
    static String formatKey(List<String> columns, List<Object> values) {
        StringBuilder sb = new StringBuilder("(").append(String.join(", ", columns)).append(")=(");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = values.get(i);
            if (v == null) {
                sb.append("NULL");
            } else if (v instanceof CharSequence) {
                sb.append('\'').append(v.toString().replace("'", "''")).append('\'');
            } else {
                sb.append(v);
            }
        }
        return sb.append(')').toString();
    }

    /** What kind of violation this is. */
    public Reason reason() {
        return reason;
    }

    /** The violated constraint (for a FOREIGN KEY, the child's constraint). */
    public ConstraintSpec constraint() {
        return constraint;
    }

    /** The table whose load violated it. */
    public String tableName() {
        return tableName;
    }

    /** The constraint's columns in the loading table, in key order. */
    public List<String> keyColumns() {
        return keyColumns;
    }

    /**
     * The offending row's values of {@link #keyColumns()}: {@link Long} for INT32/INT64,
     * {@link java.time.LocalDate} for DATE, {@link java.math.BigDecimal} for DECIMAL,
     * {@link String} for text, null for NULL. Unmodifiable.
     */
    public List<Object> keyValues() {
        return keyValues;
    }

    /** For {@link Reason#NULL_KEY}, the column that is NULL; otherwise null. */
    public String nullColumn() {
        return nullColumn;
    }

    /** The offending row: 0-based row number within the table's load. */
    public long rowId() {
        return rowId;
    }

    /** Where the row came from (e.g. {@code "orders.tbl line 1235"}), or null if unknown. */
    public String sourceLocation() {
        return sourceLocation;
    }
}
