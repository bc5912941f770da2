package dev.ingot.ingest;

/**
 * Settings of a {@link BulkLoader} run. Immutable.
 *
 * @param mode              constraint enforcement mode
 * @param tableParallelism  how many tables may load at the same time (tables wait for the
 *                          tables they reference in any case), {@code >= 1}
 * @param sourceThreads     worker threads each source may use to generate or parse, {@code >= 1}
 * @param batchRowsOverride rows per batch instead of the write hints' recommendation, or 0
 */
public record LoadOptions(ConstraintMode mode, int tableParallelism, int sourceThreads, int batchRowsOverride) {
    public LoadOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null");
        }
        if (tableParallelism < 1 || sourceThreads < 1 || batchRowsOverride < 0) {
            throw new IllegalArgumentException("tableParallelism and sourceThreads must be >= 1, batchRowsOverride >= 0");
        }
    }

    /** Immediate constraints, parallelism = available processors. */
    public static LoadOptions defaults() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new LoadOptions(ConstraintMode.IMMEDIATE, cpus, cpus, 0);
    }

    public LoadOptions withMode(ConstraintMode m) {
        return new LoadOptions(m, tableParallelism, sourceThreads, batchRowsOverride);
    }

    public LoadOptions withBatchRows(int rows) {
        return new LoadOptions(mode, tableParallelism, sourceThreads, rows);
    }

    public LoadOptions withParallelism(int tables, int sourceThreadsPerTable) {
        return new LoadOptions(mode, tables, sourceThreadsPerTable, batchRowsOverride);
    }
}
