package dev.ingot.perf.jmh;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.pager.PagerOptions;
import dev.ingot.perf.BenchFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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
 * A full scan of a stored table ({@code TableReader.scan}, every column: BIGINT, DECIMAL(15,2),
 * VARCHAR(44) with lineitem-comment-like lengths), the read path through the memory layer
 * (chunk blob to Arrow buffers, decimals widened 8 to 16 bytes). The table is written once per
 * trial; the score is time per scan of {@code rows} rows. {@code readRow} reads one whole row of a
 * random row id ({@code TableReader.readRows}, random access into each chunk's encoding) as a
 * latency distribution (read p50/p99 from its percentiles).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, "-Xms256m", "-Xmx1g"})
public class TableScanBench {
    /** Rows of the table. */
    @Param({"1000000"})
    public int rows;

    private Path dir;
    private ColumnStore store;
    private TableReader reader;

    @Setup(Level.Trial)
    public void writeTable() throws IOException {
        dir = Files.createTempDirectory("ingot-jmh-scan");
        store = ColumnStore.openOrCreate(dir.resolve("store"), ColumnStoreOptions.defaults()
                .withPagerOptions(PagerOptions.defaults().withSyncOnCommit(false)));
        TableDef def = new TableDef("scan", List.of(ColumnDef.notNull("k", ColumnType.int64()),
                ColumnDef.notNull("price", ColumnType.decimal(15, 2)), ColumnDef.notNull("comment", ColumnType.varchar(44))), List.of());
        SplittableRandom random = new SplittableRandom(42);
        byte[] text = "carefully final deposits detect slyly again ".getBytes(StandardCharsets.US_ASCII);
        int batch = 65536;
        try (BufferAllocator arrow = new RootAllocator(1L << 30);
             TableWriter writer = store.createTable(def, ColumnStoreWriteHints.estimate(def))) {
            for (int done = 0; done < rows; done += batch) {
                int n = Math.min(batch, rows - done);
                try (BigIntVector k = new BigIntVector("k", arrow); DecimalVector price = new DecimalVector("price", arrow, 15, 2);
                     VarCharVector comment = new VarCharVector("comment", arrow)) {
                    k.allocateNew(n);
                    price.allocateNew(n);
                    comment.allocateNew(n * 27L, n);
                    for (int i = 0; i < n; i++) {
                        k.set(i, done + i);
                        price.set(i, random.nextLong(90_000, 10_500_000L));
                        comment.setSafe(i, text, 0, 10 + random.nextInt(34));
                    }
                    k.setValueCount(n);
                    price.setValueCount(n);
                    comment.setValueCount(n);
                    writer.column(0).appendBatch(k, 0, n);
                    writer.column(1).appendBatch(price, 0, n);
                    writer.column(2).appendBatch(comment, 0, n);
                }
            }
            writer.commit();
        }
        reader = store.openTable("scan");
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        reader.close();
        store.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private final SplittableRandom ids = new SplittableRandom(7);

    /** Reads the whole row of a random row id; returns its key. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long readRow() throws IOException {
        long id = ids.nextLong(rows);
        try (VectorSchemaRoot row = reader.readRows(new long[] {id}, null)) {
            long k = ((BigIntVector) row.getVector(0)).get(0);
            if (k != id) {
                throw new IllegalStateException("row id " + id + " holds key " + k);
            }
            return k;
        }
    }

    /** Scans every row group of every column; returns the rows seen. */
    @Benchmark
    public long scan() {
        long seen = 0;
        Iterator<VectorSchemaRoot> it = reader.scan(null);
        while (it.hasNext()) {
            try (VectorSchemaRoot root = it.next()) {
                seen += root.getRowCount();
            }
        }
        if (seen != rows) {
            throw new IllegalStateException("scanned " + seen + " of " + rows + " rows");
        }
        return seen;
    }
}
