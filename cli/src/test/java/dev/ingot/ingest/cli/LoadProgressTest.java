package dev.ingot.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TestMemory;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.ingest.robust.Fixtures;
import dev.ingot.ingest.text.DelimitedTextSource;
import dev.ingot.ingest.text.TextDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress of {@code ingot load} (issue 9): the bar counts the input files' bytes when row
 * counts are not known beforehand, fed by each source's {@code inputBytesRead()}, which grows range
 * by range and ends at the files' total size; {@code --report-json} of a general load carries no
 * TPC-H scale, while {@code load-tpch}'s keeps it.
 */
class LoadProgressTest {
    private static final String SCHEMA = "CREATE TABLE t (id BIGINT PRIMARY KEY, s VARCHAR(30));\n";

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("load-progress", 256L << 20);

    @Test
    void withoutRowCountsTheBarCountsBytesPerTable() throws Exception {
        try (LoadInterrupts interrupts = LoadInterrupts.install();
             LoadProgress p = new LoadProgress(0, 1000, true, interrupts)) {
            assertEquals(1000, p.max());
            p.inputBytesRead("a", 300);
            p.rowsLoaded("a", 5000); // rows do not move a byte bar
            p.inputBytesRead("b", 200);
            p.inputBytesRead("a", 700);
            assertEquals(900, p.current());
        }
    }

    @Test
    void withRowCountsTheBarCountsRows() throws Exception {
        try (LoadInterrupts interrupts = LoadInterrupts.install();
             LoadProgress p = new LoadProgress(5000, 1000, true, interrupts)) {
            assertEquals(5000, p.max());
            p.rowsLoaded("a", 1200);
            p.inputBytesRead("a", 700);
            assertEquals(1200, p.current());
        }
    }

    private Path csv(String name, int from, int rows) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + rows; i++) {
            sb.append(i).append(",\"row ").append(i).append("\"\n");
        }
        return Files.writeString(tmp.resolve(name), sb.toString());
    }

    @Test
    void aTextSourceReportsItsFilesRangeByRangeUpToTheirTotalSize() throws Exception {
        TableDef def = SqlSchema.parse(SCHEMA, "s.sql").get(0);
        List<Path> files = List.of(csv("a.csv", 0, 400), csv("b.csv", 400, 300));
        long total = Files.size(files.get(0)) + Files.size(files.get(1));
        List<Long> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("store"))) {
            LoadReport r = new BulkLoader(store, mem.ingot(), LoadOptions.defaults()).load(List.of(def),
                    (t, batchRows, threads) -> DelimitedTextSource.open(mem.arrow(), t, TextDialect.csv(), files, 50, 2, 512, 1024,
                            OrderedParts.ReadAhead.forThreads(2)),
                    x -> 0, new BulkLoader.Progress() {
                        @Override
                        public void inputBytesRead(String table, long bytesSoFar) {
                            seen.add(bytesSoFar);
                        }
                    });
            assertNull(r.failure());
            assertEquals(700, store.table("t").orElseThrow().rowCount());
        }
        assertEquals(total, seen.get(seen.size() - 1).longValue(), seen::toString);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i) >= seen.get(i - 1), seen::toString);
        }
        assertTrue(seen.stream().distinct().count() > 5, seen::toString); // ranges of 512 bytes, not one jump at the end
        assertTrue(seen.get(0) < total, seen::toString);
    }

    @Test
    void theReportOfAGeneralLoadHasNoScaleAndNamesItsInputs() throws Exception {
        Path schema = Files.writeString(tmp.resolve("s.sql"), SCHEMA);
        Path a = csv("t.csv", 0, 25);
        Path report = tmp.resolve("report.json");
        Fixtures.CliRun r = Fixtures.cli("load", "--store", tmp.resolve("store").toString(), "--schema", schema.toString(),
                "--no-progress", "--report-json", report.toString(), "t=" + a);
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = new ObjectMapper().readTree(report.toFile());
        assertFalse(doc.has("scale"), doc::toString);
        assertEquals("t=" + a, doc.get("source").asText());
        assertEquals(25, doc.get("rows").asLong());
        assertEquals("IMMEDIATE", doc.get("mode").asText());

        Path tpch = tmp.resolve("tpch.json");
        Fixtures.CliRun t = Fixtures.cli("load-tpch", "--scale", "0.01", "--store", tmp.resolve("tpch").toString(), "--no-progress",
                "--report-json", tpch.toString());
        assertEquals(0, t.exit(), t.err());
        JsonNode tdoc = new ObjectMapper().readTree(tpch.toFile());
        assertEquals(0.01, tdoc.get("scale").asDouble());
        assertEquals("generator", tdoc.get("source").asText());
    }
}
