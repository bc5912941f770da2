package dev.ingot.ingest;

/**
 * How a load enforces the table's PRIMARY KEY, UNIQUE and FOREIGN KEY constraints.
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
     * result and messages as {@link #IMMEDIATE} (a violation rolls the whole table back), but a
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
