package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.testing.TestAllocators;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by chunk format version 3 (commit 4721e3d: PACKED_TEXT as ONE LZ4 block per
 * chunk, no block index) opens, scans and point-reads every row, verifies, and takes appends of
 * version 4 chunks (text blocks) beside its own. {@code v3-store/store.ingot} was written by that
 * commit's code with GenV3 (beside it as {@code GenV3.java.txt}): table v3_text, 3000 rows, chunk
 * rows 1024. Likewise a version 4 store whose text blocks LZ4 HC wrote (86fd232; today's code
 * writes them with LZ4's fast compressor).
 */
class FormatV3CompatibilityTest {
    @TempDir
    Path dir;

    static final String[] MODES = {"AIR", "MAIL", "SHIP", "TRUCK", "RAIL"};
    static final int ROWS = 3000;

    /** The values GenV3 wrote, computed the same way (its row(i)). */
    private static Object[] row(int i) {
        return new Object[] {
            (long) i,
            i % 11 == 5 ? null : i % 13 == 0 ? "" : "the quick brown fox " + i + " jumps over the lazy dog é" + (i % 7),
            i % 9 == 2 ? null : MODES[(i * 7) % 5],
            i % 10 == 3 ? null : Long.toHexString(i * 0x9E3779B97F4A7C15L) + Long.toHexString(i * 0xC2B2AE3D27D4EB4FL),
        };
    }

    private static ChunkFormat.Header header(ColumnStore store, TableReader r, int column, int group) throws Exception {
        RowGroupInfo g = r.info().rowGroups().get(group);
        ByteBuffer blob = store.pager().get(g.chunkKey(column)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return ChunkFormat.parse(blob, r.info().def().columns().get(column).type().kind(), g.rowCount(), store.pager().file(), "test", true);
    }

    /** Every row through a scan of row groups and through point reads of every row id, in a shuffled order. */
    private static void assertRows(TableReader reader) throws Exception {
        int seen = 0;
        for (int g = 0; g < reader.rowGroupCount(); g++) {
            try (VectorSchemaRoot root = reader.readRowGroup(g, null)) {
                for (int r = 0; r < root.getRowCount(); r++) {
                    assertRow(root, r, seen + r);
                }
                seen += root.getRowCount();
            }
        }
        assertEquals(ROWS, seen);
        long[] ids = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            ids[i] = (i * 1777L) % ROWS; // 1777 is prime to 3000: every row once, across row groups
        }
        try (VectorSchemaRoot got = reader.readRows(ids, null)) {
            for (int i = 0; i < ROWS; i++) {
                assertRow(got, i, (int) ids[i]);
            }
        }
    }

    private static void assertRow(VectorSchemaRoot root, int at, int i) {
        Object[] expected = row(i);
        for (int c = 0; c < expected.length; c++) {
            TypeCases.assertValue(expected[c], TypeCases.get(root.getVector(c), at), "row " + i + " column " + c);
        }
    }

    /** Writes the rows of {@link #row} as a new table {@code name} of {@code old}'s columns with today's code. */
    private void appendCopy(TableDef old, String name) throws Exception {
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             BufferAllocator allocator = TestAllocators.arrow()) {
            TableDef copy = new TableDef(name, old.columns(), List.of());
            try (VectorSchemaRoot root = VectorSchemaRoot.create(copy.arrowSchema(), allocator)) {
                root.allocateNew();
                for (int i = 0; i < ROWS; i++) {
                    Object[] r = row(i);
                    for (int c = 0; c < r.length; c++) {
                        TypeCases.set(root.getVector(c), i, r[c]);
                    }
                }
                for (FieldVector v : root.getFieldVectors()) {
                    v.setValueCount(ROWS);
                }
                root.setRowCount(ROWS);
                try (TableWriter w = store.createTable(copy, ColumnStoreWriteHints.estimate(copy).withChunkRows(1024))) {
                    w.appendBatch(root, 0, ROWS);
                    w.commit();
                }
            }
        }
    }

    /**
     * A store written by 86fd232 ({@code v4hc-store}, GenV4Hc beside it: table v4hc_text, the same
     * rows), whose text blocks LZ4 HC level 1 compressed, reads every row and verifies; today's
     * fast compressor writes the same rows in the same block format, larger by what HC saved.
     */
    @Test
    void versionFourStoreWithLz4HcTextBlocksReads() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v4hc-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        TableDef old;
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader reader = store.openTable("v4hc_text")) {
            old = reader.info().def();
            assertEquals(3, reader.rowGroupCount());
            assertRows(reader);
            assertEquals(12, reader.verifyChecksums());
        }
        appendCopy(old, "v4_fast");
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader hc = store.openTable("v4hc_text");
             TableReader fast = store.openTable("v4_fast")) {
            assertRows(hc);
            assertRows(fast);
            long hcBytes = 0;
            long fastBytes = 0;
            for (int g = 0; g < 3; g++) {
                ChunkFormat.Header a = header(store, hc, 1, g);
                ChunkFormat.Header b = header(store, fast, 1, g);
                assertEquals(List.of(4, ChunkEncoding.PACKED_TEXT, ChunkFormat.COMPRESSION_LZ4_BLOCKS, b.entries(), b.textBytes()),
                        List.of(a.version(), a.encoding(), a.compression(), a.entries(), a.textBytes()), "row group " + g);
                hcBytes += a.dataLength();
                fastBytes += b.dataLength();
            }
            assertEquals(true, hcBytes < fastBytes, "HC blocks " + hcBytes + " bytes, fast blocks " + fastBytes);
        }
    }

    @Test
    void versionThreeStoreWithOneLz4BlockPerChunkReadsAndTakesTextBlockAppends() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v3-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        TableDef old;
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader reader = store.openTable("v3_text")) {
            old = reader.info().def();
            assertEquals(ROWS, reader.info().rowCount());
            assertEquals(3, reader.rowGroupCount());
            for (int g = 0; g < 3; g++) {
                ChunkFormat.Header prose = header(store, reader, 1, g);
                assertEquals(3, prose.version(), "row group " + g);
                assertEquals(ChunkEncoding.PACKED_TEXT, prose.encoding());
                assertEquals(ChunkFormat.COMPRESSION_LZ4, prose.compression(), "one LZ4 block");
                assertEquals(0, prose.entries(), "no block index");
                assertEquals(0, prose.auxLength(), "no block index");
                assertEquals(ChunkEncoding.DICTIONARY, header(store, reader, 2, g).encoding());
                ChunkFormat.Header hex = header(store, reader, 3, g);
                assertEquals(ChunkEncoding.PACKED_TEXT, hex.encoding());
                assertEquals(ChunkFormat.COMPRESSION_NONE, hex.compression(), "hex digits do not shrink to 85% in LZ4");
            }
            assertRows(reader);
            assertEquals(12, reader.verifyChecksums());
        }
        // the same rows appended as a new table are written as version 4 chunks with text blocks
        appendCopy(old, "v4_text");
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader v3 = store.openTable("v3_text");
             TableReader v4 = store.openTable("v4_text")) {
            assertRows(v3);
            assertRows(v4);
            for (int g = 0; g < 3; g++) {
                ChunkFormat.Header prose = header(store, v4, 1, g);
                assertEquals(4, prose.version());
                assertEquals(ChunkFormat.COMPRESSION_LZ4_BLOCKS, prose.compression());
                assertEquals(true, prose.entries() >= 3, "at least 3 text blocks of 16 KiB for about 50 KB: " + prose.entries());
                ChunkFormat.Header hex = header(store, v4, 3, g);
                assertEquals(ChunkFormat.COMPRESSION_NONE, hex.compression());
                assertEquals(true, hex.entries() >= 2, "raw text is cut into blocks too: " + hex.entries());
                for (int c = 0; c < 4; c++) {
                    ChunkStats a = v3.chunkStats(c, g);
                    ChunkStats b = v4.chunkStats(c, g);
                    String at = "stats of column " + c + " row group " + g;
                    assertEquals(List.of(a.nullCount(), a.hasMinMax(), a.min(), a.max(), a.textBytes()),
                            List.of(b.nullCount(), b.hasMinMax(), b.min(), b.max(), b.textBytes()), at);
                    assertEquals(java.util.HexFormat.of().formatHex(a.minBytes()), java.util.HexFormat.of().formatHex(b.minBytes()), at);
                    assertEquals(java.util.HexFormat.of().formatHex(a.maxBytes()), java.util.HexFormat.of().formatHex(b.maxBytes()), at);
                }
            }
            assertEquals(12, v3.verifyChecksums());
            assertEquals(12, v4.verifyChecksums());
        }
    }

    /**
     * Rows deleted from the v3 store are skipped by the scan of its version 3 PACKED_TEXT chunks (one LZ4 block decompressed whole, then its live values moved together; raw text copied per live run): the
     * first and last rows of row groups, scattered rows and a run; every live row read back by
     * {@link TableReader#scan} and {@link TableReader#readRowGroup} equals the rows written, in order.
     */
    @Test
    void deletedRowsAreSkippedInTheOldChunks() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v3-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options())) {
            TypeCases.assertScanAfterDeleting(store, "v3_text", ROWS,
                    i -> i == 0 || i == 1023 || i == 2999 || i % 97 < 3 || i >= 1000 && i < 1100 || i >= 2040 && i < 2050,
                    FormatV3CompatibilityTest::row);
        }
    }
}
