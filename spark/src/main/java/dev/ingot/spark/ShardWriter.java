package dev.ingot.spark;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.Transaction;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.memory.internal.Failures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * One write task: writes the rows of one shard into a new Ingot store (the shard store) through
 * the embedding API, in one {@link Transaction} ({@code createTable}, {@code append} per batch,
 * {@code commit} when the task commits), so the store holds the whole shard or, if the task fails,
 * is deleted. PRIMARY KEY and UNIQUE keys are checked by that transaction; because Spark clusters
 * the rows by the shard function, every key value lives in one shard and the check is global.
 * FOREIGN KEYs whose parent is sharded the same way are checked here against the persisted key
 * index of the parent's shard store of the same number (no key set is built); a violation gives
 * the message an Ingot load gives ({@link TableLoadException} with the
 * {@link ConstraintViolationException}'s message; row numbers count within the shard).
 *
 * <p>Each row's shard is recomputed ({@link ShardFunction}); a row of another shard fails the task
 * (Spark did not cluster as required), since uniqueness would no longer be global.
 *
 * <p>Thread-safety: not thread-safe (one task thread). Ownership: owns its store, transaction,
 * batch and parent indexes until commit, abort or close.
 */
final class ShardWriter implements DataWriter<InternalRow> {
    private static final long PARENT_INDEX_MEMORY = 256L << 20;

    /** A FOREIGN KEY checked against one parent shard store's key index. */
    private record LocalParent(ConstraintSpec fk, int[] childColumnsInKeyOrder, ColumnStore store, StoreSnapshot snapshot,
                               StoredTable table, KeyIndex.Finder finder) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                table.close();
                snapshot.close();
            } finally {
                store.close();
            }
        }
    }

    private final ShardWriterFactory job;
    private final TableDef def;
    private final int partition;
    private final Path dir;
    private final String relative;
    private final Ingot db;
    private final Transaction tx;
    private final VectorSchemaRoot batch;
    private final RowsToArrow rows;
    private final NativeAllocator parentMemory;
    private final List<LocalParent> parents = new ArrayList<>();
    private long written;
    private boolean closed;

    ShardWriter(ShardWriterFactory job, TableDef def, int partition, long taskId) throws IOException {
        this.job = job;
        this.def = def;
        this.partition = partition;
        Path root = Path.of(job.root());
        this.dir = IngotDataSet.shardDirectory(root, def.name(), job.job(), partition, taskId);
        this.relative = root.relativize(dir).toString().replace('\\', '/');
        if (job.shardFunction() != null && partition >= job.shardFunction().shardCount()) {
            throw new IllegalStateException("write task of partition " + partition + " for table " + def.name() + ", but the data set"
                    + " has " + job.shardFunction().shardCount() + " shards: Spark did not keep the required partition count");
        }
        // never re-create the job directory: a task that starts after its job aborted would leave it behind, unmarked
        if (!Files.isRegularFile(dir.getParent().resolve(IngotDataSet.JOB_MARKER))) {
            throw new IllegalStateException("write task of partition " + partition + " for table " + def.name() + ": the directory of job "
                    + job.job() + " is gone (the job was aborted)");
        }
        Files.createDirectory(dir);
        TableDef shardDef = new TableDef(def.name(), def.columns(), def.keyConstraints());
        Ingot opened;
        try {
            // the job may abort between the marker check and here; creating the store then re-creates
            // the job directory, which discard() removes again
            opened = Ingot.open(dir, IngotOptions.defaults().createIfMissing());
        } catch (IOException | RuntimeException | Error e) {
            abandon(e);
            throw e;
        }
        Transaction t = null;
        VectorSchemaRoot b = null;
        NativeAllocator pm = null;
        try {
            t = opened.begin();
            t.createTable(shardDef);
            b = VectorSchemaRoot.create(shardDef.arrowSchema(), opened.allocator());
            pm = NativeAllocator.root("ingot-spark-parent-keys", PARENT_INDEX_MEMORY);
            for (Map.Entry<String, List<String>> e : job.localParents().entrySet()) {
                parents.add(openParent(def, e.getKey(), Path.of(e.getValue().get(partition)), pm));
            }
        } catch (IOException | RuntimeException | Error e) {
            abandon(e, parents, b, t, opened, pm);
            throw e;
        }
        this.db = opened;
        this.tx = t;
        this.batch = b;
        this.parentMemory = pm;
        this.rows = new RowsToArrow(shardDef, b);
    }

    private static LocalParent openParent(TableDef def, String fkName, Path parentShard, NativeAllocator memory) throws IOException {
        ConstraintSpec fk = def.foreignKeys().stream().filter(f -> f.name().equals(fkName)).findFirst().orElseThrow();
        ColumnStore store = ColumnStore.openReadOnly(parentShard);
        StoreSnapshot snapshot = null;
        StoredTable table = null;
        try {
            snapshot = store.snapshot();
            table = new StoredTable(snapshot, fk.referencedTable(), store.pager().file(), memory);
            ConstraintSpec key = ConstraintRules.referencedKey(table.info().def(), fk.referencedColumns());
            if (key == null) {
                throw new IllegalStateException("FOREIGN KEY " + fk.name() + " of table " + def.name() + " references "
                        + fk.referencedTable() + " (" + String.join(", ", fk.referencedColumns()) + "), which is not a PRIMARY KEY or UNIQUE"
                        + " of shard store " + parentShard);
            }
            int[] cols = new int[key.columns().size()];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = def.columnIndex(fk.columns().get(fk.referencedColumns().indexOf(key.columns().get(i))));
            }
            return new LocalParent(fk, cols, store, snapshot, table, table.keyIndex(key.name(), null).newFinder());
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(e, table, snapshot, store);
            throw e;
        }
    }

    @Override
    public void write(InternalRow row) throws IOException {
        ShardFunction f = job.shardFunction();
        if (f != null) {
            int shard = f.shardOf(row);
            if (shard != partition) {
                throw new IllegalStateException("write task of shard " + partition + " of table " + def.name() + " was handed a row of"
                        + " shard " + shard + ": Spark did not cluster the rows by the shard function; nothing is published");
            }
        }
        rows.add(row);
        if (rows.rows() >= job.batchRows()) {
            flush();
        }
    }

    private void flush() throws IOException {
        rows.finish();
        int n = batch.getRowCount();
        for (LocalParent p : parents) {
            FieldVector[] cols = new FieldVector[p.childColumnsInKeyOrder().length];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = batch.getVector(p.childColumnsInKeyOrder()[i]);
            }
            int missing = p.finder().firstMissing(cols, 0, n, p.table().deleted());
            if (missing >= 0) {
                List<Object> key = new ArrayList<>();
                for (String c : p.fk().columns()) {
                    key.add(ArrowValues.get(batch.getVector(c), missing));
                }
                ConstraintViolationException v = ConstraintViolationException.missingReference(p.fk(), def.name(), key,
                        written + missing, null);
                throw new TableLoadException(def.name(), v.getMessage(), v);
            }
        }
        tx.append(def.name(), batch);
        written += n;
        rows.reset();
    }

    @Override
    public WriterCommitMessage commit() throws IOException {
        if (rows.rows() > 0) {
            flush();
        }
        tx.commit();
        close();
        // a task that outlives its job (Spark reports a failed job before cancelled tasks end) must not
        // leave a committed shard in a directory whose job already cleaned up: if the job's marker is
        // gone or unlocked, nobody will publish or remove this shard, so the task removes it. If the job
        // is still running here, its own commit or abort sees this closed shard and handles it.
        if (IngotDataSet.jobEnded(Path.of(job.root()), def.name(), job.job())) {
            discard();
            throw new IllegalStateException("write task of partition " + partition + " for table " + def.name() + ": job " + job.job()
                    + " ended before the task committed (it was aborted); the task's shard " + relative + " was deleted");
        }
        return new ShardCommit(partition, relative, written);
    }

    /**
     * Closes and deletes this task's shard store, and the job's directory if the job has ended and
     * left nothing else. Spark cancels the other tasks of a failed job by interrupting their threads;
     * an interrupt would close the channels that closing the store and probing the job's lock use, so
     * the clean-up runs with the thread's interrupt status cleared, and sets it again afterwards.
     */
    @Override
    public void abort() throws IOException {
        withoutInterrupt(() -> {
            try {
                close();
            } finally {
                discard();
            }
        });
    }

    /** A clean-up step. */
    @FunctionalInterface
    private interface CleanUp {
        void run() throws IOException;
    }

    /** Runs {@code cleanUp} with the thread's interrupt status cleared, and sets it again afterwards if it was set (see {@link #abort}). */
    private static void withoutInterrupt(CleanUp cleanUp) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            cleanUp.run();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Deletes this task's shard store (its store files and then its directory, if nothing else is in
     * it), then the job's directory if the job has ended and left nothing else in it. The job's abort
     * on the driver may delete the same files at the same moment: that is tolerated.
     */
    private void discard() throws IOException {
        try {
            IngotDataSet.deleteStore(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // a file that is not Ingot's is in it: it stays
        }
        IngotDataSet.removeEndedJob(Path.of(job.root()), def.name(), job.job());
    }

    /**
     * Closes {@code resources} and {@link #discard}s the shard after the constructor failed, their
     * failures added to {@code primary}; with the interrupt status cleared meanwhile, as in {@link #abort}.
     */
    private void abandon(Throwable primary, Object... resources) {
        try {
            withoutInterrupt(() -> {
                closeQuietly(primary, resources);
                discard();
            });
        } catch (IOException | RuntimeException e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Throwable failure = null;
        List<AutoCloseable> all = new ArrayList<>(parents);
        all.add(batch);
        all.add(tx);
        all.add(db);
        all.add(parentMemory);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception | Error e) {
                failure = Failures.chain(failure, e);
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        } else if (failure instanceof RuntimeException r) {
            throw r;
        } else if (failure instanceof Error err) {
            throw err;
        } else if (failure != null) {
            throw new IOException(failure);
        }
    }

    private static void closeQuietly(Throwable primary, Object... resources) {
        for (Object r : resources) {
            if (r instanceof List<?> list) {
                for (Object o : list) {
                    closeQuietly(primary, o);
                }
            } else if (r instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception | Error e) {
                    primary.addSuppressed(e);
                }
            }
        }
    }
}
