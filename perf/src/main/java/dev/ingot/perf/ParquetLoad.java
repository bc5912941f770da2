package dev.ingot.perf;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.cli.LoadReportJson;
import dev.ingot.ingest.cli.ProcessMemory;
import dev.ingot.ingest.parquet.ParquetSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code ingot-parquet} benchmark child: loads the 8 TPC-H tables from {@code <table>.parquet}
 * files through {@link ParquetSource} and {@link BulkLoader} (every PK and FK enforced, the
 * loader's defaults), and writes its report as {@code load-tpch --report-json} does
 * ({@link LoadReportJson}). Also owns the Parquet cache ({@link #ensureFiles}):
 * the cached {@code .tbl} files converted once by DuckDB's {@code COPY ... TO (FORMAT parquet)}
 * (its defaults: Snappy, row groups of 122,880 rows) with Ingot's column types.
 */
@Command(name = "parquet-load", mixinStandardHelpOptions = true, description = "Loads TPC-H from Parquet files into a new store.")
public final class ParquetLoad implements Callable<Integer> {
    /** Marker written last into a complete Parquet cache directory. */
    static final String MARKER = "ingot-parquet.done";

    @Option(names = "--parquet", required = true, description = "directory of <table>.parquet files")
    Path parquetDir;

    @Option(names = "--scale", required = true, description = "TPC-H scale factor of the files (recorded in the report)")
    double scale;

    @Option(names = "--store", required = true, description = "store directory (created)")
    Path store;

    @Option(names = "--report-json", required = true, description = "where to write the JSON result")
    Path reportJson;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ParquetLoad()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        long limit = 4L << 30;
        LoadReport report;
        long storeBytes;
        try (BufferAllocator arrow = new RootAllocator(limit);
             NativeAllocator memory = NativeAllocator.root("ingot", limit);
             ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            report = new BulkLoader(cs, memory, LoadOptions.defaults()).load(TpchSchema.tables(),
                    (def, batchRows, threads) -> ParquetSource.open(arrow, def, List.of(parquetDir.resolve(def.name() + ".parquet")),
                            batchRows, threads),
                    t -> 0, new BulkLoader.Progress() {});
            storeBytes = cs.pager().fileSizeBytes();
        }
        if (!report.succeeded()) {
            throw report.failure() instanceof Exception ? (Exception) report.failure() : new RuntimeException(report.failure());
        }
        LoadReportJson.write(reportJson, scale, parquetDir.toString(), report, ProcessMemory.peakRssBytes(), storeBytes);
        return 0;
    }

    /**
     * The directory of {@code <table>.parquet} files converted from {@code tbl}, under
     * {@code cacheRoot}; converts them first (DuckDB, in-memory database) unless a complete
     * conversion is there.
     */
    static Path ensureFiles(Path cacheRoot, TblCache.TblSet tbl) throws IOException {
        Path dir = cacheRoot.resolve("parquet-sf" + TblCache.formatScale(tbl.scale()));
        if (Files.isRegularFile(dir.resolve(MARKER))) {
            return dir;
        }
        TblCache.deleteTree(dir);
        Files.createDirectories(dir);
        long start = System.nanoTime();
        System.err.printf("bench: converting the SF%s .tbl files to Parquet with DuckDB into %s ...%n",
                TblCache.formatScale(tbl.scale()), dir);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            for (TableDef t : TpchSchema.tables()) {
                s.execute(DuckDbLoad.createTableSql(t, false));
                s.execute(DuckDbLoad.copySql(t.name(), tbl.dir().resolve(t.name() + ".tbl")));
                s.execute("COPY " + t.name() + " TO '" + dir.resolve(t.name() + ".parquet").toAbsolutePath().toString()
                        .replace("'", "''") + "' (FORMAT parquet)");
                s.execute("DROP TABLE " + t.name());
            }
        } catch (java.sql.SQLException e) {
            throw new IOException("converting " + tbl.dir() + " to Parquet: " + e.getMessage(), e);
        }
        Files.writeString(dir.resolve(MARKER), "");
        System.err.printf("bench: wrote Parquet files in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return dir;
    }
}
