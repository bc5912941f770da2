package dev.ingot.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.tpch.TpchSchema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: TPC-H SF0.1 written through Spark ({@code local[2]}) into a sharded data set with all
 * 8 PRIMARY KEYs and 8 FOREIGN KEYs; Q1 and Q6 through Spark SQL over it equal the same queries
 * computed independently (plain Java over Ingot's scan API) on the single-machine load; a planted
 * duplicate key and orphan foreign keys fail the job with Ingot's messages and publish nothing.
 */
class TpchThroughSparkTest {
    private static SparkSession spark;
    private static Path store;
    private static Path dataSet;

    @BeforeAll
    static void load() throws Exception {
        spark = SparkFixture.spark();
        store = SparkFixture.store();
        dataSet = SparkFixture.dataSet();
        for (String t : TpchSchema.tableNames()) {
            SparkFixture.read(dataSet, t).createOrReplaceTempView(t);
        }
    }

    @Test
    void everyTableIsShardedWithItsKeysAndRowCounts() throws Exception {
        IngotDataSet ds = IngotDataSet.open(dataSet).orElseThrow();
        assertEquals(TpchSchema.tableNames(), List.copyOf(ds.manifest().tables().keySet()));
        assertEquals(8, ds.manifest().version());
        int pks = 0;
        int fks = 0;
        try (Ingot single = Ingot.openReadOnly(store, IngotOptions.defaults())) {
            for (String t : TpchSchema.tableNames()) {
                TableDef def = ds.table(t).orElseThrow();
                assertEquals(TpchSchema.table(t), def);
                pks += def.primaryKey().isPresent() ? 1 : 0;
                fks += def.foreignKeys().size();
                IngotDataSet.TableEntry e = ds.entry(t).orElseThrow();
                assertEquals(SparkFixture.SHARDS, e.shards().size());
                assertEquals(t.equals("lineitem") ? List.of("l_orderkey") : def.primaryKey().orElseThrow().columns(), e.clusteredBy());
                long expected = single.scan(t).count();
                assertEquals(expected, e.rows(), t);
                assertEquals(expected, SparkFixture.read(dataSet, t).count(), t);
                long inShards = 0;
                for (Path shard : ds.shards(t)) {
                    try (ColumnStore s = ColumnStore.openReadOnly(shard)) {
                        TableDef shardDef = s.table(t).orElseThrow().def();
                        assertEquals(def.keyConstraints(), shardDef.constraints(), "shard stores enforce the keys");
                        inShards += s.table(t).orElseThrow().liveRowCount();
                    }
                }
                assertEquals(expected, inShards, t);
            }
        }
        assertEquals(8, pks);
        assertEquals(8, fks);
        // every key value lives in exactly one shard: the distinct keys equal the rows
        assertEquals(spark.table("lineitem").count(),
                spark.sql("select distinct l_orderkey, l_linenumber from lineitem").count());
    }

    @Test
    void q1EqualsTheSingleMachineLoad() throws Exception {
        List<Row> rows = spark.sql("""
                select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,
                       sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,
                       sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge,
                       avg(l_quantity) as avg_qty, avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc,
                       count(*) as count_order
                from lineitem
                where l_shipdate <= date '1998-12-01' - interval '90' day
                group by l_returnflag, l_linestatus
                order by l_returnflag, l_linestatus""").collectAsList();
        Map<String, BigDecimal[]> expected = q1Single();
        assertEquals(4, rows.size());
        assertEquals(List.copyOf(expected.keySet()), rows.stream().map(r -> r.getString(0) + r.getString(1)).toList());
        for (Row r : rows) {
            BigDecimal[] e = expected.get(r.getString(0) + r.getString(1));
            long count = e[5].longValueExact();
            assertEquals(count, r.getLong(9));
            for (int i = 0; i < 4; i++) {
                assertEquals(0, e[i].compareTo(r.getDecimal(2 + i)), "column " + (2 + i) + ": " + e[i] + " vs " + r.getDecimal(2 + i));
            }
            assertEquals(e[0].divide(BigDecimal.valueOf(count), 6, RoundingMode.HALF_UP), r.getDecimal(6));
            assertEquals(e[1].divide(BigDecimal.valueOf(count), 6, RoundingMode.HALF_UP), r.getDecimal(7));
            assertEquals(e[4].divide(BigDecimal.valueOf(count), 6, RoundingMode.HALF_UP), r.getDecimal(8));
        }
    }

    /** Q1 over the single store: per flag+status, sums of qty, price, disc price, charge, discount, and the count. */
    private static Map<String, BigDecimal[]> q1Single() throws Exception {
        int cutoff = (int) LocalDate.of(1998, 9, 2).toEpochDay();
        Map<String, BigDecimal[]> out = new TreeMap<>();
        try (Ingot single = Ingot.openReadOnly(store, IngotOptions.defaults())) {
            single.scan("lineitem").columns("l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax",
                    "l_shipdate").forEachBatch(b -> {
                for (int r = 0; r < b.getRowCount(); r++) {
                    if (((DateDayVector) b.getVector(6)).get(r) > cutoff) {
                        continue;
                    }
                    String key = ((VarCharVector) b.getVector(0)).getObject(r) + "" + ((VarCharVector) b.getVector(1)).getObject(r);
                    BigDecimal q = ((DecimalVector) b.getVector(2)).getObject(r);
                    BigDecimal p = ((DecimalVector) b.getVector(3)).getObject(r);
                    BigDecimal d = ((DecimalVector) b.getVector(4)).getObject(r);
                    BigDecimal t = ((DecimalVector) b.getVector(5)).getObject(r);
                    BigDecimal[] acc = out.computeIfAbsent(key, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                            BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
                    BigDecimal disc = p.multiply(BigDecimal.ONE.subtract(d));
                    acc[0] = acc[0].add(q);
                    acc[1] = acc[1].add(p);
                    acc[2] = acc[2].add(disc);
                    acc[3] = acc[3].add(disc.multiply(BigDecimal.ONE.add(t)));
                    acc[4] = acc[4].add(d);
                    acc[5] = acc[5].add(BigDecimal.ONE);
                }
            });
        }
        return out;
    }

    @Test
    void q6EqualsTheSingleMachineLoad() throws Exception {
        Row r = spark.sql("""
                select sum(l_extendedprice * l_discount) as revenue, count(*) from lineitem
                where l_shipdate >= date '1994-01-01' and l_shipdate < date '1994-01-01' + interval '1' year
                  and l_discount between 0.06 - 0.01 and 0.06 + 0.01 and l_quantity < 24""").first();
        int from = (int) LocalDate.of(1994, 1, 1).toEpochDay();
        int to = (int) LocalDate.of(1995, 1, 1).toEpochDay();
        BigDecimal low = new BigDecimal("0.05");
        BigDecimal high = new BigDecimal("0.07");
        BigDecimal qty = new BigDecimal("24");
        BigDecimal[] revenue = {BigDecimal.ZERO};
        long[] count = {0};
        try (Ingot single = Ingot.openReadOnly(store, IngotOptions.defaults())) {
            single.scan("lineitem").columns("l_extendedprice", "l_discount", "l_quantity", "l_shipdate").forEachBatch(b -> {
                for (int i = 0; i < b.getRowCount(); i++) {
                    int day = ((DateDayVector) b.getVector(3)).get(i);
                    BigDecimal d = ((DecimalVector) b.getVector(1)).getObject(i);
                    if (day >= from && day < to && d.compareTo(low) >= 0 && d.compareTo(high) <= 0
                            && ((DecimalVector) b.getVector(2)).getObject(i).compareTo(qty) < 0) {
                        revenue[0] = revenue[0].add(((DecimalVector) b.getVector(0)).getObject(i).multiply(d));
                        count[0]++;
                    }
                }
            });
        }
        assertTrue(count[0] > 1000, "Q6 selects rows at SF0.1: " + count[0]);
        assertEquals(count[0], r.getLong(1));
        assertEquals(0, revenue[0].compareTo(r.getDecimal(0)), revenue[0] + " vs " + r.getDecimal(0));
    }

    @Test
    void zoneMapsSkipRowGroupsAndStatisticsReachThePlanner() throws Exception {
        // the single store holds orders in key order: o_orderkey < 1000 lies in the first row group only
        Dataset<Row> df = SparkFixture.read(store, "orders").where("o_orderkey < 1000");
        IngotScan scan = scanOf(df);
        assertTrue(scan.rowGroupsTotal() > 1, "orders has several row groups: " + scan.rowGroupsTotal());
        assertEquals(1, scan.plan().stream().mapToInt(p -> p.rowGroups().length).sum());
        long expected;
        try (Ingot single = Ingot.openReadOnly(store, IngotOptions.defaults())) {
            expected = single.scan("orders").where(dev.ingot.RowFilter.lt("o_orderkey", 1000L)).count();
        }
        assertEquals(expected, df.count());
        // statistics: the kept row groups' live rows
        assertEquals(scan.plan().get(0).rows(), scan.estimateStatistics().numRows().getAsLong());
        // a predicate no row group can satisfy reads nothing
        assertEquals(0, scanOf(SparkFixture.read(store, "orders").where("o_orderkey > 100000000")).plan().size());
        // column pruning: only the selected columns are read
        assertEquals(List.of("o_totalprice"), List.of(scanOf(SparkFixture.read(store, "orders").select("o_totalprice")).readSchema().fieldNames()));
    }

    /** The one Ingot scan of {@code df}'s physical plan (planning it). */
    static IngotScan scanOf(Dataset<Row> df) {
        df.queryExecution().executedPlan(); // plan it
        List<IngotScan> scans = new ArrayList<>();
        df.queryExecution().executedPlan().foreach(p -> {
            if (p instanceof BatchScanExec b && b.scan() instanceof IngotScan s) {
                scans.add(s);
            }
            return null;
        });
        assertEquals(1, scans.size(), df.queryExecution().executedPlan().toString());
        return scans.get(0);
    }

    @Test
    void duplicateKeyInTwoInputPartitionsFailsTheJobAndPublishesNothing() throws Exception {
        Path ds = SparkFixture.tempDir().resolve("dup");
        Dataset<Row> orders = SparkFixture.read(dataSet, "orders").orderBy("o_orderkey").limit(2000);
        List<Row> list = new ArrayList<>(orders.collectAsList());
        list.add(list.stream().filter(r -> r.getLong(0) == 7).findFirst().orElseThrow());
        // two input partitions (parallelize slices the list in order): key 7 near the start of the first, its copy at the end of the second
        Dataset<Row> input = spark.createDataFrame(new org.apache.spark.api.java.JavaSparkContext(spark.sparkContext()).parallelize(list, 2),
                orders.schema());
        // the two copies of key 7 are in different input partitions
        assertEquals(2, input.where("o_orderkey = 7").selectExpr("spark_partition_id()").distinct().count());
        TableDef def = new TableDef("orders", TpchSchema.table("orders").columns(), List.of(TpchSchema.table("orders").primaryKey().orElseThrow()));
        Exception e = assertThrows(Exception.class, () -> SparkFixture.write(ds, def, input, null));
        TableLoadException cause = SparkFixture.find(e, TableLoadException.class);
        assertTrue(cause.getMessage().matches("duplicate key value violates PRIMARY KEY constraint \"orders_pk\" on table orders: key"
                + " \\(o_orderkey\\)=\\(7\\) already exists; row \\d+"), cause.getMessage());
        assertNothingPublished(ds, "orders");
    }

    @Test
    void orphanForeignKeyCheckedShardByShardFailsTheJob() throws Exception {
        Dataset<Row> input = SparkFixture.read(dataSet, "lineitem").where("l_orderkey <= 100")
                .union(SparkFixture.read(dataSet, "lineitem").where("l_orderkey = 1 and l_linenumber = 1")
                        .selectExpr("cast(999999999 as bigint) as l_orderkey", "l_partkey", "l_suppkey", "l_linenumber", "l_quantity",
                                "l_extendedprice", "l_discount", "l_tax", "l_returnflag", "l_linestatus", "l_shipdate", "l_commitdate",
                                "l_receiptdate", "l_shipinstruct", "l_shipmode", "l_comment"))
                .coalesce(1);
        long before = SparkFixture.read(dataSet, "lineitem").count();
        String job = IngotDataSet.open(dataSet).orElseThrow().entry("lineitem").orElseThrow().job();
        Exception e = assertThrows(Exception.class, () -> input.write().format("ingot").option("table", "lineitem")
                .option("clusterBy", "l_orderkey").mode("overwrite").save(dataSet.toString()));
        TableLoadException cause = SparkFixture.find(e, TableLoadException.class);
        assertTrue(cause.getMessage().matches("insert into table lineitem violates FOREIGN KEY constraint \"lineitem_orders_fk\": key"
                + " \\(l_orderkey\\)=\\(999999999\\) is not present in table orders; row \\d+"), cause.getMessage());
        // the published version is untouched
        assertEquals(job, IngotDataSet.open(dataSet).orElseThrow().entry("lineitem").orElseThrow().job());
        assertEquals(before, SparkFixture.read(dataSet, "lineitem").count());
        assertOnlyPublishedJobs(dataSet, "lineitem");
    }

    @Test
    void orphanForeignKeyCheckedByTheAntiJoinFailsTheJob() throws Exception {
        // part 1's suppliers in partsupp, and a supplier that exists but does not supply part 1
        List<Long> suppliers = spark.sql("select ps_suppkey from partsupp where ps_partkey = 1").collectAsList().stream()
                .map(r -> r.getLong(0)).toList();
        long other = spark.sql("select min(s_suppkey) from supplier where s_suppkey not in (" + String.join(",",
                suppliers.stream().map(String::valueOf).toList()) + ")").first().getLong(0);
        Dataset<Row> input = SparkFixture.read(dataSet, "lineitem").where("l_orderkey <= 100")
                .union(SparkFixture.read(dataSet, "lineitem").where("l_orderkey = 1 and l_linenumber = 1")
                        .selectExpr("l_orderkey", "cast(1 as bigint) as l_partkey", "cast(" + other + " as bigint) as l_suppkey",
                                "7 as l_linenumber", "l_quantity", "l_extendedprice", "l_discount", "l_tax", "l_returnflag", "l_linestatus",
                                "l_shipdate", "l_commitdate", "l_receiptdate", "l_shipinstruct", "l_shipmode", "l_comment"))
                .coalesce(1);
        long before = SparkFixture.read(dataSet, "lineitem").count();
        Exception e = assertThrows(Exception.class, () -> input.write().format("ingot").option("table", "lineitem")
                .option("clusterBy", "l_orderkey").mode("overwrite").save(dataSet.toString()));
        TableLoadException cause = SparkFixture.find(e, TableLoadException.class);
        int shard = new ShardFunction(new int[] {0}, new org.apache.spark.sql.types.DataType[] {org.apache.spark.sql.types.DataTypes.LongType},
                SparkFixture.SHARDS).shardOf(new org.apache.spark.sql.catalyst.expressions.GenericInternalRow(new Object[] {1L}));
        assertTrue(cause.getMessage().matches("insert into table lineitem violates FOREIGN KEY constraint \"lineitem_partsupp_fk\": key"
                + " \\(l_partkey, l_suppkey\\)=\\(1, " + other + "\\) is not present in table partsupp; row \\d+ \\(shard " + shard + "\\)"),
                cause.getMessage());
        assertEquals(before, SparkFixture.read(dataSet, "lineitem").count());
        assertOnlyPublishedJobs(dataSet, "lineitem");
    }

    static void assertNothingPublished(Path ds, String table) throws Exception {
        assertFalse(IngotDataSet.open(ds).flatMap(d -> d.entry(table)).isPresent(), "table " + table + " is not published");
        Path dir = ds.resolve(table);
        // Spark reports a failed job before every task attempt has ended (it cancels the others
        // asynchronously), and a late task can leave its unpublished shard behind: invisible (the table
        // is not published, checked above) and removed by the next commit's clean-up, which runs here
        namesOnce(dir, List::isEmpty);
        IngotDataSet.removeUnpublished(ds, table, null);
        assertEquals(List.of(), names(dir), "the failed job left files");
    }

    static void assertOnlyPublishedJobs(Path ds, String table) throws Exception {
        String job = IngotDataSet.open(ds).orElseThrow().entry(table).orElseThrow().job();
        // as above: a task of the failed job that Spark has not finished cancelling removes its shard and
        // its job's directory when it ends (ShardWriter.discard); wait for that, bounded
        List<String> left = namesOnce(ds.resolve(table), names -> names.equals(List.of(job)));
        assertEquals(List.of(job), left, () -> "left behind: " + tree(ds.resolve(table)));
    }

    /** Every path under {@code dir} with its size, for a failure message. */
    private static String tree(Path dir) {
        try (var s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p) + (Files.isRegularFile(p) ? " (" + p.toFile().length() + " B)" : "/")).toList().toString();
        } catch (Exception e) {
            return "cannot list " + dir + ": " + e;
        }
    }

    /** The names in {@code dir} once {@code done} holds for them, or after 10 s (polled every 100 ms). */
    private static List<String> namesOnce(Path dir, java.util.function.Predicate<List<String>> done) throws Exception {
        List<String> names = names(dir);
        for (long end = System.nanoTime() + 10_000_000_000L; !done.test(names) && System.nanoTime() < end; Thread.sleep(100)) {
            names = names(dir);
        }
        return names;
    }

    /** The names in {@code dir}; none if it does not exist. */
    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
