package dev.ingot.columnstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A unit of work on one or more tables of a {@link ColumnStore}, committed atomically: every
 * table created, appended to, deleted from or dropped, and every index blob put, becomes visible
 * with one catalog write and one pager commit (one superblock publish) in {@link #commit()}, or
 * not at all. {@link #close()} without a commit aborts: the blobs the transaction put are freed
 * and the catalog is untouched (a crash before the commit leaves unreferenced blobs that the next
 * writer open frees).
 *
 * <p><b>One transaction at a time.</b> A store has at most one open transaction:
 * {@link ColumnStore#begin()} <em>waits</em> while another thread's transaction is open, and
 * throws {@link IllegalStateException} when the calling thread already has one open (it would
 * wait for itself). Writers of {@link ColumnStore#createTable} outside a transaction may run beside
 * it (they only create tables); a table a transaction touches is reserved until it ends, so such a
 * writer of the same name is refused.
 *
 * <p><b>The transaction's view.</b> {@link #table(String)} shows a table as this transaction has
 * changed it so far (rows of finished appends, deletions, indexes); readers and snapshots see only
 * committed versions. Row ids (see {@link RowGroupInfo}) continue after the stored rows: an
 * append's first row gets {@link TableInfo#rowCount()} of the table as changed so far.
 *
 * <p><b>Writers.</b> {@link #createTable} and {@link #append} return a {@link TableWriter} owned by
 * the caller; its {@link TableWriter#commit()} ends the writer and hands its row groups to this
 * transaction (nothing is published until {@link #commit()} of the transaction); closing it without
 * that discards its rows. One writer per table at a time.
 *
 * <p>Thread-safety: not thread-safe; used by one thread at a time (its writers may be filled by
 * other threads, one thread per writer). Ownership: the caller of {@link ColumnStore#begin()}
 * closes it.
 */
public interface StoreTransaction extends AutoCloseable {
    /** The store this transaction changes. */
    ColumnStore store();

    /**
     * Starts loading a new table in this transaction. The rules of {@link ColumnStore#createTable}
     * apply, against the tables as this transaction sees them (tables it dropped are gone, tables
     * it created exist).
     *
     * @return a writer whose {@link TableWriter#commit()} hands the table to this transaction
     * @throws IllegalArgumentException as {@link ColumnStore#createTable}
     * @throws IllegalStateException    if the transaction is not open
     */
    TableWriter createTable(TableDef def, ColumnStoreWriteHints hints);

    /**
     * Starts appending rows to the existing table {@code table} (committed, or created in this
     * transaction and its writer finished). The writer's rows get row ids from the table's current
     * {@link TableInfo#rowCount()} on ({@link TableWriter#firstRowId()}); its sealed row groups hold
     * at most {@code hints.chunkRows()} rows, and the table's {@link TableInfo#chunkRows()} becomes
     * the larger of the two. Constraints are not checked here (the ingest layer does that).
     *
     * @throws IllegalArgumentException if there is no such table, or it was dropped in this transaction
     * @throws IllegalStateException    if the transaction is not open, a writer of the table is
     *                                  open in it, or a load outside the transaction holds the name
     */
    TableWriter append(String table, ColumnStoreWriteHints hints);

    /**
     * Marks rows of {@code table} deleted by row id, in a new deletion vector of each row group
     * touched (copy-on-write: the committed vectors stay as they are for older snapshots). Row ids
     * of rows appended earlier in this transaction count too. All-or-nothing per call: if any row
     * id is refused, nothing of the call is applied.
     *
     * @param rowIds row ids of the table version this transaction sees, any order
     * @return number of rows deleted ({@code rowIds.length})
     * @throws IllegalArgumentException naming the table and the first refused row id: outside
     *                                  {@code [0, rowCount)}, already deleted (in a committed
     *                                  version or earlier in this transaction), or listed twice
     * @throws IllegalStateException    if the transaction is not open, there is no such table, or a
     *                                  writer of the table is open in this transaction
     * @throws IOException              if putting a deletion vector fails (nothing of the call is applied)
     */
    long delete(String table, long... rowIds) throws IOException;

    /**
     * Drops {@code table}: at commit it leaves the catalog, and its chunks, deletion vectors and
     * index blobs are freed once no snapshot of an older version is open.
     *
     * @throws IllegalArgumentException if there is no such table, or naming the referencing table
     *                                  and constraint, if another table (committed and not dropped
     *                                  here, created here, or being loaded outside the transaction)
     *                                  has a FOREIGN KEY referencing it
     * @throws IllegalStateException    if the transaction is not open or a writer of the table is
     *                                  open in it
     */
    void drop(String table);

    /**
     * Attaches the index {@code name} to {@code table}, replacing an index of that name: each part
     * is written now as one checksummed pager blob (at most the pager's largest blob each) and
     * published with the commit; the replaced index's blobs are freed like a dropped table's.
     *
     * @param parts the index bytes, position to limit of each buffer (not changed); at least one
     * @throws IllegalArgumentException if there is no such table, the name is empty, there are no
     *                                  parts or a part is larger than the pager's largest blob
     * @throws IllegalStateException    if the transaction is not open
     * @throws IOException              if writing a part fails (nothing of the call is attached)
     */
    void putIndex(String table, String name, List<ByteBuffer> parts) throws IOException;

    /**
     * The parts of an index, handed out one at a time (for indexes built in passes that free each
     * part once it is written).
     */
    @FunctionalInterface
    interface IndexParts {
        /**
         * The next part (position to limit; valid until the next call), or null after the last.
         *
         * @throws IOException if producing the part fails
         */
        ByteBuffer next() throws IOException;
    }

    /**
     * As {@link #putIndex(String, String, List)}, with the parts asked for one at a time: each is
     * written before the next is asked for, so the producer may free or reuse a part's memory once
     * it is asked for the next one.
     *
     * @throws IllegalArgumentException as {@link #putIndex(String, String, List)} (no part at all included)
     * @throws IllegalStateException    if the transaction is not open
     * @throws IOException              if producing or writing a part fails (nothing of the call is attached)
     */
    void putIndex(String table, String name, IndexParts parts) throws IOException;

    /**
     * Detaches the index {@code name} from {@code table} (freed like a dropped table's blobs).
     *
     * @return whether the table had such an index
     * @throws IllegalStateException if the transaction is not open or there is no such table
     */
    boolean removeIndex(String table, String name);

    /** The table {@code name} as this transaction sees it (empty if absent or dropped here). */
    Optional<TableInfo> table(String name);

    /** Names of the tables as this transaction sees them, in catalog order (created ones last). */
    List<String> tableNames();

    /**
     * Publishes every change with one catalog write and one pager commit. Afterwards the
     * transaction is closed (its store slot is free).
     *
     * @throws IllegalStateException if the transaction is not open, a writer of it is still open
     *                               (commit or close it first), or a created table's constraints
     *                               break a rule of {@link ConstraintRules} against the committed
     *                               tables; the transaction stays open (and may be closed)
     * @throws IOException           if a put or the pager commit fails: nothing is published, and
     *                               the transaction stays open for {@link #close()}
     */
    void commit() throws IOException;

    /** Whether {@link #commit()} succeeded. */
    boolean isCommitted();

    /** Aborts unless committed (frees what it put, closes its open writers), then frees the store's transaction slot. Idempotent. */
    @Override
    void close();
}
