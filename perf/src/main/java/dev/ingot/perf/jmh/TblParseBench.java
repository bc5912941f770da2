package dev.ingot.perf.jmh;

import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.text.DelimitedTextSource;
import dev.ingot.ingest.text.TextDialect;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.perf.BenchFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Delimited-text parsing speed per table type: the one text reader with one parser thread parses
 * a whole file (generated once per trial into a temporary directory, then in the page cache)
 * into Arrow batches of the write hints' size, closing each. {@code format}: {@code tbl} is the
 * dbgen file through {@link TblFileSource}; {@code csv-quoted} is the same rows as RFC 4180 CSV
 * with a header line and every text field quoted, through {@link DelimitedTextSource}. The
 * secondary result {@code bytes} is file bytes parsed per second (divide by 10^6 for MB/s); the
 * primary is files per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, "-Xms256m", "-Xmx1g"})
public class TblParseBench {
    /** The table whose file is parsed. */
    @Param({"lineitem", "orders", "partsupp", "customer"})
    public String table;

    /** {@code tbl} (dbgen) or {@code csv-quoted} (header, every text field quoted). */
    @Param({"tbl", "csv-quoted"})
    public String format;

    /** TPC-H scale factor of the file (0.05: lineitem 37 MB). */
    @Param({"0.05"})
    public double scale;

    /** File bytes parsed, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    private Path dir;
    private Path file;
    private long fileBytes;
    private TableDef def;
    private int batchRows;
    private BufferAllocator arrow;

    @Setup(Level.Trial)
    public void writeFile() throws IOException {
        dir = Files.createTempDirectory("ingot-jmh-tbl");
        TblWriter.write(dir, scale, Math.max(1, Runtime.getRuntime().availableProcessors()), List.of(table));
        file = dir.resolve(table + ".tbl");
        def = TpchSchema.table(table);
        if (format.equals("csv-quoted")) {
            Path csv = dir.resolve(table + ".csv");
            writeQuotedCsv(file, csv, def);
            Files.delete(file);
            file = csv;
        }
        fileBytes = Files.size(file);
        batchRows = ColumnStoreWriteHints.estimate(def).recommendedBatchRows();
        arrow = new RootAllocator(1L << 30);
    }

    @TearDown(Level.Trial)
    public void deleteFile() throws IOException {
        arrow.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir.resolve(table + ".tbl"));
        Files.deleteIfExists(dir);
    }

    /** Parses the whole file with one thread; returns the row count. */
    @Benchmark
    public long parse(Bytes counter) throws IOException, InterruptedException {
        long rows = 0;
        try (BatchSource source = format.equals("tbl") ? TblFileSource.open(arrow, def, file, batchRows, 1)
                : DelimitedTextSource.open(arrow, def, TextDialect.csv().withHeader(true), List.of(file), batchRows, 1)) {
            for (InsertSource.ArrowBatch b = source.next(); b != null; b = source.next()) {
                try (InsertSource.ArrowBatch batch = b) {
                    rows += batch.rowCount();
                }
            }
        }
        counter.bytes += fileBytes;
        return rows;
    }

    /** The rows of a .tbl file as CSV: a header, text fields quoted (quotes doubled), others as they are. */
    static void writeQuotedCsv(Path tbl, Path csv, TableDef def) throws IOException {
        try (java.io.BufferedReader in = Files.newBufferedReader(tbl);
             java.io.BufferedWriter out = Files.newBufferedWriter(csv)) {
            StringBuilder sb = new StringBuilder();
            for (int c = 0; c < def.columns().size(); c++) {
                sb.append(c == 0 ? "" : ",").append('"').append(def.columns().get(c).name()).append('"');
            }
            out.write(sb.append('\n').toString());
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\\|", -1);
                sb.setLength(0);
                for (int c = 0; c < def.columns().size(); c++) {
                    if (c > 0) {
                        sb.append(',');
                    }
                    if (def.columns().get(c).type().kind().isText()) {
                        sb.append('"').append(f[c].replace("\"", "\"\"")).append('"');
                    } else {
                        sb.append(f[c]);
                    }
                }
                out.write(sb.append('\n').toString());
            }
        }
    }
}
