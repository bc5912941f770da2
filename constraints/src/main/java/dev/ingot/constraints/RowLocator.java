package dev.ingot.constraints;

/**
 * Maps a row id of a table load to a human-readable source location for violation messages,
 * e.g. {@code "orders.tbl line 1235"}. Supplied by the loader to
 * {@link ConstraintService#beginTable}.
 *
 * <p>Thread-safety: called only from the thread that uses the {@link TableChecker}, and only when
 * a violation is being reported (never on the hot path).
 */
@FunctionalInterface
public interface RowLocator {
    /** A locator that knows nothing: every message ends with just {@code ; row N}. */
    RowLocator NONE = rowId -> null;

    /**
     * Describes where row {@code rowId} (0-based row number within the table's load) came from.
     *
     * @return a short location such as {@code "orders.tbl line 1235"}, or null if unknown
     */
    String describe(long rowId);
}
