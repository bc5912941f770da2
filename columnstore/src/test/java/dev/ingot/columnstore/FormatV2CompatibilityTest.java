package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.testing.TestAllocators;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by chunk format version 2 (commit 4f75810, before encodings) opens, reads
 * every type and takes appends of encoded (version 4) chunks beside its plain ones.
 * {@code v2-store/store.ingot} was written by that commit's code with GenV2 (beside it as
 * {@code GenV2.java.txt}): table v2_types, 18 columns of every type, rows i = 0..39, chunk rows 16.
 */
class FormatV2CompatibilityTest {
    @TempDir
    Path dir;

    static final String[] MODES = {"AIR", "MAIL", "SHIP", "TRUCK"};

    /** The values GenV2 wrote, computed the same way (its row(i)). */
    private static Object[] row(int i) {
        return new Object[] {
            1000L + i,
            i % 5 == 0 ? null : i % 3 == 0,
            i % 7 == 3 ? null : (byte) (i * 37 - 100),
            i % 6 == 1 ? null : (short) (i * 1000 - 20000),
            i % 4 == 2 ? null : i / 4,
            i % 9 == 4 ? null : (i % 2 == 0 ? Long.MIN_VALUE + i : Long.MAX_VALUE - i),
            i % 5 == 1 ? null : i * 0.5f - 3,
            i % 8 == 5 ? null : i * 1.25 - 10,
            i % 4 == 1 ? null : BigDecimal.valueOf(i * 1234L - 5000, 2),
            i % 6 == 0 ? null : new BigDecimal(BigInteger.TEN.pow(30).multiply(BigInteger.valueOf(i - 20)), 4),
            i % 5 == 2 ? null : 10000 + i * 31,
            i % 7 == 0 ? null : i * 1_000_000L,
            i % 3 == 2 ? null : 1_700_000_000_000_000L + i * 60_000_000L,
            i % 10 == 9 ? null : -i * 1000L,
            i % 3 == 1 ? null : MODES[i % 4],
            i % 4 == 3 ? null : "comment " + i + "é",
            i % 5 == 3 ? null : new byte[] {(byte) i, (byte) (255 - i), 0},
            i % 6 == 5 ? null : new UUID(i, -i),
        };
    }

