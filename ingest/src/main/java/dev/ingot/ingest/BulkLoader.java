package dev.ingot.ingest;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.keys.KeyRunCache;
import dev.ingot.ingest.internal.Errors;
import dev.ingot.ingest.jfr.BatchStageEvent;
import dev.ingot.ingest.jfr.LoadEvents;
import dev.ingot.ingest.jfr.TableLoadEvent;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.PagerDiagnostics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToLongFunction;

/**
 * Loads a set of tables into a {@link ColumnStore} in foreign-key order, each through a
 * {@link TableInserter}: a table starts once every table it references has committed (so its
 * key set is published), and tables that do not depend on each other load in parallel
 * ({@link LoadOptions#tableParallelism()}). Inside a table, the source generates or parses on
 * its own worker threads while the loading thread checks constraints and appends.
 *
 * <p><b>Appends.</b> A table that already holds rows is appended to, in a {@link UnitOfWork} of its
 * own: its rows are checked against the stored rows through the persisted key indexes (PRIMARY KEY /
 * UNIQUE, deleted keys may come back) and against the referenced tables' indexes (FOREIGN KEY), at
 * a cost proportional to the rows appended, always immediately (whatever the mode), with the same
 * first-error rule and messages; the append commits its rows and its key index segments at once.
 * Appends run one at a time per store (one transaction at a time); fresh tables load beside them.
 *
 * <p>Each table commits on its own: a failure rolls back only that table; tables that reference
 * it are skipped; tables already committed stay. {@link LoadReport#failure()} is chosen by the
 * first-error rule of {@link ConstraintMode}: the failure of the first failed table in
 * foreign-key order, and within a table the error of its lowest source row, the same in every
 * mode, batch size and thread count.
 *
 * <p>Constraint definitions are checked with {@link ConstraintRules} against the stored tables
 * before anything starts; the store checks them again when each table is defined and committed.
 *
 * <p>Thread-safety: a loader runs one {@link #load} at a time; {@link Progress} callbacks come
 * from the loading threads concurrently.
 */
public final class BulkLoader {
    /** Opens the source of one table. */
    @FunctionalInterface
    public interface SourceFactory {
        /**
         * @param table     the table to produce rows for
         * @param batchRows rows per batch (from the write hints or the override)
         * @param threads   worker threads the source may use
         */
        BatchSource open(TableDef table, int batchRows, int threads) throws IOException;
    }

    /** Progress callbacks, called concurrently from loading threads. */
    public interface Progress {
        default void tableStarted(String table) {}

        /** {@code rows} more rows of {@code table} were appended (not yet committed). */
        default void rowsLoaded(String table, long rows) {}

        /**
         * {@code table}'s source has handed out batches covering {@code bytesSoFar} bytes of its
         * input files in total ({@link BatchSource#inputBytesRead()}; never called for sources
         * without input files); its files' total size once the source is exhausted.
         */
        default void inputBytesRead(String table, long bytesSoFar) {}

        default void tableFinished(TableLoadReport report) {}

        default void tableFailed(String table, Throwable cause) {}
    }

    /** Check constraints on a second thread while appending, when there is a second processor. */
    private static final boolean CONCURRENT_CHECKS = Runtime.getRuntime().availableProcessors() > 1;

    private final ColumnStore store;
    private final NativeAllocator memory;
    private final LoadOptions options;

    /**
     * @param store   where tables are created
     * @param memory  allocator for constraint key sets (a child is created per load and closed
     *                at its end; the load fails if a key set is still held once every table has
     *                finished, see {@link LoadReport#constraintOutstandingBytes()}, or if key-set
     *                memory leaked)
     * @param options load settings
     */
    public BulkLoader(ColumnStore store, NativeAllocator memory, LoadOptions options) {
        this.store = store;
        this.memory = memory;
        this.options = options;
    }

    /**
     * Orders {@code tables} so every table comes after the tables it references (stable for
     * tables that do not depend on each other).
     *
     * @throws IllegalArgumentException on a reference cycle
     */
    public static List<TableDef> foreignKeyOrder(List<TableDef> tables) {
        Map<String, TableDef> byName = new LinkedHashMap<>();
        for (TableDef t : tables) {
            byName.put(t.name(), t);
        }
        List<TableDef> out = new ArrayList<>();
        Map<String, Integer> state = new HashMap<>();
        for (TableDef t : tables) {
            visit(t, byName, state, out);
        }
        return out;
    }

