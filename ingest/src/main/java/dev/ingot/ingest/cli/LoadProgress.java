package dev.ingot.ingest.cli;

import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.TableLoadReport;
import java.util.List;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bar over all rows of the load (a no-op when disabled); also where an interrupt
 * stops the load: after a signal, the next batch of each loading table fails, so the table
 * rolls back (and the tables that reference it are skipped).
 */
final class LoadProgress implements BulkLoader.Progress, AutoCloseable {
    private final ProgressBar bar;
    private final LoadInterrupts interrupts;
    private final List<String> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    LoadProgress(long total, boolean enabled, LoadInterrupts interrupts) {
        this.interrupts = interrupts;
        bar = enabled ? new ProgressBarBuilder().setTaskName("load").setInitialMax(total).setUnit(" krows", 1_000)
                .showSpeed().setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
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
            bar.stepBy(rows);
            bar.setExtraMessage(" " + table);
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
