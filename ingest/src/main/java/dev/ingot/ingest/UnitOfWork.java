package dev.ingot.ingest;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.constraints.AppendChecker;
import dev.ingot.constraints.AppendedKeys;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.constraints.index.KeyIndexWriter;
import dev.ingot.constraints.internal.KeyVectors;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.ingest.keys.KeyRunCache;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.internal.Failures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * The engine of a unit of work on one or more tables of a store (behind {@code dev.ingot.Transaction},
 * and the append path of {@link BulkLoader}): appends, deletes (by key or by
 * a filter over columns), updates, table creation and drops, committed atomically by {@link #commit()}
 * (one catalog write and one superblock publish) or not at all ({@link #close()} without a commit
 * aborts). Readers are never blocked and keep the snapshot they started with.
 *
 * <p><b>Constraints</b> are checked as rows arrive, against the stored rows through the persisted
 * key indexes (never by rebuilding a key set from the stored columns) and against the rows of this
 * transaction: PRIMARY KEY / UNIQUE keys must be new among the live rows (a deleted key may be
 * inserted again), FOREIGN KEY values must be held by a live row of the referenced table. A
 * violation (or a bad value) fails the append with the message a fresh load gives
 * ({@link TableLoadException}, row numbers counting from the append's first row)
 * and fails the transaction: {@link #commit()} then refuses and {@link #close()} rolls everything
 * back. Deleting a referenced key is checked at {@link #commit()} (FOREIGN KEY RESTRICT with
 * PostgreSQL's NO ACTION timing, so an update that deletes and re-inserts a key passes): if a live
 * row of a child table still references a key no live row holds any more, the commit fails with a
 * {@link ConstraintViolationException} naming the child table, the constraint and the key, and
 * nothing is published.
 *
 * <p><b>Key indexes</b>: each append writes, at commit, one index segment per PRIMARY KEY / UNIQUE
 * constraint holding only its own rows (see {@link StoredTable}).
 *
 * <p>Thread-safety: not thread-safe; one thread. A store has one transaction at a time:
 * {@link ColumnStore#begin()} waits while another thread's transaction is open.
 *
 * <p>Ownership: the caller closes it. Batches passed in stay the caller's.
 */
public final class UnitOfWork implements AutoCloseable {
    private final ColumnStore store;
    private final NativeAllocator memory;
    private final BufferAllocator arrow;
    private final Runnable onCommit;
    private final KeyRunCache runCache;
    /** Where appended keys spill; null = they do not. */
    private final SpillDirectory spill;
    private final boolean removeSpillDirectory;
    /** The appended keys' share of memory (a quarter of the limit), made when first needed. */
    private NativeAllocator appendedMemory;
    private final StoreTransaction tx;
    private final StoreSnapshot snapshot;
    private final Map<String, TxTable> tables = new LinkedHashMap<>();
    private RuntimeException failure;
    private boolean ended;

    /** What this transaction knows and has done to one table. */
    private final class TxTable {
        final String name;
        final TableDef def;
        /** The committed table as of the transaction's start; null for a table created here. */
        final StoredTable stored;
        /**
         * Per PRIMARY KEY / UNIQUE constraint: the keys this transaction appended (their writer is
         * the segment the commit writes, unless they spilled), and its first row id.
         */
        final Map<String, AppendedKeys> pending = new LinkedHashMap<>();
        final Map<String, Long> pendingFirst = new LinkedHashMap<>();
        /** Row ids deleted by this transaction. */
        final Roaring64NavigableMap deleted = new Roaring64NavigableMap();
        /** Per FOREIGN KEY: the values this transaction appended (one row id each), for RESTRICT at commit. */
        final Map<String, KeyIndexWriter> appendedReferences = new LinkedHashMap<>();
        /** FOREIGN KEYs whose appended values outgrew the appended keys' share and were let go (RESTRICT then refuses). */
        final java.util.Set<String> referencesOverflowed = new java.util.HashSet<>();
        TableInserter open;

        TxTable(String name, TableDef def, StoredTable stored) {
            this.name = name;
            this.def = def;
            this.stored = stored;
        }

        boolean isDeleted(long rowId) {
            return deleted.contains(rowId) || (stored != null && stored.isDeleted(rowId));
        }

        /**
         * This transaction's appended keys of {@code key}: a writer of the segment (the stored table's
         * catch-up writer when it has one) in the appended keys' share of memory, spilling beyond it.
         */
        AppendedKeys pending(ConstraintSpec key) throws IOException {
            AppendedKeys a = pending.get(key.name());
            if (a != null) {
                return a;
            }
            long first;
            KeyIndexWriter w;
            boolean owned = true;
            if (stored != null) {
                StoredTable.Index idx = stored.index(key.name());
                if (idx.catchUp() != null) {
                    w = idx.catchUp();
                    owned = false;
                    first = idx.catchUpFirstRowId();
                } else {
                    w = new KeyIndexWriter(keyTypes(def, key), appendedMemory(), 0);
                    first = stored.info().rowCount();
                }
            } else {
                w = new KeyIndexWriter(keyTypes(def, key), appendedMemory(), 0);
                first = 0;
            }
            a = new AppendedKeys(keyTypes(def, key), w, owned, appendedMemory(), spill);
            pending.put(key.name(), a);
            pendingFirst.put(key.name(), first);
            return a;
        }

        /** Refuses {@code what} when keys appended to this table spilled (the unit of work cannot find those rows by key). */
        void requireNotSpilled(String what) {
            for (Map.Entry<String, AppendedKeys> e : pending.entrySet()) {
                if (e.getValue().isSpilled()) {
                    throw new IllegalStateException("cannot " + what + " table " + name + " in this transaction: the keys of "
                            + e.getKey() + " it appended did not fit the memory limit and were spilled to disk, where rows are"
                            + " not found by key; commit the appends first, or raise the memory limit");
                }
            }
        }

        /** The index of {@code key} as this transaction sees it: stored segments plus this transaction's rows. */
        KeyIndex index(ConstraintSpec key) throws IOException {
            AppendedKeys a = pending.get(key.name());
            KeyIndexWriter w = a == null ? null : a.writer();
            if (stored == null) {
                return KeyIndex.of(keyTypes(def, key), List.of(), w == null ? List.of() : List.of(w));
            }
            return stored.keyIndex(key.name(), w);
        }

        /** Hands an open append's rows to the store transaction. */
        void closeAppend() throws IOException {
            if (open != null) {
                TableInserter i = open;
                open = null;
                i.commit();
            }
        }

        void release() {
            if (open != null) {
                open.close();
                open = null;
            }
            for (KeyIndexWriter w : appendedReferences.values()) {
                w.close();
            }
            appendedReferences.clear();
            for (AppendedKeys a : pending.values()) {
                a.close(); // a catch-up writer is the stored table's (not owned)
            }
            pending.clear();
            if (stored != null) {
                stored.close();
            }
        }
    }

    /**
     * Begins a unit of work on {@code store} (waits while another thread's is open).
     *
     * @param memory   where key index writers live (a child is not made: the caller's allocator)
     * @param arrow    where key batches built from Java values are allocated
     * @param onCommit run after a successful commit (e.g. to move lookups to the new commit)
     * @throws IllegalStateException if the store is read-only or closed, or this thread has a transaction open
     */
    public UnitOfWork(ColumnStore store, NativeAllocator memory, BufferAllocator arrow, Runnable onCommit) {
        this(store, memory, arrow, onCommit, new KeyRunCache(), null, false);
    }

    /**
     * As {@link #UnitOfWork(ColumnStore, NativeAllocator, BufferAllocator, Runnable)}, keeping the
     * decoded keys of the sorted runs it searches in {@code runCache}: a cache the caller keeps for
     * {@code store} (and no other store), so later units of work find them decoded. The keys it
     * appends (per PRIMARY KEY / UNIQUE constraint) live in a quarter of {@code memory}'s limit and
     * beyond it spill to temporary files in {@code spill} ({@link AppendedKeys}), removed when the
     * unit of work ends; with {@code spill} null they may use the whole limit, and an append beyond
     * it fails with {@link dev.ingot.memory.MemoryLimitException}. With {@code removeSpillDirectory} the unit of work
     * also removes the directory when it made it and it is empty at the end (a caller whose other
     * loads share the directory removes it itself).
     */
    public UnitOfWork(ColumnStore store, NativeAllocator memory, BufferAllocator arrow, Runnable onCommit, KeyRunCache runCache,
                      SpillDirectory spill, boolean removeSpillDirectory) {
        this.runCache = Objects.requireNonNull(runCache, "runCache");
        this.spill = spill;
        this.removeSpillDirectory = removeSpillDirectory;
        this.store = Objects.requireNonNull(store, "store");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.arrow = Objects.requireNonNull(arrow, "arrow");
        this.onCommit = onCommit == null ? () -> { } : onCommit;
        StoreTransaction t = store.begin();
        StoreSnapshot s = null;
        try {
            s = store.snapshot();
        } finally {
            if (s == null) {
                t.close();
            }
        }
        this.tx = t;
        this.snapshot = s;
    }

    /**
     * The allocator of the appended keys: a quarter of the unit of work's limit when they may spill
     * beyond it, else the whole limit (the unit of work's allocator).
     */
    private NativeAllocator appendedMemory() {
        if (spill == null) {
            return memory;
        }
        if (appendedMemory == null) {
            appendedMemory = memory.newChild("appended keys", Math.max(1, memory.limitBytes() / 4));
        }
        return appendedMemory;
    }

    private static List<ColumnType> keyTypes(TableDef def, ConstraintSpec key) {
        return keyTypes(def, key.columns());
    }

    private static List<ColumnType> keyTypes(TableDef def, List<String> columns) {
        List<ColumnType> types = new ArrayList<>();
        for (String c : columns) {
            types.add(def.column(c).type());
        }
        return types;
    }

    /** Adds the FOREIGN KEY values of an appended batch to {@code values} (each value once; NULLs skipped). */
    private static void rememberReferences(KeyIndexWriter values, List<String> columns, VectorSchemaRoot root, long firstRowId) {
        FieldVector[] cols = new FieldVector[columns.size()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = root.getVector(columns.get(c));
        }
        values.addDistinct(cols, 0, root.getRowCount(), firstRowId);
    }

    private void ensureOpen() {
        if (ended) {
            throw new IllegalStateException("transaction is " + (tx.isCommitted() ? "committed" : "closed"));
        }
        if (failure != null) {
            throw new IllegalStateException("transaction failed and can only be closed (rolled back): " + failure.getMessage(), failure);
        }
    }

    private TxTable table(String name) throws IOException {
        TxTable t = tables.get(name);
        if (t != null) {
            return t;
        }
        TableInfo info = tx.table(name).orElseThrow(() -> new IllegalArgumentException("table " + name + " does not exist"));
        StoredTable stored = snapshot.table(name).isPresent() ? new StoredTable(snapshot, name, store.pager().file(), memory, false, runCache)
                : null;
        t = new TxTable(name, info.def(), stored);
        tables.put(name, t);
        return t;
    }

    /** Runs {@code body}; a failure fails the transaction (it can then only be closed). */
    private <T> T guarded(IoBody<T> body) throws IOException {
        ensureOpen();
        try {
            return body.run();
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof IllegalArgumentException)) {
                failure = e instanceof RuntimeException ? (RuntimeException) e : new java.io.UncheckedIOException((IOException) e);
            }
            throw e;
        }
    }

    @FunctionalInterface
    private interface IoBody<T> {
        T run() throws IOException;
    }

    /**
     * Rebuilds every key index of {@code table} as one segment per constraint from its key columns
     * (merging the segments appends wrote), published with this transaction's commit. Costs one
     * read of the key columns.
     */
    public void reindex(String table) throws IOException {
        guarded(() -> {
            if (tables.containsKey(table)) {
                throw new IllegalStateException("table " + table + " was already used in this transaction");
            }
            TableInfo info = tx.table(table).orElseThrow(() -> new IllegalArgumentException("table " + table + " does not exist"));
            StoredTable stored = new StoredTable(snapshot, table, store.pager().file(), memory, true, runCache);
            TxTable t = new TxTable(table, info.def(), stored);
            tables.put(table, t);
            for (ConstraintSpec k : info.def().keyConstraints()) {
                t.pending(k);
            }
            return null;
        });
    }

    /**
     * Creates an empty table, visible to this
     * transaction at once and to others at commit.
     *
     * @throws IllegalArgumentException if the table exists, or its constraints break a rule of
     *                                  {@link ConstraintRules} (the message names each problem)
     */
    public void createTable(TableDef def) throws IOException {
        guarded(() -> {
            try (TableWriter w = tx.createTable(def, ColumnStoreWriteHints.estimate(def))) {
                w.commit();
            }
            tables.put(def.name(), new TxTable(def.name(), def, null));
            return null;
        });
    }

    /** Appends every row of {@code batch} to {@code table}; see {@link #append(String, VectorSchemaRoot, int, int)}. */
    public void append(String table, VectorSchemaRoot batch) throws IOException {
        append(table, batch, 0, batch.getRowCount());
    }

    /**
     * Appends rows {@code [offset, offset + length)} of {@code batch} to {@code table}, checking
     * their values and keys (see the class comment).
     *
     * @param batch columns named and typed as the table's, in table order (not retained)
     * @throws IllegalArgumentException  if there is no such table or the batch's schema does not match
     *                                   (the transaction stays usable)
     * @throws TableLoadException       on a constraint violation or a bad value; the
     *                                   transaction has failed
     * @throws IndexOutOfBoundsException if the range lies outside the batch
     * @throws IllegalStateException     if the transaction failed, was committed or closed
     * @throws IOException               on write failures; the transaction has failed
     */
    public void append(String table, VectorSchemaRoot batch, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, batch.getRowCount());
        TxTable t = table(table);
        guarded(() -> {
            openAppend(t, ColumnStoreWriteHints.estimate(t.def), false);
            if (offset == 0 && length == batch.getRowCount()) {
                t.open.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE));
            } else {
                try (VectorSchemaRoot slice = batch.slice(offset, length)) {
                    t.open.insert(new InsertSource.ArrowBatch(slice, RowOrigin.NONE));
                }
            }
            t.open.resolveSpilled(); // a spilled violation fails this append, as it would in memory
            return null;
        });
    }

    /**
     * The inserter of this unit of work's append to {@code table}, opened if needed, for loaders that
     * drive batches themselves ({@link BulkLoader}): insert through it, then {@link #commit()} this
     * unit (which commits the inserter); do not commit or close the inserter yourself.
     *
     * @param hints            chunk sizing of the appended row groups
     * @param concurrentChecks whether constraint checks run on a thread of their own beside the appends
     */
    public TableInserter appender(String table, ColumnStoreWriteHints hints, boolean concurrentChecks) throws IOException {
        TxTable t = table(table);
        return guarded(() -> openAppend(t, hints, concurrentChecks));
    }

    private TableInserter openAppend(TxTable t, ColumnStoreWriteHints hints, boolean concurrentChecks) throws IOException {
        if (t.open == null) {
            Map<String, AppendChecker.OwnKey> own = new LinkedHashMap<>();
            for (ConstraintSpec k : t.def.keyConstraints()) {
                KeyIndex stored = t.stored == null ? KeyIndex.of(keyTypes(t.def, k), List.of(), List.of())
                        : t.stored.segmentsOnly(k.name());
                own.put(k.name(), new AppendChecker.OwnKey(stored, t.pending(k)));
            }
            Map<String, AppendChecker.ParentKey> parents = new LinkedHashMap<>();
            for (ConstraintSpec fk : t.def.foreignKeys()) {
                TxTable p = fk.referencedTable().equals(t.name) ? t : table(fk.referencedTable());
                ConstraintSpec key = ConstraintRules.referencedKey(p.def, fk.referencedColumns());
                if (key == null) {
                    throw new IllegalStateException("FOREIGN KEY " + fk.name() + " of table " + t.name + " references "
                            + p.name + " (" + String.join(", ", fk.referencedColumns()) + "), which is not a PRIMARY KEY or UNIQUE");
                }
                List<String> childCols = new ArrayList<>();
                for (String kc : key.columns()) {
                    childCols.add(fk.columns().get(fk.referencedColumns().indexOf(kc)));
                }
                parents.put(fk.name(), new AppendChecker.ParentKey(childCols, () -> {
                    try {
                        return p.index(key);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, p::isDeleted, () -> p.pending.get(key.name())));
            }
            long[] base = {0};
            t.open = TableInserter.appendTo(tx, t.def, hints, (firstRowId, locator) -> {
                base[0] = firstRowId;
                return new AppendChecker(t.def, firstRowId, t::isDeleted, own, parents, locator, spill);
            }, concurrentChecks);
            for (ConstraintSpec fk : t.def.foreignKeys()) {
                AppendChecker.ParentKey parent = parents.get(fk.name());
                if (!t.appendedReferences.containsKey(fk.name()) && !t.referencesOverflowed.contains(fk.name())) {
                    t.appendedReferences.put(fk.name(), new KeyIndexWriter(keyTypes(t.def, parent.childColumnsInKeyOrder()),
                            appendedMemory(), 0));
                }
                t.open.addListener((def, root, firstRowId) -> {
                    KeyIndexWriter values = t.appendedReferences.get(fk.name());
                    if (values == null) {
                        return; // let go (see below)
                    }
                    try {
                        rememberReferences(values, parent.childColumnsInKeyOrder(), root, base[0] + firstRowId);
                    } catch (MemoryLimitException e) {
                        if (spill == null) {
                            throw e;
                        }
                        // only a delete of a referenced key in this transaction needs them: it is refused at commit
                        t.appendedReferences.remove(fk.name()).close();
                        t.referencesOverflowed.add(fk.name());
                    }
                });
            }
        }
        return t.open;
    }

    /**
     * Deletes the rows of {@code table} whose PRIMARY KEY is one of {@code keys} (one list of values
     * per key, in key column order; keys no live row holds are ignored).
     *
     * @return how many rows were deleted
     * @throws IllegalArgumentException if the table has no PRIMARY KEY or a value does not fit its column
     */
    public long deleteKeys(String table, List<List<Object>> keys) throws IOException {
        TxTable t = table(table);
        ConstraintSpec pk = t.def.primaryKey().orElseThrow(() -> new IllegalArgumentException("table " + table + " has no PRIMARY KEY"));
        try (VectorSchemaRoot root = ArrowValues.root(arrow, ArrowValues.columns(t.def, pk.columns()), keys)) {
            return delete(table, root);
        }
    }

    /**
     * Deletes the rows of {@code table} whose PRIMARY KEY is in {@code keys}: a batch holding the key
     * columns by name (other columns are ignored); keys no live row holds are ignored.
     *
     * @return how many rows were deleted
     * @throws IllegalStateException if keys this transaction appended to the table spilled to disk
     *                               (the transaction stays usable; commit the appends first)
     */
    public long delete(String table, VectorSchemaRoot keys) throws IOException {
        TxTable t = table(table);
        t.requireNotSpilled("delete rows of"); // before guarded: the transaction stays usable
        return guarded(() -> {
            ConstraintSpec pk = t.def.primaryKey().orElseThrow(() -> new IllegalArgumentException("table " + table + " has no PRIMARY KEY"));
            t.closeAppend();
            FieldVector[] cols = new FieldVector[pk.columns().size()];
            for (int c = 0; c < cols.length; c++) {
                cols[c] = keys.getVector(pk.columns().get(c));
                if (cols[c] == null) {
                    throw new IllegalArgumentException("key batch for table " + table + " has no column " + pk.columns().get(c));
                }
            }
            long[] rowIds = new long[keys.getRowCount()];
            t.index(pk).newFinder().find(cols, 0, rowIds.length, t::isDeleted, rowIds);
            Roaring64NavigableMap ids = new Roaring64NavigableMap();
            for (long r : rowIds) {
                if (r >= 0) {
                    ids.addLong(r);
                }
            }
            return deleteRowIds(t, ids);
        });
    }

    private long deleteRowIds(TxTable t, Roaring64NavigableMap ids) throws IOException {
        if (ids.isEmpty()) {
            return 0;
        }
        long[] arr = ids.toArray();
        tx.delete(t.name, arr);
        t.deleted.or(ids);
        return arr.length;
    }

    /**
     * Deletes the live rows of {@code table} that {@code filter} matches, among the rows committed
     * when this transaction began (rows appended by this transaction are not scanned).
     *
     * @param columns the columns {@code filter} reads
     * @param filter  given a row group's live rows of {@code columns}, whether each row matches
     * @return how many rows were deleted
     * @throws IllegalStateException if keys this transaction appended to the table spilled to disk
     *                               (the transaction stays usable; commit the appends first)
     */
    public long deleteWhere(String table, List<String> columns, Function<VectorSchemaRoot, boolean[]> filter) throws IOException {
        TxTable t = table(table);
        t.requireNotSpilled("delete rows of"); // before guarded: the transaction stays usable
        return guarded(() -> {
            t.closeAppend();
            Roaring64NavigableMap ids = new Roaring64NavigableMap();
            if (t.stored != null) {
                TableReader reader = t.stored.reader();
                List<String> cols = columns;
                for (String c : cols) {
                    if (t.def.columnIndex(c) < 0) {
                        throw new IllegalArgumentException("table " + table + " has no column " + c);
                    }
                }
                for (int g = 0; g < reader.rowGroupCount(); g++) {
                    long[] live = reader.liveRowIds(g);
                    try (VectorSchemaRoot rows = reader.readRowGroup(g, cols)) {
                        boolean[] m = filter.apply(rows);
                        for (int i = 0; i < m.length; i++) {
                            if (m[i] && !t.deleted.contains(live[i])) {
                                ids.addLong(live[i]);
                            }
                        }
                    }
                }
            }
            return deleteRowIds(t, ids);
        });
    }

    /**
     * Updates rows by key: deletes the live rows whose PRIMARY KEY is one of {@code rows}'s keys, then
     * appends {@code rows} (all columns), all in this transaction, keys checked again as for any append.
     *
     * @return how many rows were replaced (deleted); rows whose key was absent are inserted
     */
    public long update(String table, VectorSchemaRoot rows) throws IOException {
        long deleted = delete(table, rows);
        append(table, rows);
        return deleted;
    }

    /**
     * Drops {@code table} at commit.
     *
     * @throws IllegalArgumentException if there is no such table, or another table references it
     *                                  (naming the table and constraint)
     */
    public void drop(String table) throws IOException {
        guarded(() -> {
            TxTable t = tables.remove(table);
            if (t != null) {
                t.release();
            }
            tx.drop(table);
            return null;
        });
    }

    /**
     * Publishes every change with one commit: hands the open appends to the store, checks FOREIGN KEY
     * RESTRICT for the deleted keys, writes each touched key's index segment, and commits.
     *
     * @throws IllegalStateException        if the transaction failed, was committed or closed
     * @throws ConstraintViolationException if a deleted key is still referenced by a live child row
     *                                      (nothing is published; the transaction has failed)
     * @throws IOException                  if writing fails (nothing is published; the transaction has failed)
     */
    public void commit() throws IOException {
        guarded(() -> {
            for (TxTable t : tables.values()) {
                t.closeAppend();
            }
            for (TxTable t : tables.values()) {
                if (!t.deleted.isEmpty()) {
                    t.requireNotSpilled("delete rows of"); // deleted before the keys it appended later spilled
                    checkRestrict(t);
                }
            }
            for (TxTable t : tables.values()) {
                putIndexes(t);
            }
            tx.commit();
            return null;
        });
        ended = true;
        releaseAll();
        onCommit.run();
    }

    private void putIndexes(TxTable t) throws IOException {
        if (t.stored != null) {
            for (StoredTable.Index idx : t.stored.catchUp()) {
                t.pending(idx.key()); // persist what was indexed from the columns, even without appends
            }
        }
        for (Map.Entry<String, AppendedKeys> a : t.pending.entrySet()) {
            String constraint = a.getKey();
            long first = t.pendingFirst.get(constraint);
            if (a.getValue().isSpilled()) {
                // the writer holds the keys before the spill only: no segment for these rows, which a
                // later append or lookup indexes from the key columns (as after a lost index commit)
                continue;
            }
            Map.Entry<String, KeyIndexWriter> e = Map.entry(constraint, a.getValue().writer());
            if (e.getValue().size() == 0 && t.stored != null && first == t.stored.info().rowCount()) {
                e.getValue().finish();
                continue; // nothing appended
            }
            String name = StoredTable.segmentName(constraint, first);
            List<ByteBuffer> parts = null;
            if (t.stored != null && first == t.stored.info().rowCount()) {
                // rows appended above the stored sorted run's last key extend it: no index bytes
                StoredTable.Index idx = t.stored.index(constraint);
                if (!idx.segments().isEmpty()) {
                    int last = idx.segments().size() - 1;
                    parts = e.getValue().finishExtending(idx.segments().get(last));
                    if (parts != null) {
                        name = idx.segmentNames().get(last);
                        first = StoredTable.firstRowIdOf(name);
                    }
                }
            }
            if (parts == null) {
                parts = e.getValue().finish();
            }
            if (t.stored != null) {
                for (IndexInfo old : t.stored.info().indexes()) {
                    String oldName = old.name();
                    if (oldName.startsWith(StoredTable.PREFIX + constraint + "/")
                            && (old.stale() || Long.parseLong(oldName.substring(oldName.lastIndexOf('/') + 1)) >= first)) {
                        tx.removeIndex(t.name, oldName);
                    }
                }
            }
            tx.putIndex(t.name, name, parts);
        }
    }

    /**
     * FOREIGN KEY RESTRICT (NO ACTION timing) for the rows {@code t} deleted: every key of a deleted
     * committed row that no live row holds any more must not be referenced by a live row of a child.
     */
    private void checkRestrict(TxTable t) throws IOException {
        if (t.stored == null) {
            return;
        }
        for (String childName : tx.tableNames()) {
            TableDef child = tx.table(childName).orElseThrow().def();
            for (ConstraintSpec fk : child.foreignKeys()) {
                if (!fk.referencedTable().equals(t.name)) {
                    continue;
                }
                ConstraintSpec key = ConstraintRules.referencedKey(t.def, fk.referencedColumns());
                TxTable c = table(childName);
                KeyIndexWriter appended = c.appendedReferences.get(fk.name());
                try (KeyIndexWriter gone = goneKeys(t, key, fk, c, appended)) {
                    if (gone.size() == 0) {
                        continue;
                    }
                    if (c.referencesOverflowed.contains(fk.name())) {
                        throw new IllegalStateException("cannot check FOREIGN KEY " + fk.name() + " of table " + childName
                                + " for the keys of table " + t.name + " this transaction deleted: the values it appended to "
                                + childName + " did not fit the memory limit; delete and append in separate transactions,"
                                + " or raise the memory limit");
                    }
                    List<String> childCols = new ArrayList<>();
                    for (String kc : key.columns()) {
                        childCols.add(fk.columns().get(fk.referencedColumns().indexOf(kc)));
                    }
                    findReference(t, c, fk, key, childCols, KeyIndex.of(keyTypes(t.def, key), List.of(), List.of(gone)));
                }
            }
        }
    }

    /**
     * The keys of {@code key} of the committed rows {@code t} deleted that no live row holds any more;
     * throws if one of them is among the values {@code fk} of {@code child} appended in this
     * transaction ({@code appended}, null for none) by a row still live.
     */
    private KeyIndexWriter goneKeys(TxTable t, ConstraintSpec key, ConstraintSpec fk, TxTable child, KeyIndexWriter appended)
            throws IOException {
        KeyIndex.Finder appendedFinder = appended == null ? null
                : KeyIndex.of(appended.keyTypes(), List.of(), List.of(appended)).newFinder();
        long[] hit = new long[1];
        KeyIndexWriter gone = new KeyIndexWriter(keyTypes(t.def, key), memory, t.deleted.getLongCardinality());
        try {
            TableInfo info = t.stored.info();
            TableReader reader = t.stored.reader();
            KeyIndex.Finder live = t.index(key).newFinder();
            long committedRows = info.rowCount();
            for (int g = 0; g < info.rowGroups().size(); g++) {
                RowGroupInfo rg = info.rowGroups().get(g);
                long first = rg.firstRowId();
                long end = Math.min(first + rg.rowCount(), committedRows);
                long deletedBefore = first == 0 ? 0 : t.deleted.rankLong(first - 1);
                if (end <= first || t.deleted.rankLong(end - 1) == deletedBefore) {
                    continue; // no committed row of this group deleted here
                }
                try (VectorSchemaRoot rows = reader.readRowGroup(g, key.columns(), true)) {
                    FieldVector[] cols = new FieldVector[key.columns().size()];
                    for (int c = 0; c < cols.length; c++) {
                        cols[c] = rows.getVector(c);
                    }
                    long[] now = new long[rows.getRowCount()];
                    live.find(cols, 0, now.length, t::isDeleted, now);
                    for (int i = 0; i < now.length; i++) {
                        if (t.deleted.contains(first + i) && now[i] < 0 && !KeyVectors.anyNullAt(cols, i)) {
                            gone.add(cols, i, 1, first + i);
                            if (appendedFinder != null) {
                                appendedFinder.find(cols, i, 1, child::isDeleted, hit);
                                if (hit[0] >= 0) {
                                    List<Object> values = new ArrayList<>();
                                    for (FieldVector v : cols) {
                                        values.add(KeyVectors.value(v, i));
                                    }
                                    throw ConstraintViolationException.stillReferenced(fk, t.name, child.name, values, first + i);
                                }
                            }
                        }
                    }
                }
            }
            return gone;
        } catch (IOException | RuntimeException | Error e) {
            gone.close();
            throw e;
        }
    }

    /** Throws for the first live row of {@code c} whose {@code fk} value is in {@code gone}. */
    private void findReference(TxTable t, TxTable c, ConstraintSpec fk, ConstraintSpec key, List<String> childCols, KeyIndex gone)
            throws IOException {
        if (c.stored == null) {
            return; // a table created here: its rows were checked against the parent as they came
        }
        TableReader reader = c.stored.reader();
        KeyIndex.Finder f = gone.newFinder();
        for (int g = 0; g < reader.rowGroupCount(); g++) {
            long[] live = reader.liveRowIds(g);
            try (VectorSchemaRoot rows = reader.readRowGroup(g, childCols)) {
                FieldVector[] cols = new FieldVector[childCols.size()];
                for (int i = 0; i < cols.length; i++) {
                    cols[i] = rows.getVector(i);
                }
                long[] hit = new long[rows.getRowCount()];
                f.find(cols, 0, hit.length, r -> false, hit);
                for (int i = 0; i < hit.length; i++) {
                    if (hit[i] >= 0 && !c.deleted.contains(live[i])) {
                        List<Object> values = new ArrayList<>();
                        for (FieldVector v : cols) {
                            values.add(KeyVectors.value(v, i));
                        }
                        throw ConstraintViolationException.stillReferenced(fk, t.name, c.name, values, hit[i]);
                    }
                }
            }
        }
    }

    /** Whether {@link #commit()} succeeded. */
    public boolean isCommitted() {
        return tx.isCommitted();
    }

    private void releaseAll() {
        RuntimeException first = null;
        for (TxTable t : tables.values()) {
            try {
                t.release();
            } catch (RuntimeException e) {
                first = Failures.chain(first, e);
            }
        }
        tables.clear();
        if (appendedMemory != null) {
            try {
                appendedMemory.close();
            } catch (RuntimeException e) {
                first = Failures.chain(first, e);
            }
            appendedMemory = null;
        }
        if (spill != null && removeSpillDirectory) {
            try {
                spill.removeIfEmpty(); // made by a spill, if any; its files are gone with the appended keys
            } catch (IOException e) {
                java.io.UncheckedIOException u = new java.io.UncheckedIOException("cannot remove the spill directory " + spill.directory()
                        + ": " + e.getMessage(), e);
                first = Failures.chain(first, u);
            }
        }
        try {
            snapshot.close();
        } catch (RuntimeException e) {
            first = Failures.chain(first, e);
        }
        try {
            tx.close();
        } catch (RuntimeException e) {
            first = Failures.chain(first, e);
        }
        if (first != null) {
            throw first;
        }
    }

    /** Rolls back unless committed (nothing of the transaction is published); idempotent. */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        releaseAll();
    }

}
