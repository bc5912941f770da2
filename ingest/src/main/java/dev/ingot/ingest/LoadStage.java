package dev.ingot.ingest;

/** The stages of loading a table, timed separately in every load. */
public enum LoadStage {
    /** Waiting for the source: generating or reading and parsing the next batch. */
    SOURCE("source"),
    /** Checking constraints (key-set inserts and foreign-key probes). */
    CONSTRAINTS("constraints"),
    /** Appending to the column writers: bulk copies of the batch into the chunks being filled. */
    APPEND("append"),
    /** Sealing full chunks (stats, header, CRC32C) and putting them into the pager (the writes). */
    FLUSH("flush"),
    /** Insert listeners. */
    LISTENERS("listeners"),
    /**
     * Waiting for the referenced tables to commit before validating and committing (only
     * {@link ConstraintMode#DEFERRED} loads wait here; immediate loads start after them).
     */
    PARENTS("parents"),
    /** Sealing the last chunks, writing the catalog and committing the pager (forces). */
    COMMIT("commit"),
    /**
     * Not a stage of the loading thread: the time the source's worker threads waited because the
     * loading thread was behind (back-pressure between the pipeline stages), summed over workers.
     */
    BACKPRESSURE("backpressure");

    private final String label;

    LoadStage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
