package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.columnstore.internal.TextBlocks;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.testing.TestAllocators;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged encoding fields of encoded (version 4) chunks, re-sealed with a valid CRC32C so only the format's
 * own checks can refuse them: each gives a {@link StoreCorruptedException} naming the table,
 * column, row group, pager key and the chunk byte, at that byte's file offset; never a wrong
 * value or a crash. Header fields are checked by {@link ChunkFormat#parse}; what needs the values
 * (run ends, codes, lengths, the LZ4 block) while decoding, on reads and in verifyChecksums.
 */
class EncodingCorruptionTest {
    @TempDir
    Path dir;
    BufferAllocator allocator;
    ColumnStore store;
    TableReader reader;
    /** The intact chunks of row group 1, by column, taken before their first damage. */
    final java.util.Map<Integer, ByteBuffer> originals = new java.util.HashMap<>();

    static final TableDef DEF = new TableDef("enc", List.of(
            ColumnDef.notNull("narrow", ColumnType.int32()),
            ColumnDef.notNull("runs", ColumnType.int64()),
            ColumnDef.notNull("mode", ColumnType.charOf(10)),
            ColumnDef.notNull("prose", ColumnType.varchar())), List.of());
    static final String[] MODES = {"AIR", "MAIL", "SHIP", "TRUCK", "RAIL"};

    @BeforeEach
    void setUp() throws Exception {
        allocator = TestAllocators.arrow();
        store = ColumnStore.openOrCreate(dir, TestData.options());
        int rows = 2048;
        try (VectorSchemaRoot root = VectorSchemaRoot.create(DEF.arrowSchema(), allocator)) {
            root.allocateNew();
            for (int i = 0; i < rows; i++) {
                TypeCases.set(root.getVector(0), i, i % 100);
                TypeCases.set(root.getVector(1), i, 5_000_000_000L + i / 256);
                TypeCases.set(root.getVector(2), i, MODES[(i * 7) % 5]);
                TypeCases.set(root.getVector(3), i, "the quick brown fox " + i + " jumps over the lazy dog");
            }
            for (FieldVector v : root.getFieldVectors()) {
                v.setValueCount(rows);
            }
            root.setRowCount(rows);
            try (TableWriter w = store.createTable(DEF, ColumnStoreWriteHints.estimate(DEF).withChunkRows(1024))) {
                w.appendBatch(root, 0, rows);
                w.commit();
            }
        }
        reader = store.openTable("enc");
    }

    @AfterEach
    void tearDown() throws Exception {
        reader.close();
        store.close();
        allocator.close();
    }

    private long key(int column) {
        return reader.info().rowGroups().get(1).chunkKey(column);
    }

    private ChunkFormat.Header header(int column) throws Exception {
        ByteBuffer blob = store.pager().get(key(column)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return ChunkFormat.parse(blob, DEF.columns().get(column).type().kind(), 1024, store.pager().file(), "test", true);
    }

    /** Puts a copy of column {@code column}'s chunk of row group 1 changed by {@code change}, with its CRC32C recomputed. */
    private void damage(int column, Consumer<ByteBuffer> change) throws Exception {
        if (!originals.containsKey(column)) {
            ByteBuffer blob = store.pager().get(key(column));
            originals.put(column, ByteBuffer.allocateDirect(blob.remaining()).put(blob.duplicate()).flip());
        }
        ByteBuffer original = originals.get(column);
        ByteBuffer copy = ByteBuffer.allocateDirect(original.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        copy.put(original.duplicate()).flip();
        change.accept(copy);
        copy.putInt(ChunkFormat.OFF_CRC, ChunkFormat.crc(copy));
        store.pager().put(key(column), copy);
    }

    /** Reading the chunk fails with exactly this detail at chunk byte {@code chunkByte}. */
    private void assertCorrupt(int column, int chunkByte, String detail) throws Exception {
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> reader.readChunk(column, 1).close());
        long at = store.pager().blobFileOffset(key(column)) + chunkByte;
        assertEquals("store " + store.pager().file() + " is corrupted at offset " + at + ": table enc column " + DEF.columns().get(column).name()
                + " row group 1 (pager key " + key(column) + "), chunk byte " + chunkByte + ": " + detail, e.getMessage());
        assertEquals(at, e.fileOffset());
        StoreCorruptedException v = assertThrows(StoreCorruptedException.class, reader::verifyChecksums);
        assertEquals(e.getMessage(), v.getMessage(), "verifyChecksums finds the same damage");
    }

    @Test
    void theChunksHaveTheEncodingsTheseCasesDamage() throws Exception {
        assertEquals(ChunkEncoding.FOR, header(0).encoding());
        assertEquals(ChunkEncoding.RLE, header(1).encoding());
        assertEquals(ChunkEncoding.DICTIONARY, header(2).encoding());
        assertEquals(ChunkEncoding.PACKED_TEXT, header(3).encoding());
        assertEquals(ChunkFormat.COMPRESSION_LZ4_BLOCKS, header(3).compression());
        assertEquals(16, reader.verifyChecksums() * 2, "4 columns x 2 row groups, intact");
    }

    @Test
    void unknownOrMisappliedEncodingIsCorruption() throws Exception {
        damage(0, b -> b.put(ChunkFormat.OFF_ENCODING, (byte) 9));
        assertCorrupt(0, ChunkFormat.OFF_ENCODING, "encoding 9 is unknown");
        damage(0, b -> b.put(ChunkFormat.OFF_ENCODING, (byte) ChunkEncoding.DICTIONARY.id()));
        assertCorrupt(0, ChunkFormat.OFF_ENCODING, "encoding 2 (DICTIONARY) does not apply to INT32");
    }

    @Test
    void bitWidthBeyondTheKindOrNotMatchingTheDataIsCorruption() throws Exception {
        int width = header(0).bitWidth();
        assertEquals(7, width, "0..99");
        damage(0, b -> b.put(ChunkFormat.OFF_BIT_WIDTH, (byte) 33));
        assertCorrupt(0, ChunkFormat.OFF_BIT_WIDTH, "bit width 33 above 32 for FOR");
        damage(0, b -> b.put(ChunkFormat.OFF_BIT_WIDTH, (byte) (width + 1)));
        assertCorrupt(0, ChunkFormat.OFF_DATA_LENGTH, "data length 896, expected 1024"); // 1024 x 7 bits, 1024 x 8 bits
    }

    @Test
    void runsThatDoNotEndAtTheRowCountAreCorruption() throws Exception {
        ChunkFormat.Header h = header(1);
        assertEquals(4, h.entries(), "rows 1024..2047 / 256");
        damage(1, b -> b.put(ChunkFormat.OFF_ENTRIES, (byte) 0));
        assertCorrupt(1, ChunkFormat.OFF_ENTRIES, "entries 0 with encoding RLE of 1024 rows");
        // the first run's end (bits 0..auxBitWidth of the aux buffer) set to 0
        damage(1, b -> b.putLong(h.auxOffset(), b.getLong(h.auxOffset()) & (-1L << h.auxBitWidth())));
        assertCorrupt(1, h.auxOffset(), "run 0 of 4 ends at row 0 after row 0 (rows 1024)");
    }

    @Test
    void runEndsThatDoNotHoldTheRowsAreCorruptionToASortedSearch() throws Exception {
        ChunkFormat.Header h = header(1);
        assertEquals(4, h.entries(), "runs of 5,000,000,004 .. 5,000,000,007 ending at rows 256, 512, 768, 1024");
        int[] range = new int[2];
        try (TableReader r = store.openTable("enc")) {
            r.equalRange(1, 1, 0, 1024, 5_000_000_006L, range);
            assertEquals(List.of(512, 768), List.of(range[0], range[1]), "intact");
        }
        // run 2 ends where the chunk does: run 3 would start after the rows searched
        damage(1, b -> setPacked(b, h.auxOffset(), h.auxBitWidth(), 2, 1024));
        assertSortedSearchCorrupt(0, 1024, 5_000_000_007L, h.auxOffset(), "run 2 of 4 ends at row 1024 after row 0 (rows 1024)");
        // the last run ends before the rows do
        damage(1, b -> setPacked(b, h.auxOffset(), h.auxBitWidth(), 3, 1000));
        assertSortedSearchCorrupt(0, 1024, 5_000_000_005L, h.auxOffset(), "run 3 of 4 ends at row 1000 after row 1023 (rows 1024)");
    }

    /** A sorted search of rows {@code [from, to)} of row group 1 of the runs column for {@code value} by a new reader fails with exactly this detail. */
    private void assertSortedSearchCorrupt(int from, int to, long value, long chunkByte, String detail) throws Exception {
        try (TableReader r = store.openTable("enc")) {
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> r.equalRange(1, 1, from, to, value, new int[2]));
            assertEquals(message(1, chunkByte, detail), e.getMessage());
            assertEquals(store.pager().blobFileOffset(key(1)) + chunkByte, e.fileOffset());
        }
    }

    /** Sets packed value {@code i} of {@code width} bits at {@code index} of {@code b} (little-endian) to {@code v}. */
    private static void setPacked(ByteBuffer b, int index, int width, int i, long v) {
        long mask = (1L << width) - 1;
        long bit = (long) i * width;
        int w = index + 8 * (int) (bit >>> 6);
        int s = (int) bit & 63;
        b.putLong(w, b.getLong(w) & ~(mask << s) | v << s);
        if (s + width > 64) {
            b.putLong(w + 8, b.getLong(w + 8) & ~(mask >>> (64 - s)) | v >>> (64 - s));
        }
    }

    @Test
    void codesOutsideTheDictionaryAreCorruption() throws Exception {
        ChunkFormat.Header h = header(2);
        assertEquals(5, h.entries());
        assertEquals(3, h.bitWidth());
        damage(2, b -> b.putLong(h.auxOffset(), b.getLong(h.auxOffset()) | 7)); // row 0's code = 7
        assertCorrupt(2, h.auxOffset(), "row 0 has code 7, the dictionary has 5 entries");
        // codes that add up to more text than the header says: found before any value is expanded
        damage(2, b -> b.putLong(ChunkFormat.OFF_TEXT_BYTES, h.textBytes() - 1));
        assertCorrupt(2, ChunkFormat.OFF_TEXT_BYTES, "the values have " + h.textBytes() + " bytes, not the " + (h.textBytes() - 1)
                + " text bytes of the header");
        // far less text than the codes add up to: refused before a value is stored past the buffer
        damage(2, b -> b.putLong(ChunkFormat.OFF_TEXT_BYTES, 1));
        assertCorrupt(2, ChunkFormat.OFF_TEXT_BYTES, "the values have " + h.textBytes() + " bytes, not the 1 text bytes of the header");
        damage(2, b -> b.put(ChunkFormat.OFF_COMPRESSION, (byte) ChunkFormat.COMPRESSION_LZ4));
        assertCorrupt(2, ChunkFormat.OFF_COMPRESSION, "compression 1 with encoding DICTIONARY in a version 4 chunk");
    }

    @Test
    void lengthsOrAnLz4BlockThatDisagreeWithTheTextBytesAreCorruption() throws Exception {
        ChunkFormat.Header h = header(3);
        damage(3, b -> b.putLong(ChunkFormat.OFF_TEXT_BYTES, h.textBytes() + 1));
        assertCorrupt(3, ChunkFormat.OFF_TEXT_BYTES, "the values have " + h.textBytes() + " bytes, not the " + (h.textBytes() + 1)
                + " text bytes of the header");
        // a data length that cuts the text blocks short: the first block index entry past it
        damage(3, b -> b.putInt(ChunkFormat.OFF_DATA_LENGTH, h.dataLength() / 2));
        ByteBuffer blob = originals.get(3).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int past = 1;
        while (TextBlocks.entry(h, blob, past)[1] <= h.dataLength() / 2) {
            past++;
        }
        int[] e = TextBlocks.entry(h, blob, past);
        int[] before = TextBlocks.entry(h, blob, past - 1);
        assertCorrupt(3, h.auxOffset() + TextBlocks.INDEX_ENTRY_BYTES * past, "text block index entry " + past + " of " + (BLOCKS + 1) + " is (row " + e[0]
                + ", data byte " + e[1] + ", text byte " + e[2] + "), expected a row in (" + before[0] + ", 1024] and a data byte in ["
                + before[1] + ", " + h.dataLength() / 2 + "]");
    }

    /** The exception message of damage at chunk byte {@code chunkByte} of column {@code column}'s chunk of row group 1. */
    private String message(int column, long chunkByte, String detail) {
        return "store " + store.pager().file() + " is corrupted at offset " + (store.pager().blobFileOffset(key(column)) + chunkByte)
                + ": table enc column " + DEF.columns().get(column).name() + " row group 1 (pager key " + key(column) + "), chunk byte "
                + chunkByte + ": " + detail;
    }

    /** Reading row {@code row} of row group 1 alone from column {@code column} (a point read by a new reader) fails with exactly this detail. */
    private void assertPointReadCorrupt(int column, int row, long chunkByte, String detail) throws Exception {
        try (TableReader r = store.openTable("enc")) {
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class,
                    () -> r.readRows(new long[] {1024 + row}, List.of(DEF.columns().get(column).name())).close());
            assertEquals(message(column, chunkByte, detail), e.getMessage());
            assertEquals(store.pager().blobFileOffset(key(column)) + chunkByte, e.fileOffset());
        }
    }

    /** Row {@code row} of row group 1 of the prose column read alone by a new reader. */
    private String pointRead(int row) throws Exception {
        try (TableReader r = store.openTable("enc");
             VectorSchemaRoot got = r.readRows(new long[] {1024 + row}, List.of("prose"))) {
            return String.valueOf(TypeCases.get(got.getVector(0), 0));
        }
    }

    private static String prose(int i) {
        return "the quick brown fox " + i + " jumps over the lazy dog";
    }

    /** Rows 1024..2047 of the prose column hold 48 bytes each: this many rows fill a text block. */
    static final int PER_BLOCK = TextBlocks.BLOCK_BYTES / 48;
    /** Text blocks of row group 1's prose chunk. */
    static final int BLOCKS = (1024 + PER_BLOCK - 1) / PER_BLOCK;

    @Test
    void proseIsCutIntoTextBlocksOfAtMostTheBlockBytes() throws Exception {
        ChunkFormat.Header h = header(3);
        ByteBuffer blob = store.pager().get(key(3)).slice().order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(4, BLOCKS, "16 KiB blocks: 341 rows (16,368 bytes) a block, 3 full blocks and 1 row");
        assertEquals(BLOCKS, h.entries());
        assertEquals(1024 * 48, h.textBytes());
        for (int b = 0; b <= BLOCKS; b++) {
            int[] e = TextBlocks.entry(h, blob, b);
            int row = Math.min(PER_BLOCK * b, 1024);
            assertEquals(row, e[0], "first row of block " + b);
            assertEquals(48 * row, e[2], "text offset of block " + b);
        }
        assertEquals(h.dataLength(), TextBlocks.entry(h, blob, BLOCKS)[1]);
        for (int row : new int[] {0, PER_BLOCK - 1, PER_BLOCK, 500, 3 * PER_BLOCK - 1, 3 * PER_BLOCK, 1023}) {
            assertEquals(prose(1024 + row), pointRead(row));
        }
    }

    @Test
    void blockIndexEntriesOutOfOrderOrOffTheLengthsAreCorruption() throws Exception {
        ChunkFormat.Header h = header(3);
        ByteBuffer blob = originals(3);
        int[] e1 = TextBlocks.entry(h, blob, 1);
        int[] e2 = TextBlocks.entry(h, blob, 2);
        int entry2 = h.auxOffset() + 2 * TextBlocks.INDEX_ENTRY_BYTES;
        int p = PER_BLOCK;
        String of = " of " + (BLOCKS + 1);
        // block 2 starting at block 1's first row
        damage(3, b -> b.putInt(entry2, e1[0]));
        assertCorrupt(3, entry2, "text block index entry 2" + of + " is (row " + p + ", data byte " + e2[1] + ", text byte " + 96 * p
                + "), expected a row in (" + p + ", 1024] and a data byte in [" + e1[1] + ", " + h.dataLength() + "]");
        // block 2's text offset one byte off the lengths of the rows before it: the scan and the point reads of blocks 1 and 2 see it
        damage(3, b -> b.putInt(entry2 + 8, e2[2] + 1));
        assertCorrupt(3, entry2, "text block index entry 2" + of + " is (row " + 2 * p + ", data byte " + e2[1] + ", text byte "
                + (96 * p + 1) + "), expected text byte " + 96 * p + " (the lengths of the rows before it)");
        assertPointReadCorrupt(3, p + 30, h.offsetsOffset(), "the lengths of rows " + p + " to " + (2 * p - 1) + " (text block 1) add up to "
                + 48 * p + " bytes, the block index says " + (48 * p + 1));
        assertPointReadCorrupt(3, 2 * p + 30, h.offsetsOffset(), "the lengths of rows " + 2 * p + " to " + (3 * p - 1) + " (text block 2) add"
                + " up to " + 48 * p + " bytes, the block index says " + (48 * p - 1));
        assertEquals(prose(1024 + 100), pointRead(100), "block 0 does not depend on entry 2");
        // an entry past the chunk's rows, met by a point read of the block before it
        damage(3, b -> b.putInt(entry2, 5000));
        assertPointReadCorrupt(3, p + 30, entry2, "text block index entry 2" + of + " is (row 5000, data byte " + e2[1] + ", text byte "
                + 96 * p + "), expected the end of a block from entry 1 (row " + p + ", data byte " + e1[1] + ", text byte " + 48 * p
                + ") holding row " + (p + 30) + " within the chunk's 1024 rows, " + h.dataLength() + " data and " + h.textBytes()
                + " text bytes");
    }

    @Test
    void aVersion4TextChunkWithoutItsBlockIndexOrWithOneLz4BlockIsCorruption() throws Exception {
        ChunkFormat.Header h = header(3);
        damage(3, b -> b.put(ChunkFormat.OFF_COMPRESSION, (byte) ChunkFormat.COMPRESSION_LZ4));
        assertCorrupt(3, ChunkFormat.OFF_COMPRESSION, "compression 1 with encoding PACKED_TEXT in a version 4 chunk");
        // one block more than the index holds entries for
        damage(3, b -> b.putInt(ChunkFormat.OFF_ENTRIES, BLOCKS + 1));
        assertCorrupt(3, ChunkFormat.OFF_AUX_LENGTH, "aux length " + h.auxLength() + ", expected " + (h.auxLength()
                + TextBlocks.INDEX_ENTRY_BYTES));
        damage(3, b -> b.putInt(ChunkFormat.OFF_ENTRIES, 0));
        assertCorrupt(3, ChunkFormat.OFF_ENTRIES, "entries 0 with encoding PACKED_TEXT of 1024 rows");
    }

    @Test
    void anLz4BlockThatDoesNotDecompressToItsTextIsCorruptionOfThatBlockOnly() throws Exception {
        ChunkFormat.Header h = header(3);
        ByteBuffer blob = originals(3);
        int[] e2 = TextBlocks.entry(h, blob, 2);
        int at = h.dataOffset() + e2[1];
        // block 2's first token: 15+ literals and the longest match, then literal length bytes of 0xFF
        damage(3, b -> {
            for (int i = 0; i < 8; i++) {
                b.put(at + i, (byte) 0xFF);
            }
        });
        StoreCorruptedException scan = assertThrows(StoreCorruptedException.class, () -> reader.readChunk(3, 1).close());
        assertTrue(scan.getMessage().startsWith(message(3, at, "LZ4 block of text block 2 does not decompress")), scan.getMessage());
        assertEquals(store.pager().blobFileOffset(key(3)) + at, scan.fileOffset());
        try (TableReader r = store.openTable("enc")) {
            StoreCorruptedException point = assertThrows(StoreCorruptedException.class,
                    () -> r.readRows(new long[] {1024 + 2 * PER_BLOCK + 50}, List.of("prose")).close());
            assertEquals(scan.getMessage(), point.getMessage(), "a point read of a row of block 2");
        }
        assertEquals(prose(1024 + 100), pointRead(100), "block 0 still reads");
        assertEquals(prose(1024 + 1023), pointRead(1023), "block 3 still reads");
    }

    @Test
    void aByteFlippedInATextBlockIsCaughtByTheChunkChecksumNamingFileAndOffset() throws Exception {
        ChunkFormat.Header h = header(3);
        ByteBuffer blob = originals(3);
        int at = h.dataOffset() + TextBlocks.entry(h, blob, 2)[1] + 10;
        long fileOffset = store.pager().blobFileOffset(key(3));
        int stored = blob.getInt(ChunkFormat.OFF_CRC);
        ByteBuffer flipped = ByteBuffer.allocateDirect(blob.remaining()).order(ByteOrder.LITTLE_ENDIAN).put(blob.duplicate()).flip();
        flipped.put(at, (byte) (flipped.get(at) ^ 0x10));
        int computed = ChunkFormat.crc(flipped);
        Path file = store.pager().file();
        reader.close();
        store.close();
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, fileOffset + at);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            ch.write(one, fileOffset + at);
        }
        store = ColumnStore.open(dir, TestData.options());
        reader = store.openTable("enc");
        String expected = String.format("store %s is corrupted at offset %d: table enc column prose row group 1 (pager key %d), chunk byte %d:"
                + " chunk CRC32C mismatch: stored 0x%08x, computed 0x%08x", file, fileOffset + ChunkFormat.OFF_CRC, key(3), ChunkFormat.OFF_CRC,
                stored, computed);
        StoreCorruptedException point = assertThrows(StoreCorruptedException.class,
                () -> reader.readRows(new long[] {1024 + 2 * PER_BLOCK + 20}, List.of("prose")).close());
        assertEquals(expected, point.getMessage(), "a point read's first touch of the chunk");
        StoreCorruptedException scan = assertThrows(StoreCorruptedException.class, () -> reader.readChunk(3, 1).close());
        assertEquals(expected, scan.getMessage());
    }

    /** The intact chunk of {@code column} in row group 1 (a copy, little-endian). */
    private ByteBuffer originals(int column) throws Exception {
        if (!originals.containsKey(column)) {
            ByteBuffer b = store.pager().get(key(column));
            originals.put(column, ByteBuffer.allocateDirect(b.remaining()).put(b.duplicate()).flip());
        }
        return originals.get(column).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }
}
