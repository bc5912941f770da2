package dev.ingot.columnstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.pager.PagerOptions;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-row point reads ({@link TableReader#readRows(long[], List, VectorSchemaRoot)} of one row
 * id into one kept root, the path of a key lookup: every column's chunk fetched and touched first)
 * of every row of a seeded table, each column against a list model: a frame-of-reference key, an
 * int with NULLs, dictionary text and long text in LZ4 text blocks (so the first and the last row
 * of every row group and of every text block are read); then again with at most 5 chunks kept for
 * point reads (the oldest dropped, a row group's array with its last chunk), then after deleting
 * rows (a deleted row id is refused, naming it).
 */
class PointReadTest {
    @TempDir
    Path dir;

    private static final TableDef T = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("n", ColumnType.int32()), ColumnDef.notNull("flag", ColumnType.varchar()),
            ColumnDef.nullable("comment", ColumnType.varchar())), List.of());
    private static final int ROWS = 3500;
    private static final int CHUNK_ROWS = 1000;

    @Test
    void everyRowReadAloneMatchesTheModelWithFewChunksKeptAndAfterDeletes() throws Exception {
        long seed = TestSeed.seed("PointReadTest", 20261127L);
        Random rnd = new Random(seed);
        long[] id = new long[ROWS];
        Integer[] n = new Integer[ROWS];
        String[] flag = new String[ROWS];
        String[] comment = new String[ROWS];
        String[] flags = {"A", "N", "R", "DELIVER IN PERSON", "TAKE BACK RETURN"};
        for (int r = 0; r < ROWS; r++) {
            id[r] = 1_000_000L + 3L * r + rnd.nextInt(3);
            n[r] = rnd.nextInt(9) == 0 ? null : rnd.nextInt(1 << 20) - (1 << 19);
            flag[r] = flags[rnd.nextInt(flags.length)];
            // 200-900 bytes: text blocks of 16 KiB hold 20-80 rows; an empty value and NULLs among them
            comment[r] = rnd.nextInt(11) == 0 ? null : rnd.nextInt(50) == 0 ? "" : "row " + r + " " + words(rnd, 200 + rnd.nextInt(700));
        }
        ColumnStoreOptions options = ColumnStoreOptions.defaults()
                .withPagerOptions(PagerOptions.defaults().withSegmentBytes(16 << 20).withSyncOnCommit(false));
        try (BufferAllocator arrow = new RootAllocator(); ColumnStore store = ColumnStore.openOrCreate(dir, options)) {
            try (VectorSchemaRoot root = VectorSchemaRoot.create(T.arrowSchema(), arrow)) {
                root.allocateNew();
                for (int r = 0; r < ROWS; r++) {
                    ((BigIntVector) root.getVector(0)).setSafe(r, id[r]);
                    if (n[r] == null) {
                        ((IntVector) root.getVector(1)).setNull(r);
                    } else {
                        ((IntVector) root.getVector(1)).setSafe(r, n[r]);
                    }
                    ((VarCharVector) root.getVector(2)).setSafe(r, flag[r].getBytes(StandardCharsets.UTF_8));
                    if (comment[r] == null) {
                        ((VarCharVector) root.getVector(3)).setNull(r);
                    } else {
                        ((VarCharVector) root.getVector(3)).setSafe(r, comment[r].getBytes(StandardCharsets.UTF_8));
                    }
                }
                root.setRowCount(ROWS);
                try (TableWriter w = store.createTable(T, ColumnStoreWriteHints.estimate(T).withChunkRows(CHUNK_ROWS))) {
                    w.appendBatch(root, 0, ROWS);
                    w.commit();
                }
            }
            TreeSet<Long> deleted = new TreeSet<>();
            try (TableReader r = store.openTable("t"); VectorSchemaRoot one = VectorSchemaRoot.create(T.arrowSchema(), arrow)) {
                TableReaderImpl reader = (TableReaderImpl) r;
                assertEquals(4, r.rowGroupCount());
                assertEncodings(store, r);
                for (int row = 0; row < ROWS; row++) {
                    assertRow(reader, one, row, id, n, flag, comment, "first pass");
                }
                assertEquals(4 * 4, reader.pointChunksKept());
                reader.pointChunkLimit(5);
                assertEquals(0, reader.pointChunksKept());
                for (int k = 0; k < 2 * ROWS; k++) {
                    int row = rnd.nextInt(ROWS);
                    assertRow(reader, one, row, id, n, flag, comment, "5 chunks kept, " + TestSeed.describe(seed));
                    assertTrue(reader.pointChunksKept() <= 5, "chunks kept: " + reader.pointChunksKept());
                }
                assertEquals(5, reader.pointChunksKept());
                for (int row = ROWS - 1; row >= 0; row -= 7) {
                    assertRow(reader, one, row, id, n, flag, comment, "5 chunks kept, backwards");
                }
                // two rows of different row groups at once: both touched before either is read
                r.readRows(new long[] {ROWS - 1, 0}, null, one);
                assertEquals(2, one.getRowCount());
                assertEquals(id[ROWS - 1], ((BigIntVector) one.getVector(0)).get(0));
                assertEquals(id[0], ((BigIntVector) one.getVector(0)).get(1));
                assertEquals(comment[0], text(one.getVector(3), 1));
            }
            for (int row : new int[] {0, CHUNK_ROWS - 1, CHUNK_ROWS, 2 * CHUNK_ROWS + 17, ROWS - 1}) {
                deleted.add((long) row);
            }
            try (StoreTransaction tx = store.begin()) {
                assertEquals(deleted.size(), tx.delete("t", deleted.stream().mapToLong(Long::longValue).toArray()));
                tx.commit();
            }
            try (TableReader r = store.openTable("t"); VectorSchemaRoot one = VectorSchemaRoot.create(T.arrowSchema(), arrow)) {
                TableReaderImpl reader = (TableReaderImpl) r;
                for (int row = 0; row < ROWS; row++) {
                    if (deleted.contains((long) row)) {
                        long gone = row;
                        assertEquals("row id " + row + " of table t is deleted", assertThrows(IllegalArgumentException.class,
                                () -> r.readRows(new long[] {gone}, null, one)).getMessage());
                        assertEquals(0, one.getRowCount());
                    } else {
                        assertRow(reader, one, row, id, n, flag, comment, "after deletes");
                    }
                }
            }
        }
    }

    /** The chunks got the encodings this test means to cover (FOR key, dictionary flags, LZ4 text blocks of format version 4). */
    private static void assertEncodings(ColumnStore store, TableReader r) throws Exception {
        for (int g = 0; g < r.rowGroupCount(); g++) {
            ChunkFormat.Header[] h = new ChunkFormat.Header[4];
            for (int c = 0; c < 4; c++) {
                ByteBuffer blob = store.pager().get(r.info().rowGroups().get(g).chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
                h[c] = ChunkFormat.parse(blob, T.columns().get(c).type().kind(), r.info().rowGroups().get(g).rowCount(), store.pager().file(),
                        "test", true);
            }
            assertEquals(ChunkEncoding.FOR, h[0].encoding(), "id, row group " + g);
            assertEquals(ChunkEncoding.DICTIONARY, h[2].encoding(), "flag, row group " + g);
            assertEquals(ChunkEncoding.PACKED_TEXT, h[3].encoding(), "comment, row group " + g);
            assertEquals(ChunkFormat.COMPRESSION_LZ4_BLOCKS, h[3].compression(), "comment, row group " + g);
            assertTrue(h[3].entries() >= 10, "text blocks of row group " + g + ": " + h[3].entries());
        }
    }

    private static void assertRow(TableReaderImpl r, VectorSchemaRoot one, int row, long[] id, Integer[] n, String[] flag, String[] comment,
                                  String what) throws Exception {
        r.readRows(new long[] {row}, null, one);
        String at = "row " + row + " (" + what + ")";
        assertEquals(1, one.getRowCount(), at);
        assertEquals(id[row], ((BigIntVector) one.getVector(0)).get(0), at + " id");
        if (n[row] == null) {
            assertTrue(one.getVector(1).isNull(0), at + " n is NULL");
        } else {
            assertEquals((int) n[row], ((IntVector) one.getVector(1)).get(0), at + " n");
        }
        assertEquals(flag[row], text(one.getVector(2), 0), at + " flag");
        if (comment[row] == null) {
            assertNull(text(one.getVector(3), 0), at + " comment is NULL");
        } else {
            assertEquals(comment[row], text(one.getVector(3), 0), at + " comment");
        }
    }

    private static String text(org.apache.arrow.vector.FieldVector v, int i) {
        byte[] b = ((VarCharVector) v).get(i);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String words(Random rnd, int length) {
        String[] w = {"carefully", "final", "deposits", "sleep", "furiously", "regular", "pinto", "beans", "quickly", "ironic",
            "accounts", "wake", "blithely", "express", "requests", "haggle"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(w[rnd.nextInt(w.length)]).append(' ');
        }
        return sb.substring(0, length);
    }
}
