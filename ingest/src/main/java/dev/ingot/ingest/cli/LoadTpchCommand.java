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
import dev.ingot.pager.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Files;
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
import picocli.CommandLine.Option;

/** {@code ingot load-tpch}: loads TPC-H with every PRIMARY KEY and FOREIGN KEY enforced. */
@Command(name = "load-tpch", mixinStandardHelpOptions = true,
        description = {"Loads the 8 TPC-H tables into a store with every PRIMARY KEY and FOREIGN KEY enforced,",
                "from the in-process generator (default) or a directory of dbgen .tbl files or Arrow IPC files."})
final class LoadTpchCommand implements Callable<Integer> {
    @Option(names = "--scale", description = "TPC-H scale factor (default: ${DEFAULT-VALUE})", defaultValue = "1")
    double scale;

    @Option(names = "--store", description = "store directory (default: stores/tpch-sf<SCALE>)")
    Path store;

    @Option(names = "--source", description = {"'generator' or a directory holding, per table, <table>.arrow (Arrow IPC file)",
            "or else <table>.tbl (dbgen text) (default: ${DEFAULT-VALUE})"},
            defaultValue = "generator")
    String source;

    @Option(names = "--batch-size", description = "rows per batch, overriding the write hints (default: from the row width)",
            defaultValue = "0")
    int batchSize;

    @Option(names = "--mode", description = "constraint mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            defaultValue = "IMMEDIATE")
    ConstraintMode mode;

    @Option(names = "--threads", description = "worker threads per source and tables in parallel (default: available processors)",
            defaultValue = "0")
    int threads;

    @Option(names = "--replace", description = "delete an existing store at --store first")
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
        checkScaleOption(this, scale);
        Path dir = store != null ? store : Path.of("stores", "tpch-sf" + formatScale(scale));
        Path tblDir = "generator".equals(source) ? null : Path.of(source);
        if (tblDir != null && !Files.isDirectory(tblDir)) {
            throw new IOException("source directory " + tblDir + " does not exist (use --source generator or a directory of .tbl files)");
        }
        if (replace) {
            StoreFiles.deleteStore(dir);
        }
        int cpus = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        LoadOptions options = new LoadOptions(mode, cpus, cpus, batchSize);
        List<TableDef> tables = TpchSchema.tables();
        long memoryLimit = memoryLimitMb << 20;
        System.err.printf("ingot: loading TPC-H SF%s from %s into %s (%s constraints, %d threads)%n", formatScale(scale),
                tblDir == null ? "the generator" : tblDir, dir, mode.name().toLowerCase(), cpus);
        try (BufferAllocator arrow = new RootAllocator(memoryLimit);
             NativeAllocator memory = NativeAllocator.root("ingot", memoryLimit);
             ColumnStore cs = ColumnStore.open(dir, ColumnStoreOptions.defaults())) {
            for (TableDef t : tables) {
                if (cs.table(t.name()).isPresent()) {
                    throw new IOException("table " + t.name() + " already exists in store " + dir + " (use --replace to start over)");
                }
            }
            BulkLoader.SourceFactory sources = (def, batchRows, n) -> openSource(arrow, def, tblDir, batchRows, n);
            long expectedTotal = tables.stream().mapToLong(t -> expectedRows(t.name())).sum();
            LoadReport report;
            try (ProgressReporter progress = new ProgressReporter(expectedTotal, !noProgress && System.console() != null)) {
                report = new BulkLoader(cs, memory, options).load(tables, sources, this::expectedRows, progress);
            }
            long storeBytes = cs.pager().fileSizeBytes();
            long peakRss = ProcessMemory.peakRssBytes();
            LoadSummary.print(System.out, report, peakRss, storeBytes);
            if (reportJson != null) {
                LoadReportJson.write(reportJson, scale, tblDir == null ? "generator" : tblDir.toString(), report, peakRss, storeBytes);
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
        Path ipc = dir.resolve(def.name() + ".arrow");
        if (Files.exists(ipc)) {
            return ArrowIpcSource.open(arrow, def, ipc);
        }
        return TblFileSource.open(arrow, def, dir.resolve(def.name() + ".tbl"), batchRows, threads);
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

    /** Progress bar over all rows of the load (a no-op when disabled). */
    private static final class ProgressReporter implements BulkLoader.Progress, AutoCloseable {
        private final ProgressBar bar;

        ProgressReporter(long total, boolean enabled) {
            bar = enabled ? new ProgressBarBuilder().setTaskName("load").setInitialMax(total).setUnit(" krows", 1_000)
                    .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        }

        @Override
        public void rowsLoaded(String table, long rows) {
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
