package dev.ingot.columnstore;

import dev.ingot.columnstore.internal.ColumnStoreImpl;
import dev.ingot.pager.Pager;
import dev.ingot.pager.memory.NativeAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A store of tables of typed columns, kept as checksummed chunks in one {@link Pager} file
 * ({@value #STORE_FILE_NAME}) in a directory, with a catalog of the committed tables.
 *
 * <p><b>Tables</b> are written once, all-or-nothing: {@link #createTable} returns a
 * {@link TableWriter}; its {@link TableWriter#commit()} publishes the table durably in the
 * catalog, and an uncommitted load leaves nothing visible. Rows have dense implicit row ids
 * {@code 0 .. rowCount-1} and are stored as row groups of at most {@link TableInfo#chunkRows()} rows
 * (fewer when a text chunk would outgrow the pager's largest blob);
 * each column's chunk of a row group holds exactly the same rows.
 *
 * <p><b>Catalog.</b> One pager blob, referenced by pager root slot 0 and replaced at every
 * table commit (format drawn in {@code dev.ingot.columnstore.internal.CatalogCodec}). On open,
 * pager keys that neither the catalog nor a root slot references (chunks of loads that never
 * committed) are freed and the frees committed ({@link #orphanKeysFreedOnOpen()}).
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
     * Opens the store in {@code directory}, creating the directory and an empty store if needed.
     *
     * @throws dev.ingot.pager.StoreCorruptedException if the catalog (or the pager file) is damaged;
     *                                                 the message names the file and the offset
     * @throws dev.ingot.pager.StoreLockedException    if another pager holds the file
     * @throws IOException on other I/O failures; nothing is left open
     */
    static ColumnStore open(Path directory, ColumnStoreOptions options) throws IOException {
        return ColumnStoreImpl.open(directory, options);
    }

    /** Opens with {@link ColumnStoreOptions#defaults()}. */
    static ColumnStore open(Path directory) throws IOException {
        return open(directory, ColumnStoreOptions.defaults());
    }

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
     * What {@link ConstraintRules#check} finds in the committed catalog: nothing for a store
     * written by this version, which refuses such definitions at {@link #createTable} and at
     * commit; a catalog written by an older version may hold some. Opening never fails for them
     * (every table stays readable); {@code verify} reports them and checks the other constraints.
     */
    List<ConstraintRules.Problem> definitionProblems();

    /**
     * Opens a reader over the committed table {@code name} (a snapshot of its catalog entry).
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

    /** How many unreferenced pager keys were freed when this store was opened. */
    long orphanKeysFreedOnOpen();

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
