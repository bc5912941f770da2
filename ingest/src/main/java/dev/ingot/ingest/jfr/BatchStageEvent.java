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
}
