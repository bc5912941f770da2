package dev.ingot.ingest.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchStageEventTest {
    @TempDir
    Path dir;

    @Test
    void finishCommitsTheStageWithItsFieldsWhenARecordingWantsIt() throws Exception {
        BatchStageEvent.start().finish("ignored", "source", 1, 1); // no recording: nothing to see
        Path out = dir.resolve("stages.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.ingot.BatchStage").withThreshold(java.time.Duration.ZERO);
            recording.start();
            BatchStageEvent event = BatchStageEvent.start();
            Thread.sleep(2);
            event.finish("lineitem", "append", 7, 4096);
            recording.stop();
            recording.dump(out);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(out).stream()
                .filter(e -> e.getEventType().getName().equals("dev.ingot.BatchStage")).toList();
        assertEquals(1, events.size(), events.toString());
        RecordedEvent e = events.get(0);
        assertEquals("lineitem", e.getString("table"));
        assertEquals("append", e.getString("stage"));
        assertEquals(7, e.getLong("batch"));
        assertEquals(4096, e.getInt("rows"));
        assertTrue(e.getDuration().toNanos() >= 2_000_000, "the stage's time runs from start() to finish(): " + e.getDuration());
    }
}
