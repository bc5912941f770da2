package dev.ingot.ingest;

import java.nio.file.Path;

/**
 * Settings of a {@link BulkLoader} run. Immutable.
 *
 * @param mode              constraint enforcement mode
 * @param tableParallelism  how many tables may load at the same time (tables wait for the
 *                          tables they reference in any case), {@code >= 1}
 * @param sourceThreads     worker threads each source may use to generate or parse, {@code >= 1}
 * @param batchRowsOverride rows per batch instead of the write hints' recommendation, or 0
 * @param spillDir          where constraint checks whose keys do not fit their share of the memory
 *                          limit write temporary files; null = {@value dev.ingot.constraints.spill.SpillDirectory#DEFAULT_NAME}
 *                          in the store's directory
 */
public record LoadOptions(ConstraintMode mode, int tableParallelism, int sourceThreads, int batchRowsOverride, Path spillDir) {
    public LoadOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mode is null");
        }
        if (tableParallelism < 1 || sourceThreads < 1 || batchRowsOverride < 0) {
            throw new IllegalArgumentException("tableParallelism and sourceThreads must be >= 1, batchRowsOverride >= 0");
        }
    }

    /** Options with the default spill directory. */
    public LoadOptions(ConstraintMode mode, int tableParallelism, int sourceThreads, int batchRowsOverride) {
        this(mode, tableParallelism, sourceThreads, batchRowsOverride, null);
    }

    /** Immediate constraints, parallelism = available processors. */
    public static LoadOptions defaults() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return new LoadOptions(ConstraintMode.IMMEDIATE, cpus, cpus, 0);
    }

    public LoadOptions withMode(ConstraintMode m) {
        return new LoadOptions(m, tableParallelism, sourceThreads, batchRowsOverride, spillDir);
    }

    public LoadOptions withBatchRows(int rows) {
        return new LoadOptions(mode, tableParallelism, sourceThreads, rows, spillDir);
    }

    public LoadOptions withParallelism(int tables, int sourceThreadsPerTable) {
        return new LoadOptions(mode, tables, sourceThreadsPerTable, batchRowsOverride, spillDir);
    }

    /** These options with temporary files in {@code dir} (null = the default beside the store). */
    public LoadOptions withSpillDir(Path dir) {
        return new LoadOptions(mode, tableParallelism, sourceThreads, batchRowsOverride, dir);
    }
}
