package dev.ingot.ingest;

import dev.ingot.columnstore.TableDef;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A hook (an after-insert trigger) called by {@link TableInserter} once per appended batch,
 * after the batch passed its constraint checks and was appended, on the loading thread.
 *
 * <p>The batch is only valid during the call: a listener that keeps data must copy it.
 * A listener that throws fails the table's load (the table is rolled back).
 */
@FunctionalInterface
public interface InsertListener {
    /**
     * @param table      the table appended to
     * @param batch      the appended rows (read only; do not close)
     * @param firstRowId row id (0-based row number in the table) of {@code batch} row 0
     */
    void afterBatch(TableDef table, VectorSchemaRoot batch, long firstRowId);
}
