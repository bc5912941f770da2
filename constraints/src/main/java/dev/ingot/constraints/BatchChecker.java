package dev.ingot.constraints;

import dev.ingot.columnstore.TableDef;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks the PRIMARY KEY, UNIQUE and FOREIGN KEY constraints of the rows of one table load, batch
 * by batch, by the first-error rule of {@link TableChecker#checkBatch}: a fresh load's
 * {@link TableChecker} (in-memory key sets) or an append's {@link AppendChecker} (the persisted key
 * indexes of the stored rows plus the rows of the unit of work).
 *
 * <p>Thread-safety: not thread-safe; one loading thread. Ownership: end it with {@link #finish()}
 * or {@link #abort()}; {@link #close()} aborts unless finished; all three are idempotent.
 */
public interface BatchChecker extends AutoCloseable {
    /** The table loaded. */
    TableDef table();

    /**
     * Checks rows {@code [offset, offset + length)} of {@code batch}; {@code firstRowId} is the
     * load's row number of row {@code offset} (used in messages and by the {@link RowLocator}).
     *
     * @throws ConstraintViolationException for the lowest violating row (then abort: not retryable)
     * @throws IllegalStateException        if the checker has ended, or a referenced table is not ready
     * @throws IllegalArgumentException     if a key column is missing or of an unsupported type
     */
    void checkBatch(VectorSchemaRoot batch, int offset, int length, long firstRowId);

    /**
     * Resolves the checks that were deferred to temporary files because their keys did not fit
     * in memory, for the rows below {@code belowRowId}, and throws the lowest violation among them
     * (see {@link TableChecker#checkSpilled}). Call it with {@code Long.MAX_VALUE} before the
     * commit, and with the row of any other error that stops the load before reporting that error
     * (a violation below it comes first). Does nothing for a checker that never spills.
     *
     * @throws ConstraintViolationException for the lowest violating row below {@code belowRowId}
     */
    default void checkSpilled(long belowRowId) {
    }

    /** Off-heap bytes held by this table's own key structures. */
    long keySetBytes();

    /**
     * The kind, peak bytes and keys of each of the table's own in-memory key sets; empty for a
     * checker that keeps none.
     */
    default List<KeySetReport> keySetReports() {
        return List.of();
    }

    /** The load succeeded. */
    void finish();

    /** The load failed. */
    void abort();

    /** {@link #abort()} unless finished. */
    @Override
    void close();
}
