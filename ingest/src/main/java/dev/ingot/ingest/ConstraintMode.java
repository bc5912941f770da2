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
     * Explicit opt-in fast path: no constraint is checked while loading. The table is marked
     * {@code unchecked} in the load report; {@code ingot verify} still re-checks every
     * constraint of a stored table. Only for data already known to be valid.
     */
    UNCHECKED
}