    private static void visit(TableDef t, Map<String, TableDef> byName, Map<String, Integer> state, List<TableDef> out) {
        Integer s = state.get(t.name());
        if (s != null) {
            if (s == 1) {
                throw new IllegalArgumentException("foreign keys form a cycle through table " + t.name());
            }
            return;
        }
        state.put(t.name(), 1);
        for (String parent : t.referencedTables()) {
            TableDef p = byName.get(parent);
            if (p != null && p != t) {
                visit(p, byName, state, out);
            }
        }
        state.put(t.name(), 2);
        out.add(t);
    }

    /**
     * Loads {@code tables}.
     *
     * @param tables       tables to create and load (none may exist in the store yet, unless
     *                     as an empty table with the same definition, which the load fills)
     * @param sources      opens each table's source
     * @param expectedRows expected row count per table name (0 when unknown), sizes key sets
     * @param progress     callbacks
     * @return the report; check {@link LoadReport#succeeded()}
     * @throws IllegalArgumentException if the tables' constraints, with the stored tables', break a
     *                                  rule of {@link ConstraintRules} (e.g. a table references a
     *                                  table that is neither loading nor stored); nothing is loaded
     */
    public LoadReport load(List<TableDef> tables, SourceFactory sources, ToLongFunction<String> expectedRows,
                           Progress progress) {
        // the store's rules, before anything starts (the store checks them again per table)
        // an empty stored table of the same name is filled by this load (ColumnStore#createTable)
        java.util.Set<String> names = tables.stream().map(TableDef::name).collect(java.util.stream.Collectors.toSet());
        ConstraintRules.requireValid(tables, store.tables().stream().map(TableInfo::def).filter(d -> !names.contains(d.name())).toList());
        List<TableDef> ordered = foreignKeyOrder(tables);
        Map<String, TableDef> loading = new LinkedHashMap<>();
        java.util.Set<String> appending = new java.util.HashSet<>();
        for (TableDef t : ordered) {
            if (store.table(t.name()).map(i -> i.rowCount() > 0).orElse(false)) {
                appending.add(t.name()); // checked through its key indexes, not the key sets
            } else {
                loading.put(t.name(), t);
            }
        }
        long start = System.nanoTime();
        PagerDiagnostics.Snapshot pagerBefore = store.pager().diagnostics().snapshot();
        NativeAllocator loadMemory = memory.newChild("load", memory.limitBytes());
        List<TableLoadReport> reports = Collections.synchronizedList(new ArrayList<>());
        List<String> skipped = Collections.synchronizedList(new ArrayList<>());
        Throwable[] firstFailure = new Throwable[1];
        Map<String, Throwable> tableFailures = new java.util.concurrent.ConcurrentHashMap<>();
        ConstraintService constraints = null;
        SpillDirectory spill = new SpillDirectory(options.spillDir() != null ? options.spillDir()
                : store.directory().resolve(SpillDirectory.DEFAULT_NAME));
        long outstandingBytes = 0;
        ExecutorService pool = Executors.newFixedThreadPool(options.tableParallelism(), loaderThreads());
        try {
            if (options.mode() != ConstraintMode.UNCHECKED) {
                try {
                    SpillDirectory.removeStale(spill.directory()); // left by a load that was killed
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot remove stale spill files in " + spill.directory() + ": " + e.getMessage(), e);
                }
                constraints = new ConstraintService(loadMemory, loadMemory.limitBytes(), ConstraintService.DEFAULT_LOAD_FACTOR, spill);
                constraints.planLoad(List.copyOf(loading.values()));
                java.util.Set<String> registered = new java.util.HashSet<>();
                for (TableDef t : loading.values()) {
                    for (String parent : t.referencedTables()) {
                        // a stored parent referenced by several loading tables is registered once
                        if (!loading.containsKey(parent) && registered.add(parent)) {
                            constraints.registerExistingTable(store.table(parent).orElseThrow().def(), new StoredKeyScanner(store, parent));
                        }
                    }
                }
            }
            ConstraintService cs = constraints;
            Map<String, CompletableFuture<Void>> done = new HashMap<>();
            Map<String, TableRun> runs = new HashMap<>();
            for (TableDef t : ordered) {
                runs.put(t.name(), new TableRun());
            }
            boolean deferred = options.mode() == ConstraintMode.DEFERRED;
            for (TableDef t : ordered) {
                TableRun run = runs.get(t.name());
                List<CompletableFuture<Void>> parents = new ArrayList<>();
                List<CompletableFuture<Void>> parentRows = new ArrayList<>();
                List<CompletableFuture<Void>> parentInputs = new ArrayList<>();
                for (String p : t.referencedTables()) {
                    CompletableFuture<Void> f = done.get(p);
                    if (f != null && !p.equals(t.name())) {
                        parents.add(f);
                        parentRows.add(runs.get(p).rowsCommitted);
                        parentInputs.add(runs.get(p).inputRead);
                    }
                }
                CompletableFuture<Void> parentsDone = CompletableFuture.allOf(parents.toArray(new CompletableFuture<?>[0]));
                // immediate: start once the referenced tables committed their rows (their key indexes
                // may still be being written) and wait for them to finish before this table commits;
                // the source opens earlier, once they have read all their input, so that its first
                // batches are parsed while they seal and commit (at most its read-ahead);
                // deferred: start at once and wait for them only before the validation pass (tasks
                // start in FK order, so the tables waited for are running or done: no deadlock with a
                // bounded pool)
                CompletableFuture<Void> ready = deferred ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.allOf(parentRows.toArray(new CompletableFuture<?>[0]));
                if (!deferred && !parentInputs.isEmpty()) {
                    run.early = CompletableFuture.allOf(parentInputs.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
                        try {
                            return sources.open(t, batchRows(ColumnStoreWriteHints.estimate(t)), options.sourceThreads());
                        } catch (IOException e) {
                            throw new EarlyOpenFailure(e); // thrown by loadTable as its own open's failure
                        }
                    });
                }
                CompletableFuture<Void> f = ready.handleAsync((ok, parentFailure) -> {
                    try {
                        if (parentFailure != null) {
                            skipped.add(t.name());
                            if (!appending.contains(t.name())) {
                                releaseHolds(cs, t);
                            }
                            run.closeEarlySource();
                            throw new CompletionException(new SkippedTable(t.name()));
                        }
                        try {
                            reports.add(loadTable(t, sources, expectedRows.applyAsLong(t.name()), appending.contains(t.name()) ? null : cs,
                                    appending.contains(t.name()), loadMemory, spill, progress, parentsDone, parentsDefined(t, runs), run));
                            return null;
                        } catch (SkippedTable e) {
                            skipped.add(t.name());
                            throw new CompletionException(e);
                        } catch (Throwable e) {
                            if (!deferred && parentFailed(parentsDone)) {
                                // started before a referenced table finished, which then failed (writing
                                // its key indexes): skipped, as a table that had not started would be
                                skipped.add(t.name());
                                throw new CompletionException(new SkippedTable(t.name()));
                            }
                            Throwable failure = outOfMemory(t.name(), e);
                            tableFailures.put(t.name(), failure);
                            progress.tableFailed(t.name(), failure);
                            throw new CompletionException(failure);
                        } finally {
                            run.defined.complete(null);
                        }
                    } finally {
                        // no effect once completed normally
                        run.inputRead.completeExceptionally(new SkippedTable(t.name()));
                        run.rowsCommitted.completeExceptionally(new SkippedTable(t.name()));
                    }
                }, pool);
                done.put(t.name(), f);
            }
            for (CompletableFuture<Void> f : done.values()) {
                try {
                    f.join();
                } catch (CompletionException ignored) {
                    // recorded in tableFailures / skipped
                }
            }
            // the reported failure is that of the first failed table in foreign-key order, not the
            // first in time, so parallel timing never changes it
            for (TableDef t : ordered) {
                Throwable e = tableFailures.get(t.name());
                if (e != null) {
                    firstFailure[0] = e;
                    break;
                }
            }
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // every table has finished, aborted or been skipped: each released its holds, so a set
            // still held now is a release that never happened (close() below would hide it)
            if (constraints != null) {
                outstandingBytes = constraints.outstandingBytes();
                IllegalStateException leak = unreleasedKeySets(outstandingBytes);
                if (leak != null) {
                    addFailure(firstFailure, leak);
                }
            }
            try {
                if (constraints != null) {
                    constraints.close();
                }
                loadMemory.close();
            } catch (RuntimeException e) {
                addFailure(firstFailure, e);
            }
            try {
                spill.removeIfEmpty();
            } catch (IOException e) {
                addFailure(firstFailure, e);
            }
        }
        PagerDiagnostics.Snapshot pagerDelta = store.pager().diagnostics().snapshot().minus(pagerBefore);
        return new LoadReport(List.copyOf(reports), firstFailure[0], List.copyOf(skipped), System.nanoTime() - start,
                pagerDelta, loadMemory.peakBytes(), outstandingBytes);
    }

    /**
     * A table's failure as reported: when memory ran out while loading it (the Java heap, or an
     * off-heap limit: {@link dev.ingot.memory.MemoryLimitException}, Arrow's
     * {@code OutOfMemoryException}), a {@link TableLoadException} naming the table and what ran out
     * ({@code out of memory loading table T: ...}), the original attached as cause; else
     * {@code failure} itself. The table was rolled back like after any other failure.
     */
    static Throwable outOfMemory(String table, Throwable failure) {
        Throwable exhausted = Errors.memoryExhaustion(failure);
        if (exhausted == null) {
            return failure;
        }
        return new TableLoadException(table, "out of memory loading table " + table + ": " + Errors.describe(exhausted), failure);
    }

    /**
     * The failure of a load whose constraint key sets still hold {@code outstandingBytes} once every
     * table has finished, aborted or been skipped (each of which releases its holds), or null when
     * nothing is held.
     */
    static IllegalStateException unreleasedKeySets(long outstandingBytes) {
        if (outstandingBytes == 0) {
            return null;
        }
        return new IllegalStateException("constraint key sets still hold " + outstandingBytes
                + " bytes after every table of the load finished (a key set was never released)");
    }

    /** Makes {@code failure} the load's first failure, or a suppressed one of the first. */
    private static void addFailure(Throwable[] firstFailure, Throwable failure) {
        synchronized (firstFailure) {
            if (firstFailure[0] == null) {
                firstFailure[0] = failure;
            } else {
                firstFailure[0].addSuppressed(failure);
            }
        }
    }

    /** Releases the key-set holds of a table that will not load (its parent failed). */
    private static void releaseHolds(ConstraintService cs, TableDef t) {
        if (cs != null) {
            cs.cancelTable(t.name());
        }
    }

    /** Completes once every loading table that {@code t} references is defined in the store. */
    private static CompletableFuture<Void> parentsDefined(TableDef t, Map<String, TableRun> runs) {
        List<CompletableFuture<Void>> parents = new ArrayList<>();
        for (String p : t.referencedTables()) {
            TableRun r = runs.get(p);
            if (r != null && !p.equals(t.name())) {
                parents.add(r.defined);
            }
        }
        return CompletableFuture.allOf(parents.toArray(new CompletableFuture<?>[0]));
    }

    /**
     * One table's milestones during a load, which the tables referencing it wait for; each future
     * completes exceptionally if the table fails or is skipped before reaching it.
     */
    private static final class TableRun {
        /** Defined in the store (or never will be): a deferred child defines itself only after the tables it references. */
        final CompletableFuture<Void> defined = new CompletableFuture<>();
        /** Its source is exhausted: in immediate mode the tables referencing it open their sources. */
        final CompletableFuture<Void> inputRead = new CompletableFuture<>();
        /** Its rows are committed and its key sets published, before its key indexes are written. */
        final CompletableFuture<Void> rowsCommitted = new CompletableFuture<>();
        /** Its source, opened once the tables it references read all their input (immediate mode), or null. */
        CompletableFuture<BatchSource> early;

        /** The source: the one opened ahead, or a new one; an early open's failure is thrown as this open's. */
        BatchSource openSource(SourceFactory sources, TableDef def, int batchRows, int threads) throws IOException {
            if (early == null) {
                return sources.open(def, batchRows, threads);
            }
            try {
                return early.join(); // done: the tables it references read their input before this table started
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof EarlyOpenFailure f) {
                    throw f.getCause();
                } else if (cause instanceof RuntimeException r) {
                    throw r;
                } else if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        /** Closes the source opened ahead for a table that is skipped, now or once it is open. */
        void closeEarlySource() {
            if (early != null) {
                early.whenComplete((source, failure) -> {
                    if (source != null) {
                        source.close();
                    }
                });
            }
        }
    }

    /** A source's IOException from an open ahead of its table's start, carried to that start. */
    private static final class EarlyOpenFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EarlyOpenFailure(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** Rows per batch of a table's source: the override, or what its estimated write hints recommend. */
    private int batchRows(ColumnStoreWriteHints estimate) {
        return options.batchRowsOverride() > 0 ? options.batchRowsOverride() : estimate.recommendedBatchRows();
    }

    private TableLoadReport loadTable(TableDef def, SourceFactory sources, long expectedRows, ConstraintService cs,
                                      boolean append, NativeAllocator loadMemory, SpillDirectory spill, Progress progress,
                                      CompletableFuture<Void> parentsDone, CompletableFuture<Void> parentsDefined, TableRun run)
            throws IOException, InterruptedException {
        try {
            progress.tableStarted(def.name());
        } catch (RuntimeException | Error e) {
            run.closeEarlySource(); // not taken by the try below
            throw e;
        }
        long start = System.nanoTime();
        ColumnStoreWriteHints estimate = ColumnStoreWriteHints.estimate(def);
        int batchRows = batchRows(estimate);
        StageTimes sourceWait = new StageTimes();
        TableInserter inserter = null;
        UnitOfWork work = null;
        TableLoadEvent loadEvent = LoadEvents.startTable();
        try (BatchSource source = run.openSource(sources, def, batchRows, options.sourceThreads())) {
            InsertSource.ArrowBatch batch;
            try {
                batch = nextBatch(source, def, 0, sourceWait);
            } catch (IOException e) {
                throw inputFailed(null, e, parentsDone, def);
            }
            // chunk sizes follow the real row width, measured on the first batch
            ColumnStoreWriteHints hints = batch == null ? estimate : ColumnStoreWriteHints.measure(def, batch.root());
            if (options.batchRowsOverride() > 0) {
                hints = hints.withBatchRows(options.batchRowsOverride());
            }
            try {
                try {
                    parentsDefined.get(); // tasks start in foreign-key order: the parents are running or done
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("internal: definition future failed", e);
                }
                if (append) {
                    awaitParents(parentsDone, def); // appends check immediately, against committed parents
                    work = new UnitOfWork(store, loadMemory, store.allocator(), null, new KeyRunCache(), spill, false);
                    inserter = work.appender(def.name(), hints, CONCURRENT_CHECKS);
                } else {
                    inserter = TableInserter.begin(store, cs, def, hints, options.mode(), expectedRows, CONCURRENT_CHECKS, loadMemory);
                }
            } catch (RuntimeException | InterruptedException | IOException e) {
                if (batch != null) {
                    batch.close();
                }
                if (e instanceof IllegalArgumentException) {
                    // deferred: a referenced table that already failed is no longer a table the
                    // store knows; this table is then skipped, as in immediate mode
                    awaitParents(parentsDone, def);
                }
                throw e;
            } finally {
                run.defined.complete(null);
            }
            inserter.beforeValidation(() -> awaitParents(parentsDone, def));
            while (batch != null) {
                try (InsertSource.ArrowBatch b = batch) {
                    inserter.insert(b);
                    progress.rowsLoaded(def.name(), b.rowCount());
                }
                try {
                    batch = nextBatch(source, def, inserter.batchCount(), sourceWait);
                } catch (IOException e) {
                    throw inputFailed(inserter, e, parentsDone, def);
                }
                long bytesRead = source.inputBytesRead();
                if (bytesRead >= 0) {
                    progress.inputBytesRead(def.name(), bytesRead);
                }
            }
            run.inputRead.complete(null); // the tables referencing this one may open their sources
            long waitStart = System.nanoTime();
            awaitParents(parentsDone, def);
            inserter.stageTimes().add(LoadStage.PARENTS, System.nanoTime() - waitStart);
            if (work != null) {
                work.commit(); // the rows and their key index segments, in one commit
                run.rowsCommitted.complete(null);
            } else {
                inserter.commitRows();
                run.rowsCommitted.complete(null); // the tables referencing this one may start
                inserter.commitKeyIndexes();
            }
            StageTimes stages = inserter.stageTimes();
            stages.add(LoadStage.SOURCE, sourceWait.nanos(LoadStage.SOURCE));
            stages.add(LoadStage.BACKPRESSURE, source.producerWaitNanos());
            TableLoadReport report = new TableLoadReport(def.name(), inserter.rowCount(), inserter.batchCount(), batchRows,
                    hints.chunkRows(), System.nanoTime() - start, stages, inserter.batchLatency(),
                    inserter.pagerDiagnostics().snapshot(), options.mode(), inserter.keySetBytes(),
                    inserter.keySetReports());
            emit(loadEvent, def, inserter, true);
            progress.tableFinished(report);
            return report;
        } catch (IOException e) {
            throw new TableLoadException(def.name(), e.getMessage(), e);
        } finally {
            if (inserter == null) {
                releaseHolds(cs, def);
            } else {
                if (!inserter.isCommitted()) {
                    emit(loadEvent, def, inserter, false);
                }
                inserter.close();
            }
            if (work != null) {
                work.close();
            }
        }
    }

    /**
     * The error to report when a table's source fails (e.g. a parse error): first the table waits
     * for the tables it references (one that failed makes it skipped, as in immediate mode, where
     * it would not have started); then, by the first-error rule, a constraint violation among the
     * rows already inserted comes before the source's error, which is attached as suppressed.
     */
    private static IOException inputFailed(TableInserter inserter, IOException e, CompletableFuture<Void> parentsDone, TableDef def)
            throws InterruptedException, IOException {
        awaitParents(parentsDone, def);
        if (inserter != null) {
            TableLoadException violation = inserter.abortAfterInputError();
            if (violation != null) {
                violation.addSuppressed(e);
                throw violation;
            }
        }
        return e;
    }

    /** Whether a referenced table failed or was skipped: waits for them (running or done), whatever interrupts come. */
    private static boolean parentFailed(CompletableFuture<Void> parentsDone) {
        dev.ingot.memory.internal.Uninterruptibles.awaitDone(parentsDone);
        return parentsDone.isCompletedExceptionally();
    }

    /** Waits for the referenced tables; a failed one makes this table skipped. */
    private static void awaitParents(CompletableFuture<Void> parentsDone, TableDef def) throws InterruptedException {
        try {
            parentsDone.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new SkippedTable(def.name());
        }
    }

    /** Reads the next batch, timing the wait as the SOURCE stage (and as a JFR event). */
    private static InsertSource.ArrowBatch nextBatch(BatchSource source, TableDef def, long batchIndex, StageTimes sourceWait)
            throws IOException, InterruptedException {
        BatchStageEvent event = LoadEvents.startStage();
        long t = System.nanoTime();
        InsertSource.ArrowBatch batch = source.next();
        sourceWait.add(LoadStage.SOURCE, System.nanoTime() - t);
        LoadEvents.finishStage(event, def.name(), LoadStage.SOURCE.label(), batchIndex, batch == null ? 0 : batch.rowCount());
        return batch;
    }

    /** Ends the table's event (none when JFR was not initialized at its start) and commits it if a recording wants it. */
    private static void emit(TableLoadEvent event, TableDef def, TableInserter inserter, boolean committed) {
        if (event == null) {
            return;
        }
        event.end();
        if (event.shouldCommit()) {
            StageTimes st = inserter.stageTimes();
            event.table = def.name();
            event.rows = inserter.rowCount();
            event.batches = inserter.batchCount();
            event.committed = committed;
            event.bytesWritten = inserter.pagerDiagnostics().get(PagerDiagnostics.Counter.BYTES_WRITTEN);
            event.sourceNanos = st.nanos(LoadStage.SOURCE);
            event.constraintNanos = st.nanos(LoadStage.CONSTRAINTS);
            event.appendNanos = st.nanos(LoadStage.APPEND);
            event.commitNanos = st.nanos(LoadStage.COMMIT);
            event.commit();
        }
    }

    private static java.util.concurrent.ThreadFactory loaderThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, "ingot-loader-" + n.incrementAndGet());
            th.setDaemon(true);
            return th;
        };
    }

    /** A table not loaded because a table it references failed. */
    static final class SkippedTable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SkippedTable(String table) {
            super("table " + table + " was not loaded because a table it references failed", null, false, false);
        }
    }
}
