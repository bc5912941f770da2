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

    /** A new event whose stage starts now ({@link #begin()} called). */
    public static BatchStageEvent start() {
        BatchStageEvent event = new BatchStageEvent();
        event.begin();
        return event;
    }

    /**
     * Ends the stage and, if a recording wants the event, fills its fields and commits it; the
     * one place where a batch stage's event is completed (loader and inserter alike).
     *
     * @param table the table being loaded
     * @param stage the stage's label ({@code LoadStage.label()})
     * @param batch 0-based batch number within the table's load
     * @param rows  rows of the batch
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
