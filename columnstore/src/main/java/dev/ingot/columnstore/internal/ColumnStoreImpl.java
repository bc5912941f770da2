package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.memory.NativeAllocator;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@link ColumnStore} implementation. The committed catalog is an immutable snapshot in a
 * volatile field, replaced under {@link #commitLock} together with the pager commit that makes
 * it durable; loads in progress are tracked by name under the same lock.
 *
 * <p>Commit protocol ({@link #commitTable}): encode the catalog with the new table, put it under a
 * fresh key, point root slot 0 at it, {@code pager.commit()}; only then swap the in-memory
 * snapshot and free the previous catalog blob (that free becomes durable with the next commit,
 * and the open-time sweep frees it if there is none). If any step fails, root slot 0 is pointed
 * back at the previous catalog and the new blob is freed, so neither memory nor disk changes.
 */
public final class ColumnStoreImpl implements ColumnStore {
    /** Opens a pager; tests substitute fault-injecting pagers. */
    @FunctionalInterface
    public interface PagerOpener {
        Pager open(Path file, PagerOptions options, OpenMode mode) throws IOException;
    }

    /** Root slot holding the catalog key. */
    public static final int CATALOG_ROOT_SLOT = 0;

    private record Catalog(long key, long generation, Map<String, TableInfo> tables) {}

    private final Path directory;
    private final ColumnStoreOptions options;
    private final Pager pager;
    private final BufferAllocator arrowAllocator;
    private final boolean ownsArrowAllocator;
    private final NativeAllocator stagingAllocator;
    private final Object commitLock = new Object();
    private volatile Catalog catalog;
    /** Definitions of the loads in progress, by table name; guarded by commitLock. */
    private final Map<String, TableDef> loading = new LinkedHashMap<>();
    private final Set<TableWriterImpl> openWriters = Collections.synchronizedSet(Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    private final long orphansFreed;
    private IOException orphanSweepFailure;
    private volatile boolean closed;

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
            return new Catalog(Pager.NO_KEY, 0, Map.of());
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
        return new Catalog(key, decoded.generation(), Collections.unmodifiableMap(tables));
    }

    /** Every chunk key the catalog names must have a blob (a catalog that passed its checksum can still be wrong). */
    private void checkChunksExist(TableInfo t, String where) throws StoreCorruptedException {
        for (int g = 0; g < t.rowGroups().size(); g++) {
            RowGroupInfo group = t.rowGroups().get(g);
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
            for (RowGroupInfo g : t.rowGroups()) {
                for (long k : g.chunkKeys()) {
                    referenced.add(k);
                }
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
            List<TableDef> known = new ArrayList<>(committedDefsExcept(def.name()));
            known.addAll(loading.values());
            List<ConstraintRules.Problem> problems = ConstraintRules.checkAdded(List.of(def), known, Set.of());
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("cannot define table " + def.name() + ": " + ConstraintRules.describe(problems));
            }
            loading.put(def.name(), def);
        }
        try {
            TableWriterImpl w = new TableWriterImpl(this, def, hints, pager.openWriter(def.name(), options.keyBlockSize()),
                    stagingAllocator, options.pagerOptions().maxBlobBytes());
            openWriters.add(w);
            return w;
        } catch (RuntimeException | Error e) {
            synchronized (commitLock) {
                loading.remove(def.name());
            }
            throw e;
        }
    }

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
            byte[] bytes = CatalogCodec.encode(old.generation() + 1, tables.values());
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
            catalog = new Catalog(key, old.generation() + 1, Collections.unmodifiableMap(tables));
            loading.remove(info.name());
            if (old.key() != Pager.NO_KEY) {
                pager.free(old.key());
            }
        }
    }

    /** Called by a writer when it is committed or aborted (idempotent). */
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
        TableInfo info = catalog.tables().get(name);
        if (info == null) {
            throw new IllegalArgumentException("no committed table " + name);
        }
        return new TableReaderImpl(this, info);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("column store " + directory + " is closed");
        }
    }

    ColumnStoreOptions options() {
        return options;
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
        for (TableWriterImpl w : writers) {
            try {
                w.close();
            } catch (RuntimeException e) {
                failure = addTo(failure, e);
            }
        }
        closed = true;
        try {
            pager.close();
        } catch (IOException | RuntimeException e) {
            failure = addTo(failure, e);
        }
        try {
            stagingAllocator.close();
        } catch (RuntimeException e) {
            failure = addTo(failure, e);
        }
        if (ownsArrowAllocator) {
            try {
                arrowAllocator.close();
            } catch (RuntimeException e) {
                failure = addTo(failure, e);
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

    private static Throwable addTo(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "ColumnStore[" + directory + ", " + catalog.tables().size() + " tables]";
    }
}
