package dev.ingot.spark;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.ArrowValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * The job side of a sharded write: creates the job directory, hands the tasks their
 * {@link ShardWriterFactory}, and commits atomically. {@link #commit} checks that every shard
 * committed exactly once, checks each FOREIGN KEY that the tasks could not check shard by shard
 * with a distributed anti-join (a Spark job: the new shards' foreign key values, NULLs left out,
 * {@code left_anti} joined with the parent's key columns as published) and only then publishes the
 * manifest ({@link IngotDataSet#publish}); the version replaced and every unpublished shard are
 * then deleted. {@link #abort} deletes the job's shards. From its directory's creation until it
 * publishes or aborts, the job holds an OS lock on its {@value IngotDataSet#JOB_MARKER} marker
 * ({@link IngotDataSet.JobLock}), so another job's commit never deletes its shards. A job whose
 * driver dies publishes nothing: its shards are never named by a manifest, the operating system
 * releases its lock, and the next commit of the table deletes them.
 *
 * <p>Thread-safety: used by Spark's driver thread of the write.
 */
final class IngotBatchWrite implements BatchWrite {
    private final Path root;
    private final TableDef def;
    private final String job;
    private final int shardCount;
    private final List<String> clusteredBy;
    private final ShardFunction shardFunction;
    private final Map<String, List<String>> localParents;
    private final List<ConstraintSpec> joinChecked;
    private final String replacedJob;
    private final int batchRows;
    private IngotDataSet.JobLock lock;

    IngotBatchWrite(Path root, TableDef def, String job, int shardCount, List<String> clusteredBy, ShardFunction shardFunction,
                    Map<String, List<String>> localParents, List<ConstraintSpec> joinChecked, String replacedJob, int batchRows) {
        this.root = root;
        this.def = def;
        this.job = job;
        this.shardCount = shardCount;
        this.clusteredBy = List.copyOf(clusteredBy);
        this.shardFunction = shardFunction;
        this.localParents = Map.copyOf(localParents);
        this.joinChecked = List.copyOf(joinChecked);
        this.replacedJob = replacedJob;
        this.batchRows = batchRows;
    }

    @Override
    public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
        if (shardFunction != null && info.numPartitions() != shardCount) {
            throw new IllegalStateException("write of table " + def.name() + " into " + shardCount + " shards runs as "
                    + info.numPartitions() + " Spark partitions: Spark did not keep the required partition count");
        }
        lock = IngotDataSet.createJobDirectory(root, def.name(), job);
        return new ShardWriterFactory(root.toString(), dev.ingot.ingest.ddl.SqlSchema.toDdl(List.of(def)), job, shardFunction,
                localParents, batchRows);
    }

    @Override
    public boolean useCommitCoordinator() {
        return true;
    }

    @Override
    public void commit(WriterCommitMessage[] messages) {
        try {
            ShardCommit[] shards = shards(messages);
            List<Path> stores = new ArrayList<>();
            long rows = 0;
            for (ShardCommit s : shards) {
                stores.add(root.resolve(s.shard()));
                rows += s.rows();
            }
            for (ConstraintSpec fk : joinChecked) {
                antiJoin(fk, stores);
            }
            IngotDataSet.TableEntry entry = new IngotDataSet.TableEntry(dev.ingot.ingest.ddl.SqlSchema.toDdl(List.of(def)),
                    IngotDataSet.SHARD_FUNCTION, shards.length, clusteredBy, job, rows,
                    Arrays.stream(shards).map(ShardCommit::shard).toList());
            IngotDataSet.publish(root, def.name(), entry, replacedJob);
        } catch (IOException e) {
            UncheckedIOException failure = new UncheckedIOException("commit of table " + def.name() + " into data set " + root
                    + " failed; nothing was published", e);
            cleanUp(failure);
            throw failure;
        } catch (RuntimeException e) {
            cleanUp(e);
            throw e;
        }
        try {
            lock.close(); // published: the job's own losing task attempts are cleaned up like anyone's
            IngotDataSet.removeUnpublished(root, def.name(), null);
        } catch (IOException e) {
            // published already: leftovers are invisible and the next commit of the table removes them
        }
    }

    private ShardCommit[] shards(WriterCommitMessage[] messages) {
        int n = shardFunction != null ? shardCount : messages.length;
        ShardCommit[] out = new ShardCommit[n];
        for (WriterCommitMessage m : messages) {
            ShardCommit s = (ShardCommit) Objects.requireNonNull(m, "a write task reported no commit");
            if (s.partition() >= n || out[s.partition()] != null) {
                throw new IllegalStateException("shard " + s.partition() + " of table " + def.name() + " committed twice or out of range ("
                        + n + " shards); nothing was published");
            }
            out[s.partition()] = s;
        }
        for (int i = 0; i < n; i++) {
            if (out[i] == null) {
                throw new IllegalStateException("shard " + i + " of table " + def.name() + " was not committed; nothing was published");
            }
        }
        return out;
    }

    /** The distributed check of one FOREIGN KEY: the new shards' values that no parent row holds. */
    private void antiJoin(ConstraintSpec fk, List<Path> stores) throws IOException {
        SparkSession spark = SparkSession.active();
        String list = String.join("\n", stores.stream().map(Path::toString).toList());
        Dataset<Row> child = spark.read().format(IngotDataSource.SHORT_NAME).option(IngotDataSource.TABLE, def.name())
                .option(IngotDataSource.SHARD_STORES, list).load().selectExpr(quoted(fk.columns()));
        for (String c : fk.columns()) {
            child = child.where(child.col(quote(c)).isNotNull());
        }
        Dataset<Row> parent = spark.read().format(IngotDataSource.SHORT_NAME).option(IngotDataSource.TABLE, fk.referencedTable())
                .load(root.toString());
        String[] aliases = new String[fk.referencedColumns().size()];
        Column on = null;
        for (int i = 0; i < aliases.length; i++) {
            aliases[i] = "__ingot_ref_" + i;
            parent = parent.withColumnRenamed(fk.referencedColumns().get(i), aliases[i]);
        }
        parent = parent.select(Arrays.stream(aliases).map(parent::col).toArray(Column[]::new));
        for (int i = 0; i < aliases.length; i++) {
            Column eq = child.col(quote(fk.columns().get(i))).equalTo(parent.col(aliases[i]));
            on = on == null ? eq : on.and(eq);
        }
        List<Row> missing = child.join(parent, on, "left_anti").limit(1).collectAsList();
        if (!missing.isEmpty()) {
            throw violation(fk, missing.get(0), stores);
        }
    }

    /** The violation of the first row holding the missing key, found by scanning the new shards in order. */
    private TableLoadException violation(ConstraintSpec fk, Row missing, List<Path> stores) throws IOException {
        for (int s = 0; s < stores.size(); s++) {
            try (ColumnStore store = ColumnStore.openReadOnly(stores.get(s));
                 TableReader reader = store.openTable(def.name())) {
                long rowId = 0;
                Iterator<VectorSchemaRoot> it = reader.scan(fk.columns());
                while (it.hasNext()) {
                    try (VectorSchemaRoot batch = it.next()) {
                        for (int r = 0; r < batch.getRowCount(); r++) {
                            List<Object> key = new ArrayList<>();
                            boolean same = true;
                            for (int c = 0; c < fk.columns().size(); c++) {
                                Object v = ArrowValues.get(batch.getVector(c), r);
                                key.add(v);
                                same &= sameValue(v, missing.get(c));
                            }
                            if (same) {
                                ConstraintViolationException v = ConstraintViolationException.missingReference(fk, def.name(), key,
                                        rowId + r, "shard " + s);
                                return new TableLoadException(def.name(), v.getMessage(), v);
                            }
                        }
                        rowId += batch.getRowCount();
                    }
                }
            }
        }
        throw new IllegalStateException("FOREIGN KEY " + fk.name() + " of table " + def.name() + ": the anti-join found key " + missing
                + " that no new shard holds");
    }

    private static boolean sameValue(Object ingot, Object spark) {
        if (ingot instanceof Number a && spark instanceof Number b) {
            return new java.math.BigDecimal(a.toString()).compareTo(new java.math.BigDecimal(b.toString())) == 0;
        }
        return Objects.equals(ingot == null ? null : ingot.toString(), spark == null ? null : spark.toString());
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    private static String[] quoted(List<String> columns) {
        return columns.stream().map(IngotBatchWrite::quote).toArray(String[]::new);
    }

    @Override
    public void abort(WriterCommitMessage[] messages) {
        cleanUp(null);
    }

    /**
     * Deletes this job's directory, releases its lock, then deletes the directory once more if only
     * the marker is left in it. Spark reports a failed job before the tasks it cancels have ended, so
     * a task may still write its shard during the first deletion (that shard stays) and end before
     * the lock is released (its own check then saw a running job): of the final checks, the driver's
     * and each task's ({@link IngotDataSet#removeEndedJob}), the last one sees every removal and
     * deletes the directory.
     */
    private void cleanUp(RuntimeException failure) {
        try {
            try (IngotDataSet.JobLock l = lock) {
                IngotDataSet.removeJob(root, def.name(), job);
            }
            IngotDataSet.removeEndedJob(root, def.name(), job);
        } catch (IOException | RuntimeException e) {
            RuntimeException cleanUp = e instanceof IOException io ? new UncheckedIOException("cannot delete the directory of"
                    + " aborted job " + job + " of table " + def.name() + " in data set " + root + "; the next commit of the table"
                    + " deletes what is left", io) : (RuntimeException) e;
            if (failure == null) {
                throw cleanUp; // Spark attaches it to the job's failure
            }
            failure.addSuppressed(cleanUp);
        }
    }
}
