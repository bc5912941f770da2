package dev.ingot.ingest.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JFR event per batch and load stage ({@code source}, {@code constraints}, {@code append},
 * {@code listeners}), so a recording ({@code -XX:StartFlightRecording}) shows where each batch's
 * time went. Costs nothing measurable when no recording is running.
 */
@Name("dev.ingot.BatchStage")
@Label("Ingot Batch Stage")
@Category({"Ingot", "Ingest"})
@Description("Time one batch spent in one stage of a table load")
@StackTrace(false)
public final class BatchStageEvent extends Event {
    @Label("Table")
    public String table;

    @Label("Stage")
    public String stage;

    @Label("Batch")
    @Description("0-based batch number within the table's load")
    public long batch;

    @Label("Rows")
    public int rows;

    /**
     * Ends the event and, if a recording wants it, commits it as {@code stage} of batch
     * {@code batch} of {@code table} with {@code rows} rows: the one way the ingest path records a
     * stage. Call once, after {@link #begin()} and the timed work.
     */
    public void finish(String table, String stage, long batch, int rows) {
        end();
        if (shouldCommit()) {
            this.table = table;
            this.stage = stage;
            this.batch = batch;
            this.rows = rows;
            commit();
        }
    }
}
