package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
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
 * Damaged encoding fields of version 3 chunks, re-sealed with a valid CRC32C so only the format's
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
        assertEquals(ChunkFormat.COMPRESSION_LZ4, header(3).compression());
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
        assertCorrupt(2, ChunkFormat.OFF_COMPRESSION, "compression 1 with encoding DICTIONARY");
    }

    @Test
    void lengthsOrAnLz4BlockThatDisagreeWithTheTextBytesAreCorruption() throws Exception {
        ChunkFormat.Header h = header(3);
        damage(3, b -> b.putLong(ChunkFormat.OFF_TEXT_BYTES, h.textBytes() + 1));
        assertCorrupt(3, ChunkFormat.OFF_TEXT_BYTES, "the values have " + h.textBytes() + " bytes, not the " + (h.textBytes() + 1)
                + " text bytes of the header");
        damage(3, b -> b.putInt(ChunkFormat.OFF_DATA_LENGTH, h.dataLength() / 2));
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> reader.readChunk(3, 1).close());
        assertTrue(e.getMessage().contains("row group 1 (pager key " + key(3) + "), chunk byte " + h.dataOffset()
                + ": LZ4 block does not decompress"), e.getMessage());
        assertEquals(store.pager().blobFileOffset(key(3)) + h.dataOffset(), e.fileOffset());
    }
}
