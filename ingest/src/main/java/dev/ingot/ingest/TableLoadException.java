package dev.ingot.ingest;

/**
 * A table's load failed and was rolled back (the table is not in the store; earlier commits are
 * intact). The message is the cause's message with its source location (file and line) when
 * known; {@link #getCause()} is the typed original (a constraint violation, a column value
 * error, a parse error, an I/O error).
 */
public class TableLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String table;

    public TableLoadException(String table, String message, Throwable cause) {
        super(message, cause);
        this.table = table;
    }

    /** The table whose load failed. */
    public String table() {
        return table;
    }
}
