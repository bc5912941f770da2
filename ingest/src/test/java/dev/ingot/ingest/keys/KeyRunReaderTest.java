package dev.ingot.ingest.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.testing.TestSeed;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary search of a sorted run in the stored key columns ({@link KeyRunReader}) over many row
 * groups: a pair key whose first column repeats across row group boundaries (4 lines an order, row
 * groups of 1024 rows), deleted rows, runs that start and end inside row groups, a cache budget so
 * small that row groups are evicted and decoded again; every key of the run found at its row id,
 * keys outside the run's rows and absent keys not, against a linear scan of the model.
 */
class KeyRunReaderTest {
    @TempDir
    Path dir;

    static final TableDef LINES = new TableDef("lines",
            List.of(ColumnDef.notNull("k", ColumnType.int64()), ColumnDef.notNull("n", ColumnType.int32())), List.of());

    @Test
    void findsEveryKeyOfARunAcrossRowGroups() throws Exception {
        long seed = TestSeed.seed("KeyRunReaderTest");
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            int rows = 10_000 + rnd.nextInt(3000);
            long[] a = new long[rows];
            long[] b = new long[rows];
            long order = -50;
            for (int i = 0; i < rows; i++) { // orders of 1..7 lines, order keys with gaps, some negative
                if (i == 0 || b[i - 1] >= 1 + rnd.nextInt(7)) {
                    order += 1 + rnd.nextInt(3);
                    b[i] = 1;
                } else {
                    b[i] = b[i - 1] + 1;
                }
                a[i] = order;
            }
            try (BufferAllocator arrow = new RootAllocator(); ColumnStore store = ColumnStore.openOrCreate(dir)) {
                try (TableWriter w = store.createTable(LINES, ColumnStoreWriteHints.estimate(LINES).withChunkRows(1024));
                     VectorSchemaRoot root = VectorSchemaRoot.create(LINES.arrowSchema(), arrow)) {
                    root.allocateNew();
                    for (int i = 0; i < rows; i++) {
                        ((BigIntVector) root.getVector(0)).setSafe(i, a[i]);
                        ((IntVector) root.getVector(1)).setSafe(i, (int) b[i]);
                    }
                    root.setRowCount(rows);
                    w.appendBatch(root);
                    w.commit();
                }
                try (StoreTransaction tx = store.begin()) {
                    tx.delete("lines", 0, 1023, 1024, 5000);
                    tx.commit();
                }
                try (TableReader reader = store.openTable("lines")) {
                    assertTrue(reader.rowGroupCount() >= 10, "row groups: " + reader.rowGroupCount());
                    KeyRunReader search = new KeyRunReader(reader.info(), reader, List.of("k", "n"), 3 * 1024 * 8);
                    for (int round = 0; round < 3; round++) {
                        long from = round == 0 ? 0 : rnd.nextInt(rows / 2);
                        long to = round == 0 ? rows : from + 1 + rnd.nextInt(rows - (int) from);
                        for (int probe = 0; probe < 4000; probe++) {
                            int i = rnd.nextInt(rows);
                            long pa = a[i] + (probe % 5 == 0 ? rnd.nextInt(3) - 1 : 0);
                            long pb = b[i] + (probe % 7 == 0 ? 5 : 0);
                            long expected = -1;
                            for (int r = (int) from; r < to; r++) {
                                if (a[r] == pa && b[r] == pb) {
                                    expected = r;
                                }
                            }
                            assertEquals(expected, search.find(pa, pb, from, to), "(" + pa + ", " + pb + ") in rows [" + from + ", " + to + ")");
                        }
                        assertEquals(-1, search.find(a[0] - 1, 1, from, to), "below the first key");
                        assertEquals(-1, search.find(a[rows - 1] + 1, 1, from, to), "above the last key");
                    }
                    assertTrue(search.cachedBytes() <= 3 * 1024 * 8 + 2 * (64 + 8 * 1024), "the cache keeps to its budget: " + search.cachedBytes());
                    assertEquals(1023, search.find(a[1023], b[1023], 0, rows), "a deleted row is found: the caller tests deletion");
                }
            }
        });
    }

    @Test
    void theCacheBudgetIsReadOrRefusedByName() {
        assertEquals(268_435_456L, KeyRunReader.cacheBudget("256m"));
        assertEquals(1L << 30, KeyRunReader.cacheBudget("1g"));
        assertEquals(4096, KeyRunReader.cacheBudget("4096"));
        assertEquals(KeyRunReader.DEFAULT_CACHE_BYTES, KeyRunReader.cacheBudget(null));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> KeyRunReader.cacheBudget("lots"));
        assertEquals("-Dingot.keys.runCacheBytes=lots: expected a size in bytes, such as 268435456 or 256m", e.getMessage());
    }

    @Test
    void verifyRefusesASortedRunWhoseRowsAreNotInOrder() throws Exception {
        TableDef t = new TableDef("t", List.of(ColumnDef.notNull("k", ColumnType.int64())),
                List.of(dev.ingot.columnstore.ConstraintSpec.primaryKey("t_pk", "k")));
        try (BufferAllocator arrow = new RootAllocator(); ColumnStore store = ColumnStore.openOrCreate(dir);
             dev.ingot.memory.NativeAllocator memory = dev.ingot.memory.NativeAllocator.root("test", 1L << 24)) {
            try (TableWriter w = store.createTable(t, ColumnStoreWriteHints.estimate(t));
                 VectorSchemaRoot root = VectorSchemaRoot.create(t.arrowSchema(), arrow)) {
                root.allocateNew();
                long[] stored = {1, 3, 2};
                for (int i = 0; i < stored.length; i++) {
                    ((BigIntVector) root.getVector(0)).setSafe(i, stored[i]);
                }
                root.setRowCount(3);
                w.appendBatch(root);
                w.commit();
            }
            // a run that claims rows 0..2 are in order (as if its writer had seen 1, 2, 3)
            try (dev.ingot.constraints.index.KeyIndexWriter run = new dev.ingot.constraints.index.KeyIndexWriter(
                         List.of(ColumnType.int64()), memory, 3);
                 VectorSchemaRoot keys = VectorSchemaRoot.create(t.arrowSchema(), arrow);
                 StoreTransaction tx = store.begin()) {
                keys.allocateNew();
                for (int i = 0; i < 3; i++) {
                    ((BigIntVector) keys.getVector(0)).setSafe(i, i + 1);
                }
                keys.setRowCount(3);
                assertEquals(-1, run.add(new org.apache.arrow.vector.FieldVector[] {keys.getVector(0)}, 0, 3, 0));
                tx.putIndex("t", StoredTable.segmentName("t_pk", 0), run.finish());
                tx.commit();
            }
            try (dev.ingot.columnstore.StoreSnapshot snapshot = store.snapshot();
                 StoredTable st = new StoredTable(snapshot, "t", store.pager().file(), memory)) {
                dev.ingot.pager.StoreCorruptedException e = org.junit.jupiter.api.Assertions.assertThrows(
                        dev.ingot.pager.StoreCorruptedException.class, st::verifySegments);
                assertEquals("table t key index key/t_pk/0000000000000000000 sorted run: row id 2 has key (2), not above the previous"
                        + " row's (3)", e.detail());
            }
        }
    }
}
