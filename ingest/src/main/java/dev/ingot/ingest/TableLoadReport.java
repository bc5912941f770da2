package dev.ingot.ingest;

import dev.ingot.constraints.KeySetReport;
import dev.ingot.pager.PagerDiagnostics;
import java.util.List;

/**
 * What loading one table did. Immutable.
 *
 * @param table        table name
 * @param rows         rows committed
 * @param batches      batches appended
 * @param batchRows    rows per batch requested from the source
 * @param chunkRows    rows per row group (chunk) from the write hints
 * @param wallNanos    wall time from the table's start to its commit
 * @param stages       time per stage (source = time the loading thread waited for batches)
 * @param latency      per-batch latency (constraints + append + listeners)
 * @param pager        the table's pager churn (its span)
 * @param mode         how constraints were enforced
 * @param keySetBytes  off-heap bytes of the table's own PRIMARY KEY / UNIQUE key sets when it
 *                     committed (their largest size; 0 without such constraints or when unchecked)
 * @param keySets      per PRIMARY KEY / UNIQUE constraint of the table: the kind its key set ended
 *                     as, its peak bytes and its keys (empty without such constraints or when unchecked)
 */
public record TableLoadReport(String table, long rows, long batches, int batchRows, int chunkRows, long wallNanos,
                              StageTimes stages, BatchLatency latency, PagerDiagnostics.Snapshot pager, ConstraintMode mode,
                              long keySetBytes, List<KeySetReport> keySets) {
    public TableLoadReport {
        keySets = List.copyOf(keySets);
    }

    public double seconds() {
        return wallNanos / 1e9;
    }

    public double rowsPerSecond() {
        return wallNanos == 0 ? 0 : rows / (wallNanos / 1e9);
    }
}
