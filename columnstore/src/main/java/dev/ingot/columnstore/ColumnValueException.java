package dev.ingot.columnstore;

/**
 * A value that a column does not admit: NULL in a NOT NULL column, text longer than the declared
 * length (in characters), binary longer than the declared length (in bytes), or a decimal
 * outside the declared precision.
 *
 * <p>Messages read like {@code value too long for column l_shipmode (CHAR(10)): "AIRPLANE..."; row 17}
 * and {@code null value in column o_orderkey violates not-null constraint; row 3}.
 */
public class ColumnValueException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What was violated. */
    public enum Reason {
        /** NULL in a NOT NULL column. */
        NOT_NULL,
        /** Text longer than the declared length in characters, or VARBINARY longer than its length in bytes. */
        TOO_LONG,
        /** Decimal not representable with the declared precision. */
        OUT_OF_RANGE
    }

    private final Reason reason;
    private final String table;
    private final String column;
    private final long rowId;
    private final String value;

    /**
     * @param reason  what was violated
     * @param table   table name
     * @param column  column name
     * @param rowId   0-based row id within the table
     * @param value   the offending value as text (null for a NULL)
     * @param message the full message
     */
    public ColumnValueException(Reason reason, String table, String column, long rowId, String value, String message) {
        super(message);
        this.reason = reason;
        this.table = table;
        this.column = column;
        this.rowId = rowId;
        this.value = value;
    }

    public Reason reason() {
        return reason;
    }

    public String table() {
        return table;
    }

    public String column() {
        return column;
    }

    /** 0-based row id within the table. */
    public long rowId() {
        return rowId;
    }

    /** The offending value as text, or null for a NULL. */
    public String value() {
        return value;
    }
}
