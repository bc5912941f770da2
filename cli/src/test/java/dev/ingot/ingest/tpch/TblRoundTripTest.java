package dev.ingot.ingest.tpch;

import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.TableDef;
import dev.ingot.testing.ArrowPerTest;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** TblWriter output parsed back by TblFileSource equals the generator, value for value. */
class TblRoundTripTest {
    private static final double SF = 0.01;

    @TempDir
    static Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    @BeforeAll
    static void writeFiles() throws Exception {
        TblWriter.write(dir, SF, 2, TpchSchema.tableNames());
    }

    @Test
    void filesAreTheGeneratorsLinesAndIndependentOfThreads() throws Exception {
        Path single = Files.createDirectory(dir.resolve("single"));
        TblWriter.write(single, SF, 1, List.of("lineitem", "orders", "nation"));
        for (String t : List.of("lineitem", "orders", "nation")) {
            assertArrayEquals(Files.readAllBytes(single.resolve(t + ".tbl")), Files.readAllBytes(dir.resolve(t + ".tbl")), t);
        }
        for (TableDef def : TpchSchema.tables()) {
            Iterator<? extends TpchEntity> it = TpchTable.getTable(def.name()).createGenerator(SF, 1, 1).iterator();
            try (BufferedReader r = Files.newBufferedReader(dir.resolve(def.name() + ".tbl"), StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    assertEquals(it.next().toLine(), line, def.name());
                }
            }
            assertTrue(!it.hasNext(), def.name());
        }
        assertTrue(!Files.exists(dir.resolve("lineitem.tbl.tmp")));
    }

    @Test
    void parsedFilesEqualTheGeneratorSourceForEveryTable() throws Exception {
        for (TableDef def : TpchSchema.tables()) {
            List<List<Object>> generated;
            try (TpchGeneratorSource g = TpchGeneratorSource.open(arrow.allocator(), def.name(), SF, 1000, 1)) {
                generated = TestRows.drainRows(g);
            }
            for (int threads : new int[] {1, 2}) {
                // small ranges so even the SF0.01 files split into many ranges
                try (TblFileSource p = TblFileSource.open(arrow.allocator(), def, dir.resolve(def.name() + ".tbl"), 777, threads,
                        64 << 10, 16 << 10)) {
                    List<List<Object>> parsed = TestRows.drainRows(p);
                    assertEquals(generated.size(), parsed.size(), def.name());
                    for (int i = 0; i < parsed.size(); i++) {
                        assertEquals(generated.get(i), parsed.get(i), def.name() + " row " + i);
                    }
                }
            }
        }
    }

    @Test
    void lineitemSumsAndTextBytesMatch() throws Exception {
        long[] gen = sums(TpchGeneratorSource.open(arrow.allocator(), "lineitem", SF, 4096, 2));
        long[] tbl = sums(TblFileSource.open(arrow.allocator(), TpchSchema.table("lineitem"), dir.resolve("lineitem.tbl"), 4096, 2));
        assertArrayEquals(gen, tbl);
        assertTrue(gen[0] > 50_000, "rows " + gen[0]);
    }

    /** rows, sum of each DECIMAL column's unscaled values, sum of keys, total text bytes. */
    private static long[] sums(dev.ingot.ingest.BatchSource source) throws Exception {
        long[] s = new long[7];
        try (source) {
            dev.ingot.ingest.InsertSource.ArrowBatch b;
            while ((b = source.next()) != null) {
                try (dev.ingot.ingest.InsertSource.ArrowBatch batch = b) {
                    var root = batch.root();
                    s[0] += root.getRowCount();
                    for (int i = 0; i < root.getRowCount(); i++) {
                        for (int c = 4; c <= 7; c++) {
                            s[c - 3] += TestRows.unscaled((org.apache.arrow.vector.DecimalVector) root.getVector(c), i);
                        }
                        s[5] += ((org.apache.arrow.vector.BigIntVector) root.getVector(0)).get(i);
                    }
                    for (int c : new int[] {8, 9, 13, 14, 15}) {
                        var v = (org.apache.arrow.vector.VarCharVector) root.getVector(c);
                        s[6] += v.getOffsetBuffer().getInt(4L * root.getRowCount());
                    }
                }
            }
        }
        return s;
    }
}
