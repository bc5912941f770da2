package dev.ingot.columnstore;

import dev.ingot.pager.PagerDiagnostics;
import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Loads one new table, or appends rows to an existing one ({@link StoreTransaction#append}): rows are appended as Arrow batches, staged off-heap per column, sealed
 * into chunks of {@link ColumnStoreWriteHints#chunkRows()} rows (one row group) and put through
 * the pager; {@link #commit()} publishes the table in the catalog, all-or-nothing.
 *
 * <p>Thread-safety: not thread-safe; one thread per table writer (different writers may run in
 * parallel). Ownership: the caller of {@link ColumnStore#createTable} closes it;
 * {@link #close()} aborts unless committed and is idempotent.
 *
 * <p>Failures: a {@link ColumnValueException} (or a schema mismatch) is raised before any row of
 * the batch is staged, so the writer is unchanged and may continue. An {@link IOException} from
 * the pager leaves the writer failed: only {@link #abort()} / {@link #close()} are then allowed.
 */
public interface TableWriter extends AutoCloseable {
    /** The table being loaded. */
    TableDef def();

    /** The chunk and batch sizing this writer uses. */
    ColumnStoreWriteHints hints();

    /**
     * Appends rows {@code [offset, offset + length)} of {@code root} to every column, splitting
     * them into row groups: a row group is sealed when it holds {@link ColumnStoreWriteHints#chunkRows()}
     * rows, or earlier when one more row would make a text column's chunk larger than the pager's
     * largest blob (so valid long text never fails, whatever the hints estimated).
     *
     * @param root   a batch with the table's schema: same field count, names and Arrow types as
     *               {@link TableDef#arrowSchema()} (nullability and metadata are not compared)
     * @param offset first row of the batch to append, {@code >= 0}
     * @param length number of rows, {@code >= 0}, {@code offset + length <= root.getRowCount()}
     * @throws IllegalArgumentException on a schema mismatch or a bad range
     * @throws ColumnValueException     on a NOT NULL, text length or decimal range violation
     *                                  (nothing of the batch was appended); it names the lowest
     *                                  violating row of the range, over all columns
     * @throws IllegalStateException    after commit/abort/failure, or if columns were appended
     *                                  unevenly through {@link #column(int)}
     * @throws IOException              if putting a sealed row group fails (the writer is failed)
     */
    void appendBatch(VectorSchemaRoot root, int offset, int length) throws IOException;

    /** Appends all rows of {@code root}. */
    default void appendBatch(VectorSchemaRoot root) throws IOException {
        appendBatch(root, 0, root.getRowCount());
    }

    /**
     * The writer of column {@code index} (0-based, table order), for loaders that fill columns
     * separately; every column must reach the same row count before {@link #commit()}.
     */
    ColumnWriter column(int index);

    /**
     * Nanoseconds this writer has spent sealing chunks (stats, header, CRC32C) and putting them
     * into the pager, out of the time spent in {@code appendBatch} and {@code commit}.
     */
    long sealFlushNanos();

    /**
     * Row id of this writer's first row: 0 for a new table, the table's row count for an append
     * ({@link StoreTransaction#append}); row ids in {@link ColumnValueException}s count from here.
     */
    long firstRowId();

    /** Rows appended so far by this writer (the smallest row count over the columns). */
    long rowCount();

    /**
     * Ends appending and returns a reader over every row appended so far, before the table is
     * committed: the last partial row group is sealed and put, so the reader sees exactly the
     * row groups {@link #commit()} will publish. Used for a deferred (bulk) constraint validation
     * pass that streams the stored key columns back. Afterwards {@code appendBatch} is refused;
     * {@code commit} and {@code abort} work as usual.
     *
     * <p>Ownership: the caller closes the reader, before committing or aborting the writer.
     *
     * @throws IllegalStateException if the columns have different row counts, the writer is not
     *                               open, or it was sealed already
     * @throws IOException           if putting the last chunks fails (the writer is then failed)
     */
    TableReader sealForValidation() throws IOException;

    /**
     * Seals the last partial row group, puts the remaining chunks, adds the table to the catalog,
     * writes the catalog and commits the pager. If it throws, the catalog in memory and on disk
     * is unchanged and the writer can still be aborted. For a writer of a {@link StoreTransaction}
     * it instead ends the writer and hands its row groups to the transaction, which publishes
     * them with its own commit.
     *
     * @throws IllegalStateException if the columns have different row counts, the writer is not
     *                               open, or the table's constraints break a rule of
     *                               {@link ConstraintRules} against the committed tables (e.g. a
     *                               table it references is not committed yet, even when this
     *                               table has no rows)
     * @throws IOException           if a put or the pager commit fails
     */
    void commit() throws IOException;

    /** Frees every chunk key this writer put and its staging memory; the table is not created. Idempotent. */
    void abort();

    /** Whether {@link #commit()} succeeded. */
    boolean isCommitted();

    /** This writer's pager diagnostics span (keys allocated, blobs put, bytes, frees). */
    PagerDiagnostics diagnostics();

    /** {@link #abort()} unless committed; releases staging memory. Idempotent. */
    @Override
    void close();
}
