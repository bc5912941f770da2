package dev.ingot.ingest;

import java.lang.management.ManagementFactory;

/**
 * How a load's off-heap memory limit ({@code --memory-limit-mb}) is derived and shared. A load
 * holds off-heap memory in three places, each with its own allocator and a fixed part of the
 * limit, so that together they never exceed it:
 * <ul>
 *   <li>Arrow batches from the sources: {@link #arrowBytes} (a half: the batches the parsing
 *       workers build and queue ahead, whose read-ahead shrinks to fit, see
 *       {@link dev.ingot.ingest.internal.OrderedParts.ReadAhead#forThreads(int, long)});</li>
 *   <li>the column store's staging chunks: {@link #stagingBytes} (a quarter);</li>
 *   <li>Ingot's own structures, chiefly the constraint key sets and key index writers:
 *       {@link #nativeBytes} (the rest, a quarter). Each PRIMARY KEY / UNIQUE set gets an equal share
 *       of it and spills to disk when it does not fit (see
 *       {@link dev.ingot.constraints.ConstraintService}).</li>
 * </ul>
 * Stateless; thread-safe.
 */
public final class MemoryBudget {
    /** The smallest default limit, in bytes (256 MiB). */
    public static final long MIN_DEFAULT_BYTES = 256L << 20;

    private MemoryBudget() {}

    /**
     * The default limit: half of the machine's physical memory that the Java heap's maximum does
     * not take, at least {@link #MIN_DEFAULT_BYTES}; {@link #MIN_DEFAULT_BYTES} if the physical
     * memory is unknown. In bytes.
     */
    public static long defaultLimitBytes() {
        long physical = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        return defaultLimitBytes(physical, Runtime.getRuntime().maxMemory());
    }

    /** {@link #defaultLimitBytes()} for a machine with {@code physicalBytes} (-1 unknown) and a heap of {@code maxHeapBytes}. */
    static long defaultLimitBytes(long physicalBytes, long maxHeapBytes) {
        if (physicalBytes <= 0) {
            return MIN_DEFAULT_BYTES;
        }
        return Math.max(MIN_DEFAULT_BYTES, (physicalBytes - Math.min(maxHeapBytes, physicalBytes)) / 2);
    }

    /** The Arrow batches' part of a limit of {@code limitBytes}. */
    public static long arrowBytes(long limitBytes) {
        return Math.max(1, limitBytes / 2);
    }

    /**
     * The most rows per source batch so that the batches a load builds and queues at once fit its
     * Arrow part ({@link #arrowBytes}): {@code tables} tables in parallel, each with
     * {@code 2 * threads} batches being built and about as many queued, each batch growing to up
     * to twice its row bytes (vector buffers double); at least 1024 rows, and never more than
     * {@code batchRows}.
     *
     * @param rowBytes the table's estimated bytes per row ({@code ColumnStoreWriteHints#estimatedRowBytes})
     */
    public static int batchRows(long limitBytes, int batchRows, int rowBytes, int tables, int threads) {
        long perBatch = arrowBytes(limitBytes) / ((long) Math.max(1, tables) * (4L * Math.max(1, threads) + 4) * 2);
        long rows = perBatch / Math.max(1, rowBytes);
        return (int) Math.max(Math.min(1024, batchRows), Math.min(batchRows, rows));
    }

    /** The staging chunks' part of a limit of {@code limitBytes}. */
    public static long stagingBytes(long limitBytes) {
        return Math.max(1, limitBytes / 4);
    }

    /** The part for Ingot's own structures (key sets, key index writers) of a limit of {@code limitBytes}. */
    public static long nativeBytes(long limitBytes) {
        return Math.max(1, limitBytes - arrowBytes(limitBytes) - stagingBytes(limitBytes));
    }
}
