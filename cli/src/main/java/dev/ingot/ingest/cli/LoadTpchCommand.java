package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TableLoadReport;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
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

    @picocli.CommandLine.Mixin
    LoadRunOptions run;

    @Option(names = "--scale", description = "TPC-H scale factor (default: ${DEFAULT-VALUE})", defaultValue = "1")
    double scale;

    @Option(names = "--store", description = "store directory (default: stores/tpch-sf<SCALE>)")
    Path store;

    @Option(names = "--source", description = {"'generator' or a directory holding, per table, <table>.arrow (Arrow IPC file)",
            "or else <table>.tbl (dbgen text) (default: ${DEFAULT-VALUE})"},
            defaultValue = "generator")
    String source;




    @Option(names = "--replace", description = "replace the store at --store: the new one is built beside it and swapped in"
            + " only if the load succeeds; refused while any process has the store open or if the directory holds files"
            + " Ingot did not create")
    boolean replace;




    @Override
    public Integer call() throws Exception {
        IngotCli.requirePositive(spec, "--scale", scale);
        checkScaleOption(this, scale);
        run.validate(spec);
        Path dir = store != null ? store : Path.of("stores", "tpch-sf" + formatScale(scale));
        Path tblDir = "generator".equals(source) ? null : Path.of(source);
        List<TableDef> tables = TpchSchema.tables();
        if (tblDir != null) {
            TpchSourceDirectory.check(tblDir, tables, scale);
        }
        String banner = String.format("ingot: loading TPC-H SF%s from %s into %s (%s)", formatScale(scale),
                tblDir == null ? "the generator" : tblDir, dir, run.describe());
        return LoadRun.run(dir, replace, run.memoryLimitBytes(), run.loadOptions(), !run.noProgress, banner, (cs, arrow) -> {
            for (TableDef t : tables) {
                if (cs.table(t.name()).isPresent()) {
                    throw new IOException("table " + t.name() + " already exists in store " + dir + " (use --replace to start over)");
                }
            }
            return new LoadRun.Plan(tables, (def, batchRows, n) -> openSource(arrow, def, tblDir, batchRows, n), this::expectedRows, 0,
                    t -> tblDir == null ? "the TPC-H generator" : TpchSourceDirectory.fileOf(tblDir, t).toString());
        }, run.reportJson == null ? null : (report, peakRss, storeBytes) -> LoadReportJson.write(run.reportJson, scale,
                tblDir == null ? "generator" : tblDir.toString(), report, peakRss, storeBytes));
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
        return TblFileSource.open(arrow, def, file, batchRows, threads, run.maxLineBytes == null ? 0 : run.maxLineBytes);
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
}
