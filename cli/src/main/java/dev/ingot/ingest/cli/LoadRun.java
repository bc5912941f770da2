package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.MemoryBudget;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The one run of a loading command ({@code load-tpch}, {@code load}): store target (new,
 * existing or replaced, {@link StoreTarget}), signal handling ({@link LoadInterrupts}), the
 * {@link BulkLoader}, the progress bar and the summary. Not thread-safe; one per command run.
 */
final class LoadRun {
    /**
     * What to load: the tables (any order; loaded in foreign-key order), their sources, expected
     * row counts (0 when unknown), the input files' total size in bytes (0 for the generator; the
     * progress bar counts rows when they are all known, else bytes) and each table's input as
     * named in errors (its files, or the generator).
     */
    record Plan(List<TableDef> tables, BulkLoader.SourceFactory sources, ToLongFunction<String> expectedRows, long inputBytes,
                Function<String, String> inputOf) {
    }

    /** Decides the plan once the store is open (it may check or create tables first). */
    @FunctionalInterface
    interface Planner {
        Plan plan(ColumnStore store, BufferAllocator arrow) throws IOException;
    }

    /** Writes the report somewhere besides the summary (e.g. {@code --report-json}). */
    @FunctionalInterface
    interface Reporter {
        void write(LoadReport report, long peakRssBytes, long storeBytes) throws IOException;
    }

    private LoadRun() {}

    /**
     * A load's failure as the CLI reports it: when memory ran out loading table T
     * ({@code out of memory loading table T: ...}, see {@link BulkLoader}), the message names T's
     * input as well ({@code ... table T from F: ...}); {@link IngotCli} then adds the option that
     * raises the memory that ran out. Other failures are returned as they are.
     */
    static Throwable withInput(Throwable failure, Function<String, String> inputOf) {
        if (failure instanceof TableLoadException e && e.getMessage().startsWith("out of memory loading table " + e.table() + ": ")) {
            String input = inputOf.apply(e.table());
            if (input != null) {
                String detail = e.getMessage().substring(("out of memory loading table " + e.table() + ": ").length());
                return new TableLoadException(e.table(), "out of memory loading table " + e.table() + " from " + input + ": " + detail, e);
            }
        }
        return failure;
    }

    /**
     * Runs the load and returns the exit code: 0, or 130 / 143 after SIGINT / SIGTERM.
     *
     * @throws Exception the load's failure (the first error by {@link dev.ingot.ingest.ConstraintMode}'s rule), or
     *                   what opening the store or planning threw
     */
    static int run(Path dir, boolean replace, long memoryLimit, LoadOptions options, boolean progressWanted, String banner,
                   Planner planner, Reporter extra) throws Exception {
        Path spillDir = options.spillDir() != null ? options.spillDir() : dir.resolve(SpillDirectory.DEFAULT_NAME);
        SpillDirectory.removeStale(spillDir); // left by a load that was killed
        options = options.withSpillDir(spillDir);
        LoadOptions loadOptions = options;
        try (StoreTarget target = StoreTarget.prepare(dir, replace);
             LoadInterrupts interrupts = LoadInterrupts.install()) {
            System.err.println(banner);
            LoadReport report;
            List<String> started;
            List<TableDef> tables;
            Function<String, String> inputOf = t -> null;
            // the limit is shared by the three off-heap users (MemoryBudget): batches, staging chunks, key sets
            try (BufferAllocator arrow = new RootAllocator(MemoryBudget.arrowBytes(memoryLimit));
                 NativeAllocator memory = NativeAllocator.root("ingot", MemoryBudget.nativeBytes(memoryLimit), "--memory-limit-mb");
                 ColumnStore cs = ColumnStore.openOrCreate(target.loadDirectory(),
                         ColumnStoreOptions.defaults().withStagingLimitBytes(MemoryBudget.stagingBytes(memoryLimit)))) {
                Plan plan = planner.plan(cs, arrow);
                tables = plan.tables();
                inputOf = plan.inputOf();
                long expectedTotal = tables.stream().mapToLong(t -> plan.expectedRows().applyAsLong(t.name())).sum();
                try (LoadProgress progress = new LoadProgress(expectedTotal, plan.inputBytes(), progressWanted && System.console() != null,
                        interrupts)) {
                    // a small limit makes the batches smaller, so that those in flight fit the Arrow part
                    BulkLoader.SourceFactory sources = (def, batchRows, threads) -> plan.sources().open(def,
                            MemoryBudget.batchRows(memoryLimit, batchRows, ColumnStoreWriteHints.estimate(def).estimatedRowBytes(),
                                    loadOptions.tableParallelism(), threads), threads);
                    report = new BulkLoader(cs, memory, options).load(tables, sources, plan.expectedRows(), progress);
                    started = progress.started();
                }
                if (interrupts.signal() == null) {
                    long storeBytes = cs.pager().fileSizeBytes();
                    long peakRss = ProcessMemory.peakRssBytes();
                    LoadSummary.print(System.out, report, peakRss, storeBytes);
                    if (extra != null) {
                        extra.write(report, peakRss, storeBytes);
                    }
                }
            }
            boolean keep = target.replacing() ? report.succeeded() && interrupts.signal() == null : !report.tables().isEmpty();
            target.finish(keep);
            if (interrupts.signal() != null) {
                System.err.println("ingot: " + interrupts.describe(tables, report, started, dir, target.replacing(),
                        keep || !target.creates()));
                return interrupts.exitCode();
            }
            if (!report.succeeded()) {
                Throwable failure = withInput(report.failure(), inputOf);
                throw failure instanceof Exception ? (Exception) failure : new RuntimeException(failure);
            }
        }
        return 0;
    }
}
