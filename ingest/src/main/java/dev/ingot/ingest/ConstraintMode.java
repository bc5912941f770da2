package dev.ingot.ingest;

/**
 * How a load enforces the table's PRIMARY KEY, UNIQUE and FOREIGN KEY constraints.
 *
 * <p><b>First-error rule.</b> A failed load reports one error, chosen by the same rule in every
 * mode, batch size and number of threads or CPUs: the error of the lowest source row (row id,
 * i.e. line order). For one row, a value error (NOT NULL, text too long, decimal out of range;
 * the first column in table order) comes before its constraint violations, and those come in
 * the order PRIMARY KEY (a NULL, then a duplicate), UNIQUE, FOREIGN KEY, each kind in
 * declaration order. A duplicate is reported at the later of the two rows. A self-referencing
 * FOREIGN KEY is judged once the table's own keys are complete (a row may reference a later
 * row), so its violation (the lowest such row) is reported only when no other error stopped the
 * table first: whether a row references a key that only a row after the stopping error holds
 * cannot be known. In {@link #UNCHECKED}
 * mode only value errors exist. When several tables of one {@link BulkLoader#load} fail, the
 * failure reported is that of the first failed table in foreign-key order; a table whose
 * referenced table failed is skipped, not failed. A source that rejects a line (a parse error)
 * reports it once every row it delivered before it was checked; rows of the batch the source
 * was building when it hit the bad line are not delivered, so for them the rule holds only as
 * far as the source delivers rows before the bad line.
 */
public enum ConstraintMode {
    /**
     * Every batch is checked before it is appended: key sets grow as rows arrive, foreign keys
     * probe the referenced table's published key set. A violation stops the load at the
     * offending batch. The default.
     */
    IMMEDIATE,
    /**
     * Bulk mode: batches are appended without checks; at commit the table's stored key columns
     * are streamed back once (one pass over the key columns for all of the table's
     * constraints) into exactly pre-sized key sets and through the referenced tables' sets. Same
     * result and the same first error as {@link #IMMEDIATE} (a violation rolls the whole table
     * back; a value error found while appending first checks the rows below it), but a
     * table no longer waits for the tables it references before it starts loading, only before
     * its validation pass, and its key sets exist only during that pass.
     */
    DEFERRED,
    /**
     * Explicit opt-in fast path: no constraint is checked while loading. The table is marked
     * {@code unchecked} in the load report; {@code ingot verify} still re-checks every
     * constraint of a stored table. Only for data already known to be valid.
     */
    UNCHECKED
}
