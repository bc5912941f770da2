package dev.ingot.ingest.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.RowGroupInfo;
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
                    // a reader without a cache searches the encoded key chunks (point lookups): the same answers, nothing decoded
                    KeyRunReader encoded = new KeyRunReader(reader.info(), reader, List.of("k", "n"), (KeyRunCache) null);
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
                            assertEquals(expected, encoded.find(pa, pb, from, to), "encoded: (" + pa + ", " + pb + ") in rows [" + from + ", "
                                    + to + ")");
                        }
                        assertEquals(-1, search.find(a[0] - 1, 1, from, to), "below the first key");
                        assertEquals(-1, search.find(a[rows - 1] + 1, 1, from, to), "above the last key");
                        assertEquals(-1, encoded.find(a[0] - 1, 1, from, to), "encoded: below the first key");
                        assertEquals(-1, encoded.find(a[rows - 1] + 1, 1, from, to), "encoded: above the last key");
                        for (int g = 0; g < reader.rowGroupCount(); g++) { // the first and last row of every row group inside the range
                            RowGroupInfo rg = reader.info().rowGroups().get(g);
                            for (long r : new long[] {rg.firstRowId(), rg.firstRowId() + rg.rowCount() - 1}) {
                                long expected = r >= from && r < to ? r : -1;
                                for (long q = from; q < to && expected < 0; q++) { // the same key elsewhere in the range (never: keys are unique)
                                    expected = a[(int) q] == a[(int) r] && b[(int) q] == b[(int) r] ? q : -1;
                                }
                                assertEquals(expected, encoded.find(a[(int) r], b[(int) r], from, to), "encoded: row " + r + " in [" + from + ", " + to + ")");
                            }
                        }
                    }
                    assertEquals(0, encoded.cachedBytes(), "the encoded search decodes no row group");
                    assertTrue(search.cachedBytes() <= 3 * 1024 * 8 + 2 * (64 + 8 * 1024), "the cache keeps to its budget: " + search.cachedBytes());
                    assertEquals(1023, search.find(a[1023], b[1023], 0, rows), "a deleted row is found: the caller tests deletion");
                }
            }
        });
    }

    @Test
    void anEncodedReaderSearchesDecodedWhereTheKeyChunksCannotBeSearched() throws Exception {
        // a BOOLEAN second key column (not read as longs) in every row group; a NULL first key column in row group 2
        TableDef flags = new TableDef("flags", List.of(ColumnDef.notNull("k", ColumnType.int64()), ColumnDef.notNull("f", ColumnType.bool())), List.of());
        TableDef holes = new TableDef("holes", List.of(ColumnDef.nullable("k", ColumnType.int64()), ColumnDef.notNull("n", ColumnType.int32())),
                List.of());
        int rows = 3000;
        try (BufferAllocator arrow = new RootAllocator(); ColumnStore store = ColumnStore.openOrCreate(dir)) {
            for (TableDef def : List.of(flags, holes)) {
                try (TableWriter w = store.createTable(def, ColumnStoreWriteHints.estimate(def).withChunkRows(1024));
                     VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), arrow)) {
                    root.allocateNew();
                    for (int i = 0; i < rows; i++) {
                        if (def == flags) {
                            ((BigIntVector) root.getVector(0)).setSafe(i, i / 2);
                            ((org.apache.arrow.vector.BitVector) root.getVector(1)).setSafe(i, i % 2);
                        } else {
                            if (i == 2500) {
                                ((BigIntVector) root.getVector(0)).setNull(i); // stored as the value before it: 10 + 2499 / 3
                            } else {
                                ((BigIntVector) root.getVector(0)).setSafe(i, 10 + i / 3);
                            }
                            ((IntVector) root.getVector(1)).setSafe(i, i % 3);
                        }
                    }
                    root.getVector(0).setValueCount(rows);
                    root.getVector(1).setValueCount(rows);
                    root.setRowCount(rows);
                    w.appendBatch(root);
                    w.commit();
                }
            }
            try (TableReader f = store.openTable("flags"); TableReader h = store.openTable("holes")) {
                KeyRunReader byFlag = new KeyRunReader(f.info(), f, List.of("k", "f"), (KeyRunCache) null);
                KeyRunReader byHole = new KeyRunReader(h.info(), h, List.of("k", "n"), (KeyRunCache) null);
                for (int i = 0; i < rows; i++) {
                    assertEquals(i, byFlag.find(i / 2, i % 2, 0, rows), "flags row " + i);
                    assertEquals(i, byHole.find(10 + i / 3, i % 3, 0, rows), "holes row " + i);
                }
                assertEquals(-1, byFlag.find(rows, 0, 0, rows), "flags: above the last key");
                assertEquals(-1, byHole.find(10 + 2500 / 3, 3, 0, rows), "holes: absent second column in the row group with the NULL");
                assertEquals(3 * (64 + 2 * 4 * 1024) - 2 * 4 * (3 * 1024 - rows), byFlag.cachedBytes(), "flags: all 3 row groups decoded");
                assertEquals(64 + 2 * 4 * (rows - 2048), byHole.cachedBytes(), "holes: row group 2 decoded, the others searched encoded");
            }
        }
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
