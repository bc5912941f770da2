package dev.ingot.perf.jmh;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.PagerOptions;
import dev.ingot.perf.BenchFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
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
 * {@code ColumnWriter.appendBatch} of a 64K-row Arrow vector (BIGINT, DECIMAL(15,2) and
 * VARCHAR(44) with lineitem-comment-like lengths of 10-43 bytes; and lineitem's sealing shapes:
 * {@code ORDERKEY}, BIGINT in sorted runs of 1-7 equal values (RLE), {@code LINENUMBER}, INTEGER 1-7
 * (FOR at 3 bits), and the dictionary columns {@code FLAG}, CHAR(1) of 3 values like
 * {@code l_returnflag}, {@code SHIPMODE}, VARCHAR(10) of {@code l_shipmode}'s 7 values of 3-7 bytes,
 * and {@code SHIPINSTRUCT}, VARCHAR(25) of {@code l_shipinstruct}'s 4 values of 4-17 bytes), next to its physical limit:
 * {@code MemoryView.copyTo} of the same Arrow buffers into a preallocated off-heap block.
 * The secondary result {@code bytes} (an {@link AuxCounters} counter) is the Arrow source bytes
 * consumed per second (validity + offsets + data), so the two benchmarks compare as GB/s.
 *
 * <p>appendBatch includes sealing full chunks (statistics, header, CRC32C) and putting them
 * through the pager into a fresh store per iteration (no fsync).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN, "-Xms256m", "-Xmx1g"})
public class ColumnWriterBench {
    /** Column type of the vector. */
    @Param({"BIGINT", "DECIMAL", "VARCHAR", "ORDERKEY", "LINENUMBER", "FLAG", "SHIPMODE", "SHIPINSTRUCT"})
    public String type;

    /** Rows per appended batch. */
    @Param({"65536"})
    public int rows;

    /** Source bytes consumed, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;
    }

    private BufferAllocator arrow;
    private FieldVector vector;
    private long vectorBytes;
    private NativeAllocator nativeMemory;
    private MemoryBlock copyTarget;
    private Path dir;
    private ColumnStore store;
    private TableWriter writer;
    private TableDef def;

    @Setup(Level.Trial)
    public void createVector() throws IOException {
        arrow = new RootAllocator(1L << 30);
        SplittableRandom random = new SplittableRandom(42);
        ColumnType columnType;
        switch (type) {
            case "BIGINT": {
                BigIntVector v = new BigIntVector("c", arrow);
                v.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    v.set(i, random.nextLong(1, 6_000_000L));
                }
                vector = v;
                columnType = ColumnType.int64();
                break;
            }
            case "DECIMAL": {
                DecimalVector v = new DecimalVector("c", arrow, 15, 2);
                v.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    v.set(i, random.nextLong(90_000, 10_500_000L)); // unscaled cents, like l_extendedprice
                }
                vector = v;
                columnType = ColumnType.decimal(15, 2);
                break;
            }
            case "VARCHAR": {
                VarCharVector v = new VarCharVector("c", arrow);
                v.allocateNew(rows * 27L, rows);
                byte[] text = "carefully final deposits detect slyly again ".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < rows; i++) {
                    v.setSafe(i, text, 0, 10 + random.nextInt(34));
                }
                vector = v;
                columnType = ColumnType.varchar(44);
                break;
            }
            case "ORDERKEY": {
                BigIntVector v = new BigIntVector("c", arrow);
                v.allocateNew(rows);
                long key = 1;
                for (int i = 0; i < rows; ) {
                    for (int run = 1 + random.nextInt(7); run > 0 && i < rows; run--) {
                        v.set(i++, key);
                    }
                    key += 1 + random.nextInt(8);
                }
                vector = v;
                columnType = ColumnType.int64();
                break;
            }
            case "LINENUMBER": {
                IntVector v = new IntVector("c", arrow);
                v.allocateNew(rows);
                for (int i = 0; i < rows; i++) {
                    v.set(i, 1 + random.nextInt(7));
                }
                vector = v;
                columnType = ColumnType.int32();
                break;
            }
            case "FLAG":
                vector = text(random, "A", "N", "R");
                columnType = ColumnType.varchar(1);
                break;
            case "SHIPMODE":
                vector = text(random, "REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB");
                columnType = ColumnType.varchar(10);
                break;
            case "SHIPINSTRUCT":
                vector = text(random, "DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN");
                columnType = ColumnType.varchar(25);
                break;
            default:
                throw new IllegalArgumentException("unknown type " + type);
        }
        vector.setValueCount(rows);
        vectorBytes = usedBytes(vector);
        def = new TableDef("bench", List.of(ColumnDef.notNull("c", columnType)), List.of());
        nativeMemory = NativeAllocator.root("jmh-copy", 1L << 30);
        copyTarget = nativeMemory.allocate(vectorBytes, "copy target");
        dir = Files.createTempDirectory("ingot-jmh-columnwriter");
    }

    /** A text vector of {@code rows} values drawn uniformly from {@code choices}. */
    private VarCharVector text(SplittableRandom random, String... choices) {
        VarCharVector v = new VarCharVector("c", arrow);
        v.allocateNew(rows * 18L, rows);
        for (int i = 0; i < rows; i++) {
            v.setSafe(i, choices[random.nextInt(choices.length)].getBytes(StandardCharsets.US_ASCII));
        }
        return v;
    }

