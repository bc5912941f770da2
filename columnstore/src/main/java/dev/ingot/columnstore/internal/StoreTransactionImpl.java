package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.memory.internal.Failures;
import dev.ingot.pager.PagerWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * {@link StoreTransaction} implementation. Keeps the transaction's version of every table it
 * touched ({@link #working}), the names it created and dropped, the blobs it put (freed on
 * abort, or at once when a later change of the same transaction replaces them) and the committed
 * blobs its changes replace (retired by the commit, freed once no older snapshot reads them).
 * Deletion vectors and index parts are put when {@link #delete}/{@link #putIndex} is called;
 * chunks are put by the writers. {@link #commit()} is one {@link ColumnStoreImpl#publish}.
 *
 * <p>Thread-safety: not thread-safe, except that its writers report their end from their own threads
 * (guarded by this object's monitor).
 */
final class StoreTransactionImpl implements StoreTransaction, TableWriterImpl.Owner {
    private enum State { OPEN, COMMITTED, ABORTED }

    private final ColumnStoreImpl store;
    private final PagerWriter pagerWriter;
    private final Thread owner;
    /** The transaction's version of each table it touched (created ones included; dropped ones removed). */
    private final Map<String, TableInfo> working = new LinkedHashMap<>();
    private final Set<String> created = new LinkedHashSet<>();
    private final Set<String> dropped = new LinkedHashSet<>();
    /** Blobs this transaction put that are still referenced by its working versions. */
    private final Set<Long> ownBlobs = new HashSet<>();
    /** Committed blobs the transaction's changes no longer reference. */
    private final List<Long> replaced = new ArrayList<>();
    /** Writers not yet ended, by table name. */
    private final Map<String, TableWriterImpl> writers = new LinkedHashMap<>();
    private final Map<TableWriterImpl, Boolean> allWriters = new IdentityHashMap<>();
    private State state = State.OPEN;

    StoreTransactionImpl(ColumnStoreImpl store, PagerWriter pagerWriter) {
        this.store = store;
        this.pagerWriter = pagerWriter;
        this.owner = Thread.currentThread();
    }

    Thread owner() {
        return owner;
    }

    @Override
    public ColumnStore store() {
        return store;
    }

    private void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("transaction of " + store.directory() + " is " + (state == State.COMMITTED ? "committed" : "closed"));
        }
        store.ensureOpen();
    }

    /** The table as this transaction sees it, or null. Takes the committed version on first touch. */
    private TableInfo view(String name) {
        if (dropped.contains(name) && !working.containsKey(name)) {
            return null;
        }
        TableInfo w = working.get(name);
        return w != null ? w : store.catalog().tables().get(name);
    }

    /**
     * Reserves the existing table {@code name} against loads outside this transaction and returns
     * the transaction's version of it.
     */
    private TableInfo touch(String name, String action) {
        synchronized (store.commitLock()) {
            TableInfo t = view(name);
            if (t == null) {
                throw new IllegalArgumentException("cannot " + action + " table " + name + ": no such table");
            }
            if (!working.containsKey(name)) {
                if (store.loading().containsKey(name)) {
                    throw new IllegalStateException("cannot " + action + " table " + name + ": a load of it outside this transaction is in progress");
                }
                store.reservedByTransaction().add(name);
                working.put(name, t);
            }
            return t;
        }
    }

    private void ensureNoWriter(String name, String action) {
        synchronized (this) {
            if (writers.containsKey(name)) {
                throw new IllegalStateException("cannot " + action + " table " + name + ": a writer of it is open in this transaction");
            }
        }
    }

    @Override
    public TableWriter createTable(TableDef def, ColumnStoreWriteHints hints) {
        if (def == null || hints == null) {
            throw new IllegalArgumentException("def and hints are required");
        }
        ensureOpen();
        synchronized (store.commitLock()) {
            String name = def.name();
            if (view(name) != null) {
                throw new IllegalArgumentException("table " + name + " already exists");
            }
            if (store.loading().containsKey(name)) {
                throw new IllegalArgumentException("a load of table " + name + " is already in progress");
            }
            ensureNoWriter(name, "create");
            List<TableDef> known = new ArrayList<>();
            for (String n : tableNames()) {
                known.add(view(n).def());
            }
            for (Map.Entry<String, TableDef> e : store.loading().entrySet()) {
                if (!created.contains(e.getKey())) {
                    known.add(e.getValue());
                }
            }
            List<ConstraintRules.Problem> problems = ConstraintRules.checkAdded(List.of(def), known, Set.of());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("cannot define table " + name + ": " + ConstraintRules.describe(problems));
            }
            store.loading().put(name, def);
            created.add(name);
        }
        return openWriter(def, hints, 0);
    }

    private TableWriterImpl openWriter(TableDef def, ColumnStoreWriteHints hints, long firstRowId) {
        TableWriterImpl w = store.newWriter(this, def, hints, firstRowId);
        synchronized (this) {
            writers.put(def.name(), w);
            allWriters.put(w, Boolean.TRUE);
        }
        return w;
    }

    @Override
    public TableWriter append(String table, ColumnStoreWriteHints hints) {
        if (hints == null) {
            throw new IllegalArgumentException("hints are required");
        }
        ensureOpen();
        ensureNoWriter(table, "append to");
        TableInfo t = touch(table, "append to");
        return openWriter(t.def(), hints, t.rowCount());
    }

    /** Called by a writer's {@code commit()}: its row groups join the table's working version. */
    @Override
    public void writerFinished(TableWriterImpl writer, TableInfo rows) {
        ensureOpen();
        String name = writer.def().name();
        synchronized (this) {
            if (writers.get(name) != writer) {
                throw new IllegalStateException("writer of table " + name + " does not belong to this transaction's open writers");
            }
        }
        synchronized (store.commitLock()) {
            TableInfo current = working.get(name);
            TableInfo next;
            if (current == null) { // a table created in this transaction
                next = rows;
            } else {
                List<RowGroupInfo> groups = new ArrayList<>(current.rowGroups());
                groups.addAll(rows.rowGroups());
                next = new TableInfo(current.def(), rows.rowCount(), Math.max(current.chunkRows(), rows.chunkRows()), groups,
                        current.indexes());
            }
            for (RowGroupInfo g : rows.rowGroups()) {
                for (long k : g.chunkKeys()) {
                    ownBlobs.add(k);
                }
            }
            working.put(name, next);
        }
        synchronized (this) {
            writers.remove(name);
        }
    }

    /** Called by a writer when it is committed or aborted. */
    @Override
    public void writerClosed(TableWriterImpl writer) {
        String name = writer.def().name();
        boolean abortedCreate;
        synchronized (this) {
            allWriters.remove(writer);
            abortedCreate = writers.get(name) == writer && created.contains(name) && !working.containsKey(name);
            if (writers.get(name) == writer) {
                writers.remove(name);
            }
        }
        if (abortedCreate) {
            synchronized (store.commitLock()) {
                created.remove(name);
                store.loading().remove(name);
            }
        }
    }

    @Override
    public long delete(String table, long... rowIds) throws IOException {
        if (rowIds == null) {
            throw new IllegalArgumentException("rowIds is null");
        }
        ensureOpen();
        ensureNoWriter(table, "delete from");
        TableInfo t = touch(table, "delete from");
        if (rowIds.length == 0) {
            return 0;
        }
        // group the row ids by row group, refusing bad ones before anything changes
        TreeMap<Integer, RoaringBitmap> byGroup = new TreeMap<>();
        for (long id : rowIds) {
            if (id < 0 || id >= t.rowCount()) {
                throw new IllegalArgumentException("cannot delete row id " + id + " of table " + table + ": outside [0, "
                        + t.rowCount() + ")");
            }
            int g = t.rowGroupOf(id);
            int pos = (int) (id - t.rowGroups().get(g).firstRowId());
            if (!byGroup.computeIfAbsent(g, x -> new RoaringBitmap()).checkedAdd(pos)) {
                throw new IllegalArgumentException("cannot delete row id " + id + " of table " + table + ": listed twice");
            }
        }
        Map<Integer, RoaringBitmap> merged = new LinkedHashMap<>();
        for (Map.Entry<Integer, RoaringBitmap> e : byGroup.entrySet()) {
            int g = e.getKey();
            RowGroupInfo group = t.rowGroups().get(g);
            RoaringBitmap old = group.hasDeletions() ? TableReaderImpl.readDeletionVector(store.pager(), t, g) : new RoaringBitmap();
            if (RoaringBitmap.intersects(old, e.getValue())) {
                int pos = RoaringBitmap.and(old, e.getValue()).first();
                throw new IllegalArgumentException("cannot delete row id " + (group.firstRowId() + pos) + " of table " + table
                        + ": already deleted");
            }
            merged.put(g, RoaringBitmap.or(old, e.getValue()));
        }
        // put the new vectors, then switch the working version to them
        List<RowGroupInfo> groups = new ArrayList<>(t.rowGroups());
        long[] keys = new long[merged.size()];
        int n = 0;
        try {
            for (Map.Entry<Integer, RoaringBitmap> e : merged.entrySet()) {
                RowGroupInfo group = groups.get(e.getKey());
                ByteBuffer blob = DeletionVectorCodec.encode(e.getValue(), group.rowCount());
                long key = pagerWriter.nextKey();
                pagerWriter.put(key, blob);
                keys[n++] = key;
                groups.set(e.getKey(), group.withDeletions(key, e.getValue().getCardinality()));
            }
        } catch (IOException | RuntimeException | Error ex) {
            for (int i = 0; i < n; i++) {
                pagerWriter.free(keys[i]);
            }
            throw ex;
        }
        synchronized (store.commitLock()) {
            for (int g : merged.keySet()) {
                RowGroupInfo before = t.rowGroups().get(g);
                if (before.hasDeletions()) {
                    release(before.deletionKey());
                }
            }
            for (int i = 0; i < n; i++) {
                ownBlobs.add(keys[i]);
            }
            working.put(table, new TableInfo(t.def(), t.rowCount(), t.chunkRows(), groups, t.indexes()));
        }
        return rowIds.length;
    }

    /** A blob no longer referenced by the working versions: freed now if this transaction put it, else retired at commit. */
    private void release(long key) {
        if (ownBlobs.remove(key)) {
            pagerWriter.free(key);
        } else {
            replaced.add(key);
        }
    }

    @Override
    public void drop(String table) {
        ensureOpen();
        ensureNoWriter(table, "drop");
        synchronized (store.commitLock()) {
            TableInfo t = view(table);
            if (t == null) {
                throw new IllegalArgumentException("cannot drop table " + table + ": no such table");
            }
            List<TableDef> others = new ArrayList<>();
            for (String n : tableNames()) {
                if (!n.equals(table)) {
                    others.add(view(n).def());
                }
            }
            for (Map.Entry<String, TableDef> e : store.loading().entrySet()) {
                if (!created.contains(e.getKey()) && !e.getKey().equals(table)) {
                    others.add(e.getValue());
                }
            }
            for (TableDef d : others) {
                for (ConstraintSpec k : d.constraints()) {
                    if (k.kind() == ConstraintSpec.Kind.FOREIGN_KEY && table.equals(k.referencedTable())) {
                        throw new IllegalArgumentException("cannot drop table " + table + ": table " + d.name()
                                + " references it (foreign key " + k.name() + ")");
                    }
                }
            }
            touch(table, "drop");
            for (long k : ColumnStoreImpl.keysOf(t)) {
                release(k);
            }
            working.remove(table);
            if (created.remove(table)) {
                store.loading().remove(table);
            } else {
                dropped.add(table);
            }
        }
    }

    @Override
    public void putIndex(String table, String name, List<ByteBuffer> parts) throws IOException {
        checkIndexName(name);
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("index " + name + " of table " + table + " has no parts");
        }
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i) == null) {
                throw new IllegalArgumentException("index " + name + " of table " + table + ": part " + i + " is null");
            }
        }
        java.util.Iterator<ByteBuffer> it = parts.iterator();
        putIndex(table, name, () -> it.hasNext() ? it.next() : null);
    }

    @Override
    public void putIndex(String table, String name, IndexParts parts) throws IOException {
        checkIndexName(name);
        java.util.Objects.requireNonNull(parts, "parts");
        TableInfo t = touch(table, "index");
        long[] keys = new long[8];
        int n = 0;
        try {
            for (ByteBuffer part = parts.next(); part != null; part = parts.next()) {
                long key = pagerWriter.nextKey();
                pagerWriter.put(key, part);
                if (n == keys.length) {
                    keys = java.util.Arrays.copyOf(keys, 2 * n);
                }
                keys[n++] = key;
            }
            if (n == 0) {
                throw new IllegalArgumentException("index " + name + " of table " + table + " has no parts");
            }
        } catch (IOException | RuntimeException | Error e) {
            for (int i = 0; i < n; i++) {
                pagerWriter.free(keys[i]);
            }
            throw e;
        }
        keys = java.util.Arrays.copyOf(keys, n);
        synchronized (store.commitLock()) {
            t = working.get(table);
            List<IndexInfo> indexes = withoutIndex(t, name);
            indexes.add(new IndexInfo(name, keys, t.rowCount(), false));
            indexes.sort((a, b) -> a.name().compareTo(b.name()));
            for (long k : keys) {
                ownBlobs.add(k);
            }
            working.put(table, new TableInfo(t.def(), t.rowCount(), t.chunkRows(), t.rowGroups(), indexes));
        }
    }

    private void checkIndexName(String name) {
        ensureOpen();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an index needs a name");
        }
    }

    @Override
    public boolean removeIndex(String table, String name) {
        ensureOpen();
        TableInfo t = view(table);
        if (t == null) {
            throw new IllegalStateException("cannot remove index " + name + " of table " + table + ": no such table");
        }
        if (t.index(name).isEmpty()) {
            return false;
        }
        t = touch(table, "index");
        synchronized (store.commitLock()) {
            working.put(table, new TableInfo(t.def(), t.rowCount(), t.chunkRows(), t.rowGroups(), withoutIndex(t, name)));
        }
        return true;
    }

    /** {@code t}'s indexes but {@code name}, whose blobs are released. Caller holds the commit lock. */
    private List<IndexInfo> withoutIndex(TableInfo t, String name) {
        List<IndexInfo> indexes = new ArrayList<>();
        for (IndexInfo i : t.indexes()) {
            if (i.name().equals(name)) {
                for (long k : i.partKeys()) {
                    release(k);
                }
            } else {
                indexes.add(i);
            }
        }
        return indexes;
    }

    @Override
    public Optional<TableInfo> table(String name) {
        synchronized (store.commitLock()) {
            return Optional.ofNullable(view(name));
        }
    }

    @Override
    public List<String> tableNames() {
        synchronized (store.commitLock()) {
            List<String> names = new ArrayList<>();
            for (String n : store.catalog().tables().keySet()) {
                if (!dropped.contains(n) || working.containsKey(n)) {
                    names.add(n);
                }
            }
            for (String n : working.keySet()) {
                if (!names.contains(n)) {
                    names.add(n);
                }
            }
            return names;
        }
    }

    @Override
    public void commit() throws IOException {
        ensureOpen();
        synchronized (this) {
            if (!writers.isEmpty()) {
                throw new IllegalStateException("cannot commit the transaction: the writer of table " + writers.keySet().iterator().next()
                        + " is still open (commit or close it first)");
            }
        }
        synchronized (store.commitLock()) {
            Map<String, TableInfo> committed = store.catalog().tables();
            // tables created here commit only against committed referenced tables
            List<TableDef> createdDefs = new ArrayList<>();
            for (String n : created) {
                if (working.containsKey(n)) {
                    createdDefs.add(working.get(n).def());
                }
            }
            if (!createdDefs.isEmpty()) {
                List<TableDef> others = new ArrayList<>();
                for (Map.Entry<String, TableInfo> e : committed.entrySet()) {
                    if (!dropped.contains(e.getKey()) && !created.contains(e.getKey())) {
                        others.add(e.getValue().def());
                    }
                }
                Set<String> uncommitted = new HashSet<>(store.loading().keySet());
                uncommitted.removeAll(created);
                List<ConstraintRules.Problem> problems = ConstraintRules.checkAdded(createdDefs, others, uncommitted);
                if (!problems.isEmpty()) {
                    throw new IllegalStateException("cannot commit the transaction: " + ConstraintRules.describe(problems));
                }
            }
            Map<String, TableInfo> tables = new LinkedHashMap<>(committed);
            for (String n : dropped) {
                tables.remove(n);
            }
            for (Map.Entry<String, TableInfo> e : working.entrySet()) {
                tables.put(e.getKey(), e.getValue());
            }
            long[] retire = replaced.stream().mapToLong(Long::longValue).toArray();
            store.publish(tables, retire);
            state = State.COMMITTED;
            ownBlobs.clear();
            endLocked();
        }
    }

    @Override
    public boolean isCommitted() {
        return state == State.COMMITTED;
    }

    /** Releases the reservations. Caller holds the commit lock. */
    private void endLocked() {
        for (String n : created) {
            store.loading().remove(n);
        }
        store.reservedByTransaction().removeAll(working.keySet());
        store.reservedByTransaction().removeAll(dropped);
        store.transactionEnded(this);
    }

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        List<TableWriterImpl> open;
        synchronized (this) {
            open = new ArrayList<>(allWriters.keySet());
        }
        RuntimeException failure = null;
        for (TableWriterImpl w : open) {
            try {
                w.close();
            } catch (RuntimeException e) {
                failure = Failures.chain(failure, e);
            }
        }
        synchronized (store.commitLock()) {
            state = State.ABORTED;
            try {
                for (long k : ownBlobs) {
                    pagerWriter.free(k);
                }
            } catch (RuntimeException e) {
                failure = Failures.chain(failure, e);
            }
            ownBlobs.clear();
            endLocked();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "StoreTransaction[" + store.directory() + ", " + state + ", touched " + working.keySet() + ", dropped " + dropped
                + ", created " + created + "]";
    }
}
