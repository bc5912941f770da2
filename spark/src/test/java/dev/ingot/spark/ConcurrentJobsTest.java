package dev.ingot.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

/**
 * Write jobs running at the same time: a commit's cleanup spares the shards of every job still
 * running (its marker locked, by this JVM or by another process) and removes those of a job
 * whose driver died (the operating system released its lock) or that ended.
 */
class ConcurrentJobsTest {
    @Test
    void aCommitSparesRunningJobsAndRemovesDeadOnes() throws Exception {
        Path ds = SparkFixture.tempDir().resolve("concurrent");
        Files.createDirectories(ds);
        Path otherProcess = IngotDataSet.shardDirectory(ds, "t", "job-other-process", 0, 1);
        Path sameJvm = IngotDataSet.shardDirectory(ds, "t", "job-same-jvm", 0, 1);
        Process child = startChild(ds, "job-other-process");
        try {
            IngotDataSet.JobLock lock = IngotDataSet.createJobDirectory(ds, "t", "job-same-jvm");
            try {
                Files.createDirectories(sameJvm);
                Files.writeString(sameJvm.resolve(dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME), "a shard being written");

                // a third job commits while both run: its cleanup leaves their shards alone
                SparkFixture.spark().range(0, 1000).selectExpr("id", "cast(id * 3 as bigint) as v").write().format("ingot")
                        .option("table", "t").option("primaryKey", "id").option("shards", "2").mode("append").save(ds.toString());
                assertEquals(499500L * 3, SparkFixture.read(ds, "t").selectExpr("sum(v)").first().getLong(0));
                assertTrue(Files.isRegularFile(otherProcess.resolve(dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME)),
                        "the shard of the job running in another process survives the commit");
                assertTrue(Files.isRegularFile(sameJvm.resolve(dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME)),
                        "the shard of the job running in this JVM survives the commit");
                assertEquals(0, IngotDataSet.removeUnpublished(ds, "t", null));
            } finally {
                lock.close();
            }
            // the job of this JVM ended without publishing: the next cleanup removes it, not the live one
            assertEquals(1, IngotDataSet.removeUnpublished(ds, "t", null));
            assertFalse(Files.exists(sameJvm.getParent()), "the ended job's directory is gone");
            assertTrue(Files.isDirectory(otherProcess), "the job of the other process still runs");
        } finally {
            child.destroyForcibly().waitFor(); // SIGKILL: its driver dies, the OS releases its lock
        }
        assertEquals(1, IngotDataSet.removeUnpublished(ds, "t", null));
        assertFalse(Files.exists(otherProcess.getParent()), "the dead job's directory is gone");
        assertEquals(1000, SparkFixture.read(ds, "t").count());
        TpchThroughSparkTest.assertOnlyPublishedJobs(ds, "t");
    }

    @Test
    void anOverwriteEndsTheReadsOfTheVersionItReplaced() throws Exception {
        Path ds = SparkFixture.tempDir().resolve("overwritten");
        write(ds, 0, 1000, "append");
        // planned against version 1, started before the overwrite: reads version 1 to its end
        Dataset<Row> planned = SparkFixture.read(ds, "t").selectExpr("v");
        IngotScan scan = TpchThroughSparkTest.scanOf(planned);
        ShardRange first = scan.plan().get(0);
        long sumBefore = 0;
        long rowsBefore = 0;
        try (PartitionReader<ColumnarBatch> open = new ShardReaderFactory(List.of("v")).createColumnarReader(first)) {
            write(ds, 5000, 5010, "overwrite");
            assertFalse(Files.exists(Path.of(first.store())), "the overwrite deleted the replaced version's shard store");
            while (open.next()) {
                ColumnarBatch b = open.get();
                rowsBefore += b.numRows();
                for (int r = 0; r < b.numRows(); r++) {
                    sumBefore += b.column(0).getLong(r);
                }
            }
        }
        assertEquals(first.rows(), rowsBefore, "every row of the range planned against version 1");
        assertEquals(10, SparkFixture.read(ds, "t").count());
        assertTrue(sumBefore > 0 && sumBefore % 3 == 0 && sumBefore <= 499500L * 3, "rows of version 1: " + sumBefore);
        // planned against version 1, run after the overwrite: fails naming the cause, reads nothing of version 2
        Exception e = assertThrows(Exception.class, () -> planned.collectAsList());
        IllegalStateException cause = SparkFixture.find(e, IllegalStateException.class);
        assertTrue(cause.getMessage().matches("shard store " + java.util.regex.Pattern.quote(ds.toString()) + "/t/[^/]+/shard-\\d{5}-t\\d+ of"
                + " table t no longer exists: the table was replaced \\(overwrite\\) after this scan was planned; run the query again"
                + " to read the new version"), cause.getMessage());
        // planned again: the new version
        assertEquals((5000L + 5009) * 10 / 2 * 3, SparkFixture.read(ds, "t").selectExpr("sum(v)").first().getLong(0));
    }

    private static void write(Path ds, long from, long to, String mode) {
        SparkFixture.spark().range(from, to).selectExpr("id", "cast(id * 3 as bigint) as v").write().format("ingot")
                .option("table", "t").option("primaryKey", "id").option("shards", "2").mode(mode).save(ds.toString());
    }

    private static Process startChild(Path ds, String job) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-Xmx64m", "-cp", System.getProperty("java.class.path"), RunningJobChild.class.getName(), ds.toString(), job));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals("ready")) {
                return child;
            }
            seen.append(line).append('\n');
        }
        child.destroyForcibly().waitFor();
        throw new AssertionError("the child job ended before it was ready: " + seen);
    }
}
