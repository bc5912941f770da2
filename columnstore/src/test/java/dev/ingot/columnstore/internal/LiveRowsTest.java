package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.testing.TestSeed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/**
 * {@link LiveRows} against a list of the live rows, over seeded chunks of up to 5,000 rows
 * (scattered and dense deletions, the first and the last row deleted, long deleted and live runs,
 * everything deleted, nothing deleted): the runs, the RLE run ends clipped to the live rows
 * (checked by expanding both into values) and the live rows' bits moved together.
 */
class LiveRowsTest {
    @Test
    void runsClippedRunEndsAndBitsFollowTheLiveRows() {
        long seed = TestSeed.seed("LiveRowsTest", 17L);
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            int rows = round % 4 == 0 ? rnd.nextInt(10) : 1 + rnd.nextInt(5000);
            RoaringBitmap deleted = new RoaringBitmap();
            int shape = round % 6;
            for (int r = 0; r < rows; r++) {
                boolean d = switch (shape) {
                    case 0 -> rnd.nextInt(100) == 0;          // scattered, long live runs
                    case 1 -> rnd.nextInt(3) == 0;            // dense
                    case 2 -> r == 0 || r == rows - 1;        // the ends
                    case 3 -> (r / 1500) % 2 == 1;            // long deleted and live runs
                    case 4 -> false;                          // nothing
                    default -> true;                          // everything
                };
                if (d) {
                    deleted.add(r);
                }
            }
            deleted.add(rows + 3); // past the chunk: ignored
            String at = TestSeed.describe(seed) + " round " + round + " rows " + rows;
            List<Integer> model = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                if (!deleted.contains(r)) {
                    model.add(r);
                }
            }
            LiveRows live = LiveRows.of(deleted, rows);
            List<Integer> got = new ArrayList<>();
            int prevEnd = -1;
            for (int k = 0; k < live.runs(); k++) {
                assertEquals(true, live.start(k) > prevEnd && live.start(k) < live.end(k), at + ": run " + k + " separate and not empty");
                for (int r = live.start(k); r < live.end(k); r++) {
                    got.add(r);
                }
                prevEnd = live.end(k);
            }
            assertEquals(model, got, at);
            assertEquals(model.size(), live.liveRows(), at);
            assertEquals(rows, live.rows(), at);
            assertEquals(model.size() == rows, live.isAll(), at);
            if (shape == 4) {
                assertEquals(rows == 0 ? 0 : 1, live.runs(), at + ": no deletion is one run");
            }

            // RLE runs of random lengths: expanded over the live rows, clipped ends give the live rows' values
            int[] ends = new int[rows + 1];
            int runs = 0;
            for (int e = 0; e < rows; ) {
                e = Math.min(rows, e + 1 + rnd.nextInt(round % 3 == 0 ? 3 : 400));
                ends[runs++] = e;
            }
            int[] clipped = live.clipRunEnds(ends, runs, new int[runs]);
            long[] expanded = new long[model.size()];
            for (int r = 0, start = 0; r < runs; start = clipped[r], r++) {
                assertEquals(true, clipped[r] >= start, at + ": clipped run " + r + " not before its start");
                for (int k = start; k < clipped[r]; k++) {
                    expanded[k] = r;
                }
            }
            assertEquals(runs == 0 ? 0 : model.size(), runs == 0 ? 0 : clipped[runs - 1], at + ": the last clipped end");
            long[] expected = new long[model.size()];
            for (int k = 0; k < model.size(); k++) {
                int row = model.get(k);
                int r = 0;
                while (ends[r] <= row) {
                    r++;
                }
                expected[k] = r;
            }
            assertArrayEquals(expected, expanded, at + ": run of each live row");

            // bits
            long[] bits = new long[(rows + 63) / 64 + 1];
            boolean[] set = new boolean[rows];
            for (int r = 0; r < rows; r++) {
                set[r] = rnd.nextInt(round % 2 == 0 ? 2 : 9) != 0;
                if (set[r]) {
                    bits[r >>> 6] |= 1L << r;
                }
            }
            long[] moved = live.liveBits(bits, new long[(model.size() + 63) / 64 + 1]);
            for (int k = 0; k < moved.length * 64; k++) {
                boolean want = k < model.size() && set[model.get(k)];
                assertEquals(want, (moved[k >>> 6] >>> k & 1) != 0, at + ": bit " + k);
            }
        }
    }

    @Test
    void everyRowLiveIsOneRun() {
        LiveRows all = LiveRows.all(49_152);
        assertEquals(1, all.runs());
        assertEquals(0, all.start(0));
        assertEquals(49_152, all.end(0));
        assertEquals(true, all.isAll());
        assertEquals(0, LiveRows.all(0).runs());
        assertEquals("negative row count -1", org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> LiveRows.all(-1)).getMessage());
    }

    @Test
    void aDecoderRefusesTheLiveRowsOfAChunkOfAnotherRowCount(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        dev.ingot.columnstore.TableDef def = new dev.ingot.columnstore.TableDef("t",
                List.of(dev.ingot.columnstore.ColumnDef.notNull("x", dev.ingot.columnstore.ColumnType.int64())), List.of());
        try (org.apache.arrow.memory.BufferAllocator arrow = dev.ingot.testing.TestAllocators.arrow();
             dev.ingot.columnstore.ColumnStore store = dev.ingot.columnstore.ColumnStore.openOrCreate(dir)) {
            try (org.apache.arrow.vector.VectorSchemaRoot root = org.apache.arrow.vector.VectorSchemaRoot.create(def.arrowSchema(), arrow)) {
                org.apache.arrow.vector.BigIntVector x = (org.apache.arrow.vector.BigIntVector) root.getVector(0);
                x.allocateNew(100);
                for (int i = 0; i < 100; i++) {
                    x.set(i, 7L * i);
                }
                root.setRowCount(100);
                try (dev.ingot.columnstore.TableWriter w = store.createTable(def, dev.ingot.columnstore.ColumnStoreWriteHints.estimate(def))) {
                    w.appendBatch(root, 0, 100);
                    w.commit();
                }
            }
            dev.ingot.columnstore.RowGroupInfo g = store.table("t").orElseThrow().rowGroups().get(0);
            java.nio.ByteBuffer blob = store.pager().get(g.chunkKey(0)).slice().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            ChunkFormat.Header h = ChunkFormat.parse(blob, dev.ingot.columnstore.ColumnType.Kind.INT64, 100, store.pager().file(), "t.x", true);
            ChunkDecoder decoder = new ChunkDecoder();
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> decoder.decode(def.columns().get(0), h, blob, arrow, null, LiveRows.all(101), store.pager().file(), "t.x"));
            assertEquals("live rows of a chunk of 101 rows for the 100 rows of t.x", e.getMessage());
            RoaringBitmap deleted = RoaringBitmap.bitmapOf(0, 50, 99);
            try (org.apache.arrow.vector.FieldVector v = decoder.decode(def.columns().get(0), h, blob, arrow, null, LiveRows.of(deleted, 100),
                    store.pager().file(), "t.x")) {
                assertEquals(97, v.getValueCount());
                long sum = 0;
                for (int i = 0; i < 97; i++) {
                    sum += ((org.apache.arrow.vector.BigIntVector) v).get(i);
                }
                assertEquals(7L * (99 * 100 / 2 - 50 - 99), sum);
            }
        }
    }
}
