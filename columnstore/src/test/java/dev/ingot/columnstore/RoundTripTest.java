package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.TestData.Model;
import dev.ingot.testing.ArrowPerTest;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RoundTripTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    private void load(ColumnStore store, ColumnStoreWriteHints hints, VectorSchemaRoot root, int[][] slices) throws Exception {
        try (TableWriter w = store.createTable(TestData.ALL_TYPES, hints)) {
            for (int[] s : slices) {
                w.appendBatch(root, s[0], s[1]);
            }
            w.commit();
        }
    }

    @Test
    void fullVectorRoundTripsEveryTypeWithNulls() throws Exception {
        Model m = TestData.Model.random(new Random(1), 5000, 0.2, 0);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            load(store, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES), root, new int[][] {{0, 5000}});
            try (TableReader r = store.openTable("all_types")) {
                assertEquals(1, r.rowGroupCount());
                TestData.assertTable(r, m);
                assertEquals(7, r.verifyChecksums());
            }
            assertEquals(0, store.stagingAllocator().allocatedBytes());
        }
    }

    @Test
    void slicesAtOddOffsetsAcrossSeveralRowGroups() throws Exception {
        Model all = TestData.Model.random(new Random(2), 4100, 0.3, 0);
        // rows 3..1003, then 1003..1016 (13 rows), then 1016..2793, then 2793..4099: staged counts never byte aligned
        int[][] slices = {{3, 1000}, {1003, 13}, {1016, 1777}, {2793, 1306}};
        Model expected = all.slice(3, 4099);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), all)) {
            load(store, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1001), root, slices);
            try (TableReader r = store.openTable("all_types")) {
                assertEquals(5, r.rowGroupCount()); // 4096 rows / 1001
                assertEquals(4096, r.info().rowCount());
                assertEquals(1001, r.info().chunkRows());
                TestData.assertTable(r, expected);
            }
        }
    }

    @Test
    void emptyStringsAndMultiByteTextRoundTrip() throws Exception {
        Model m = new Model(6);
        String[] modes = {"", "日本語日本語日本語日", "😀😀😀😀😀😀😀😀😀😀", null, "é", "AIR"};
        for (int i = 0; i < 6; i++) {
            m.id[i] = i;
            m.mode[i] = modes[i];
            m.comment[i] = i % 2 == 0 ? "" : "ß€日😀";
        }
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            load(store, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES), root, new int[][] {{0, 6}});
            try (TableReader r = store.openTable("all_types")) {
                TestData.assertTable(r, m);
                ChunkStats s = r.chunkStats(1, 0);
                assertEquals(6, s.nullCount());
                assertTrue(!s.hasMinMax());
            }
        }
    }

    @Test
    void columnWritersAppendSeparatelyWithDifferentSlices() throws Exception {
        Model all = TestData.Model.random(new Random(3), 3000, 0.25, 0);
        Model expected = all.slice(5, 2905);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), all)) {
            try (TableWriter w = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(700))) {
                for (int c = 0; c < 7; c++) {
                    FieldVector v = root.getVector(c);
                    // each column splits its 2900 rows differently
                    int step = 97 + 211 * c;
                    for (int off = 5; off < 2905; off += step) {
                        w.column(c).appendBatch(v, off, Math.min(step, 2905 - off));
                    }
                    assertEquals(2900, w.column(c).rowCount());
                }
                assertEquals(2900, w.rowCount());
                w.commit();
            }
            try (TableReader r = store.openTable("all_types")) {
                assertEquals(5, r.rowGroupCount());
                TestData.assertTable(r, expected);
            }
        }
    }

    @Test
    void commitCloseReopenShowsTableAndScanStreamsRowGroups() throws Exception {
        Model m = TestData.Model.random(new Random(4), 2500, 0.1, 0);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(arrow.allocator(), m)) {
            load(store, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1024), root, new int[][] {{0, 2500}});
        }
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            assertEquals(1, store.tables().size());
            TableInfo info = store.table("all_types").orElseThrow();
            assertEquals(TestData.ALL_TYPES, info.def());
            assertEquals(2500, info.rowCount());
            assertEquals(0, store.orphanKeysFreedOnOpen());
            try (TableReader r = store.openTable("all_types")) {
                TestData.assertTable(r, m);
                Iterator<VectorSchemaRoot> it = r.scan(List.of("id"));
                long next = 0;
                int groups = 0;
                while (it.hasNext()) {
                    try (VectorSchemaRoot g = it.next()) {
                        assertEquals(1, g.getFieldVectors().size());
                        BigIntVector id = (BigIntVector) g.getVector(0);
                        for (int i = 0; i < g.getRowCount(); i++) {
                            assertEquals(next++, id.get(i));
                        }
                        groups++;
                    }
                }
                assertEquals(3, groups);
                assertEquals(2500, next);
                ChunkStats idStats = r.chunkStats(0, 1);
                assertTrue(idStats.sorted());
                assertEquals(1024, idStats.min());
                assertEquals(2047, idStats.max());
            }
        }
    }
}
