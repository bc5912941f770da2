package dev.ingot.ingest;

import dev.ingot.pager.PagerDiagnostics;
import java.util.List;

/**
 * The outcome of a {@link BulkLoader} run: the tables committed (in commit order), the first
 * failure if any, and totals. Immutable.
 *
 * @param tables        reports of committed tables
 * @param failure       the first failure (a {@link TableLoadException} or I/O error), or null
 * @param skipped       tables not attempted because a table they reference failed
 * @param wallNanos     wall time of the whole run
 * @param pager         the pager's global churn during the run
 * @param constraintPeakBytes peak off-heap bytes held by constraint key sets at once (0 when
 *                      constraints were not checked)
 * @param constraintOutstandingBytes off-heap bytes the constraint key sets still held once every
 *                      table had finished, aborted or been skipped, measured before the load closed
 *                      its constraint service (which frees whatever is left); 0 for every correct load,
 *                      and a load that ends with more than 0 fails with an {@link IllegalStateException}
 */
public record LoadReport(List<TableLoadReport> tables, Throwable failure, List<String> skipped, long wallNanos,
                         PagerDiagnostics.Snapshot pager, long constraintPeakBytes, long constraintOutstandingBytes) {
    public boolean succeeded() {
        return failure == null;
    }

    public long totalRows() {
        return tables.stream().mapToLong(TableLoadReport::rows).sum();
    }

    public double seconds() {
        return wallNanos / 1e9;
    }
}
