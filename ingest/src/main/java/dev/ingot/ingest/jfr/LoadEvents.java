package dev.ingot.ingest.jfr;

import jdk.jfr.FlightRecorder;

/**
 * Where a load creates its JFR events: {@link BatchStageEvent}s and {@link TableLoadEvent}s only
 * once the JVM's Flight Recorder is initialized (a recording started by
 * {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or the {@code jdk.jfr} API), and
 * {@code null} before that, with nothing of JFR loaded. Loading the first event class makes the
 * JDK register it with JFR: reading JFR's metadata and generating its event handler class
 * (98 JFR classes and about 0.2 s on the loading thread at the start of an SF0.01 load, plus
 * class-writing code for the JIT compiler to compile), work no load needs without a recording.
 * A recording started while a load runs sees the stages and tables that begin after it.
 *
 * <p>Thread-safety: stateless; the events themselves belong to the thread that started them.
 */
public final class LoadEvents {
    private LoadEvents() {}

    /** Whether the Flight Recorder is initialized in this JVM (one volatile read; loads no event class). */
    public static boolean recording() {
        return FlightRecorder.isInitialized();
    }

    /** A batch stage event started now, or {@code null} when JFR is not initialized. */
    public static BatchStageEvent startStage() {
        return recording() ? BatchStageEvent.start() : null;
    }

    /**
     * Ends {@code event} (from {@link #startStage}) as {@link BatchStageEvent#finish} does; nothing
     * for {@code null}.
     */
    public static void finishStage(BatchStageEvent event, String table, String stage, long batch, int rows) {
        if (event != null) {
            event.finish(table, stage, batch, rows);
        }
    }

    /** A table load event begun now, or {@code null} when JFR is not initialized. */
    public static TableLoadEvent startTable() {
        if (!recording()) {
            return null;
        }
        TableLoadEvent event = new TableLoadEvent();
        event.begin();
        return event;
    }
}
