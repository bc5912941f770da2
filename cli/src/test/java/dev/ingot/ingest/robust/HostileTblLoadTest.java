package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's load-tpch case: SF0.01 {@code .tbl} files where {@code nation.tbl} has one extra
 * line of 300 MB without a line break (written sparsely: zero bytes) gave
 * {@code java.lang.OutOfMemoryError: Java heap space}. Now the line limit refuses it after its
 * first MiB, naming file, line, column and limit, and the tables that do not depend on nation
 * stay committed. {@code --max-line-bytes} sets the limit the message names.
 */
class HostileTblLoadTest {
    @TempDir
    Path tmp;

    @Test
    void aThreeHundredMegabyteLineIsAClearError() throws Exception {
        Path tbl = Fixtures.writeTbl(tmp.resolve("tbl"), 0.01);
        Map<String, Long> rows = Fixtures.lineCounts(tbl);
        Path nation = tbl.resolve("nation.tbl");
        try (RandomAccessFile raf = new RandomAccessFile(nation.toFile(), "rw")) {
            raf.setLength(raf.length() + (300L << 20));
        }
        Path store = tmp.resolve("store");
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", tbl.toString(), "--store",
                store.toString(), "--no-progress", "--threads", "2");
        assertEquals(1, run.exit(), run.err());
        String expected = "ingot: error: line longer than the maximum line length of 1048576 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes), in column"
                + " n_nationkey; file " + nation + ", line 26";
        assertTrue(run.err().contains(expected + System.lineSeparator()), run.err());
        assertTrue(!run.err().contains("OutOfMemoryError"), run.err());
        try (ColumnStore cs = ColumnStore.open(store, Fixtures.NO_SYNC)) {
            Map<String, Long> committed = Fixtures.tableRows(cs);
            assertEquals(rows.get("region"), committed.get("region"));
            assertTrue(!committed.containsKey("nation"), committed.toString());
            for (Map.Entry<String, Long> t : committed.entrySet()) {
                assertEquals(rows.get(t.getKey()), t.getValue(), t.getKey());
            }
        }
        Files.delete(nation);
    }

    @Test
    void theLineLimitOfLoadTpchIsSetByMaxLineBytes() throws Exception {
        Path tbl = Fixtures.tblSf001();
        Path store = tmp.resolve("limited");
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", tbl.toString(), "--store",
                store.toString(), "--no-progress", "--threads", "1", "--max-line-bytes", "120");
        assertEquals(1, run.exit(), run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals("ingot: error: line longer than the maximum line length of 120 bytes (raise it with --max-line-bytes or"
                + " TextDialect.withMaxLineBytes), in column r_comment; file " + tbl.resolve("region.tbl") + ", line 1", lines.get(lines.size() - 1));
        for (String bad : new String[] {"0", "1073741825"}) {
            Fixtures.CliRun usage = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", tbl.toString(), "--store",
                    tmp.resolve("never").toString(), "--max-line-bytes", bad);
            assertEquals(2, usage.exit(), usage.err());
            assertEquals(bad.equals("0") ? "--max-line-bytes must be a positive number: 0" : "--max-line-bytes must be at most 1073741824: 1073741825",
                    usage.err().lines().findFirst().orElseThrow());
        }
        assertTrue(Files.notExists(tmp.resolve("never")));
    }
}
