package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 case 5: {@code load-tpch --scale 0.01 --batch-size 1 --source DIR} of {@code .tbl}
 * files ran out of heap, because the parser workers queued every one-row batch of their ranges
 * (about 900K live ArrowBufs). With read-ahead bounded in batches and bytes it loads in a child
 * JVM with a 96 MiB heap, a fifth of the launcher's default 512 MiB (before the bound it failed
 * with OutOfMemoryError at this heap).
 */
class BatchSizeOneHeapTest {
    @TempDir
    Path tmp;

    @Test
    void batchSizeOneLoadsInASmallHeap() throws Exception {
        Path tbl = Fixtures.writeTbl(tmp.resolve("tbl"), 0.01);
        Path store = tmp.resolve("store");
        Path log = tmp.resolve("child.log");
        List<String> cmd = new ArrayList<>(List.of(Fixtures.javaExecutable(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Xms64m", "-Xmx96m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), "dev.ingot.ingest.cli.IngotCli", "load-tpch", "--scale", "0.01",
                "--batch-size", "1", "--threads", "2", "--source", tbl.toString(), "--store", store.toString(), "--no-progress"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child did not finish");
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        Map<String, Long> expected = Fixtures.lineCounts(tbl);
        try (ColumnStore cs = ColumnStore.open(store, Fixtures.NO_SYNC)) {
            assertEquals(new java.util.TreeMap<>(expected), Fixtures.tableRows(cs));
        }
    }
}
