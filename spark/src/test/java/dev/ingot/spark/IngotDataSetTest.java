package dev.ingot.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's commit protocol, cleanup that deletes only Ingot's files, and the writer's shard guard, without a Spark job. */
class IngotDataSetTest {
    @TempDir
    Path root;

    private static IngotDataSet.TableEntry entry(String job, List<String> shards) {
        return new IngotDataSet.TableEntry("CREATE TABLE t (id BIGINT NOT NULL, CONSTRAINT t_pk PRIMARY KEY (id))",
                IngotDataSet.SHARD_FUNCTION, shards.size(), List.of("id"), job, 10, shards);
    }

    @Test
    void publishReplacesTheManifestAndRefusesAJobThatLostARace() throws Exception {
        assertTrue(IngotDataSet.publish(root, "t", entry("a", List.of("t/a/shard-00000-t1")), null).isEmpty());
        IngotDataSet ds = IngotDataSet.open(root).orElseThrow();
        assertEquals(1, ds.manifest().version());
        assertEquals(List.of(root.resolve("t/a/shard-00000-t1")), ds.shards("t"));
        assertEquals("id", ds.table("t").orElseThrow().primaryKey().orElseThrow().columns().get(0));
        // job b started when the table was absent, but job a published meanwhile
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> IngotDataSet.publish(root, "t", entry("b", List.of("t/b/shard-00000-t2")), null));
        assertEquals("table t of data set " + root + " was changed by job a while job b wrote it; nothing of job b was published",
                e.getMessage());
        assertEquals("a", IngotDataSet.open(root).orElseThrow().entry("t").orElseThrow().job());
        assertEquals("a", IngotDataSet.publish(root, "t", entry("c", List.of("t/c/shard-00000-t3")), "a").orElseThrow().job());
        assertEquals(2, IngotDataSet.open(root).orElseThrow().manifest().version());
        try (var files = Files.list(root)) {
            assertEquals(List.of(IngotDataSet.MANIFEST, IngotDataSet.LOCK),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary manifest left");
        }
    }

