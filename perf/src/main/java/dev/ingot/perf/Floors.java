package dev.ingot.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.cli.ProcessMemory;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The floors an Ingot load is measured against, each a lower bound of one part of the work:
 * <ul>
 *   <li>{@code read}: read every {@code .tbl} file's bytes with {@link FileChannel} into one
 *       reused 4 MiB direct buffer, nothing else (the file-system floor; the files are usually in
 *       the page cache, so this is a memory-copy floor);</li>
 *   <li>{@code parse}: {@link TblFileSource} parses every file into Arrow batches and closes them
 *       (no store, no constraints), with the loader's parallelism: {@code threads} tables at a
 *       time, each with {@code threads} parser threads and the batch size of the write hints;</li>
 *   <li>{@code gen}: {@link TpchGeneratorSource} generates every table into Arrow batches, with
 *       the same parallelism (the floor of {@code load-tpch --source generator}).</li>
 * </ul>
 * Output (the {@code --report-json} file):
 * <pre>
 * {"floor":"parse","wallSeconds":4.2,"rows":8661245,"bytes":1100693130,"peakRssBytes":1,
 *  "tables":[{"name":"lineitem","rows":6001215,"bytes":759863287,"seconds":3.1}, ...],
 *  "checks":{"rows.region":"5", ...}}
 * </pre>
 * ({@code rows} and {@code checks} are absent for {@code read}, {@code bytes} for {@code gen}.)
 */
@Command(name = "floor", mixinStandardHelpOptions = true, description = "Runs one floor: read, parse or gen.")
public final class Floors implements Callable<Integer> {
    /** The floors. */
    public enum Mode { read, parse, gen }

    @Option(names = "--mode", required = true, description = "${COMPLETION-CANDIDATES}")
    Mode mode;

    @Option(names = "--scale", defaultValue = "1", description = "TPC-H scale factor (gen)")
    double scale;

    @Option(names = "--tbl", description = "directory of <table>.tbl files (read, parse)")
    Path tblDir;

    @Option(names = "--threads", defaultValue = "0", description = "threads (default: available processors)")
    int threads;

    @Option(names = "--report-json", required = true, description = "where to write the JSON result")
    Path reportFile;

    /** Rows, bytes and seconds of one table. */
    public record TableFloor(String name, long rows, long bytes, double seconds) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Floors()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        if (mode != Mode.gen && tblDir == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--tbl is required for " + mode);
        }
        long start = System.nanoTime();
        List<TableFloor> tables = run(mode, tblDir, scale, n);
        double wall = (System.nanoTime() - start) / 1e9;
        Files.writeString(reportFile, toJson(mode, wall, tables, ProcessMemory.peakRssBytes()));
        System.err.printf("floor-%s: %.2f s%n", mode, wall);
        return 0;
    }

    /** Runs floor {@code mode} and returns the per-table figures in foreign-key order. */
    public static List<TableFloor> run(Mode mode, Path tblDir, double scale, int threads) throws Exception {
        if (mode == Mode.read) {
            List<TableFloor> out = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocateDirect(4 << 20);
            for (String t : TpchSchema.tableNames()) {
                long t0 = System.nanoTime();
                long bytes = 0;
                try (FileChannel ch = FileChannel.open(tblDir.resolve(t + ".tbl"), StandardOpenOption.READ)) {
                    int r;
                    while ((r = ch.read(buffer.clear())) >= 0) {
                        bytes += r;
                    }
                }
                out.add(new TableFloor(t, -1, bytes, (System.nanoTime() - t0) / 1e9));
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BufferAllocator arrow = new RootAllocator(4L << 30)) {
            List<Future<TableFloor>> futures = new ArrayList<>();
            for (TableDef def : TpchSchema.tables()) {
                futures.add(pool.submit(() -> drain(mode, arrow, def, tblDir, scale, threads)));
            }
            List<TableFloor> out = new ArrayList<>();
            for (Future<TableFloor> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static TableFloor drain(Mode mode, BufferAllocator arrow, TableDef def, Path tblDir, double scale, int threads)
            throws IOException, InterruptedException {
        int batchRows = ColumnStoreWriteHints.estimate(def).recommendedBatchRows();
        long t0 = System.nanoTime();
        long rows = 0;
        long bytes = -1;
        try (BatchSource source = mode == Mode.parse
                ? TblFileSource.open(arrow, def, tblDir.resolve(def.name() + ".tbl"), batchRows, threads)
                : TpchGeneratorSource.open(arrow, def.name(), scale, batchRows, threads)) {
            if (source instanceof TblFileSource) {
                bytes = ((TblFileSource) source).fileSize();
            }
            for (InsertSource.ArrowBatch b = source.next(); b != null; b = source.next()) {
                try (InsertSource.ArrowBatch batch = b) {
                    rows += batch.rowCount();
                }
            }
        }
        return new TableFloor(def.name(), rows, bytes, (System.nanoTime() - t0) / 1e9);
    }

    static String toJson(Mode mode, double wall, List<TableFloor> tables, long peakRssBytes) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode doc = m.createObjectNode();
        doc.put("floor", mode.name());
        doc.put("wallSeconds", wall);
        long rows = tables.stream().mapToLong(TableFloor::rows).sum();
        long bytes = tables.stream().mapToLong(TableFloor::bytes).sum();
        if (mode != Mode.read) {
            doc.put("rows", rows);
        }
        if (mode != Mode.gen) {
            doc.put("bytes", bytes);
        }
        doc.put("peakRssBytes", peakRssBytes);
        ArrayNode arr = doc.putArray("tables");
        Map<String, Long> rowMap = new LinkedHashMap<>();
        for (TableFloor t : tables) {
            ObjectNode tn = arr.addObject().put("name", t.name()).put("seconds", t.seconds());
            if (t.rows() >= 0) {
                tn.put("rows", t.rows());
                rowMap.put(t.name(), t.rows());
            }
            if (t.bytes() >= 0) {
                tn.put("bytes", t.bytes());
            }
        }
        if (mode != Mode.read) {
            ObjectNode checks = doc.putObject("checks");
            LoadChecks.ofRows(rowMap).values().forEach(checks::put);
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
