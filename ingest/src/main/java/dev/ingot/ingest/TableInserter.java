package dev.ingot.ingest;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ColumnValueException;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.constraints.AppendChecker;
import dev.ingot.constraints.BatchChecker;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.constraints.KeySetReport;
import dev.ingot.constraints.RowLocator;
import dev.ingot.constraints.TableChecker;
import dev.ingot.constraints.index.KeyIndexBuilder;
import dev.ingot.constraints.index.KeyIndexWriter;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.ingest.jfr.BatchStageEvent;
import dev.ingot.ingest.jfr.LoadEvents;
import dev.ingot.memory.internal.Failures;
import dev.ingot.memory.internal.Uninterruptibles;
import dev.ingot.pager.PagerDiagnostics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.HdrHistogram.Histogram;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The one write path of Ingot: every row that enters a table goes through
 * {@link #insert(InsertSource)}, which runs, per batch,
 * <ol>
 *   <li>a schema check (column names, order and Arrow types must match the table),</li>
 *   <li>constraint checks ({@link ConstraintMode#IMMEDIATE}: PRIMARY KEY / UNIQUE inserts into the
 *       table's key sets, FOREIGN KEY probes of the referenced tables' key sets),</li>
 *   <li>the append to the column writers (bulk copies into chunks),</li>
 *   <li>the {@link InsertListener}s,</li>
 * </ol>
 * and {@link #commit()} makes the whole table durable at once. A table load is all-or-nothing:
 * any failure rolls the table back ({@link #abort()}) and leaves every earlier commit intact.
 *
 * <p>Thread-safety: not thread-safe; one inserter per table, used by one thread. Different
 * tables' inserters may run in parallel on one store.
 *
 * <p>Ownership: the caller closes the inserter; {@link #close()} aborts unless committed.
 * Batches passed to {@link #insert} stay owned by the caller.
 */
public final class TableInserter implements AutoCloseable {
    private final TableDef def;
    private final TableWriter writer;
    /** Immediate mode: the checker of every batch; deferred mode: set during the validation pass. */
    private BatchChecker checker;
    /** Deferred mode: the service that owns the key sets, used at commit; otherwise null. */
    private final ConstraintService deferredConstraints;
    /** Runs constraint checks concurrently with appends, or null to check inline. */
    private final ExecutorService checkThread;
    private final List<InsertListener> listeners = new ArrayList<>();
    private final RowProvenance provenance;
    /** Deferred mode: waited for before the validation pass; null = do not wait. */
    private ValidationGate validationGate;
    private final StageTimes times = new StageTimes();
    /**
     * Fresh immediate loads: the store (for the key index commit), one run-only key index writer per
     * PRIMARY KEY / UNIQUE (the load's key sets prove uniqueness; the rows after a run are hashed at
     * the commit) and where the commit's {@link KeyIndexBuilder} passes live.
     */
    private ColumnStore indexStore;
    private NativeAllocator indexMemory;
    private final List<ConstraintSpec> indexKeys = new ArrayList<>();
    private final List<KeyIndexWriter> indexWriters = new ArrayList<>();
    /** Per-batch latency in microseconds (3 significant digits, grows as needed). */
    private final Histogram batchMicros = new Histogram(3);
    private long rowCount;
    /** Bytes of the own key sets captured at the commit, before {@link TableChecker#finish()} may free them. */
    private long keySetBytes;
    /** The own key sets' kinds, peaks and keys, captured when the checker finished. */
    private List<KeySetReport> keySetReports = List.of();
    private long batchCount;
    private State state = State.OPEN;

    private enum State { OPEN, COMMITTED, ABORTED }

    private TableInserter(TableDef def, TableWriter writer, RowProvenance provenance, BatchChecker checker,
                          ConstraintService deferredConstraints, boolean concurrentChecks) {
        this.deferredConstraints = deferredConstraints;
        this.def = def;
        this.writer = writer;
        this.provenance = provenance;
        this.checker = checker;
        this.checkThread = checker != null && concurrentChecks ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ingot-check-" + def.name());
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Starts loading a new table into {@code store}.
     *
     * @param store        the store; the table must not exist in it yet
     * @param constraints  the service that owns the key sets of this load (its plan must
     *                     include {@code def}); unused in {@link ConstraintMode#UNCHECKED}
     * @param def          the table
     * @param hints        chunking hints ({@link ColumnStoreWriteHints#estimate} or measured)
     * @param mode         how constraints are enforced
     * @param expectedRows number of rows expected (sizes key sets), 0 when unknown
     * @throws IllegalArgumentException if the table already exists or is being loaded
     */
    public static TableInserter begin(ColumnStore store, ConstraintService constraints, TableDef def,
                                      ColumnStoreWriteHints hints, ConstraintMode mode, long expectedRows) {
        return begin(store, constraints, def, hints, mode, expectedRows, false);
    }

    /**
     * Like {@link #begin(ColumnStore, ConstraintService, TableDef, ColumnStoreWriteHints, ConstraintMode, long)};
     * with {@code concurrentChecks} the constraint checks of each batch run on a thread of the
     * inserter's own while the loading thread appends the same batch (both only read it), and
     * {@link #insert} returns once both are done. A violation still rolls the whole table back.
     * Listeners run only after the batch passed its checks.
     */
    public static TableInserter begin(ColumnStore store, ConstraintService constraints, TableDef def,
                                      ColumnStoreWriteHints hints, ConstraintMode mode, long expectedRows,
                                      boolean concurrentChecks) {
        Objects.requireNonNull(mode, "mode");
        TableWriter writer = store.createTable(def, hints);
        TableInserter inserter = null;
        try {
            RowProvenance provenance = new RowProvenance(); // names rows (file, line) in violations
            TableChecker checker = null;
            if (mode == ConstraintMode.IMMEDIATE && !def.constraints().isEmpty()) {
                checker = constraints.beginTable(def, expectedRows, provenance);
            }
            ConstraintService deferred = mode == ConstraintMode.DEFERRED && !def.constraints().isEmpty() ? constraints : null;
            inserter = new TableInserter(def, writer, provenance, checker, deferred, concurrentChecks);
            return inserter;
        } finally {
            if (inserter == null) {
                writer.abort();
            }
        }
    }

    /**
     * Like {@link #begin(ColumnStore, ConstraintService, TableDef, ColumnStoreWriteHints, ConstraintMode, long, boolean)},
     * and in {@link ConstraintMode#IMMEDIATE} mode also builds the table's persisted key indexes and
     * puts them, right after the table's commit, in a small transaction of their own
     * ({@code key/<constraint>/0} segments; see {@link dev.ingot.ingest.keys.StoredTable}). Per
     * PRIMARY KEY / UNIQUE constraint one structure checks the keys, the load's key set: while rows
     * arrive a {@link KeyIndexWriter#runOnly run-only writer} only follows the keys' sorted run on the
     * checking thread (nothing else is built beside the key set), and at the commit a
     * {@link KeyIndexBuilder} hashes the rows after the run from the stored key columns, in passes of
     * bounded memory, every partition sized from its exact key count. If the index cannot be built
     * in the memory limit, the table commits without it; if the second commit fails, the table
     * stays committed and {@link #commit()} says so; either way a later append or lookup indexes
     * the table from its key columns. In the other modes no index is built here (the same
     * catch-up applies).
     *
     * @param indexMemory where the key index builds live until the commit
     */
    public static TableInserter begin(ColumnStore store, ConstraintService constraints, TableDef def,
                                      ColumnStoreWriteHints hints, ConstraintMode mode, long expectedRows,
                                      boolean concurrentChecks, NativeAllocator indexMemory) {
        TableInserter inserter = begin(store, constraints, def, hints, mode, expectedRows, concurrentChecks);
        if (mode != ConstraintMode.IMMEDIATE || inserter.checker == null) {
            return inserter;
        }
        try {
            inserter.indexStore = store;
            inserter.indexMemory = indexMemory;
            for (ConstraintSpec k : def.keyConstraints()) {
                inserter.indexKeys.add(k);
                inserter.indexWriters.add(KeyIndexWriter.runOnly(keyTypes(def, k), indexMemory)); // the checker proves uniqueness
            }
            return inserter;
        } catch (RuntimeException | Error e) {
            inserter.close();
            throw e;
        }
    }

    /**
     * Starts appending rows to {@code def}'s table, which exists (committed or created earlier) in
     * {@code transaction}: the rows get row ids after the table's rows and are handed to the
     * transaction by {@link #commit()}, which publishes them with its own commit. Constraints are
     * checked per batch by the checker {@code checker} makes (for example an
     * {@link dev.ingot.constraints.AppendChecker} over the persisted key indexes), immediately; the
     * first-error rule and messages are those of a fresh load, row numbers counting from the
     * append's first row.
     *
     * @param checker given the table writer's first row id and the row provenance (to name source
     *                rows in messages), returns the checker of this append; null = no constraints
     * @throws IllegalArgumentException if there is no such table in the transaction
     * @throws IllegalStateException    if the transaction is not open or a writer of the table is open in it
     */
    public static TableInserter appendTo(StoreTransaction transaction, TableDef def, ColumnStoreWriteHints hints,
                                         BiFunction<Long, RowLocator, BatchChecker> checker, boolean concurrentChecks) {
        TableWriter writer = transaction.append(def.name(), hints);
        TableInserter inserter = null;
        try {
            RowProvenance provenance = new RowProvenance();
            BatchChecker c = checker == null || def.constraints().isEmpty() ? null : checker.apply(writer.firstRowId(), provenance);
            inserter = new TableInserter(def, writer, provenance, c, null, concurrentChecks);
            return inserter;
        } finally {
            if (inserter == null) {
                writer.abort();
            }
        }
    }

    /** The table being loaded. */
    public TableDef table() {
        return def;
    }

    /** Registers a listener fired after each appended batch, in registration order. */
    public void addListener(InsertListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Inserts one source's rows.
     *
     * @throws IllegalArgumentException if the batch schema does not match the table
     * @throws TableLoadException       on a constraint violation or a bad column value, the one
     *                                  of the lowest row by the first-error rule of
     *                                  {@link ConstraintMode} (in deferred mode a bad value first
     *                                  has the rows below it validated); the table has been
     *                                  rolled back
     * @throws IOException              if writing to the store fails; rolled back as well
     * @throws IllegalStateException    if the inserter was committed or aborted
     */
    public void insert(InsertSource source) throws IOException {
        ensureOpen();
        if (source instanceof InsertSource.ArrowBatch) {
            insertArrow((InsertSource.ArrowBatch) source);
        } else {
            throw new IllegalArgumentException("unsupported insert source " + source);
        }
    }

    private void insertArrow(InsertSource.ArrowBatch batch) throws IOException {
        VectorSchemaRoot root = batch.root();
        checkSchema(root.getSchema());
        int rows = root.getRowCount();
        if (rows == 0) {
            return;
        }
        long firstRowId = rowCount;
        provenance.add(firstRowId, batch.origin());
        Future<Long> check = null;
        try {
            long t0 = System.nanoTime();
            long checkNanos = 0;
            if (checker != null && checkThread != null) {
                check = checkThread.submit(() -> check(root, rows, firstRowId));
            }
            long t1 = System.nanoTime();
            long flushBefore = writer.sealFlushNanos();
            BatchStageEvent event = LoadEvents.startStage();
            ColumnValueException valueError = null;
            try {
                writer.appendBatch(root, 0, rows);
            } catch (ColumnValueException e) {
                valueError = e; // nothing of the batch was appended
            }
            long t2 = System.nanoTime();
            stageDone(event, LoadStage.APPEND, rows);
            long flush = writer.sealFlushNanos() - flushBefore;
            // first-error rule: the lowest row wins; for one row, its value error comes before its
            // constraint violations. Inline checks therefore only need the rows below a value error.
            int checkedRows = valueError == null ? rows : (int) (valueError.rowId() - firstRowId);
            if (check != null) {
                Future<Long> f = check;
                check = null;
                try {
                    checkNanos = await(f);
                } catch (ConstraintViolationException e) {
                    if (valueError == null || e.rowId() < valueError.rowId()) {
                        throw e;
                    }
                }
            } else if (checker != null) {
                checkNanos = check(root, checkedRows, firstRowId);
            } else if (valueError != null && deferredConstraints != null) {
                // deferred: the rows below the value error were never checked; check them first
                writer.appendBatch(root, 0, checkedRows);
                validateDeferred(false);
            }
            if (valueError != null) {
                if (checker != null) {
                    checker.checkSpilled(valueError.rowId()); // a spilled violation below it comes first
                }
                throw valueError;
            }
            long t3 = System.nanoTime();
            if (!listeners.isEmpty()) {
                event = LoadEvents.startStage();
                for (InsertListener l : listeners) {
                    l.afterBatch(def, root, firstRowId);
                }
                stageDone(event, LoadStage.LISTENERS, rows);
            }
            long t4 = System.nanoTime();
            times.add(LoadStage.CONSTRAINTS, checkNanos);
            times.add(LoadStage.APPEND, t2 - t1 - flush);
            times.add(LoadStage.FLUSH, flush);
            times.add(LoadStage.LISTENERS, t4 - t3);
            batchMicros.recordValue(Math.max(0, (t4 - t0) / 1000));
        } catch (ConstraintViolationException e) {
            drain(check);
            abort();
            throw new TableLoadException(def.name(), e.getMessage(), e);
        } catch (ColumnValueException e) {
            drain(check);
            abort();
            String where = provenance.describe(e.rowId());
            throw new TableLoadException(def.name(), where == null ? e.getMessage() : e.getMessage() + " (" + where + ")", e);
        } catch (IOException | RuntimeException | Error e) {
            drain(check);
            abort();
            throw e;
        }
        rowCount += rows;
        batchCount++;
    }

    /**
     * Called when the input of this load fails after the rows inserted so far (e.g. a source's
     * parse error at a later line): by the first-error rule a constraint violation among those
     * rows comes first. In {@link ConstraintMode#DEFERRED} mode this validates the rows inserted
     * so far (after {@link #beforeValidation}'s wait); in the other modes they were checked
     * already. Then rolls the table back.
     *
     * @return the violation among the inserted rows as a {@link TableLoadException}, or null if
     *         there is none (report the input's error)
     * @throws IOException           if reading the stored rows back fails (rolled back as well)
     * @throws IllegalStateException if the inserter was committed or aborted
     */
    public TableLoadException abortAfterInputError() throws IOException {
        ensureOpen();
        if (deferredConstraints != null && rowCount > 0) {
            try {
                validateDeferred(false);
            } catch (TableLoadException e) {
                return e;
            }
        } else if (checker != null) {
            try {
                checkSpilled();
            } catch (TableLoadException e) {
                return e;
            }
        }
        abort();
        return null;
    }

    /**
     * Sets what deferred validation waits for before it probes the referenced tables' key sets
     * (a bulk loader waits for those tables to commit). Without it, validation runs at once and
     * the referenced tables must have finished already.
     */
    public void beforeValidation(ValidationGate gate) {
        this.validationGate = Objects.requireNonNull(gate, "gate");
    }

    /** What deferred validation waits for; see {@link #beforeValidation}. */
    @FunctionalInterface
    public interface ValidationGate {
        /**
         * Returns once the referenced tables have committed.
         *
         * @throws InterruptedException if interrupted while waiting
         * @throws RuntimeException     to stop the load (it is rolled back and the exception rethrown)
         */
        void await() throws InterruptedException;
    }

    /**
     * Deferred mode: streams the table's key columns back from the store once, through key sets
     * sized for the exact row count and the referenced tables' published sets; with
     * {@code complete} (every row is in: the commit) also the self-referencing FOREIGN KEYs, which
     * a load stopped by an earlier error never checks (see {@link TableChecker#checkSelfReferences}).
     */
    private void validateDeferred(boolean complete) throws IOException {
        long t0 = System.nanoTime();
        try {
            if (validationGate != null) {
                validationGate.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new java.io.InterruptedIOException("interrupted while waiting for the tables " + def.name() + " references");
        } catch (RuntimeException | Error e) {
            abort();
            throw e;
        }
        checkPending(t0, pending -> {
            TableChecker deferred = deferredConstraints.beginTable(def, writer.rowCount(), provenance);
            checker = deferred;
            deferred.checkStored(pending);
            if (complete) {
                deferred.checkSelfReferences(pending);
            }
        });
    }

    /** A constraint pass over the rows appended so far (the writer's pending reader). */
    @FunctionalInterface
    private interface PendingCheck {
        void run(TableReader pending) throws IOException;
    }

    /**
     * Seals the rows appended so far and runs {@code check} over them; a violation or failure
     * rolls the table back. The time since {@code t0} counts as constraint time, the sealing of
     * the last row group as flush time.
     */
    private void checkPending(long t0, PendingCheck check) throws IOException {
        long flushBefore = writer.sealFlushNanos();
        try (TableReader pending = writer.sealForValidation()) {
            check.run(pending);
        } catch (ConstraintViolationException e) {
            abort();
            throw new TableLoadException(def.name(), e.getMessage(), e);
        } catch (IOException | RuntimeException | Error e) {
            abort();
            throw e;
        } finally {
            long flush = writer.sealFlushNanos() - flushBefore; // sealing the last row group
            times.add(LoadStage.FLUSH, flush);
            times.add(LoadStage.CONSTRAINTS, System.nanoTime() - t0 - flush);
        }
    }

    /**
     * Immediate mode, every row checked: resolves the constraints whose keys were spilled to disk
     * (see {@link BatchChecker#checkSpilled}); a violation or failure rolls the table back.
     */
    private void checkSpilled() {
        long t = System.nanoTime();
        try {
            checker.checkSpilled(Long.MAX_VALUE);
        } catch (ConstraintViolationException e) {
            abort();
            throw new TableLoadException(def.name(), e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            abort();
            throw e;
        } finally {
            times.add(LoadStage.CONSTRAINTS, System.nanoTime() - t);
        }
    }

    /** Checks one batch's constraints; returns the nanoseconds it took. */
    private long check(VectorSchemaRoot root, int rows, long firstRowId) {
        long t = System.nanoTime();
        BatchStageEvent event = LoadEvents.startStage();
        checker.checkBatch(root, 0, rows, firstRowId);
        for (int i = 0; i < indexWriters.size(); i++) {
            List<String> cols = indexKeys.get(i).columns();
            FieldVector[] vectors = new FieldVector[cols.size()];
            for (int c = 0; c < vectors.length; c++) {
                vectors[c] = root.getVector(cols.get(c));
            }
            indexWriters.get(i).add(vectors, 0, rows, firstRowId); // follows the sorted run only: no memory, no duplicate to find
        }
        stageDone(event, LoadStage.CONSTRAINTS, rows);
        return System.nanoTime() - t;
    }

    /** The result of a concurrent check, rethrowing what it threw. */
    private static long await(Future<Long> check) throws IOException {
        try {
            return check.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IOException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drain(check);
            throw new java.io.InterruptedIOException("interrupted while checking constraints");
        }
    }

    /**
     * Waits (uninterruptibly) for a check still in flight to end, ignoring its outcome: a rollback
     * frees the key sets that check reads.
     */
    private static void drain(Future<Long> check) {
        if (check == null) {
            return;
        }
        Uninterruptibles.awaitDone(check); // its outcome is not wanted, only its end
    }

    /** Ends {@code event} for {@code stage} of the current batch (committed if a recording wants it; none without JFR). */
    private void stageDone(BatchStageEvent event, LoadStage stage, int rows) {
        LoadEvents.finishStage(event, def.name(), stage.label(), batchCount, rows);
    }

    private void checkSchema(Schema actual) {
        List<Field> got = actual.getFields();
        if (def.columns().size() != got.size()) {
            throw new IllegalArgumentException("batch for table " + def.name() + " has " + got.size()
                    + " columns, the table has " + def.columns().size());
        }
        int bad = def.firstMismatchedColumn(got);
        if (bad >= 0) {
            Field w = def.columns().get(bad).arrowField();
            Field g = got.get(bad);
            throw new IllegalArgumentException("batch column " + bad + " of table " + def.name() + " is "
                    + g.getName() + " " + g.getType() + ", expected " + w.getName() + " " + w.getType());
        }
    }

    /** Rows inserted so far. */
    public long rowCount() {
        return rowCount;
    }

    /** Batches inserted so far. */
    public long batchCount() {
        return batchCount;
    }

    /** Per-stage times of this load so far (source time is added by the caller that reads the source). */
    public StageTimes stageTimes() {
        return times;
    }

    /** Per-batch latency (constraints + append + listeners) so far. */
    public BatchLatency batchLatency() {
        return BatchLatency.of(batchMicros);
    }

    /**
     * Off-heap bytes of this table's own PRIMARY KEY / UNIQUE key sets: their current size while
     * loading, their size at the commit once committed (the sets may be freed then); 0 without
     * constraint checks.
     */
    public long keySetBytes() {
        return state == State.COMMITTED || checker == null ? keySetBytes : checker.keySetBytes();
    }

    /**
     * Per PRIMARY KEY / UNIQUE constraint of this table: the kind of its key set, its peak bytes
     * and its keys; live while loading, as published once committed; empty without constraint
     * checks.
     */
    public List<KeySetReport> keySetReports() {
        return state == State.COMMITTED || checker == null ? keySetReports : checker.keySetReports();
    }

    /** This table's pager churn. */
    public PagerDiagnostics pagerDiagnostics() {
        return writer.diagnostics();
    }

    /**
     * Resolves now the checks of the rows inserted so far that were deferred to temporary files
     * (keys spilled beyond the memory limit; see {@link BatchChecker#checkSpilled}), so that a
     * violation among them fails this insert as it would have failed it in memory. Does nothing
     * when nothing was deferred (an {@link AppendChecker} without spilled keys, deferred mode).
     *
     * @throws TableLoadException for the lowest violating row; the table is then rolled back
     * @throws IllegalStateException if the inserter is not open
     */
    public void resolveSpilled() {
        ensureOpen();
        if (deferredConstraints == null && checker instanceof AppendChecker a && a.hasSpilled()) {
            checkSpilled();
        }
    }

    /**
     * Commits the table ({@link #commitRows()}), then writes its key indexes
     * ({@link #commitKeyIndexes()}).
     *
     * @throws IOException if the commit fails (the table is rolled back and the store keeps its
     *                     previous committed state) or, the table committed, its key indexes
     *                     could not be written
     */
    public void commit() throws IOException {
        commitRows();
        commitKeyIndexes();
    }

    /**
     * Commits the table: seals the last chunks, publishes the table in the catalog and commits
     * the pager, then publishes the table's key sets for loads that reference it. The key indexes
     * of a fresh table (for later appends and lookups) are written by {@link #commitKeyIndexes()}
     * in a transaction of their own, which a bulk load runs while the tables referencing this one
     * already load.
     *
     * @throws IOException if the commit fails; the table is rolled back and the store keeps its
     *                     previous committed state
     */
    public void commitRows() throws IOException {
        ensureOpen();
        if (deferredConstraints != null) {
            validateDeferred(true);
        } else if (checker != null) {
            checkSpilled();
        }
        if (deferredConstraints == null && checker instanceof TableChecker fresh && fresh.needsSelfReferenceCheck()) {
            // a row referenced a key of its own table that no earlier row held: recheck from there
            checkPending(System.nanoTime(), fresh::checkSelfReferences);
        }
        long t0 = System.nanoTime();
        long flushBefore = writer.sealFlushNanos();
        try {
            writer.commit();
        } catch (IOException | RuntimeException | Error e) {
            abort();
            throw e;
        }
        state = State.COMMITTED;
        stopCheckThread();
        if (checker != null) {
            keySetBytes = checker.keySetBytes(); // finish() may free them
            checker.finish();
            keySetReports = checker.keySetReports(); // as published (the kind a freeze chose)
        }
        long flush = writer.sealFlushNanos() - flushBefore;
        times.add(LoadStage.FLUSH, flush);
        times.add(LoadStage.COMMIT, System.nanoTime() - t0 - flush);
    }

    /**
     * Writes the key indexes of the table {@link #commitRows()} committed, in a transaction of
     * their own; nothing to do for an inserter without them (appends, and after a first call). A
     * memory limit too low for them leaves the table without them (a later append or lookup
     * indexes it from its key columns).
     *
     * @throws IOException           if they cannot be written; the table stays committed
     * @throws IllegalStateException if the table is not committed
     */
    public void commitKeyIndexes() throws IOException {
        if (state != State.COMMITTED) {
            throw new IllegalStateException("table " + def.name() + " is not committed");
        }
        if (!indexWriters.isEmpty()) {
            long t1 = System.nanoTime();
            try (StoreTransaction tx = indexStore.begin(); TableReader stored = indexStore.openTable(def.name())) {
                for (int i = 0; i < indexWriters.size(); i++) {
                    putKeyIndex(tx, stored, indexKeys.get(i), indexWriters.get(i));
                }
                tx.commit();
            } catch (MemoryLimitException e) {
                // no room for the key indexes: the transaction is rolled back, the table committed
                // without them; a later append or lookup indexes it from its key columns
            } catch (IOException | RuntimeException e) {
                throw new IOException("table " + def.name() + " is committed, but its key indexes could not be written (a later"
                        + " append or lookup indexes it from its key columns): " + e.getMessage(), e);
            } finally {
                closeIndexWriters();
                times.add(LoadStage.COMMIT, System.nanoTime() - t1);
            }
        }
    }

    /** Bytes one pass of a commit's {@link KeyIndexBuilder} may hold at most. */
    static final long INDEX_PASS_BYTES = 64L << 20;

    /**
     * Puts the segment of one key constraint: the run-only writer's sorted run and, for the rows
     * after it, the hash partitions a {@link KeyIndexBuilder} builds from the stored key columns in
     * passes of at most {@value #INDEX_PASS_BYTES} bytes (half the memory left under the limit when
     * that is less).
     */
    private void putKeyIndex(StoreTransaction tx, TableReader stored, ConstraintSpec key, KeyIndexWriter runOnly) throws IOException {
        String name = StoredTable.segmentName(key.name(), 0);
        List<ByteBuffer> run = runOnly.finish();
        if (runOnly.hashFrom() < 0) {
            tx.putIndex(def.name(), name, run);
            return;
        }
        long left = indexMemory.limitBytes() - indexMemory.allocatedBytes();
        long passBytes = Math.max(1, Math.min(INDEX_PASS_BYTES, left / 2));
        try (KeyIndexBuilder partitions = new KeyIndexBuilder(keyTypes(def, key), indexMemory,
                (from, window) -> StoredTable.readKeyColumns(stored, key.columns(), from, window), runOnly.hashFrom(), passBytes)) {
            java.util.Iterator<ByteBuffer> first = run.iterator();
            tx.putIndex(def.name(), name, () -> first.hasNext() ? first.next() : partitions.next());
        }
    }

    /** The column types of {@code key}, in key order. */
    private static List<ColumnType> keyTypes(TableDef def, ConstraintSpec key) {
        List<ColumnType> types = new ArrayList<>();
        for (String c : key.columns()) {
            types.add(def.column(c).type());
        }
        return types;
    }

    private void closeIndexWriters() {
        for (KeyIndexWriter w : indexWriters) {
            w.close();
        }
        indexWriters.clear();
    }

    /** Off-heap bytes of the key index writers (0 once they are written or without them). */
    public long keyIndexBytes() {
        long total = 0;
        for (KeyIndexWriter w : indexWriters) {
            total += w.allocatedBytes();
        }
        return total;
    }

    /** Rolls the table back (frees its chunks and key sets). Idempotent; no-op after commit. */
    public void abort() {
        if (state != State.OPEN) {
            return;
        }
        state = State.ABORTED;
        stopCheckThread();
        closeIndexWriters();
        Throwable failure = null;
        try {
            writer.abort();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        if (checker != null || deferredConstraints != null) {
            try {
                if (checker != null) {
                    checker.abort();
                } else {
                    deferredConstraints.cancelTable(def.name()); // never validated: release its planned holds
                }
            } catch (RuntimeException | Error e) {
                failure = Failures.chain(failure, e);
            }
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        } else if (failure != null) {
            throw (Error) failure;
        }
    }

    private void stopCheckThread() {
        if (checkThread != null) {
            checkThread.shutdown();
        }
    }

    /** Whether the table was committed. */
    public boolean isCommitted() {
        return state == State.COMMITTED;
    }

    private void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("load of table " + def.name() + " is already " + state.name().toLowerCase());
        }
    }

    /** Aborts unless committed; frees the key index writers of a table committed without {@link #commitKeyIndexes()}. */
    @Override
    public void close() {
        abort();
        closeIndexWriters(); // committed, its key indexes not written
    }
}
