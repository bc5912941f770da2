package dev.ingot.spark;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.cli.IngotCli;
import dev.ingot.ingest.tpch.TpchSchema;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Spark benchmark of the README (not part of the test suite: it runs only when
 * {@code -Dingot.spark.bench=<dir of SF1 .tbl files>} is given, e.g.
 * {@code mvn -B -ntp -pl spark -am test -Dtest=SparkBenchTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dingot.spark.bench=/work/perfdata/tbl1 -Dingot.spark.benchDir=/work/benchstores/spark/b -Dspark.test.heap=6g}).
 *
 * <p>Loads the .tbl files into a single Ingot store (the single-machine loader), then in Spark
 * {@code local[2]}: writes the 8 tables from that store into a sharded data set with every key
 * ({@code ingot}) and into Parquet files (Spark's own writer, no keys); then reads lineitem from
 * both for TPC-H Q1, Q6 and a full scan of every column (the {@code noop} sink), alternating
 * Ingot and Parquet, one warm-up and {@code ingot.spark.benchRuns} (default 3) runs each.
 * Reports wall and this JVM's CPU seconds (medians) and their ratios. Asserts nothing.
 */
class SparkBenchTest {
    private static final String Q1 = """
            select l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice), sum(l_extendedprice * (1 - l_discount)),
                   sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)), avg(l_quantity), avg(l_extendedprice), avg(l_discount), count(*)
            from lineitem where l_shipdate <= date '1998-12-01' - interval '90' day
            group by l_returnflag, l_linestatus order by l_returnflag, l_linestatus""";
    private static final String Q6 = """
            select sum(l_extendedprice * l_discount) from lineitem
            where l_shipdate >= date '1994-01-01' and l_shipdate < date '1995-01-01'
              and l_discount between 0.05 and 0.07 and l_quantity < 24""";

    private record Sample(double wall, double cpu) {
    }

    @Test
    void sf1IngotAgainstParquet() throws Exception {
        String tbl = System.getProperty("ingot.spark.bench");
        Assumptions.assumeTrue(tbl != null, "benchmark: set -Dingot.spark.bench=<dir of .tbl files>");
        Path dir = Path.of(System.getProperty("ingot.spark.benchDir", Files.createTempDirectory("ingot-spark-bench").toString()));
        int runs = Integer.getInteger("ingot.spark.benchRuns", 3);
        Files.createDirectories(dir);
        Path single = dir.resolve("single");
        Path ds = dir.resolve("sharded");
        Path parquet = dir.resolve("parquet");
        SparkSession spark = SparkFixture.spark();
        long t0 = System.nanoTime();
        if (IngotCli.run("load-tpch", "--scale", "1", "--source", tbl, "--store", single.toString(), "--no-progress") != 0) {
            throw new IllegalStateException("load-tpch failed");
        }
        System.out.printf("single-machine load: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        int shards = Integer.getInteger("ingot.spark.benchShards", 4);
        long rowsTotal = 0;
        for (String t : TpchSchema.tableNames()) {
            rowsTotal += SparkFixture.read(single, t).count();
        }
        // alternate: Parquet then Ingot per table (cache the source DataFrame so both write the same rows from memory)
        Sample ingotWrite = new Sample(0, 0);
        Sample parquetWrite = new Sample(0, 0);
        for (String t : TpchSchema.tableNames()) {
            Dataset<Row> src = SparkFixture.read(single, t).cache();
            src.count();
            Sample p = measure(() -> {
                src.write().mode("overwrite").parquet(parquet.resolve(t).toString());
                return null;
            });
            TableDef def = TpchSchema.table(t);
            Sample i = measure(() -> {
                var w = src.write().format("ingot").option("table", t).option("ddl", dev.ingot.ingest.ddl.SqlSchema.toDdl(List.of(def)))
                        .option("shards", Integer.toString(shards));
                if (t.equals("lineitem")) {
                    w = w.option("clusterBy", "l_orderkey");
                }
                w.mode("append").save(ds.toString());
                return null;
            });
            src.unpersist();
            System.out.printf("write %-9s parquet wall %6.2f s cpu %6.2f s | ingot wall %6.2f s cpu %6.2f s%n", t, p.wall, p.cpu, i.wall, i.cpu);
            parquetWrite = new Sample(parquetWrite.wall + p.wall, parquetWrite.cpu + p.cpu);
            ingotWrite = new Sample(ingotWrite.wall + i.wall, ingotWrite.cpu + i.cpu);
        }
        System.out.printf("write all 8 (%,d rows): parquet wall %.2f s cpu %.2f s | ingot (all keys) wall %.2f s cpu %.2f s | ratio wall %.2fx cpu %.2fx"
                        + " | ingot %.0f ns CPU per row%n", rowsTotal, parquetWrite.wall, parquetWrite.cpu, ingotWrite.wall, ingotWrite.cpu,
                ingotWrite.wall / parquetWrite.wall, ingotWrite.cpu / parquetWrite.cpu, ingotWrite.cpu * 1e9 / rowsTotal);

        Map<String, Supplier<Dataset<Row>>> ingot = new LinkedHashMap<>();
        Map<String, Supplier<Dataset<Row>>> pq = new LinkedHashMap<>();
        for (String q : List.of("Q1", "Q6", "full scan")) {
            ingot.put(q, () -> query(spark, q, SparkFixture.read(ds, "lineitem")));
            pq.put(q, () -> query(spark, q, spark.read().parquet(parquet.resolve("lineitem").toString())));
        }
        for (String q : ingot.keySet()) {
            List<Sample> a = new ArrayList<>();
            List<Sample> b = new ArrayList<>();
            for (int r = -1; r < runs; r++) {
                Sample pi = measure(() -> run(q, pq.get(q).get()));
                Sample ii = measure(() -> run(q, ingot.get(q).get()));
                if (r >= 0) {
                    b.add(pi);
                    a.add(ii);
                }
            }
            Sample mi = median(a);
            Sample mp = median(b);
            System.out.printf("read %-9s parquet wall %6.2f s cpu %6.2f s | ingot wall %6.2f s cpu %6.2f s | ratio wall %.2fx cpu %.2fx%n",
                    q, mp.wall, mp.cpu, mi.wall, mi.cpu, mi.wall / mp.wall, mi.cpu / mp.cpu);
        }
    }

    private static Dataset<Row> query(SparkSession spark, String q, Dataset<Row> lineitem) {
        lineitem.createOrReplaceTempView("lineitem");
        return switch (q) {
            case "Q1" -> spark.sql(Q1);
            case "Q6" -> spark.sql(Q6);
            default -> lineitem;
        };
    }

    private static Object run(String q, Dataset<Row> df) {
        if (q.equals("full scan")) {
            df.write().format("noop").mode("overwrite").save();
            return null;
        }
        return df.collectAsList();
    }

    private static Sample measure(Supplier<Object> work) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long c0 = os.getProcessCpuTime();
        long w0 = System.nanoTime();
        work.get();
        return new Sample((System.nanoTime() - w0) / 1e9, (os.getProcessCpuTime() - c0) / 1e9);
    }

    private static Sample median(List<Sample> s) {
        List<Double> w = new ArrayList<>(s.stream().map(Sample::wall).toList());
        List<Double> c = new ArrayList<>(s.stream().map(Sample::cpu).toList());
        Collections.sort(w);
        Collections.sort(c);
        return new Sample(w.get(w.size() / 2), c.get(c.size() / 2));
    }
}
