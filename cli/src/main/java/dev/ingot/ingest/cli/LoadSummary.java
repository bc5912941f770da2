package dev.ingot.ingest.cli;

import dev.ingot.constraints.KeySetReport;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.LoadStage;
import dev.ingot.ingest.TableLoadReport;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import java.io.PrintStream;

/** Prints the end-of-load summary: per table rows, seconds, rows/s, stages and pager churn. */
final class LoadSummary {
    private LoadSummary() {}

    static void print(PrintStream out, LoadReport report, long peakRssBytes, long storeBytes) {
        out.printf("%-10s %10s %8s %12s %8s %8s %8s %8s %8s %9s %24s  %s%n", "table", "rows", "seconds", "rows/s",
                "source", "constr", "append", "flush", "commit", "chunkRows", "batch p50/p99/max ms", "pager (alloc calls/keys, put batches/blobs, bytes, overwrites)");
        for (TableLoadReport t : report.tables()) {
            PagerDiagnostics.Snapshot p = t.pager();
            out.printf("%-10s %,10d %8.2f %,12.0f %8.2f %8.2f %8.2f %8.2f %8.2f %9d %7.2f/%7.2f/%8.2f  %d/%d, %d/%d, %s, %d%n", t.table(), t.rows(), t.seconds(),
                    t.rowsPerSecond(), t.stages().seconds(LoadStage.SOURCE), t.stages().seconds(LoadStage.CONSTRAINTS),
                    t.stages().seconds(LoadStage.APPEND), t.stages().seconds(LoadStage.FLUSH), t.stages().seconds(LoadStage.COMMIT),
                    t.chunkRows(),
                    t.latency().p50Micros() / 1000, t.latency().p99Micros() / 1000, t.latency().maxMicros() / 1000,
                    p.get(Counter.ALLOC_CALLS), p.get(Counter.KEYS_ALLOCATED), p.get(Counter.PUT_BATCHES),
                    p.get(Counter.BLOBS_PUT), PagerDiagnostics.humanBytes(p.get(Counter.BYTES_WRITTEN)), p.get(Counter.OVERWRITES));
        }
        for (TableLoadReport t : report.tables()) {
            for (KeySetReport k : t.keySets()) {
                out.printf("key set %s.%s: %s, %s peak in memory, %,d keys, %s spilled, %.2f s%n", t.table(), k.constraint(),
                        k.kind().label(), PagerDiagnostics.humanBytes(k.peakBytes()), k.keys(),
                        PagerDiagnostics.humanBytes(k.spilledBytes()), k.nanos() / 1e9);
            }
        }
        out.printf("total: %,d rows in %.2f s (%,.0f rows/s); peak RSS %s; store %s; constraint sets peak %s (%s outstanding)%n",
                report.totalRows(), report.seconds(), report.totalRows() / Math.max(1e-9, report.seconds()),
                peakRssBytes < 0 ? "n/a" : PagerDiagnostics.humanBytes(peakRssBytes), PagerDiagnostics.humanBytes(storeBytes),
                PagerDiagnostics.humanBytes(report.constraintPeakBytes()),
                PagerDiagnostics.humanBytes(report.constraintOutstandingBytes()));
        out.println("pager: " + report.pager());
        out.println("stage seconds are per table on its loading thread; source = waiting for the generator/parser workers;"
                + " constraint checks overlap appends; backpressure (in --report-json) = workers waiting for the loading thread");
    }
}
