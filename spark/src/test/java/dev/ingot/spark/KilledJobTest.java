package dev.ingot.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A write job killed mid-write (its driver JVM killed with SIGKILL while its tasks write shard
 * stores) publishes nothing: no manifest names the table, reads refuse it, and the next
 * successful write of the table deletes the dead job's shard stores, and nothing else.
 */
class KilledJobTest {
    @Test
    void killedJobPublishesNothingAndTheNextCommitRemovesItsShards() throws Exception {
        Path ds = SparkFixture.tempDir().resolve("killed");
        Files.createDirectories(ds);
        Path foreign = Files.writeString(ds.resolve("notes.txt"), "not Ingot's");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-") || a.startsWith("-D") && !a.startsWith("-Dsurefire") || a.startsWith("--sun-misc")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), KilledWriteChild.class.getName(), ds.toString()));
        Path log = SparkFixture.tempDir().resolve("killed-child.log");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (shardStoresWithData(ds.resolve("t")) < 2) {
                assertTrue(child.isAlive(), () -> "the child ended before it was killed: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "no shard store was written in 120 s: " + read(log));
                Thread.sleep(100);
            }
            Thread.sleep(1000); // the tasks append batches
        } finally {
            child.destroyForcibly().waitFor(); // SIGKILL: no abort, no cleanup runs
        }
        assertFalse(read(log).contains("finished"), "killed before the job finished");
        assertFalse(Files.exists(ds.resolve(IngotDataSet.MANIFEST)), "nothing was published");
        assertTrue(shardStoresWithData(ds.resolve("t")) >= 2, "the dead job's shard stores are on disk, invisible");
        Exception e = assertThrows(Exception.class, () -> SparkFixture.read(ds, "t").count());
        assertEquals("data set " + ds + " holds no table t (it has no manifest " + IngotDataSet.MANIFEST + ")",
                SparkFixture.find(e, IllegalArgumentException.class).getMessage());

        Dataset<Row> rows = SparkFixture.spark().range(0, 1000).selectExpr("id", "cast(id * 3 as bigint) as v", "cast(id as string) as s");
        rows.write().format("ingot").option("table", "t").option("primaryKey", "id").option("shards", "2").mode("append").save(ds.toString());
        assertEquals(1000, SparkFixture.read(ds, "t").count());
        assertEquals(499500L * 3, SparkFixture.read(ds, "t").selectExpr("sum(v)").first().getLong(0));
        TpchThroughSparkTest.assertOnlyPublishedJobs(ds, "t");
        assertEquals("not Ingot's", Files.readString(foreign), "cleanup leaves files Ingot did not create");
    }

    private static long shardStoresWithData(Path table) throws Exception {
        if (!Files.isDirectory(table)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(table)) {
            return s.filter(p -> p.getFileName().toString().equals(dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME)).count();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
