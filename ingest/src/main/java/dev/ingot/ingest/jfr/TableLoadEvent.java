package dev.ingot.ingest.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** A JFR event per table load, from start to commit (or failure), with its totals per stage. */
@Name("dev.ingot.TableLoad")
@Label("Ingot Table Load")
@Category({"Ingot", "Ingest"})
@Description("One table loaded (or failed) through the TableInserter")
@StackTrace(false)
public final class TableLoadEvent extends Event {
    @Label("Table")
    public String table;

    @Label("Rows")
    public long rows;

    @Label("Batches")
    public long batches;

    @Label("Committed")
    public boolean committed;

    @Label("Bytes Written")
    @DataAmount
    public long bytesWritten;

    @Label("Source Wait")
    @Timespan(Timespan.NANOSECONDS)
    public long sourceNanos;

    @Label("Constraints")
    @Timespan(Timespan.NANOSECONDS)
    public long constraintNanos;

    @Label("Append")
    @Timespan(Timespan.NANOSECONDS)
    public long appendNanos;

    @Label("Commit")
    @Timespan(Timespan.NANOSECONDS)
    public long commitNanos;
}
