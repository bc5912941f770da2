package dev.ingot;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.CompactionReport;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.ingest.UnitOfWork;
import dev.ingot.ingest.ddl.SchemaParseException;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.keys.KeyRunCache;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.memory.internal.Failures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * An Ingot database: the one entry point a JVM program embeds. It owns the store (one directory,
 * one file), Ingot's off-heap memory (key index writers, key sets) and the constraint state, and
 * hands out {@linkplain #begin() transactions} (append, delete, update, create, drop; atomic
 * commits), {@linkplain #lookup point lookups} by PRIMARY KEY or UNIQUE key through the persisted
 * key indexes, and {@linkplain #scan scans}.
 *
 * <pre>{@code
 * try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing());
 *      Transaction tx = db.begin()) {
 *     tx.append("accounts", batch);   // keys checked against the stored rows and this transaction's
 *     tx.commit();                    // one atomic, durable commit
 * }
 * }</pre>
 *
 * <p>Why the package {@code dev.ingot}: the API a user imports is these few classes
 * ({@code Ingot}, {@link IngotOptions}, {@link Transaction}, {@link RowFilter}, {@link Scan},
 * {@link Lookup}) and the definitions they take ({@link TableDef} ...); the loaders, sources and the
 * CLI stay in {@code dev.ingot.ingest}.
 *
 * <p><b>Opens</b>: one writer per store at a time (any process), any number of
 * {@linkplain #openReadOnly read-only} opens, which see the last commit as of their open until
 * {@link #refresh()}.
 *
 * <p>Thread-safety: thread-safe. Transactions run one at a time ({@link #begin()} waits); lookups
 * and scans may run from any thread, beside a transaction, and see the last commit (lookups are
 * serialized on this object). Each {@link Transaction} and {@link Scan} is used by one thread.
 *
 * <p>Ownership: the caller closes it, after closing its transactions; results
 * ({@link VectorSchemaRoot}s, {@link Lookup}s) belong to the caller, allocated from
 * {@link #allocator()}.
 */
public final class Ingot implements AutoCloseable {
    private final ColumnStore store;
    private final NativeAllocator memory;
    /** Decoded keys of sorted runs, shared by the transactions of this store (lookups search the encoded chunks). */
    private final KeyRunCache runCache = new KeyRunCache();
    /** The snapshot lookups read, with each table's key indexes; null until needed; guarded by this. */
    private ReadView view;
    private volatile boolean closed;

    private final class ReadView implements AutoCloseable {
        final StoreSnapshot snapshot = store.snapshot();
        final Map<String, StoredTable> tables = new HashMap<>();
        /** The single-key lookups' scratch, by table and constraint name. */
        final Map<String, Map<String, PointLookup>> points = new HashMap<>();

        PointLookup point(String table, String constraint) throws IOException {
            Map<String, PointLookup> byConstraint = points.get(table);
            PointLookup p = byConstraint == null ? null : byConstraint.get(constraint);
            if (p == null) {
                StoredTable t = table(table);
                ConstraintSpec k = keyConstraint(t.info().def(), constraint);
                p = new PointLookup(t, k, t.keyIndex(constraint, null));
                points.computeIfAbsent(table, x -> new HashMap<>()).put(constraint, p);
            }
            return p;
        }

        StoredTable table(String name) throws IOException {
            StoredTable t = tables.get(name);
            if (t == null) {
                if (snapshot.table(name).isEmpty()) {
                    throw new IllegalArgumentException("table " + name + " does not exist");
                }
                // lookups search sorted runs in the encoded key chunks: no row group is decoded for them
                t = new StoredTable(snapshot, name, store.pager().file(), memory, false, null);
                tables.put(name, t);
            }
            return t;
        }

        @Override
        public void close() {
            for (Map<String, PointLookup> byConstraint : points.values()) {
                for (PointLookup p : byConstraint.values()) {
                    p.close();
                }
            }
            points.clear();
            for (StoredTable t : tables.values()) {
                t.close();
            }
            tables.clear();
            snapshot.close();
        }
    }

    /**
     * What {@link #lookupBy(String, String, Object...)} keeps between calls for one key constraint
     * of one table of the read view, so that a warm lookup allocates no Arrow vector: a one-row
     * root of the key columns, the index's probe handle and a one-row root of the table's columns
     * that each hit is read into. Guarded by the Ingot (lookups are serialized); closed with the view.
     */
    private final class PointLookup implements AutoCloseable {
        private final StoredTable table;
        private final VectorSchemaRoot key;
        private final FieldVector[] keyColumns;
        private final KeyIndex.Finder finder;
        private final java.util.function.LongPredicate deleted;
        private final long[] rowId = new long[1];
        /** The table's columns of the last hit; null until the first hit. */
        private VectorSchemaRoot row;

        PointLookup(StoredTable table, ConstraintSpec constraint, KeyIndex index) {
            this.table = table;
            this.key = ArrowValues.root(allocator(), ArrowValues.columns(table.info().def(), constraint.columns()), List.of());
            this.keyColumns = key.getFieldVectors().toArray(new FieldVector[0]);
            this.finder = index.newFinder();
            this.deleted = table.deleted();
        }

        /** The live row with key {@code values} as a new map of Java values, or empty. */
        Optional<Map<String, Object>> find(Object[] values) throws IOException {
            ArrowValues.setRow(key, 0, java.util.Arrays.asList(values));
            key.setRowCount(1);
            finder.find(keyColumns, 0, 1, deleted, rowId);
            if (rowId[0] < 0) {
                return Optional.empty();
            }
            if (row == null) {
                row = table.reader().readRows(rowId, null);
            } else {
                table.reader().readRows(rowId, null, row);
            }
            return Optional.of(ArrowValues.row(row, 0));
        }

        @Override
        public void close() {
            try {
                key.close();
            } finally {
                if (row != null) {
                    row.close();
                }
            }
        }
    }

    private Ingot(ColumnStore store, NativeAllocator memory) {
        this.store = store;
        this.memory = memory;
    }

    /**
     * Opens the database in {@code directory} for writing (creating it with
     * {@link IngotOptions#createIfMissing()}).
     *
     * @throws dev.ingot.pager.StoreNotFoundException if there is no store and the options do not create one
     * @throws dev.ingot.pager.StoreLockedException   if another writer has it open
     * @throws dev.ingot.pager.StoreCorruptedException if the store is damaged (naming file and offset)
     * @throws IOException on other I/O failures; nothing is left open
     */
    public static Ingot open(Path directory, IngotOptions options) throws IOException {
        // temporary files of a load that was killed (only Ingot's own spill files are removed)
        dev.ingot.constraints.spill.SpillDirectory.removeStale(directory.resolve(dev.ingot.constraints.spill.SpillDirectory.DEFAULT_NAME));
        ColumnStore store = options.create() ? ColumnStore.openOrCreate(directory) : ColumnStore.open(directory);
        return wrap(store, options);
    }

    /** Opens the database in {@code directory} read-only: never writes a byte; transactions are refused. */
    public static Ingot openReadOnly(Path directory, IngotOptions options) throws IOException {
        return wrap(ColumnStore.openReadOnly(directory), options);
    }

    private static Ingot wrap(ColumnStore store, IngotOptions options) throws IOException {
        try {
            return new Ingot(store, NativeAllocator.root("ingot", options.memoryLimitBytes()));
        } catch (RuntimeException | Error e) {
            try {
                store.close();
            } catch (IOException | RuntimeException s) {
                e.addSuppressed(s);
            }
            throw e;
        }
    }

    /** The store underneath (owned by this database; do not close). */
    public ColumnStore store() {
        return store;
    }

    /** The Arrow allocator results are allocated from (owned by the store). */
    public BufferAllocator allocator() {
        return store.allocator();
    }

    NativeAllocator memory() {
        return memory;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Ingot database " + store.directory() + " is closed");
        }
    }

    /** The committed table {@code name}'s definition, if any. */
    public Optional<TableDef> table(String name) {
        return store.table(name).map(TableInfo::def);
    }

    /** The names of the committed tables, in commit order. */
    public List<String> tableNames() {
        return store.tables().stream().map(TableInfo::name).toList();
    }

    /**
     * Begins a transaction (waits while another thread's is open).
     *
     * @throws IllegalStateException if the database is read-only or closed, or this thread has a transaction open
     */
    public Transaction begin() {
        ensureOpen();
        return new Transaction(new UnitOfWork(store, memory, allocator(), this::committed, runCache,
                new SpillDirectory(store.directory().resolve(SpillDirectory.DEFAULT_NAME)), true));
    }

    /** Creates an empty table in its own transaction. */
    public void createTable(TableDef def) throws IOException {
        try (Transaction tx = begin()) {
            tx.createTable(def);
            tx.commit();
        }
    }

    /**
     * Parses {@code CREATE TABLE} statements (the DDL of {@code ingot create}; tables may reference
     * committed ones and each other).
     *
     * @throws SchemaParseException naming the statement, line and column of the first error
     */
    public List<TableDef> parseDdl(String ddl) throws SchemaParseException {
        return SqlSchema.parse(ddl, "DDL", this::table);
    }

    /** Creates the tables of {@code ddl} (see {@link #parseDdl}), all in one transaction. */
    public List<TableDef> createTables(String ddl) throws IOException {
        List<TableDef> defs = parseDdl(ddl);
        try (Transaction tx = begin()) {
            for (TableDef d : defs) {
                tx.createTable(d);
            }
            tx.commit();
        }
        return defs;
    }

    /** Drops {@code table} in its own transaction (refused while another table references it). */
    public void drop(String table) throws IOException {
        try (Transaction tx = begin()) {
            tx.drop(table);
            tx.commit();
        }
    }

    /**
     * A new batch of {@code table}'s schema holding {@code rows} (one list of values per row, in
     * column order, Java types as {@link ArrowValues} takes them), for {@link Transaction#append}
     * and {@link Transaction#update}; the caller closes it. Row-at-a-time convenience: large loads
     * fill the vectors directly.
     *
     * @throws IllegalArgumentException if there is no such table or a value does not fit its column
     */
    public VectorSchemaRoot batch(String table, List<List<Object>> rows) {
        TableDef def = table(table).orElseThrow(() -> new IllegalArgumentException("table " + table + " does not exist"));
        return ArrowValues.root(allocator(), def.columns(), rows);
    }

    /** A scan of {@code table}'s live rows, as of the last commit when the scan starts. */
    public Scan scan(String table) {
        ensureOpen();
        return new Scan(this, table);
    }

    /**
     * The live row of {@code table} whose PRIMARY KEY is {@code key} (values in key column order), as
     * a map from column name to value (Java types of {@link ArrowValues}).
     *
     * @throws IllegalArgumentException if there is no such table, it has no PRIMARY KEY, or the key
     *                                  does not fit its columns
     */
    public Optional<Map<String, Object>> lookup(String table, Object... key) throws IOException {
        TableDef def = table(table).orElseThrow(() -> new IllegalArgumentException("table " + table + " does not exist"));
        ConstraintSpec pk = def.primaryKey().orElseThrow(() -> new IllegalArgumentException("table " + table + " has no PRIMARY KEY"));
        return lookupBy(table, pk.name(), key);
    }

    /**
     * As {@link #lookup(String, Object...)} by the PRIMARY KEY or UNIQUE constraint {@code constraint}.
     * A key with a NULL value finds no row.
     *
     * <p>Ownership: the map and its values are new objects of the caller's, which later lookups
     * never change; the Arrow vectors the row is read through are kept by this Ingot between calls
     * (a one-row root per table and key constraint, until the next commit) and are not handed out.
     */
    public synchronized Optional<Map<String, Object>> lookupBy(String table, String constraint, Object... key) throws IOException {
        return view().point(table, constraint).find(key);
    }

    /** The read view of the last commit, opened when needed. */
    private ReadView view() {
        ensureOpen();
        if (view == null) {
            view = new ReadView();
        }
        return view;
    }

    private static ConstraintSpec keyConstraint(TableDef def, String constraint) {
        return def.keyConstraints().stream().filter(c -> c.name().equals(constraint)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + def.name() + " has no PRIMARY KEY or UNIQUE constraint " + constraint));
    }

    /**
     * Batched lookup: for each row of {@code keys} (holding the key columns of {@code constraint} by
     * name), the live row of {@code table} with that key. A miss costs a probe of the index
     * partitions (no chunk is read); each hit is read by random access into its chunks
     * ({@link dev.ingot.columnstore.TableReader#readRows}).
     *
     * @param columns the columns to return (null = all, in table order)
     * @return one result row per key row, in order, all NULL where absent; the caller closes it
     */
    public synchronized Lookup lookup(String table, String constraint, VectorSchemaRoot keys, List<String> columns) throws IOException {
        StoredTable t = view().table(table);
        TableDef def = t.info().def();
        ConstraintSpec k = keyConstraint(def, constraint);
        FieldVector[] cols = new FieldVector[k.columns().size()];
        for (int c = 0; c < cols.length; c++) {
            cols[c] = keys.getVector(k.columns().get(c));
            if (cols[c] == null) {
                throw new IllegalArgumentException("key batch for " + constraint + " of table " + table + " has no column " + k.columns().get(c));
            }
        }
        int n = keys.getRowCount();
        long[] rowIds = new long[n];
        KeyIndex index = t.keyIndex(constraint, null);
        index.newFinder().find(cols, 0, n, t::isDeleted, rowIds);
        List<String> names = columns == null ? def.columns().stream().map(ColumnDef::name).toList() : List.copyOf(columns);
        org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(
                ArrowValues.columns(def, names).stream().map(ColumnDef::arrowField).toList());
        int hits = 0;
        for (long id : rowIds) {
            hits += id >= 0 ? 1 : 0;
        }
        if (hits == n && n > 0) { // every key found: the point read is the answer, in key order
            return new Lookup(t.reader().readRows(rowIds, names), rowIds);
        }
        VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator());
        // the hits are read by row id (random access into their chunks), then placed in key order
        long[] hitIds = new long[hits];
        int[] hitOf = new int[n];
        for (int i = 0, h = 0; i < n; i++) {
            if (rowIds[i] >= 0) {
                hitOf[i] = h;
                hitIds[h++] = rowIds[i];
            }
        }
        try (VectorSchemaRoot found = hits == 0 ? null : t.reader().readRows(hitIds, names)) {
            out.allocateNew();
            for (int c = 0; c < names.size(); c++) {
                FieldVector v = out.getVector(c);
                for (int i = 0; i < n; i++) {
                    if (rowIds[i] < 0) {
                        v.setNull(i);
                    } else {
                        v.copyFromSafe(hitOf[i], i, found.getVector(c));
                    }
                }
                v.setValueCount(n);
            }
            out.setRowCount(n);
            return new Lookup(out, rowIds);
        } catch (IOException | RuntimeException | Error e) {
            out.close();
            throw e;
        }
    }

    /** A transaction committed: lookups move to the new commit. */
    synchronized void committed() {
        if (view != null) {
            view.close();
            view = null;
        }
    }

    /**
     * For a read-only database, moves to the newest commit in the file.
     *
     * @return whether a newer commit was loaded
     */
    public boolean refresh() throws IOException {
        boolean newer = store.refresh();
        if (newer) {
            committed();
        }
        return newer;
    }

    /**
     * Compacts the store: rewrites tables without their deleted rows and gives the space back
     * ({@link ColumnStore#compact()}), then rebuilds every key index as one segment per constraint
     * (merging the segments appends wrote) in one transaction. Refused while a transaction, scan or
     * snapshot of this process is open.
     *
     * @return what the column store's compaction did
     */
    public synchronized CompactionReport compact() throws IOException {
        ensureOpen();
        committed(); // the lookup view is a snapshot: compaction needs none open
        CompactionReport report = store.compact();
        try (Transaction tx = begin()) {
            for (TableInfo t : store.tables()) {
                if (!t.def().keyConstraints().isEmpty()) {
                    tx.reindex(t.name());
                }
            }
            tx.commit();
        }
        return report;
    }

    /**
     * Closes the lookup view, the store and Ingot's memory (which must be free: transactions closed); idempotent.
     *
     * <p>The store file's mapped segments are not unmapped here: the garbage collector unmaps each
     * once no view of it is left (unmapping one still viewed would crash the JVM; see the pager's
     * lifetimes). Until then a store file deleted after close keeps its disk space; a process that
     * deletes a store it has just closed and needs the space at once can request a collection
     * ({@link System#gc()}).
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Throwable failure = null;
        try {
            committed();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            store.close();
        } catch (IOException | RuntimeException e) {
            failure = Failures.chain(failure, e);
        }
        try {
            memory.close();
        } catch (RuntimeException e) {
            failure = Failures.chain(failure, e);
        }
        if (failure instanceof IOException) {
            throw (IOException) failure;
        }
        if (failure instanceof RuntimeException) {
            throw (RuntimeException) failure;
        }
    }

    @Override
    public String toString() {
        return "Ingot[" + store.directory() + (store.readOnly() ? ", read-only]" : "]");
    }
}
