package dev.ingot.columnstore;

import dev.ingot.columnstore.internal.ColumnStoreImpl;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.StoreNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A store of tables of typed columns, kept as checksummed chunks in one {@link Pager} file
 * ({@value #STORE_FILE_NAME}) in a directory, with a catalog of the committed tables.
 *
 * <p><b>Tables change</b> through transactions ({@link #begin()}, {@link StoreTransaction}): appends add
 * row groups, deletes add deletion vectors (Roaring bitmaps), drops remove tables; each transaction
 * commits atomically. Readers hold the catalog version they started with ({@link #snapshot()},
 * {@link #openTable}); {@link #compact()} gives the space of deleted rows back.
 *
 * <p><b>New tables</b> are also written, all-or-nothing, outside a transaction: {@link #createTable} returns a
 * {@link TableWriter}; its {@link TableWriter#commit()} publishes the table durably in the
 * catalog, and an uncommitted load leaves nothing visible. A committed table with no rows (as
 * {@code ingot create} makes them) may be written once more with the same definition: that
 * load's commit replaces the empty table, and until then the empty one stays. Rows have dense implicit row ids
 * {@code 0 .. rowCount-1} and are stored as row groups of at most {@link TableInfo#chunkRows()} rows
 * (fewer when a text chunk would outgrow the pager's largest blob);
 * each column's chunk of a row group holds exactly the same rows.
 *
 * <p><b>Catalog.</b> One pager blob, referenced by pager root slot 0 and replaced at every
 * table commit (format drawn in {@code dev.ingot.columnstore.internal.CatalogCodec}). On open,
 * pager keys that neither the catalog nor a root slot references (chunks of loads that never
 * committed) are freed and the frees committed ({@link #orphanKeysFreedOnOpen()}), by a writer only;
 * if committing the frees fails (a full disk) the store opens all the same and the frees are
 * committed with the next table ({@link #orphanSweepFailure()}).
 *
 * <p><b>Opening</b> is never creating: {@link #open} and {@link #openReadOnly} need an existing
 * store; {@link #openOrCreate} makes one. One writer and any number of read-only opens, in any
 * processes, may have a store open at once (see {@link Pager}).
 *
 * <p>Thread-safety: thread-safe. Several {@link TableWriter}s (of different tables) may load
 * and commit in parallel from different threads; commits are serialized by a store-level lock.
 * Each writer and reader is used by one thread at a time.
 *
 * <p>Ownership: the caller of {@link #open} closes the store. {@link #close()} aborts writers
 * still open, closes the pager (without committing anything further) and the allocators the
 * store created; it is idempotent.
 */
public interface ColumnStore extends AutoCloseable {
    /** Name of the pager file inside the store directory. */
    String STORE_FILE_NAME = "store.ingot";

    /**
     * Opens the existing store in {@code directory} as its writer ({@link OpenMode#READ_WRITE}):
     * frees orphan chunks of loads that never committed, then is ready to load tables. Never
     * creates anything: use {@link #openOrCreate} for that.
     *
     * @throws StoreNotFoundException                  if the directory holds no store; the
     *                                                 message names the path
     * @throws dev.ingot.pager.StoreCorruptedException if the catalog (or the pager file) is damaged;
     *                                                 the message names the file and the offset
     * @throws dev.ingot.pager.StoreLockedException    if another writer holds the store
     * @throws IOException on other I/O failures; nothing is left open
     */
    static ColumnStore open(Path directory, ColumnStoreOptions options) throws IOException {
        return ColumnStoreImpl.open(directory, options, OpenMode.READ_WRITE);
    }

    /** {@link #open(Path, ColumnStoreOptions)} with {@link ColumnStoreOptions#defaults()}. */
    static ColumnStore open(Path directory) throws IOException {
        return open(directory, ColumnStoreOptions.defaults());
    }

    /**
     * Opens the store in {@code directory} as its writer, creating the directory and an empty
     * store first if there is none ({@link OpenMode#CREATE}); otherwise as {@link #open}.
     *
     * @throws IOException as {@link #open}, or if the directory or file cannot be created
     */
    static ColumnStore openOrCreate(Path directory, ColumnStoreOptions options) throws IOException {
        return ColumnStoreImpl.open(directory, options, OpenMode.CREATE);
    }

    /** {@link #openOrCreate(Path, ColumnStoreOptions)} with {@link ColumnStoreOptions#defaults()}. */
    static ColumnStore openOrCreate(Path directory) throws IOException {
        return openOrCreate(directory, ColumnStoreOptions.defaults());
    }

    /**
     * Opens the existing store in {@code directory} read-only ({@link OpenMode#READ_ONLY}): it
     * never writes a byte (works on a full file system, a read-only mount and a store file
     * without write permission), coexists with one writer and any number of other readers in
     * this and other processes, frees nothing, and shows the tables committed as of the open
     * until {@link #refresh()}. {@link #createTable} throws {@link IllegalStateException}.
     *
     * @throws StoreNotFoundException                  if the directory holds no store
     * @throws dev.ingot.pager.StoreCorruptedException if the catalog (or the pager file) is damaged
     * @throws dev.ingot.pager.StoreLockedException    only while the store is being replaced
     * @throws IOException on other I/O failures; nothing is left open
     */
    static ColumnStore openReadOnly(Path directory, ColumnStoreOptions options) throws IOException {
        return ColumnStoreImpl.open(directory, options, OpenMode.READ_ONLY);
    }

    /** {@link #openReadOnly(Path, ColumnStoreOptions)} with {@link ColumnStoreOptions#defaults()}. */
    static ColumnStore openReadOnly(Path directory) throws IOException {
        return openReadOnly(directory, ColumnStoreOptions.defaults());
    }

    /** Whether this store was opened read-only ({@link #openReadOnly}). */
    boolean readOnly();

    /**
     * For a read-only store, moves to the newest commit in the file if there is a newer one,
     * reloading the catalog: {@link #tables()} then shows the tables committed since. Readers
     * opened before keep their snapshot. A writer always sees its own commits: returns false.
     *
     * @return whether a newer commit was loaded
     * @throws dev.ingot.pager.StoreCorruptedException if the newer commit or its catalog is damaged
     * @throws IOException on I/O failure (the store keeps showing its previous snapshot)
     */
    boolean refresh() throws IOException;

    /** The store directory. */
    Path directory();

    /** The committed tables, in commit order (a snapshot). */
    List<TableInfo> tables();

    /** The committed table named {@code name}, if any. */
    Optional<TableInfo> table(String name);

    /**
     * Starts loading a new table.
     *
     * @param def   the table definition
     * @param hints chunk and batch sizing, usually {@link ColumnStoreWriteHints#estimate(TableDef)}
     * @return a writer owned by the caller (close it; closing without commit aborts)
     * @throws IllegalArgumentException if a committed table of that name exists or a load of that
     *                                  name is in progress, or if {@code def}'s constraints break a
     *                                  rule of {@link ConstraintRules} against the committed tables
     *                                  and the loads in progress (a duplicate constraint name, a
     *                                  FOREIGN KEY to a missing table, to columns that are not a
     *                                  PRIMARY KEY or UNIQUE, of an incompatible type, or closing a
     *                                  cycle); the message names every problem
     * @throws IllegalStateException    if the store is closed
     */
    TableWriter createTable(TableDef def, ColumnStoreWriteHints hints);

    /**
     * Begins a transaction that may create, append to, delete from and drop tables and attach
     * index blobs, all published by one commit (see {@link StoreTransaction}). Waits while
     * another thread's transaction is open.
     *
     * @throws IllegalStateException if the store is read-only or closed, or the calling thread
     *                               already has a transaction of this store open
     */
    StoreTransaction begin();

    /**
     * Holds the committed catalog version as of now open (see {@link StoreSnapshot}); the caller
     * closes it. On a read-only store this is the version of the last open or {@link #refresh()}.
     *
     * @throws IllegalStateException if the store is closed
     */
    StoreSnapshot snapshot();

    /**
     * Rewrites every table with deleted rows without them (new row groups, no deletion vectors,
     * row ids renumbered densely; the tables' index blobs are marked stale, see {@link IndexInfo}),
     * commits that, then packs the pager's data region and truncates the file, so the space of
     * deleted rows, dropped tables, replaced vectors and aborted loads is given back to the file
     * system. Crash-safe: every step ends in a commit and never overwrites what the last commit
     * references, so a crash at any point opens in the last committed state.
     *
     * <p>Readers are never broken by it: it refuses to run while this process has a snapshot,
     * reader, transaction or table writer of the store open, and holds the store exclusively
     * against read-only opens of other processes while it runs (it fails if one is open; a
     * read-only open attempted meanwhile fails with {@link dev.ingot.pager.StoreLockedException}).
     *
     * @throws IllegalStateException if the store is read-only or closed, or something of this
     *                               process has it open (the message says what)
     * @throws dev.ingot.pager.StoreLockedException if another process has the store open read-only
     * @throws IOException           on I/O failure; the store stays in its last committed state
     */
    CompactionReport compact() throws IOException;

    /**
     * What {@link ConstraintRules#check} finds in the committed catalog: nothing for a store
     * written by this version, which refuses such definitions at {@link #createTable} and at
     * commit; a catalog written by an older version may hold some. Opening never fails for them
     * (every table stays readable); {@code verify} reports them and checks the other constraints.
     */
    List<ConstraintRules.Problem> definitionProblems();

    /**
     * Opens a reader over the committed table {@code name}: it holds the current catalog version
     * (like a {@link StoreSnapshot} of its own) until closed.
     *
     * @throws IllegalArgumentException if there is no such committed table
     */
    TableReader openTable(String name);

    /** The pager holding the chunks and the catalog (owned by the store; do not close). */
    Pager pager();

    /** The Arrow allocator scans allocate vectors from (owned by the store unless given in the options). */
    BufferAllocator allocator();

    /** The accounted native allocator of the writers' off-heap staging chunks (owned by the store). */
    NativeAllocator stagingAllocator();

    /** How many unreferenced pager keys were freed when this store was opened (0 for a reader). */
    long orphanKeysFreedOnOpen();

    /**
     * Why committing the orphan frees of the open failed, if it did (e.g. no space left on
     * device); the frees then stay pending and become durable with the next commit.
     */
    Optional<IOException> orphanSweepFailure();

    /**
     * Closes the store: aborts open writers, closes the pager and the owned allocators.
     *
     * @throws IOException           if closing the pager fails
     * @throws IllegalStateException if scan vectors from {@link #allocator()} or staging memory
     *                               leaked (after everything else was closed)
     */
    @Override
    void close() throws IOException;
}
