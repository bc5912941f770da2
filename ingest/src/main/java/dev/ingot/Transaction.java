package dev.ingot;

import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.UnitOfWork;
import java.io.IOException;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A unit of work on one or more tables of an {@link Ingot} database: appends, deletes (by key or by
 * a {@link RowFilter}), updates, table creation and drops, committed atomically by {@link #commit()}
 * (one catalog write and one superblock publish) or not at all ({@link #close()} without a commit
 * aborts). Readers are never blocked and keep the snapshot they started with.
 *
 * <p><b>Constraints</b> are checked as rows arrive, against the stored rows through the persisted
 * key indexes (never by rebuilding a key set from the stored columns; the cost grows with the rows
 * appended) and against the rows of this transaction: PRIMARY KEY / UNIQUE keys must be new among
 * the live rows (a deleted key may be inserted again), FOREIGN KEY values must be held by a live row
 * of the referenced table, stored or appended earlier in this transaction. A violation or a bad
 * value fails the append with the message a fresh load gives ({@link TableLoadException}; row
 * numbers count from the append's first row) and fails the transaction: {@link #commit()} then
 * refuses and {@link #close()} rolls everything back. Deleting a referenced key is checked at
 * {@link #commit()} (FOREIGN KEY RESTRICT with the NO ACTION timing of PostgreSQL, so an
 * {@link #update} that deletes and appends the same key passes): if a live row of a child table
 * still references a key no live row holds any more, the commit fails naming the child table, the
 * constraint and the key, and nothing is published.
 *
 * <p>Thread-safety: not thread-safe; one thread. One transaction per database at a time:
 * {@link Ingot#begin()} waits while another thread's is open.
 *
 * <p>Ownership: the caller closes it. Batches passed in stay the caller's.
 */
public final class Transaction implements AutoCloseable {
    private final UnitOfWork work;

    Transaction(UnitOfWork work) {
        this.work = work;
    }

    /**
     * Creates an empty table, visible to this transaction at once and to others at commit.
     *
     * @throws IllegalArgumentException if the table exists or its constraints break a rule of
     *                                  {@link dev.ingot.columnstore.ConstraintRules} (naming each problem)
     */
    public void createTable(TableDef def) throws IOException {
        work.createTable(def);
    }

    /** Appends every row of {@code batch} to {@code table}; see {@link #append(String, VectorSchemaRoot, int, int)}. */
    public void append(String table, VectorSchemaRoot batch) throws IOException {
        work.append(table, batch);
    }

    /**
     * Appends rows {@code [offset, offset + length)} of {@code batch} to {@code table}.
     *
     * @param batch columns named and typed as the table's, in table order (not retained)
     * @throws IllegalArgumentException  if there is no such table or the batch's schema does not match
     *                                   (the transaction stays usable)
     * @throws TableLoadException        on a constraint violation or a bad value (the transaction has failed)
     * @throws IndexOutOfBoundsException if the range lies outside the batch
     * @throws IllegalStateException     if the transaction failed, was committed or closed
     * @throws IOException               on write failures (the transaction has failed)
     */
    public void append(String table, VectorSchemaRoot batch, int offset, int length) throws IOException {
        work.append(table, batch, offset, length);
    }

    /**
     * Deletes the rows of {@code table} whose PRIMARY KEY is one of {@code keys} (values in key
     * column order; keys no live row holds are ignored).
     *
     * @return how many rows were deleted
     * @throws IllegalArgumentException if the table has no PRIMARY KEY or a value does not fit its column
     */
    public long deleteKeys(String table, List<List<Object>> keys) throws IOException {
        return work.deleteKeys(table, keys);
    }

    /**
     * Deletes the rows of {@code table} whose PRIMARY KEY is in {@code keys}, a batch holding the key
     * columns by name (other columns are ignored); keys no live row holds are ignored.
     *
     * @return how many rows were deleted
     */
    public long delete(String table, VectorSchemaRoot keys) throws IOException {
        return work.delete(table, keys);
    }

    /**
     * Deletes the live rows of {@code table} that {@code filter} matches, among the rows committed
     * when this transaction began (rows appended by this transaction are not scanned).
     *
     * @return how many rows were deleted
     * @throws IllegalArgumentException if the filter names a column the table lacks, or compares a
     *                                  column with a value of another kind
     */
    public long deleteWhere(String table, RowFilter filter) throws IOException {
        return work.deleteWhere(table, filter.columns(), filter::matches);
    }

    /**
     * Updates rows by key: deletes the live rows whose PRIMARY KEY is one of {@code rows}'s, then
     * appends {@code rows} (every column), in this transaction, keys checked as for any append.
     *
     * @return how many rows were replaced; rows whose key was absent are inserted
     */
    public long update(String table, VectorSchemaRoot rows) throws IOException {
        return work.update(table, rows);
    }

    /**
     * Drops {@code table} at commit.
     *
     * @throws IllegalArgumentException if there is no such table, or another table references it
     */
    public void drop(String table) throws IOException {
        work.drop(table);
    }

    /** Rebuilds {@code table}'s key indexes as one segment per key (see {@link Ingot#compact()}). */
    void reindex(String table) throws IOException {
        work.reindex(table);
    }

    /**
     * Publishes every change with one commit.
     *
     * @throws IllegalStateException        if the transaction failed, was committed or closed
     * @throws ConstraintViolationException if a deleted key is still referenced by a live child row
     *                                      (nothing is published; the transaction has failed)
     * @throws IOException                  if writing fails (nothing is published; the transaction has failed)
     */
    public void commit() throws IOException {
        work.commit();
    }

    /** Whether {@link #commit()} succeeded. */
    public boolean isCommitted() {
        return work.isCommitted();
    }

    /** Rolls back unless committed; idempotent. */
    @Override
    public void close() {
        work.close();
    }
}
