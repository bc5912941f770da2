package dev.ingot.ingest.cli;

import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.TableLoadReport;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bar of a load (a no-op when disabled), over all rows when their number is known
 * beforehand ({@code load-tpch}), else over the bytes of the input files ({@code load}: the sum of
 * their sizes, advanced as each table's source hands out batches); also where an interrupt stops
 * the load: after a signal, the next batch of each loading table fails, so the table rolls back
 * (and the tables that reference it are skipped). Thread-safe: loading threads report at once.
 */
final class LoadProgress implements BulkLoader.Progress, AutoCloseable {
    private final ProgressBar bar;
    private final LoadInterrupts interrupts;
    private final List<String> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /** Whether the bar counts input bytes (else rows). */
    private final boolean bytes;
    /** Bytes read per table so far, to step the bar by differences. */
    private final java.util.Map<String, Long> bytesByTable = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param expectedRows rows expected in all, or 0 when unknown: then the bar counts bytes
     * @param inputBytes   the input files' total size, the bar's total when rows are unknown
     * @param enabled      false for no bar (a table's summary line is printed instead)
     */
    LoadProgress(long expectedRows, long inputBytes, boolean enabled, LoadInterrupts interrupts) {
        this.interrupts = interrupts;
        this.bytes = expectedRows <= 0;
        bar = enabled ? new ProgressBarBuilder().setTaskName("load").setInitialMax(bytes ? inputBytes : expectedRows)
                .setUnit(bytes ? " MB" : " krows", bytes ? 1_000_000 : 1_000)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
    }

    /** The bar's total (rows or bytes), or -1 without a bar. */
    long max() {
        return bar == null ? -1 : bar.getMax();
    }

    /** The bar's position (rows or bytes), or -1 without a bar. */
    long current() {
        return bar == null ? -1 : bar.getCurrent();
    }

    @Override
    public void tableStarted(String table) {
        started.add(table);
    }

    /** The tables whose load started, in start order. */
    List<String> started() {
        return List.copyOf(started);
    }

    @Override
    public void rowsLoaded(String table, long rows) {
        interrupts.stopIfSignalled();
        if (bar != null) {
            if (!bytes) {
                bar.stepBy(rows);
            }
            bar.setExtraMessage(" " + table);
        }
    }

    @Override
    public void inputBytesRead(String table, long bytesSoFar) {
        if (bar != null && bytes) {
            Long before = bytesByTable.put(table, bytesSoFar);
            bar.stepBy(bytesSoFar - (before == null ? 0 : before));
        }
    }

    @Override
    public void tableFinished(TableLoadReport report) {
        if (bar == null) {
            System.err.printf("ingot: %-9s %,11d rows in %6.2f s%n", report.table(), report.rows(), report.seconds());
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
