package dev.ingot.ingest.cli;

import dev.ingot.ingest.ConstraintMode;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.MemoryBudget;
import dev.ingot.ingest.text.TextDialect;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The options every loading command shares (a picocli mixin of {@code load-tpch} and
 * {@code load}): constraint mode, threads, batch size, progress, report file, off-heap limit and
 * the line limit of text files.
 * Not thread-safe; one per command run.
 */
final class LoadRunOptions {
    @Option(names = "--batch-size", description = "rows per batch, overriding the write hints (default: from the row width)")
    Integer batchSize;

    @Option(names = "--mode", description = "constraint mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            defaultValue = "IMMEDIATE")
    ConstraintMode mode;

    @Option(names = "--threads", description = "worker threads per source and tables in parallel (default: available processors)")
    Integer threads;

    @Option(names = "--no-progress", description = "no progress bar (also off when standard error is not a terminal)")
    boolean noProgress;

    @Option(names = "--report-json", description = "also write the load report as JSON to this file")
    Path reportJson;

    @Option(names = "--max-line-bytes", description = "longest line accepted from a text (CSV, TSV, .tbl) file, bytes"
            + " (default: from the schema, at least 1 MiB)")
    Long maxLineBytes;

    @Option(names = "--memory-limit-mb", description = "off-heap limit of the whole load (batches, staging chunks, key sets),"
            + " MiB; key checks that do not fit spill to disk (default: half of the physical memory the Java heap does not take,"
            + " at least 256)")
    Long memoryLimitMb;

    @Option(names = "--spill-dir", description = "directory for the temporary files of key checks that do not fit in memory"
            + " (default: .ingot-spill in the store directory; removed when empty)")
    Path spillDir;

    /** Usage errors (exit 2) for a non-positive limit, thread count or batch size. */
    void validate(CommandSpec spec) {
        if (memoryLimitMb != null) {
            IngotCli.requirePositive(spec, "--memory-limit-mb", memoryLimitMb);
        }
        if (threads != null) {
            IngotCli.requirePositive(spec, "--threads", threads);
        }
        if (batchSize != null) {
            IngotCli.requirePositive(spec, "--batch-size", batchSize);
        }
        if (maxLineBytes != null) {
            IngotCli.requirePositive(spec, "--max-line-bytes", maxLineBytes);
            if (maxLineBytes > TextDialect.MAX_LINE_BYTES_LIMIT) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-line-bytes must be at most "
                        + TextDialect.MAX_LINE_BYTES_LIMIT + ": " + maxLineBytes);
            }
        }
    }

    /** {@code --threads}, or the available processors. */
    int cpus() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The loader settings: mode, {@link #cpus()} source threads and tables in parallel, batch size (0 = from the hints). */
    LoadOptions loadOptions() {
        return new LoadOptions(mode, cpus(), cpus(), batchSize != null ? batchSize : 0, spillDir);
    }

    /** The off-heap limit in bytes: {@code --memory-limit-mb}, or {@link MemoryBudget#defaultLimitBytes()}. */
    long memoryLimitBytes() {
        return memoryLimitMb != null ? memoryLimitMb << 20 : MemoryBudget.defaultLimitBytes();
    }

    /** The spill directory for a store in {@code storeDir}: {@code --spill-dir} or the default inside it. */
    Path spillDirectory(Path storeDir) {
        return spillDir != null ? spillDir : storeDir.resolve(SpillDirectory.DEFAULT_NAME);
    }

    /** The banner's description of the run, e.g. {@code immediate constraints, 2 threads}. */
    String describe() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " constraints, " + cpus() + " threads";
    }
}
