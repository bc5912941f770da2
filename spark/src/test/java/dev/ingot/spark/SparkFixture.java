package dev.ingot.spark;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.cli.IngotCli;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The tests' one Spark session ({@code local[2]}) and TPC-H fixture: SF0.1 loaded by the
 * single-machine loader ({@code ingot load-tpch}) into a store, and the same data written through
 * Spark into a sharded data set (3 shards per table, every PRIMARY KEY and FOREIGN KEY, lineitem
 * clustered by l_orderkey with its orders), each built once per test JVM.
 */
final class SparkFixture {
    static final double SCALE = 0.1;
    static final int SHARDS = 3;
    private static SparkSession spark;
    private static Path dir;
    private static Path store;
    private static Path dataSet;

    private SparkFixture() {
    }

    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("ingot-spark-test")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                spark.stop();
                try {
                    delete(dir);
                } catch (IOException e) {
                    // best effort: a temp directory
                }
            }));
        }
        return spark;
    }

    static synchronized Path tempDir() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory("ingot-spark-");
        }
        return dir;
    }

    /** The single-machine Ingot load of TPC-H SF0.1 (every key enforced). */
    static synchronized Path store() throws IOException {
        if (store == null) {
            Path s = tempDir().resolve("single");
            if (IngotCli.run("load-tpch", "--scale", Double.toString(SCALE), "--store", s.toString(), "--threads", "1", "--no-progress") != 0) {
                throw new IllegalStateException("ingot load-tpch failed");
            }
            store = s;
        }
        return store;
    }

    /** TPC-H SF0.1 written through Spark from the single store into a sharded data set. */
    static synchronized Path dataSet() throws IOException {
        if (dataSet == null) {
            Path ds = tempDir().resolve("tpch");
            for (String t : TpchSchema.tableNames()) {
                write(ds, TpchSchema.table(t), read(store(), t), t.equals("lineitem") ? "l_orderkey" : null);
            }
            dataSet = ds;
        }
        return dataSet;
    }

    static Dataset<Row> read(Path path, String table) {
        return spark().read().format("ingot").option("table", table).load(path.toString());
    }

    static void write(Path ds, TableDef def, Dataset<Row> rows, String clusterBy) {
        var w = rows.write().format("ingot").option("table", def.name()).option("ddl", SqlSchema.toDdl(List.of(def)))
                .option("shards", Integer.toString(SHARDS));
        if (clusterBy != null) {
            w = w.option("clusterBy", clusterBy);
        }
        w.mode("append").save(ds.toString());
    }

    static void delete(Path p) throws IOException {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /** The first throwable of {@code type} in the cause chain of {@code t}. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the cause chain of " + t, t);
    }
}
