package dev.ingot.perf.jmh;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.Transaction;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.perf.BenchFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
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
 * Point lookups by a composite PRIMARY KEY (lineitem's {@code (l_orderkey, l_linenumber)} shape,
 * 4 lines per order) through the persisted key index, warm, as a latency distribution (sample
 * mode: read p50/p99 from the percentiles): {@code probeHit} / {@code probeMiss} find the row id
 * of a random stored / absent key (the index alone: one partition slot run, deletion test);
 * {@code lookupRow} returns the whole row ({@link Ingot#lookup}): the key searched in the sorted
 * run's encoded key chunks (no row group decoded), then one point read per column into kept one-row
 * vectors, copied out into a map. The table of {@code rows} rows is appended in one transaction per trial
 * (its index written at commit; its keys arrive in order, so the index is one sorted run searched in
 * the stored key columns). With {@code store} set (a TPC-H store, e.g. SF10, read only), the probes go
 * to its {@code lineitem} instead: hits are a sample of 1 in 64 of its stored keys, misses line
 * numbers 8..10 (dbgen writes at most 7); {@code lookupRow} then reads lineitem rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, "-Xms256m", "-Xmx1g"})
public class KeyLookupBench {
    /** Rows of the table. */
    @Param({"6000000"})
    public int rows;

    /** A TPC-H store to probe instead of the generated table (empty = generate). */
    @Param({""})
    public String store;

    private String table = "lines";
    private long[] sampleOrder;
    private int[] sampleLine;

    private Path dir;
    private Ingot db;
    private NativeAllocator memory;
    private StoreSnapshot snapshot;
    private StoredTable stored;
    private KeyIndex.Finder finder;
    private VectorSchemaRoot probe;
    private FieldVector[] probeColumns;
    private final long[] rowId = new long[1];
    private final SplittableRandom random = new SplittableRandom(7);

    static final TableDef LINES = new TableDef("lines",
            List.of(ColumnDef.notNull("l_orderkey", ColumnType.int64()), ColumnDef.notNull("l_linenumber", ColumnType.int32()),
                    ColumnDef.notNull("l_quantity", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("lines_pk", "l_orderkey", "l_linenumber")));

    @Setup(Level.Trial)
    public void load() throws IOException {
        if (!store.isEmpty()) {
            openStore();
            return;
        }
        dir = Files.createTempDirectory("ingot-jmh-lookup");
        db = Ingot.open(dir.resolve("db"), IngotOptions.defaults().createIfMissing());
        db.createTable(LINES);
        int batch = 65536;
        try (Transaction tx = db.begin(); VectorSchemaRoot b = VectorSchemaRoot.create(LINES.arrowSchema(), db.allocator())) {
            for (int done = 0; done < rows; done += batch) {
                int n = Math.min(batch, rows - done);
                b.allocateNew();
                BigIntVector order = (BigIntVector) b.getVector(0);
                IntVector line = (IntVector) b.getVector(1);
                BigIntVector qty = (BigIntVector) b.getVector(2);
                for (int i = 0; i < n; i++) {
                    long r = done + i;
                    order.setSafe(i, 1 + r / 4);
                    line.setSafe(i, (int) (1 + r % 4));
                    qty.setSafe(i, r % 50);
                }
                b.setRowCount(n);
                tx.append("lines", b);
            }
            tx.commit();
        }
        openIndex("lines", "lines_pk");
    }

    private void openStore() throws IOException {
        db = Ingot.open(Path.of(store), IngotOptions.defaults());
        table = "lineitem";
        long n = db.store().table(table).orElseThrow().rowCount();
        int samples = (int) Math.min(Integer.MAX_VALUE - 8, (n + 63) / 64);
        sampleOrder = new long[samples];
        sampleLine = new int[samples];
        int[] at = {0};
        long[] row = {0};
        db.scan(table).columns("l_orderkey", "l_linenumber").forEachBatch(b -> {
            for (int i = 0; i < b.getRowCount(); i++, row[0]++) {
                if ((row[0] & 63) == 0 && at[0] < samples) {
                    sampleOrder[at[0]] = ((BigIntVector) b.getVector(0)).get(i);
                    sampleLine[at[0]] = ((IntVector) b.getVector(1)).get(i);
                    at[0]++;
                }
            }
        });
        openIndex(table, db.table(table).orElseThrow().primaryKey().orElseThrow().name());
    }

    private void openIndex(String name, String key) throws IOException {
        memory = NativeAllocator.root("bench", 1L << 30);
        snapshot = db.store().snapshot();
        stored = new StoredTable(snapshot, name, db.store().pager().file(), memory);
        finder = stored.keyIndex(key, null).newFinder();
        TableDef def = db.table(name).orElseThrow();
        List<String> keyColumns = def.primaryKey().orElseThrow().columns();
        probe = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(
                List.of(def.column(keyColumns.get(0)).arrowField(), def.column(keyColumns.get(1)).arrowField())), db.allocator());
        probe.allocateNew();
        probe.setRowCount(1);
        probeColumns = new FieldVector[] {probe.getVector(0), probe.getVector(1)};
    }

    private void setKey(long orderKey, int lineNumber) {
        ((BigIntVector) probeColumns[0]).setSafe(0, orderKey);
        ((IntVector) probeColumns[1]).setSafe(0, lineNumber);
        probeColumns[0].setValueCount(1);
        probeColumns[1].setValueCount(1);
    }

    @Benchmark
    public long probeHit() {
        if (sampleOrder != null) {
            int s = random.nextInt(sampleOrder.length);
            setKey(sampleOrder[s], sampleLine[s]);
        } else {
            long r = random.nextLong(rows);
            setKey(1 + r / 4, (int) (1 + r % 4));
        }
        finder.find(probeColumns, 0, 1, stored::isDeleted, rowId);
        return rowId[0];
    }

    @Benchmark
    public long probeMiss() {
        if (sampleOrder != null) {
            setKey(sampleOrder[random.nextInt(sampleOrder.length)], 8 + random.nextInt(3));
        } else {
            long r = random.nextLong(rows);
            setKey(1 + r / 4, 5 + (int) (r % 3)); // line numbers 5..7 were never stored
        }
        finder.find(probeColumns, 0, 1, stored::isDeleted, rowId);
        return rowId[0];
    }

    @Benchmark
    public Optional<Map<String, Object>> lookupRow() throws IOException {
        if (sampleOrder != null) {
            int s = random.nextInt(sampleOrder.length);
            return db.lookup(table, sampleOrder[s], sampleLine[s]);
        }
        long r = random.nextLong(rows);
        return db.lookup("lines", 1 + r / 4, (int) (1 + r % 4));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        probe.close();
        stored.close();
        snapshot.close();
        memory.close();
        db.close();
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