    /** Validity, offsets (text) and data bytes the vector's rows occupy. */
    static long usedBytes(FieldVector v) {
        int n = v.getValueCount();
        long bytes = (n + 7) / 8;
        if (v instanceof VarCharVector) {
            bytes += 4L * (n + 1) + ((VarCharVector) v).getOffsetBuffer().getInt(4L * n);
        } else if (v instanceof IntVector) {
            bytes += 4L * n;
        } else if (v instanceof DecimalVector) {
            bytes += 16L * n;
        } else {
            bytes += 8L * n;
        }
        return bytes;
    }

    @Setup(Level.Iteration)
    public void openStore() throws IOException {
        store = ColumnStore.openOrCreate(dir.resolve("store"), ColumnStoreOptions.defaults()
                .withPagerOptions(PagerOptions.defaults().withSyncOnCommit(false)));
        writer = store.createTable(def, ColumnStoreWriteHints.estimate(def));
    }

    @TearDown(Level.Iteration)
    public void closeStore() throws IOException {
        writer.close();
        store.close();
        try (var files = Files.list(dir.resolve("store"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir.resolve("store"));
    }

    @TearDown(Level.Trial)
    public void free() throws IOException {
        vector.close();
        arrow.close();
        copyTarget.close();
        nativeMemory.close();
        Files.deleteIfExists(dir);
    }

    /** Appends all rows of the vector to the column writer. */
    @Benchmark
    public long appendBatch(Bytes counter) throws IOException {
        writer.column(0).appendBatch(vector, 0, rows);
        counter.bytes += vectorBytes;
        return writer.column(0).rowCount();
    }

    /** Copies the vector's validity, offsets and data buffers to off-heap memory: the physical limit. */
    @Benchmark
    public long rawCopy(Bytes counter) {
        long off = 0;
        long validityBytes = (rows + 7) / 8;
        ArrowMemory.view(vector.getValidityBuffer()).copyTo(0, copyTarget, 0, validityBytes);
        off += validityBytes;
        long dataBytes;
        if (vector instanceof VarCharVector) {
            ArrowBuf offsets = ((VarCharVector) vector).getOffsetBuffer();
            ArrowMemory.view(offsets).copyTo(0, copyTarget, off, 4L * (rows + 1));
            off += 4L * (rows + 1);
            dataBytes = offsets.getInt(4L * rows);
        } else {
            dataBytes = vectorBytes - validityBytes;
        }
        ArrowMemory.view(vector.getDataBuffer()).copyTo(0, copyTarget, off, dataBytes);
        counter.bytes += vectorBytes;
        return off + dataBytes;
    }
}
