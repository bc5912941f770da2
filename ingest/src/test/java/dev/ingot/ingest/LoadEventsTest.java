package dev.ingot.ingest;

import static dev.ingot.ingest.MemoryRows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load's JFR events ({@code dev.ingot.jfr.LoadEvents}): every stage of every batch and the table
 * under a recording, and no JFR event class loaded in a JVM whose Flight Recorder never started (nor a
 * record's generated methods bootstrapped: the start-up class spinning a load does not need).
 */
class LoadEventsTest {
    private static final TableDef T = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("t_pk", "id")));
    private static final List<Object[]> ROWS = List.of(row(1L), row(2L), row(3L), row(4L), row(5L), row(6L), row(7L));

    @RegisterExtension
    final TestMemory mem = new TestMemory("load-events", 1L << 28);

    @TempDir
    Path tmp;

    @Test
    void aLoadUnderARecordingRecordsEachStageOfEachBatchAndTheTable() throws Exception {
        Path out = tmp.resolve("load.jfr");
        try (Recording recording = new Recording();
             ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("store"))) {
            recording.enable("dev.ingot.BatchStage").withThreshold(java.time.Duration.ZERO);
            recording.enable("dev.ingot.TableLoad").withThreshold(java.time.Duration.ZERO);
            recording.start();
            LoadReport report = MemoryRows.load(store, mem.ingot(), mem.arrow(), LoadOptions.defaults(), List.of(T), Map.of("t", ROWS), 3);
            assertNull(report.failure());
            recording.stop();
            recording.dump(out);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(out);
        Map<String, Integer> stages = new TreeMap<>(); // stage -> events; rows summed under "<stage> rows"
        List<RecordedEvent> tables = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("dev.ingot.BatchStage")) {
                assertEquals("t", e.getString("table"));
                stages.merge(e.getString("stage"), 1, Integer::sum);
                stages.merge(e.getString("stage") + " rows", e.getInt("rows"), Integer::sum);
            } else if (e.getEventType().getName().equals("dev.ingot.TableLoad")) {
                tables.add(e);
            }
        }
        // 3 batches (3 + 3 + 1 rows); the source is asked a fourth time, for its end
        assertEquals(Map.of("append", 3, "append rows", 7, "constraints", 3, "constraints rows", 7, "source", 4, "source rows", 7),
                stages);
        assertEquals(1, tables.size(), tables.toString());
        assertEquals("t", tables.get(0).getString("table"));
        assertEquals(7, tables.get(0).getLong("rows"));
        assertEquals(3, tables.get(0).getLong("batches"));
        assertTrue(tables.get(0).getBoolean("committed"));
    }

    @Test
    void aLoadWithoutFlightRecorderLoadsNoJfrEventClassNorRecordMethodBootstrap() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Xlog:class+load=info:stdout", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                tmp.resolve("child-store").toString());
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("rows of t: 7"), out);
        assertTrue(out.contains(" dev.ingot.ingest.TableInserter "), "the class-load log is read: " + out);
        // nor the bootstrap of a record's generated equals/hashCode/toString (about 50 spun classes at its first call)
        for (String cls : new String[] {"dev.ingot.ingest.jfr.BatchStageEvent", "dev.ingot.ingest.jfr.TableLoadEvent", "jdk.jfr.Event",
                "jdk.jfr.internal.MetadataRepository", "java.lang.runtime.ObjectMethods"}) {
            assertFalse(out.contains(" " + cls + " "), cls + " was loaded: " + out.lines()
                    .filter(l -> l.contains("jfr")).toList());
        }
    }

    /** The child JVM of {@link #aLoadWithoutFlightRecorderLoadsNoJfrEventClassNorRecordMethodBootstrap}: one table loaded through the bulk loader. */
    static final class Child {
        public static void main(String[] args) throws Throwable {
            try (BufferAllocator arrow = TestAllocators.arrow();
                 NativeAllocator memory = NativeAllocator.root("child", 1L << 28);
                 ColumnStore store = ColumnStore.openOrCreate(Path.of(args[0]))) {
                LoadReport report = MemoryRows.load(store, memory, arrow, LoadOptions.defaults(), List.of(T), Map.of("t", ROWS), 3);
                if (report.failure() != null) {
                    throw report.failure();
                }
                System.out.println("rows of t: " + store.table("t").orElseThrow().rowCount());
            }
        }
    }
}
