package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.ConstraintMode;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TableLoadReport;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.tpch.TpchGeneratorSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ingot load-tpch}: loads TPC-H with every PRIMARY KEY and FOREIGN KEY enforced. A new
 * store, or one that replaces an old store, is built beside it and put in place only at the end
 * ({@link StoreTarget}); SIGINT and SIGTERM stop the load cleanly ({@link LoadInterrupts}).
 */
@Command(name = "load-tpch", mixinStandardHelpOptions = true,
        description = {"Loads the 8 TPC-H tables into a store with every PRIMARY KEY and FOREIGN KEY enforced.",
                "Rows come from the in-process generator (default) or a directory of dbgen .tbl files or Arrow IPC files.",
                "With --replace the new store is built beside the existing one and swapped in only if the load succeeds."})
final class LoadTpchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", description = "TPC-H scale factor (default: ${DEFAULT-VALUE})", defaultValue = "1")
    double scale;

    @Option(names = "--store", description = "store directory (default: stores/tpch-sf<SCALE>)")
    Path store;

    @Option(names = "--source", description = {"'generator' or a directory holding, per table, <table>.arrow (Arrow IPC file)",
            "or else <table>.tbl (dbgen text) (default: ${DEFAULT-VALUE})"},
            defaultValue = "generator")
    String source;

    @Option(names = "--batch-size", description = "rows per batch, overriding the write hints (default: from the row width)")
    Integer batchSize;

    @Option(names = "--mode", description = "constraint mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            defaultValue = "IMMEDIATE")
    ConstraintMode mode;

    @Option(names = "--threads", description = "worker threads per source and tables in parallel (default: available processors)")
    Integer threads;

    @Option(names = "--replace", description = "replace the store at --store: the new one is built beside it and swapped in"
            + " only if the load succeeds; refused while any process has the store open or if the directory holds files"
            + " Ingot did not create")
    boolean replace;

    @Option(names = "--no-progress", description = "no progress bar (also off when standard error is not a terminal)")
    boolean noProgress;

    @Option(names = "--report-json", description = "also write the load report as JSON to this file")
    Path reportJson;

    @Option(names = "--memory-limit-mb", description = "off-heap limit for batches and key sets, MiB (default: ${DEFAULT-VALUE})",
            defaultValue = "4096")
    long memoryLimitMb;

    @Override
    public Integer call() throws Exception {
        IngotCli.requirePositive(spec, "--scale", scale);
        checkScaleOption(this, scale);
        IngotCli.requirePositive(spec, "--memory-limit-mb", memoryLimitMb);
        if (threads != null) {
            IngotCli.requirePositive(spec, "--threads", threads);
        }
        if (batchSize != null) {
            IngotCli.requirePositive(spec, "--batch-size", batchSize);
        }
        Path dir = store != null ? store : Path.of("stores", "tpch-sf" + formatScale(scale));
        Path tblDir = "generator".equals(source) ? null : Path.of(source);
        List<TableDef> tables = TpchSchema.tables();
        if (tblDir != null) {
            TpchSourceDirectory.check(tblDir, tables, scale);
        }
        int cpus = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        LoadOptions options = new LoadOptions(mode, cpus, cpus, batchSize != null ? batchSize : 0);
        long memoryLimit = memoryLimitMb << 20;
        try (StoreTarget target = StoreTarget.prepare(dir, replace);
             LoadInterrupts interrupts = LoadInterrupts.install()) {
            System.err.printf("ingot: loading TPC-H SF%s from %s into %s (%s constraints, %d threads)%n", formatScale(scale),
                    tblDir == null ? "the generator" : tblDir, dir, mode.name().toLowerCase(), cpus);
            LoadReport report;
            List<String> started;
            try (BufferAllocator arrow = new RootAllocator(memoryLimit);
                 NativeAllocator memory = NativeAllocator.root("ingot", memoryLimit);
                 ColumnStore cs = ColumnStore.openOrCreate(target.loadDirectory(), ColumnStoreOptions.defaults())) {
                for (TableDef t : tables) {
                    if (cs.table(t.name()).isPresent()) {
                        throw new IOException("table " + t.name() + " already exists in store " + dir + " (use --replace to start over)");
                    }
                }
                BulkLoader.SourceFactory sources = (def, batchRows, n) -> openSource(arrow, def, tblDir, batchRows, n);
                long expectedTotal = tables.stream().mapToLong(t -> expectedRows(t.name())).sum();
                try (ProgressReporter progress = new ProgressReporter(expectedTotal, !noProgress && System.console() != null,
                        interrupts)) {
                    report = new BulkLoader(cs, memory, options).load(tables, sources, this::expectedRows, progress);
                    started = progress.started();
                }
                if (interrupts.signal() == null) {
                    long storeBytes = cs.pager().fileSizeBytes();
                    long peakRss = ProcessMemory.peakRssBytes();
                    LoadSummary.print(System.out, report, peakRss, storeBytes);
                    if (reportJson != null) {
                        LoadReportJson.write(reportJson, scale, tblDir == null ? "generator" : tblDir.toString(), report,
                                peakRss, storeBytes);
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
                throw report.failure() instanceof Exception ? (Exception) report.failure() : new RuntimeException(report.failure());
            }
        }
        return 0;
    }

    private long expectedRows(String table) {
        return Math.max(0, TpchSchema.estimatedRowCount(table, scale));
    }

    private BatchSource openSource(BufferAllocator arrow, TableDef def, Path dir, int batchRows, int threads) throws IOException {
        if (dir == null) {
            return TpchGeneratorSource.open(arrow, def.name(), scale, batchRows, threads);
        }
        Path file = TpchSourceDirectory.fileOf(dir, def.name());
        if (file.toString().endsWith(".arrow")) {
            return ArrowIpcSource.open(arrow, def, file);
        }
        return TblFileSource.open(arrow, def, file, batchRows, threads);
    }

    /** A {@code --scale} the generator cannot honour ({@link TpchSchema#checkScaleForAllTables}) is a usage error (exit 2). */
    static void checkScaleOption(Object command, double scale) {
        try {
            TpchSchema.checkScaleForAllTables(scale);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(command), "--scale: " + e.getMessage());
        }
    }

    static String formatScale(double sf) {
        return sf == Math.rint(sf) ? Long.toString((long) sf) : Double.toString(sf);
    }

    /**
     * Progress bar over all rows of the load (a no-op when disabled); also where an interrupt
     * stops the load: after a signal, the next batch of each loading table fails, so the table
     * rolls back (and the tables that reference it are skipped).
     */
    private static final class ProgressReporter implements BulkLoader.Progress, AutoCloseable {
        private final ProgressBar bar;
        private final LoadInterrupts interrupts;
        private final List<String> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        ProgressReporter(long total, boolean enabled, LoadInterrupts interrupts) {
            this.interrupts = interrupts;
            bar = enabled ? new ProgressBarBuilder().setTaskName("load").setInitialMax(total).setUnit(" krows", 1_000)
                    .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        }

        @Override
        public void tableStarted(String table) {
            started.add(table);
        }

        /** The tables whose load started, in start order. */
        List<String> started() {
            return List.copyOf(started);
        }

        @Override
        public void rowsLoaded(String table, long rows) {
            interrupts.stopIfSignalled();
            if (bar != null) {
                bar.stepBy(rows);
                bar.setExtraMessage(" " + table);
            }
        }

        @Override
        public void tableFinished(TableLoadReport report) {
            if (bar == null) {
                System.err.printf("ingot: %-9s %,11d rows in %6.2f s%n", report.table(), report.rows(), report.seconds());
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }
}
