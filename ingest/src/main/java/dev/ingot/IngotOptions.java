package dev.ingot;

/**
 * How an {@link Ingot} database is opened.
 *
 * @param create           whether {@link Ingot#open} creates the directory and an empty store when
 *                         there is none (otherwise it needs an existing store)
 * @param memoryLimitBytes the most off-heap bytes Ingot's own structures (key index writers, key
 *                         sets) may hold, {@code > 0}; beyond it an operation fails with
 *                         {@link dev.ingot.memory.MemoryLimitException}
 */
public record IngotOptions(boolean create, long memoryLimitBytes) {
    /** Validates the options. */
    public IngotOptions {
        if (memoryLimitBytes <= 0) {
            throw new IllegalArgumentException("memoryLimitBytes must be > 0: " + memoryLimitBytes);
        }
    }

    /** Open an existing store, with {@link dev.ingot.ingest.MemoryBudget#defaultLimitBytes()} for Ingot's own off-heap structures. */
    public static IngotOptions defaults() {
        return new IngotOptions(false, dev.ingot.ingest.MemoryBudget.defaultLimitBytes());
    }

    /** These options, creating the store when there is none. */
    public IngotOptions createIfMissing() {
        return new IngotOptions(true, memoryLimitBytes);
    }

    /** These options with another memory limit. */
    public IngotOptions withMemoryLimit(long bytes) {
        return new IngotOptions(create, bytes);
    }
}