    private ChunkFormat.Header header(ColumnStore store, TableReader r, int column, int group) throws Exception {
        RowGroupInfo g = r.info().rowGroups().get(group);
        ByteBuffer blob = store.pager().get(g.chunkKey(column)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return ChunkFormat.parse(blob, r.info().def().columns().get(column).type().kind(), g.rowCount(), store.pager().file(), "test", true);
    }

    private static void assertRows(TableReader reader, int rows) throws Exception {
        int seen = 0;
        for (int g = 0; g < reader.rowGroupCount(); g++) {
            try (VectorSchemaRoot root = reader.readRowGroup(g, null)) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    Object[] expected = row(seen + r);
                    for (int c = 0; c < expected.length; c++) {
                        TypeCases.assertValue(expected[c], TypeCases.get(root.getVector(c), r), "row " + (seen + r) + " column " + c);
                    }
                }
                seen += root.getRowCount();
            }
        }
        assertEquals(rows, seen);
    }

    @Test
    void versionTwoStoreOpensReadsEveryTypeAndTakesEncodedAppends() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v2-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader reader = store.openTable("v2_types")) {
            assertEquals(40, reader.info().rowCount());
            assertEquals(3, reader.rowGroupCount());
            assertRows(reader, 40);
            for (int c = 0; c < 18; c++) {
                for (int g = 0; g < 3; g++) {
                    ChunkFormat.Header h = header(store, reader, c, g);
                    assertEquals(2, h.version(), "column " + c + " row group " + g);
                    assertEquals(ChunkEncoding.PLAIN, h.encoding());
                }
            }
            // version 2 stats as written: i32 = i / 4 over rows 0..15 without i % 4 == 2 -> 0..3, sorted
            ChunkStats i32 = reader.chunkStats(4, 0);
            assertEquals(0, i32.min());
            assertEquals(3, i32.max());
            assertEquals(true, i32.sorted());
            ChunkStats mode = reader.chunkStats(14, 0);
            assertEquals("AIR", new String(mode.minBytes(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals("TRUCK", new String(mode.maxBytes(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(54, reader.verifyChecksums());
        }
        // the same rows appended to a version 2 store are written as version 4 chunks, encoded where it pays
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             BufferAllocator allocator = TestAllocators.arrow()) {
            TableDef old;
            try (TableReader r = store.openTable("v2_types")) {
                old = r.info().def();
            }
            TableDef copy = new TableDef("v3_types", old.columns(), List.of());
            try (VectorSchemaRoot root = VectorSchemaRoot.create(copy.arrowSchema(), allocator)) {
                root.allocateNew();
                for (int i = 0; i < 40; i++) {
                    Object[] r = row(i);
                    for (int c = 0; c < r.length; c++) {
                        TypeCases.set(root.getVector(c), i, r[c]);
                    }
                }
                for (FieldVector v : root.getFieldVectors()) {
                    v.setValueCount(40);
                }
                root.setRowCount(40);
                try (TableWriter w = store.createTable(copy, ColumnStoreWriteHints.estimate(copy).withChunkRows(16))) {
                    w.appendBatch(root, 0, 40);
                    w.commit();
                }
            }
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader v2 = store.openTable("v2_types");
             TableReader v3 = store.openTable("v3_types")) {
            assertRows(v2, 40);
            assertRows(v3, 40);
            assertEquals(54, v2.verifyChecksums());
            assertEquals(54, v3.verifyChecksums());
            assertEquals(4, header(store, v3, 0, 0).version());
            assertEquals(ChunkEncoding.FOR, header(store, v3, 0, 0).encoding(), "id 1000..1015: 4 bits");
            assertEquals(ChunkEncoding.PLAIN, header(store, v3, 5, 0).encoding(), "i64: the full 64-bit range");
            assertEquals(2, header(store, v2, 0, 0).version());
            for (int c = 0; c < 18; c++) {
                for (int g = 0; g < 3; g++) {
                    ChunkStats a = v2.chunkStats(c, g);
                    ChunkStats b = v3.chunkStats(c, g);
                    String at = "stats of column " + c + " row group " + g;
                    assertEquals(List.of(a.nullCount(), a.hasMinMax(), a.min(), a.max(), a.sorted(), a.textBytes()),
                            List.of(b.nullCount(), b.hasMinMax(), b.min(), b.max(), b.sorted(), b.textBytes()), at);
                    assertEquals(java.util.HexFormat.of().formatHex(a.minBytes()), java.util.HexFormat.of().formatHex(b.minBytes()), at);
                    assertEquals(java.util.HexFormat.of().formatHex(a.maxBytes()), java.util.HexFormat.of().formatHex(b.maxBytes()), at);
                }
            }
        }
    }

    /**
     * Rows deleted from the v2 store are skipped by the scan of its plain chunks of every type (text offsets rebased, BOOLEAN and validity bits moved together): the
     * first and last rows of row groups, scattered rows and a run; every live row read back by
     * {@link TableReader#scan} and {@link TableReader#readRowGroup} equals the rows written, in order.
     */
    @Test
    void deletedRowsAreSkippedInTheOldChunks() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v2-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options())) {
            TypeCases.assertScanAfterDeleting(store, "v2_types", 40, i -> i == 0 || i == 15 || i == 16 || i % 5 == 3 || i >= 33 && i < 39,
                    FormatV2CompatibilityTest::row);
        }
    }

    /**
     * A plain text chunk whose offsets go back in the middle (re-sealed with a valid CRC32C, so
     * only the offsets are wrong) is corruption naming the offset, found by
     * {@link TableReader#verifyChecksums} and by a read that drops deleted rows (which copies the
     * text a live run at a time by those offsets), not an out-of-bounds copy.
     */
    @Test
    void plainTextOffsetsGoingBackAreCorruption() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v2-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options())) {
            try (StoreTransaction tx = store.begin()) {
                assertEquals(1, tx.delete("v2_types", 2L));
                tx.commit();
            }
            long key;
            ChunkFormat.Header h;
            String column;
            try (TableReader reader = store.openTable("v2_types")) {
                key = reader.info().rowGroups().get(0).chunkKey(15);
                h = header(store, reader, 15, 0);
                column = reader.info().def().columns().get(15).name();
            }
            assertEquals(ChunkEncoding.PLAIN, h.encoding());
            ByteBuffer copy = ByteBuffer.allocateDirect(store.pager().get(key).remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(store.pager().get(key).duplicate()).flip();
            int fourth = copy.getInt(h.offsetsOffset() + 16);
            copy.putInt(h.offsetsOffset() + 20, fourth - 1);
            copy.putInt(ChunkFormat.OFF_CRC, ChunkFormat.crc(copy));
            store.pager().put(key, copy);
            long at = store.pager().blobFileOffset(key) + h.offsetsOffset() + 20;
            String expected = "store " + store.pager().file() + " is corrupted at offset " + at + ": table v2_types column " + column
                    + " row group 0 (pager key " + key + "), chunk byte " + (h.offsetsOffset() + 20) + ": text offset 5 is " + (fourth - 1)
                    + " after " + fourth + " (data length " + h.dataLength() + ")";
            try (TableReader reader = store.openTable("v2_types")) {
                dev.ingot.pager.StoreCorruptedException read = org.junit.jupiter.api.Assertions.assertThrows(
                        dev.ingot.pager.StoreCorruptedException.class, () -> reader.readRowGroup(0, null).close());
                assertEquals(expected, read.getMessage());
                dev.ingot.pager.StoreCorruptedException verify = org.junit.jupiter.api.Assertions.assertThrows(
                        dev.ingot.pager.StoreCorruptedException.class, reader::verifyChecksums);
                assertEquals(expected, verify.getMessage());
            }
        }
    }
}
