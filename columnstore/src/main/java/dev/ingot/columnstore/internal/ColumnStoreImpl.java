package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.CompactionReport;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.memory.internal.Failures;
import dev.ingot.pager.BlobView;
import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import dev.ingot.pager.StoreNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@link ColumnStore} implementation. The committed catalog is an immutable snapshot in a
 * volatile field, replaced under {@link #commitLock} together with the pager commit that makes
 * it durable; loads in progress are tracked by name under the same lock.
 *
 * <p>Commit protocol ({@link #publish}): encode the new catalog, put it under a fresh key, point
 * root slot 0 at it, {@code pager.commit()}; only then swap the in-memory snapshot and retire the
 * previous catalog blob and every blob the new version no longer references. If any step fails,
 * root slot 0 is pointed back at the previous catalog and the new blob is freed, so neither
 * memory nor disk changes.
 *
 * <p>Snapshots and deferred frees: every reader and {@link StoreSnapshot} pins the catalog
 * generation it reads ({@link #pin()}); a blob retired by the commit of generation {@code g} is
 * referenced only by generations below {@code g}, so it is freed (in the pager's directory,
 * durable with the next commit) once no pin below {@code g} is left. Blobs still retired when the
 * process ends are freed by the next writer open's orphan sweep.
 */
public final class ColumnStoreImpl implements ColumnStore {
    /** Opens a pager; tests substitute fault-injecting pagers. */
    @FunctionalInterface
    public interface PagerOpener {
        Pager open(Path file, PagerOptions options, OpenMode mode) throws IOException;
    }

    /** Root slot holding the catalog key. */
    public static final int CATALOG_ROOT_SLOT = 0;

    /** One committed catalog version and the pager view its blobs are read through. */
    record Catalog(long key, long generation, Map<String, TableInfo> tables, BlobView view) {}

    /** Keys last referenced by catalog generations below {@code generation}. */
    private record Retired(long generation, long[] keys) {}

    /**
     * A registration of one reader or snapshot of a catalog version; {@link #close()} releases it
     * once, when no zero-copy buffer still leases it ({@link #lease()}): a buffer over the mapped
     * file keeps the blobs it shows from being freed or compacted away, whoever closes first.
     */
    final class Pin implements AutoCloseable {
        final Catalog catalog;
        /** Whether {@link #close()} was called (reads through the pin fail from then on). */
        private boolean closed;
        /** Zero-copy buffers over blobs of this version not yet released. */
        private int leases;

        private Pin(Catalog catalog) {
            this.catalog = catalog;
        }

        /** Whether the pin was closed (its readers and snapshot refuse reads, even while buffers still lease it). */
        boolean released() {
            synchronized (commitLock) {
                return closed;
            }
        }

        /**
         * Takes a lease for one zero-copy buffer; {@link #unlease()} gives it back.
         *
         * @throws IllegalStateException if the pin is closed
         */
        void lease() {
            synchronized (commitLock) {
                if (closed) {
                    throw new IllegalStateException("internal: lease of a closed pin of generation " + catalog.generation());
                }
                leases++;
            }
        }

        /** Gives back a lease; the last one of a closed pin releases the catalog version. */
        void unlease() {
            synchronized (commitLock) {
                if (leases <= 0) {
                    throw new IllegalStateException("internal: more leases given back than taken, generation " + catalog.generation());
                }
                if (--leases == 0 && closed) {
                    release();
                }
            }
        }

        /** Zero-copy buffers still leasing this pin (tests). */
        int leases() {
            synchronized (commitLock) {
                return leases;
            }
        }

        @Override
        public void close() {
            synchronized (commitLock) {
                if (closed) {
                    return;
                }
                closed = true;
                if (leases == 0) {
                    release();
                }
            }
        }

        /** Caller holds commitLock. */
        private void release() {
            pins.computeIfPresent(catalog.generation(), (g, n) -> n == 1 ? null : n - 1);
            freeRetired();
        }
    }

    private final Path directory;
    private final ColumnStoreOptions options;
    private final Pager pager;
    private final BufferAllocator arrowAllocator;
    private final boolean ownsArrowAllocator;
    private final NativeAllocator stagingAllocator;
    /** The threads that seal full row groups with the writers' threads ({@link ColumnStoreOptions#sealThreads()}). */
    private final SealWorkers sealWorkers;
    private final Object commitLock = new Object();
    private volatile Catalog catalog;
    /** Definitions of the loads in progress, by table name; guarded by commitLock. */
    private final Map<String, TableDef> loading = new LinkedHashMap<>();
    private final Set<TableWriterImpl> openWriters = Collections.synchronizedSet(Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    /** Existing tables a transaction touches (reserved against loads outside it); guarded by commitLock. */
    private final Set<String> reservedByTransaction = new HashSet<>();
    /** Open pins by catalog generation; guarded by commitLock. */
    private final TreeMap<Long, Integer> pins = new TreeMap<>();
    /** Blobs waiting for older pins to close, oldest first; guarded by commitLock. */
    private final ArrayDeque<Retired> retired = new ArrayDeque<>();
    /** The one open transaction's permit. */
    private final Semaphore transactionPermit = new Semaphore(1);
    private volatile StoreTransactionImpl openTransaction;
    /** Set while {@link #compact()} runs; guarded by commitLock. */
    private boolean compacting;
    private final long orphansFreed;
    private IOException orphanSweepFailure;
    private volatile boolean closed;
    /**
     * Chunks whose CRC32C a reader has checked ({@link dev.ingot.columnstore.ChunkVerification#FIRST_READ}):
     * pager key to the blob's file offset. The data region is append-only, so a key at the same
     * offset is the same bytes; a blob put again under its key lands elsewhere and is checked again.
     */
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> verifiedChunks = new java.util.concurrent.ConcurrentHashMap<>();

    /** See {@link ColumnStore#open}, {@link ColumnStore#openOrCreate} and {@link ColumnStore#openReadOnly}. */
    public static ColumnStore open(Path directory, ColumnStoreOptions options, OpenMode mode) throws IOException {
        return open(directory, options, mode, Pager::open);
    }

    /**
     * {@link #open(Path, ColumnStoreOptions, OpenMode)} with a custom way of opening the pager
     * (tests).
     *
     * @throws StoreNotFoundException unless {@code mode} is CREATE: the directory does not exist
     *                                or holds no store file; the message names the path
     */
    public static ColumnStoreImpl open(Path directory, ColumnStoreOptions options, OpenMode mode, PagerOpener opener)
            throws IOException {
        if (options == null || mode == null) {
            throw new IllegalArgumentException("options and mode are required");
        }
        if (mode == OpenMode.CREATE) {
            Files.createDirectories(directory);
        } else if (!Files.isDirectory(directory)) {
            throw new StoreNotFoundException(directory, Files.exists(directory) ? "not a directory" : "no such directory");
        } else if (!Files.exists(directory.resolve(STORE_FILE_NAME))) {
            throw new StoreNotFoundException(directory, "the directory has no " + STORE_FILE_NAME);
        }
        Pager pager = opener.open(directory.resolve(STORE_FILE_NAME), options.pagerOptions(), mode);
        try {
            return new ColumnStoreImpl(directory, options, pager);
        } catch (IOException | RuntimeException | Error e) {
            try {
                pager.close();
            } catch (IOException | RuntimeException s) {
                e.addSuppressed(s);
            }
            throw e;
        }
    }

    private ColumnStoreImpl(Path directory, ColumnStoreOptions options, Pager pager) throws IOException {
        this.directory = directory;
        this.options = options;
        this.sealWorkers = new SealWorkers(options.sealThreads());
        this.pager = pager;
        this.catalog = loadCatalog();
        this.orphansFreed = pager.readOnly() ? 0 : sweepOrphans();
        this.stagingAllocator = NativeAllocator.root("columnstore-staging", options.stagingLimitBytes());
        if (options.arrowAllocator() != null) {
            this.arrowAllocator = options.arrowAllocator();
            this.ownsArrowAllocator = false;
        } else {
            this.arrowAllocator = new RootAllocator();
            this.ownsArrowAllocator = true;
        }
    }

    private Catalog loadCatalog() throws IOException {
        long key = pager.rootKey(CATALOG_ROOT_SLOT);
        if (key == Pager.NO_KEY) {
            return new Catalog(Pager.NO_KEY, 0, Map.of(), pager.committedView());
        }
        String where = "catalog (pager key " + key + ")";
        ByteBuffer blob;
        try {
            blob = pager.getVerified(key);
        } catch (java.util.NoSuchElementException e) {
            throw new StoreCorruptedException(pager.file(), -1, where + ": root slot " + CATALOG_ROOT_SLOT + " names a key with no blob");
        }
        CatalogCodec.Decoded decoded;
        try {
            decoded = CatalogCodec.decode(blob, pager.file(), where);
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(key));
        } catch (UnsupportedFormatException e) {
            throw e.atFileOffset(pager.blobFileOffset(key));
        }
        Map<String, TableInfo> tables = new LinkedHashMap<>();
        for (TableInfo t : decoded.tables()) {
            if (tables.put(t.name(), t) != null) {
                throw new StoreCorruptedException(pager.file(), -1, where + ": table " + t.name() + " appears twice");
            }
        }
        for (TableInfo t : tables.values()) {
            checkChunksExist(t, where);
        }
        return new Catalog(key, decoded.generation(), Collections.unmodifiableMap(tables), pager.committedView());
    }

    /** Every chunk, deletion vector and index key the catalog names must have a blob (a catalog that passed its checksum can still be wrong). */
    private void checkChunksExist(TableInfo t, String where) throws StoreCorruptedException {
        for (IndexInfo i : t.indexes()) {
            for (long k : i.partKeys()) {
                if (!pager.contains(k)) {
                    throw new StoreCorruptedException(pager.file(), -1, where + ": table " + t.name() + " index " + i.name()
                            + " names part key " + k + ", which has no blob");
                }
            }
        }
        for (int g = 0; g < t.rowGroups().size(); g++) {
            RowGroupInfo group = t.rowGroups().get(g);
            if (group.hasDeletions() && !pager.contains(group.deletionKey())) {
                throw new StoreCorruptedException(pager.file(), -1, where + ": table " + t.name() + " row group " + g
                        + " names deletion vector key " + group.deletionKey() + ", which has no blob");
            }
            for (int c = 0; c < t.def().columns().size(); c++) {
                long chunkKey = group.chunkKey(c);
                if (!pager.contains(chunkKey)) {
                    throw new StoreCorruptedException(pager.file(), -1, where + ": table " + t.name() + " column "
                            + t.def().columns().get(c).name() + " row group " + g + " names chunk key " + chunkKey + ", which has no blob");
                }
            }
        }
    }

    /**
     * Frees every live key that neither the catalog nor a root slot references and commits the
     * frees; a writer only. A failed commit is kept in {@link #orphanSweepFailure} instead of
     * failing the open.
     */
    private long sweepOrphans() throws IOException {
        Set<Long> referenced = new HashSet<>();
        for (int slot = 0; slot < Pager.ROOT_SLOTS; slot++) {
            referenced.add(pager.rootKey(slot));
        }
        for (TableInfo t : catalog.tables().values()) {
            for (long k : keysOf(t)) {
                referenced.add(k);
            }
        }
        long freed = 0;
        for (long key : pager.liveKeys()) {
            if (!referenced.contains(key) && pager.free(key)) {
                freed++;
            }
        }
        if (freed > 0) {
            try {
                pager.commit();
            } catch (IOException e) {
                // The frees stay in the pager's directory and become durable with the next commit;
                // the committed state is untouched, so the store is as readable as before.
                orphanSweepFailure = e;
            }
        }
        return freed;
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public List<TableInfo> tables() {
        return List.copyOf(catalog.tables().values());
    }

    @Override
    public Optional<TableInfo> table(String name) {
        return Optional.ofNullable(catalog.tables().get(name));
    }

    @Override
    public TableWriter createTable(TableDef def, ColumnStoreWriteHints hints) {
        if (def == null || hints == null) {
            throw new IllegalArgumentException("def and hints are required");
        }
        synchronized (commitLock) {
            ensureOpen();
            if (pager.readOnly()) {
                throw new IllegalStateException("column store " + directory + " is open read-only; cannot create table "
                        + def.name());
            }
            ensureNotCompacting("load table " + def.name() + " into");
            TableInfo existing = catalog.tables().get(def.name());
            if (existing != null && existing.rowCount() != 0) {
                throw new IllegalArgumentException("table " + def.name() + " already exists");
            }
            if (existing != null && !existing.def().equals(def)) {
                throw new IllegalArgumentException("table " + def.name() + " exists (empty) with a different definition");
            }
            if (loading.containsKey(def.name())) {
                throw new IllegalArgumentException("a load of table " + def.name() + " is already in progress");
            }
            if (reservedByTransaction.contains(def.name())) {
                throw new IllegalArgumentException("table " + def.name() + " is being changed by an open transaction");
            }
            List<TableDef> known = new ArrayList<>(committedDefsExcept(def.name()));
            known.addAll(loading.values());
            List<ConstraintRules.Problem> problems = ConstraintRules.checkAdded(List.of(def), known, Set.of());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("cannot define table " + def.name() + ": " + ConstraintRules.describe(problems));
            }
            loading.put(def.name(), def);
        }
        try {
            TableWriterImpl w = newWriter(null, def, hints, 0);
            openWriters.add(w);
            return w;
        } catch (RuntimeException | Error e) {
            synchronized (commitLock) {
                loading.remove(def.name());
            }
            throw e;
        }
    }

    /** The threads that seal full row groups together with a writer's own thread. */
    SealWorkers sealWorkers() {
        return sealWorkers;
    }

    /** A writer of {@code def} whose row ids start at {@code firstRowId}, owned by {@code owner} (null: the store). */
    TableWriterImpl newWriter(TableWriterImpl.Owner owner, TableDef def, ColumnStoreWriteHints hints, long firstRowId) {
        return new TableWriterImpl(this, owner != null ? owner : storeOwner, def, hints, firstRowId,
                pager.openWriter(def.name(), options.keyBlockSize()), stagingAllocator, options.pagerOptions().maxBlobBytes());
    }

    /** The owner of {@link #createTable}'s writers: their commit publishes the table at once. */
    private final TableWriterImpl.Owner storeOwner = new TableWriterImpl.Owner() {
        @Override
        public void writerFinished(TableWriterImpl writer, TableInfo rows) throws IOException {
            commitTable(writer, rows);
        }

        @Override
        public void writerClosed(TableWriterImpl writer) {
            ColumnStoreImpl.this.writerClosed(writer);
        }
    };

    /** Publishes {@code info} in the catalog and commits the pager; all-or-nothing. */
    void commitTable(TableWriterImpl writer, TableInfo info) throws IOException {
        synchronized (commitLock) {
            ensureOpen();
            Catalog old = catalog;
            TableInfo existing = old.tables().get(info.name());
            if (existing != null && existing.rowCount() != 0) {
                throw new IllegalStateException("table " + info.name() + " already exists");
            }
            // the rules of createTable again, now against committed tables only: a table never
            // commits before the tables it references
            Set<String> uncommitted = new HashSet<>(loading.keySet());
            uncommitted.remove(info.name());
            List<ConstraintRules.Problem> problems = ConstraintRules.checkAdded(List.of(info.def()), committedDefsExcept(info.name()), uncommitted);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("cannot commit table " + info.name() + ": " + ConstraintRules.describe(problems));
            }
            Map<String, TableInfo> tables = new LinkedHashMap<>(old.tables());
            tables.put(info.name(), info);
            publish(tables, existing == null ? new long[0] : keysOf(existing));
            loading.remove(info.name());
        }
    }

    /**
     * Writes {@code tables} as the next catalog generation and commits the pager; on success swaps
     * the in-memory catalog and retires the previous catalog blob and {@code retire}. Caller holds
     * {@link #commitLock}. If it throws, memory and disk are unchanged.
     */
    void publish(Map<String, TableInfo> tables, long[] retire) throws IOException {
        assert Thread.holdsLock(commitLock);
        ensureOpen();
        Catalog old = catalog;
        long generation = old.generation() + 1;
        byte[] bytes = CatalogCodec.encode(generation, tables.values());
        long key = Pager.NO_KEY;
        boolean done = false;
        try {
            key = pager.allocMany(1).first();
            ByteBuffer blob = ByteBuffer.allocateDirect(bytes.length);
            blob.put(bytes).flip();
            pager.put(key, blob);
            pager.setRootKey(CATALOG_ROOT_SLOT, key);
            pager.commit();
            done = true;
        } finally {
            if (!done) {
                pager.setRootKey(CATALOG_ROOT_SLOT, old.key());
                if (key != Pager.NO_KEY) {
                    pager.free(key);
                }
            }
        }
        catalog = new Catalog(key, generation, Collections.unmodifiableMap(new LinkedHashMap<>(tables)), pager.committedView());
        long[] keys = retire;
        if (old.key() != Pager.NO_KEY) {
            keys = Arrays.copyOf(retire, retire.length + 1);
            keys[retire.length] = old.key();
        }
        if (keys.length > 0) {
            retired.addLast(new Retired(generation, keys));
        }
        freeRetired();
    }

    /** Frees the retired blobs no open pin can read any more. Caller holds {@link #commitLock}. */
    private void freeRetired() {
        if (pager.readOnly() || closed) {
            retired.clear();
            return;
        }
        long oldestPin = pins.isEmpty() ? Long.MAX_VALUE : pins.firstKey();
        while (!retired.isEmpty() && retired.peekFirst().generation() <= oldestPin) {
            for (long k : retired.pollFirst().keys()) {
                pager.free(k);
            }
        }
    }

    /** Blobs retired but not yet freed because an older snapshot is open (tests, diagnostics). */
    public int retiredBlobsPending() {
        synchronized (commitLock) {
            return retired.stream().mapToInt(r -> r.keys().length).sum();
        }
    }

    /** Every pager key {@code t} references: chunks, deletion vectors, index parts. */
    static long[] keysOf(TableInfo t) {
        int columns = t.def().columns().size();
        int n = 0;
        for (RowGroupInfo g : t.rowGroups()) {
            n += columns + (g.hasDeletions() ? 1 : 0);
        }
        for (IndexInfo i : t.indexes()) {
            n += i.parts();
        }
        long[] keys = new long[n];
        int k = 0;
        for (RowGroupInfo g : t.rowGroups()) {
            for (int c = 0; c < columns; c++) {
                keys[k++] = g.chunkKey(c);
            }
            if (g.hasDeletions()) {
                keys[k++] = g.deletionKey();
            }
        }
        for (IndexInfo i : t.indexes()) {
            for (int p = 0; p < i.parts(); p++) {
                keys[k++] = i.partKey(p);
            }
        }
        return keys;
    }

    /** Sets or clears the compaction flag; caller holds commitLock. */
    void setCompacting(boolean on) {
        compacting = on;
    }

    private void ensureNotCompacting(String what) {
        if (compacting) {
            throw new IllegalStateException("cannot " + what + " column store " + directory + ": a compaction is running");
        }
    }

    /** Pins the current catalog for a reader or snapshot. */
    Pin pin() {
        synchronized (commitLock) {
            ensureOpen();
            ensureNotCompacting("read");
            Catalog c = catalog;
            pins.merge(c.generation(), 1, Integer::sum);
            return new Pin(c);
        }
    }

    /** Open pins (readers and snapshots) of this process. */
    int openPins() {
        synchronized (commitLock) {
            return pins.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    Object commitLock() {
        return commitLock;
    }

    /** The latest committed catalog. */
    Catalog catalog() {
        return catalog;
    }

    /** Names reserved by loads outside transactions (with their definitions); guarded by commitLock. */
    Map<String, TableDef> loading() {
        return loading;
    }

    /** Existing tables reserved by the open transaction; guarded by commitLock. */
    Set<String> reservedByTransaction() {
        return reservedByTransaction;
    }

    @Override
    public StoreTransaction begin() {
        ensureOpen();
        if (pager.readOnly()) {
            throw new IllegalStateException("column store " + directory + " is open read-only; cannot begin a transaction");
        }
        StoreTransactionImpl current = openTransaction;
        if (current != null && current.owner() == Thread.currentThread()) {
            throw new IllegalStateException("this thread already has a transaction of column store " + directory
                    + " open; commit or close it first");
        }
        try {
            transactionPermit.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the open transaction of column store " + directory, e);
        }
        try {
            ensureOpen();
            StoreTransactionImpl tx = new StoreTransactionImpl(this, pager.openWriter("transaction", options.keyBlockSize()));
            openTransaction = tx;
            return tx;
        } catch (RuntimeException | Error e) {
            transactionPermit.release();
            throw e;
        }
    }

    /** Called once by a transaction when it ends (committed or aborted). */
    void transactionEnded(StoreTransactionImpl tx) {
        if (openTransaction == tx) {
            openTransaction = null;
            transactionPermit.release();
        }
    }

    @Override
    public StoreSnapshot snapshot() {
        return new StoreSnapshotImpl(this, pin());
    }

    @Override
    public CompactionReport compact() throws IOException {
        return new Compactor(this).run();
    }

    /** Whether a transaction could start now (for compaction, which takes the slot itself). */
    boolean tryTakeTransactionSlot() {
        return transactionPermit.tryAcquire();
    }

    void releaseTransactionSlot() {
        transactionPermit.release();
    }

    /** Open table writers outside transactions. */
    int openWriterCount() {
        return openWriters.size();
    }

    /** Called by a writer outside a transaction when it is committed or aborted (idempotent). */
    void writerClosed(TableWriterImpl writer) {
        openWriters.remove(writer);
        synchronized (commitLock) {
            if (!catalog.tables().containsKey(writer.def().name()) || writer.isCommitted()) {
                loading.remove(writer.def().name());
            }
        }
    }

    /** The committed tables' definitions but {@code name}'s (an empty table being filled is checked as new). */
    private List<TableDef> committedDefsExcept(String name) {
        List<TableDef> defs = new ArrayList<>();
        for (TableInfo t : catalog.tables().values()) {
            if (name == null || !t.name().equals(name)) {
                defs.add(t.def());
            }
        }
        return defs;
    }

    @Override
    public List<ConstraintRules.Problem> definitionProblems() {
        return ConstraintRules.check(committedDefsExcept(null));
    }

    @Override
    public TableReader openTable(String name) {
        ensureOpen();
        Pin pin = pin();
        TableInfo info = pin.catalog.tables().get(name);
        if (info == null) {
            pin.close();
            throw new IllegalArgumentException("no committed table " + name);
        }
        return new TableReaderImpl(this, info, pin.catalog.view(), pin, true);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("column store " + directory + " is closed");
        }
    }

    ColumnStoreOptions options() {
        return options;
    }

    /** Whether the chunk under {@code key} at {@code fileOffset} has passed its CRC32C check in this open store. */
    boolean chunkVerified(long key, long fileOffset) {
        Long at = verifiedChunks.get(key);
        return at != null && at == fileOffset;
    }

    /** Records that the chunk under {@code key} at {@code fileOffset} passed its CRC32C check. */
    void markChunkVerified(long key, long fileOffset) {
        verifiedChunks.put(key, fileOffset);
    }

    /** Chunks recorded as verified (tests, diagnostics). */
    public int verifiedChunkCount() {
        return verifiedChunks.size();
    }

    @Override
    public Pager pager() {
        return pager;
    }

    @Override
    public BufferAllocator allocator() {
        return arrowAllocator;
    }

    @Override
    public NativeAllocator stagingAllocator() {
        return stagingAllocator;
    }

    @Override
    public long orphanKeysFreedOnOpen() {
        return orphansFreed;
    }

    @Override
    public Optional<IOException> orphanSweepFailure() {
        return Optional.ofNullable(orphanSweepFailure);
    }

    @Override
    public boolean readOnly() {
        return pager.readOnly();
    }

    @Override
    public boolean refresh() throws IOException {
        synchronized (commitLock) {
            ensureOpen();
            if (!pager.refresh()) {
                return false;
            }
            catalog = loadCatalog();
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        List<TableWriterImpl> writers;
        synchronized (openWriters) {
            writers = new ArrayList<>(openWriters);
        }
        Throwable failure = null;
        StoreTransactionImpl tx = openTransaction;
        if (tx != null) {
            try {
                tx.close();
            } catch (RuntimeException e) {
                failure = Failures.chain(failure, e);
            }
        }
        for (TableWriterImpl w : writers) {
            try {
                w.close();
            } catch (RuntimeException e) {
                failure = Failures.chain(failure, e);
            }
        }
        closed = true;
        sealWorkers.close();
        try {
            pager.close();
        } catch (IOException | RuntimeException e) {
            failure = Failures.chain(failure, e);
        }
        try {
            stagingAllocator.close();
        } catch (RuntimeException e) {
            failure = Failures.chain(failure, e);
        }
        if (ownsArrowAllocator) {
            try {
                arrowAllocator.close();
            } catch (RuntimeException e) {
                failure = Failures.chain(failure, e);
            }
        }
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    @Override
    public String toString() {
        return "ColumnStore[" + directory + ", " + catalog.tables().size() + " tables]";
    }
}