    @Test
    void jobsOfOneJvmPublishingAtOnceAllLand() throws Exception {
        int perThread = 40;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (String table : List.of("t", "u")) {
                done.add(pool.submit(() -> {
                    String previous = null;
                    for (int i = 0; i < perThread; i++) {
                        String job = table + i;
                        IngotDataSet.publish(root, table, new IngotDataSet.TableEntry("CREATE TABLE " + table
                                + " (id BIGINT NOT NULL, CONSTRAINT " + table + "_pk PRIMARY KEY (id))", IngotDataSet.SHARD_FUNCTION, 1,
                                List.of("id"), job, i, List.of(table + "/" + job + "/shard-00000-t1")), previous);
                        previous = job;
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        IngotDataSet ds = IngotDataSet.open(root).orElseThrow();
        assertEquals(2L * perThread, ds.manifest().version());
        assertEquals("t39", ds.entry("t").orElseThrow().job());
        assertEquals("u39", ds.entry("u").orElseThrow().job());
    }

    @Test
    void cleanupDeletesOnlyUnpublishedIngotShards() throws Exception {
        IngotDataSet.createJobDirectory(root, "t", "live").close(); // both jobs ended: their markers are not locked
        IngotDataSet.createJobDirectory(root, "t", "dead").close();
        Path live = store(IngotDataSet.shardDirectory(root, "t", "live", 0, 1));
        Path loser = store(IngotDataSet.shardDirectory(root, "t", "live", 0, 2));
        Path dead = store(IngotDataSet.shardDirectory(root, "t", "dead", 0, 3));
        Path foreignShard = store(IngotDataSet.shardDirectory(root, "t", "dead", 1, 4));
        Files.writeString(foreignShard.resolve("mine.txt"), "a user's file");
        Path unmarked = store(root.resolve("t/unmarked/shard-00000-t5"));
        IngotDataSet.publish(root, "t", entry("live", List.of("t/live/shard-00000-t1")), null);

        assertEquals(2, IngotDataSet.removeUnpublished(root, "t", null));
        assertTrue(Files.exists(live.resolve(ColumnStore.STORE_FILE_NAME)), "the published shard stays");
        assertFalse(Files.exists(loser), "a losing task attempt is deleted");
        assertFalse(Files.exists(dead), "a dead job's shard is deleted");
        assertEquals("a user's file", Files.readString(foreignShard.resolve("mine.txt")), "a shard holding other files stays");
        assertTrue(Files.exists(root.resolve("t/dead/" + IngotDataSet.JOB_MARKER)), "the dead job's directory stays while it holds a foreign file");
        assertTrue(Files.exists(unmarked.resolve(ColumnStore.STORE_FILE_NAME)), "a directory without the job marker is not Ingot's");
        assertEquals(0, IngotDataSet.removeJob(root, "t", "unmarked"));
        assertTrue(Files.exists(unmarked));
    }

    private static Path store(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ColumnStore.STORE_FILE_NAME), "x");
        return dir;
    }

    @Test
    void aWriterRefusesARowOfAnotherShard() throws Exception {
        ShardFunction f = new ShardFunction(new int[] {0}, new DataType[] {DataTypes.LongType}, 4);
        long key = 0;
        while (f.shardOf(new GenericInternalRow(new Object[] {key})) == 0) {
            key++;
        }
        int shard = f.shardOf(new GenericInternalRow(new Object[] {key}));
        IngotDataSet.createJobDirectory(root, "t", "j");
        ShardWriterFactory factory = new ShardWriterFactory(root.toString(),
                "CREATE TABLE t (id BIGINT NOT NULL, CONSTRAINT t_pk PRIMARY KEY (id))", "j", f, java.util.Map.of(), 16);
        var writer = factory.createWriter(0, 9);
        long k = key;
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> writer.write(new GenericInternalRow(new Object[] {k})));
        assertEquals("write task of shard 0 of table t was handed a row of shard " + shard + ": Spark did not cluster the rows by the shard"
                + " function; nothing is published", e.getMessage());
        writer.abort();
        assertFalse(Files.exists(IngotDataSet.shardDirectory(root, "t", "j", 0, 9)), "abort deletes the shard store");
    }

    private static ShardWriterFactory keyOnlyFactory(Path root, String job) {
        return new ShardWriterFactory(root.toString(), "CREATE TABLE t (id BIGINT NOT NULL, CONSTRAINT t_pk PRIMARY KEY (id))", job, null,
                java.util.Map.of(), 16);
    }

    private static List<Path> tableFiles(Path root) throws Exception {
        try (var s = Files.walk(root.resolve("t"))) {
            return s.filter(p -> !p.equals(root.resolve("t"))).toList();
        }
    }

    @Test
    void aTaskThatOutlivesItsAbortedJobDeletesTheShardItCommitted() throws Exception {
        IngotDataSet.JobLock lock = IngotDataSet.createJobDirectory(root, "t", "j");
        var writer = keyOnlyFactory(root, "j").createWriter(0, 3);
        writer.write(new GenericInternalRow(new Object[] {1L}));
        // the driver aborts the job while the task still runs (Spark cancels tasks asynchronously)
        try (lock) {
            IngotDataSet.removeJob(root, "t", "j");
        }
        // creating the store re-creates directories: the task's store is back, in a directory without a marker
        writer.write(new GenericInternalRow(new Object[] {2L}));
        Files.createDirectories(IngotDataSet.shardDirectory(root, "t", "j", 0, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, writer::commit);
        assertEquals("write task of partition 0 for table t: job j ended before the task committed (it was aborted); the task's shard"
                + " t/j/shard-00000-t3 was deleted", e.getMessage());
        assertEquals(List.of(), tableFiles(root));
    }

    @Test
    void aTaskAbortedAfterItsJobRemovesTheJobDirectoryItReCreated() throws Exception {
        IngotDataSet.JobLock lock = IngotDataSet.createJobDirectory(root, "t", "j");
        var writer = keyOnlyFactory(root, "j").createWriter(1, 4);
        try (lock) {
            IngotDataSet.removeJob(root, "t", "j");
        }
        assertFalse(Files.exists(root.resolve("t/j")), "the job's abort removed its directory");
        // what opening the store does when the job aborted between the task's marker check and its store's creation
        Path shard = IngotDataSet.shardDirectory(root, "t", "j", 1, 4);
        Files.createDirectories(shard);
        Files.writeString(shard.resolve(ColumnStore.STORE_FILE_NAME), "x");
        writer.abort();
        assertEquals(List.of(), tableFiles(root));
        // a file Ingot did not create keeps the directory
        IngotDataSet.JobLock other = IngotDataSet.createJobDirectory(root, "t", "k");
        var second = keyOnlyFactory(root, "k").createWriter(2, 5);
        try (other) {
            IngotDataSet.removeJob(root, "t", "k");
        }
        Files.createDirectories(root.resolve("t/k"));
        Files.writeString(root.resolve("t/k/notes.txt"), "mine");
        second.abort();
        assertEquals(List.of(root.resolve("t/k"), root.resolve("t/k/notes.txt")), tableFiles(root).stream().sorted().toList());
    }

    @Test
    void aTaskCancelledByAnInterruptStillRemovesItsShardAndTheEndedJobsDirectory() throws Exception {
        IngotDataSet.JobLock lock = IngotDataSet.createJobDirectory(root, "t", "j");
        var writer = keyOnlyFactory(root, "j").createWriter(0, 6);
        writer.write(new GenericInternalRow(new Object[] {1L}));
        // the driver's abort kept the marker (this task was still writing its shard) and released the lock
        lock.close();
        // Spark 4 cancels the tasks of a failed job by interrupting their threads
        Thread.currentThread().interrupt();
        try {
            writer.abort();
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt status is kept for Spark");
        }
        assertEquals(List.of(), tableFiles(root));
    }

    @Test
    void theShardFunctionIsSparksHashPartitioning() {
        var rows = SparkFixture.spark().range(0, 2000)
                .selectExpr("id", "cast(id % 7 as int) as n", "concat('k', id) as s")
                .repartition(5, new org.apache.spark.sql.Column("id"), new org.apache.spark.sql.Column("n"), new org.apache.spark.sql.Column("s"))
                .selectExpr("id", "n", "s", "spark_partition_id() as p").collectAsList();
        ShardFunction f = new ShardFunction(new int[] {0, 1, 2}, new DataType[] {DataTypes.LongType, DataTypes.IntegerType, DataTypes.StringType}, 5);
        int[] seen = new int[5];
        for (var r : rows) {
            int shard = f.shardOf(new GenericInternalRow(new Object[] {r.getLong(0), r.getInt(1),
                    org.apache.spark.unsafe.types.UTF8String.fromString(r.getString(2))}));
            assertEquals(r.getInt(3), shard, "row " + r);
            seen[shard]++;
        }
        assertEquals(2000, java.util.Arrays.stream(seen).sum());
        assertTrue(java.util.Arrays.stream(seen).allMatch(n -> n > 0), java.util.Arrays.toString(seen));
    }
}
