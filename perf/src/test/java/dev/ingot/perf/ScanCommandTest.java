package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {
    @TempDir
    Path dir;

    @Test
    void scansEveryRowAndCountsTheArrowBytes() throws Exception {
        Path storeDir = dir.resolve("store");
        TableDef def = new TableDef("t", List.of(ColumnDef.notNull("a", ColumnType.int64()), ColumnDef.notNull("b", ColumnType.int64())), List.of());
        int rows = 5000;
        try (ColumnStore store = ColumnStore.openOrCreate(storeDir, ColumnStoreOptions.defaults());
             BufferAllocator arrow = new RootAllocator(1L << 28);
             TableWriter writer = store.createTable(def, ColumnStoreWriteHints.estimate(def));
             BigIntVector a = new BigIntVector("a", arrow);
             BigIntVector b = new BigIntVector("b", arrow)) {
            a.allocateNew(rows);
            b.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                a.set(i, i);
                b.set(i, 7L * i);
            }
            a.setValueCount(rows);
            b.setValueCount(rows);
            writer.column(0).appendBatch(a, 0, rows);
            writer.column(1).appendBatch(b, 0, rows);
            writer.commit();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int code;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            code = BenchCli.run("bench-scan", "--store", storeDir.toString(), "--table", "t", "--warmup", "1", "--runs", "2", "--per-column");
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        // per row 8 data bytes per column; the validity bitmaps are whole bytes per row group
        assertTrue(text.contains("run 0: 5,000 rows, "), text);
        assertTrue(text.contains("run 1: 5,000 rows, "), text);
        assertTrue(text.contains("t: median "), text);
        assertTrue(text.contains("over 2 runs"), text);
        assertTrue(text.contains("  a                    cpu median"), text);
        assertTrue(text.contains("  b                    cpu median"), text);
        long arrowBytes = Long.parseLong(text.replaceAll("(?s).*run 0: 5,000 rows, ([0-9,]+) Arrow bytes.*", "$1").replace(",", ""));
        assertTrue(arrowBytes >= 2L * 8 * rows && arrowBytes <= 2L * 8 * rows + 2L * 1024, text);
    }

    @Test
    void refusesNoRuns() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = System.err;
        int code;
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            code = BenchCli.run("bench-scan", "--store", dir.toString(), "--runs", "0");
        } finally {
            System.setErr(err);
        }
        assertEquals(1, code);
        assertEquals("ingot: error: java.lang.IllegalArgumentException: --runs must be at least 1 (0 with --point-reads or --lookup-phases)"
                + " and --warmup at least 0, not 0 and 3", bytes.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void lookupPhasesTimeEachPhaseOfPrimaryKeyLookups() throws Exception {
        Path storeDir = dir.resolve("keyed");
        try (dev.ingot.Ingot db = dev.ingot.Ingot.open(storeDir, dev.ingot.IngotOptions.defaults().createIfMissing())) {
            db.createTables("CREATE TABLE k (id BIGINT NOT NULL, line INT NOT NULL, note VARCHAR, PRIMARY KEY (id, line))");
            List<List<Object>> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                rows.add(java.util.Arrays.asList((long) (i / 3), i % 3, i % 5 == 0 ? null : "note " + i));
            }
            try (dev.ingot.Transaction tx = db.begin(); org.apache.arrow.vector.VectorSchemaRoot batch = db.batch("k", rows)) {
                tx.append("k", batch);
                tx.commit();
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = System.out;
        int code;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            code = BenchCli.run("bench-scan", "--store", storeDir.toString(), "--table", "k", "--runs", "0", "--warmup", "0", "--lookup-phases", "500");
        } finally {
            System.setOut(out);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.startsWith("lookup phases of k, 500 lookups (wall us):"), text);
        for (String phase : List.of("key -> row id", "read id", "read line", "read note", "copy out", "whole lookup", "whole lookup thread CPU")) {
            assertTrue(text.contains("\n  " + phase + " "), phase + " in " + text);
        }
        // every lookup above the p99 has one largest phase: the counts of the phase lines add up to the count of those lookups
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  (?:key -> row id|read \\w+|copy out) .*?\\s(\\d+)\\s+[0-9.]+%$").matcher(text);
        int owners = 0;
        int phases = 0;
        while (m.find()) {
            owners += Integer.parseInt(m.group(1));
            phases++;
        }
        assertEquals(5, phases, text);
        int tail = Integer.parseInt(text.replaceAll("(?s).*\\s(\\d+) lookups above .*", "$1"));
        assertEquals(tail, owners, text);
        assertTrue(tail >= 1 && tail <= 5, "1% of 500 lookups, ties at the p99 aside: " + text);
        assertTrue(!text.contains("median"), "no scan with --runs 0: " + text);
    }
}
