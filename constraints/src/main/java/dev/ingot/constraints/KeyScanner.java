package dev.ingot.constraints;

import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Streams the key columns of a table that is already stored, so the {@link ConstraintService}
 * can build the table's key set when a loading child first probes it (see
 * {@link ConstraintService#registerExistingTable}). Only the named columns are read; the whole
 * table is never copied.
 *
 * <p>Thread-safety: {@link #scan} may be called from any loader thread, at most once per key
 * constraint per build, under the service's lock for that key; implementations need not be
 * reentrant but must not assume a particular thread.
 */
@FunctionalInterface
public interface KeyScanner {
    /**
     * Calls {@code sink} once per batch of the stored rows, in row order, with one vector per
     * requested column in the order of {@code columnNames}.
     *
     * <p>Ownership: the vectors belong to the scanner and need only stay valid for the duration
     * of each {@code sink} call.
     *
     * @param columnNames the key columns to read, in key order
     * @param sink        receives {@code (columns, rowCount)}; rows {@code [0, rowCount)} of each
     *                    vector are the batch
     * @throws java.io.UncheckedIOException or another RuntimeException if the scan fails
     */
    void scan(List<String> columnNames, BatchSink sink);

    /** Rows the stored table holds, to presize the key set; 0 if unknown. */
    default long estimatedRows() {
        return 0;
    }

    /** Receives one batch of key columns. */
    @FunctionalInterface
    interface BatchSink {
        /**
         * @param columns  one vector per requested column, rows {@code [0, rowCount)} are valid
         * @param rowCount rows in this batch
         */
        void accept(FieldVector[] columns, int rowCount);
    }
}
