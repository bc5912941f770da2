package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.TestData.Model;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.pager.FormatTooNewException;
import dev.ingot.pager.Pager;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.format.FormatCodec;
import dev.ingot.testing.TestAllocators;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptionTest {
    @TempDir
    Path dir;
    BufferAllocator allocator;
    Model model;

    @BeforeEach
    void setUp() throws Exception {
        allocator = TestAllocators.arrow();
        model = Model.random(new Random(11), 3000, 0.1, 0);
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             VectorSchemaRoot root = TestData.batch(allocator, model);
             TableWriter w = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(1024))) {
            w.appendBatch(root);
            w.commit();
        }
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    private Path file() {
        return dir.resolve(ColumnStore.STORE_FILE_NAME);
    }

    /** File offsets where {@code magic} occurs. */
    private List<Long> find(String magic) throws Exception {
        byte[] all = Files.readAllBytes(file());
        byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
        List<Long> hits = new ArrayList<>();
        outer:
        for (int i = 0; i + m.length <= all.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (all[i + j] != m[j]) {
                    continue outer;
                }
            }
            hits.add((long) i);
        }
        return hits;
    }

    private void flipByte(long offset) throws Exception {
        TestData.flipByte(dir, offset);
    }

    @Test
    void flippedByteInAChunkFailsVerifyChecksums() throws Exception {
        List<Long> chunks = find("ICHK");
        assertEquals(3 * 7, chunks.size());
        flipByte(chunks.get(4) + 200); // inside the validity/data of one chunk
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             TableReader r = store.openTable("all_types")) {
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, r::verifyChecksums);
            assertEquals(file(), e.file());
            assertTrue(e.getMessage().contains("table all_types column "), e.getMessage());
            assertTrue(e.getMessage().contains("row group "), e.getMessage());
        }
    }

    @Test
    void chunkWithValidPagerChecksumButBadOwnCrcIsDetected() throws Exception {
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             TableReader r = store.openTable("all_types")) {
            long key = r.info().rowGroups().get(1).chunkKey(5);
            ByteBuffer original = store.pager().get(key);
            ByteBuffer copy = ByteBuffer.allocateDirect(original.remaining());
            copy.put(original.duplicate()).flip();
            copy.put(300, (byte) (copy.get(300) ^ 1));
            store.pager().put(key, copy); // the pager's own CRC is recomputed: only the chunk CRC can tell
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, r::verifyChecksums);
            assertTrue(e.getMessage().contains("table all_types column mode row group 1"), e.getMessage());
            assertTrue(e.getMessage().contains("chunk CRC32C mismatch"), e.getMessage());
            long blobStart = store.pager().blobFileOffset(key);
            assertTrue(e.fileOffset() >= blobStart && e.fileOffset() < blobStart + copy.remaining(),
                    "the damage is located in the file, inside the chunk: " + e.fileOffset() + " vs chunk at " + blobStart);
            assertTrue(e.getMessage().contains("at offset " + e.fileOffset() + ":"), e.getMessage());
            assertThrows(StoreCorruptedException.class, () -> r.readChunk(5, 1), "readers verify the CRC by default");

            // a header that disagrees with the catalog (row count), re-sealed so its CRC32C is valid:
            // only the row-count check can refuse it, before any buffer is read
            copy.put(300, (byte) (copy.get(300) ^ 1));
            copy.order(ByteOrder.LITTLE_ENDIAN).putInt(ChunkFormat.OFF_ROWS, 1);
            copy.putInt(ChunkFormat.OFF_CRC, ChunkFormat.crc(copy));
            store.pager().put(key, copy);
            StoreCorruptedException e2 = assertThrows(StoreCorruptedException.class, () -> r.chunkStats(5, 1));
            assertEquals(store.pager().blobFileOffset(key) + ChunkFormat.OFF_ROWS, e2.fileOffset(), "the row-count field's offset in the file");
            assertEquals("store " + file() + " is corrupted at offset " + e2.fileOffset() + ": table all_types column mode row group 1"
                    + " (pager key " + key + "), chunk byte " + ChunkFormat.OFF_ROWS + ": chunk row count 1, catalog says 1024", e2.getMessage());
            assertThrows(StoreCorruptedException.class, () -> r.readChunk(5, 1), "a read refuses it too");
        }
    }

    @Test
    void aChunkIsVerifiedOnItsFirstReadAndDamageAfterThatIsWhatVerifyFinds() throws Exception {
        long key;
        long at;
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             TableReader r = store.openTable("all_types")) {
            key = r.info().rowGroups().get(1).chunkKey(5);
            at = store.pager().blobFileOffset(key);
        }
        flipByte(at + 300); // damage present before the store opens: the first read finds it
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             TableReader r = store.openTable("all_types")) {
            ByteBuffer blob = store.pager().get(key).order(ByteOrder.LITTLE_ENDIAN);
            int stored = blob.getInt(blob.position() + ChunkFormat.OFF_CRC);
            ByteBuffer copy = ByteBuffer.allocateDirect(blob.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            copy.put(blob.duplicate()).flip();
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> r.readChunk(5, 1));
            assertEquals(String.format("store %s is corrupted at offset %d: table all_types column mode row group 1 (pager key %d),"
                    + " chunk byte %d: chunk CRC32C mismatch: stored 0x%08x, computed 0x%08x", file(), at + ChunkFormat.OFF_CRC, key,
                    ChunkFormat.OFF_CRC, stored, ChunkFormat.crc(copy)), e.getMessage());
            assertThrows(StoreCorruptedException.class, () -> r.readChunk(5, 1), "a damaged chunk is never recorded as verified");
        }
        flipByte(at + 300); // repaired
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
             TableReader r = store.openTable("all_types")) {
            int columns = r.info().def().columns().size();
            for (int c = 0; c < columns; c++) {
                r.readChunk(c, 1).close();
            }
            assertEquals(columns, ((dev.ingot.columnstore.internal.ColumnStoreImpl) store).verifiedChunkCount());
            flipByte(at + 300); // damage after the first (verified) read: reads no longer look, verify does
            try (org.apache.arrow.vector.FieldVector v = r.readChunk(5, 1)) {
                assertEquals(r.info().rowGroups().get(1).rowCount(), v.getValueCount());
            }
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, r::verifyChecksums);
            assertEquals(at, e.fileOffset(), "the pager checksum of the blob: " + e.getMessage());
        }
        // the paranoid setting checks on every read
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options().withChunkVerification(ChunkVerification.EVERY_READ));
             TableReader r = store.openTable("all_types")) {
            assertThrows(StoreCorruptedException.class, () -> r.readChunk(5, 1));
            assertThrows(StoreCorruptedException.class, () -> r.chunkStats(5, 1), "a scan's step checks too");
            assertEquals(0, ((dev.ingot.columnstore.internal.ColumnStoreImpl) store).verifiedChunkCount());
        }
        flipByte(at + 300); // repaired
        try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options().withChunkVerification(ChunkVerification.EVERY_READ));
             TableReader r = store.openTable("all_types")) {
            r.chunkStats(5, 1); // a scan's first step over the intact chunk
            flipByte(at + 300); // damage between two steps of a scan over the same chunk: the second step finds it
            assertThrows(StoreCorruptedException.class, () -> r.readChunkInto(5, 1, null).close());
        }
        flipByte(at + 300);
    }

    @Test
    void flippedByteInTheCatalogFailsOpen() throws Exception {
        List<Long> catalogs = find("ICAT");
        assertEquals(1, catalogs.size());
        flipByte(catalogs.get(0) + 40);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> ColumnStore.openOrCreate(dir, TestData.options()));
        assertEquals(file(), e.file());
    }

    @Test
    void catalogThatFailsItsOwnValidationFailsOpenNamingFileAndOffset() throws Exception {
        ByteBuffer good;
        try (Pager pager = Pager.open(file(), TestData.options().pagerOptions())) {
            ByteBuffer b = pager.get(pager.rootKey(0));
            good = ByteBuffer.allocate(b.remaining());
            good.put(b.duplicate()).flip();
        }
        // 1: a byte flipped inside the body, stored with a valid pager checksum
        ByteBuffer damaged = ByteBuffer.allocateDirect(good.remaining());
        damaged.put(good.duplicate()).flip();
        damaged.put(30, (byte) (damaged.get(30) ^ 0x10));
        replaceCatalog(damaged);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> ColumnStore.openOrCreate(dir, TestData.options()));
        assertEquals(file(), e.file());
        assertTrue(e.getMessage().contains("catalog CRC32C mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("byte " + (good.remaining() - 4) + " of the blob"), e.getMessage());
        assertEquals(catalogFileOffset() + good.remaining() - 4, e.fileOffset(), "the CRC footer's offset in the file");
        // 2: truncated
        ByteBuffer truncated = ByteBuffer.allocateDirect(good.remaining() - 9);
        truncated.put(good.duplicate().limit(good.remaining() - 9)).flip();
        replaceCatalog(truncated);
        e = assertThrows(StoreCorruptedException.class, () -> ColumnStore.openOrCreate(dir, TestData.options()));
        assertTrue(e.getMessage().contains("catalog says"), e.getMessage());
        // 3: wrong magic
        ByteBuffer magic = ByteBuffer.allocateDirect(good.remaining());
        magic.put(good.duplicate()).flip();
        magic.put(0, (byte) 'X');
        replaceCatalog(magic);
        e = assertThrows(StoreCorruptedException.class, () -> ColumnStore.openOrCreate(dir, TestData.options()));
        assertTrue(e.getMessage().contains("catalog magic mismatch"), e.getMessage());
    }

    /** File offset of the current catalog blob. */
    private long catalogFileOffset() throws Exception {
        try (Pager pager = Pager.open(file(), TestData.options().pagerOptions())) {
            return pager.blobFileOffset(pager.rootKey(0));
        }
    }

    private void replaceCatalog(ByteBuffer blob) throws Exception {
        try (Pager pager = Pager.open(file(), TestData.options().pagerOptions())) {
            long key = pager.allocMany(1).first();
            pager.put(key, blob);
            pager.setRootKey(0, key);
            pager.commit();
        }
    }

    @Test
    void catalogOfANewerFormatIsFormatTooNewNotCorrupted() throws Exception {
        ByteBuffer newer;
        try (Pager pager = Pager.open(file(), TestData.options().pagerOptions())) {
            ByteBuffer b = pager.get(pager.rootKey(0));
            newer = ByteBuffer.allocateDirect(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
            newer.put(b.duplicate()).flip();
        }
        newer.putShort(4, (short) 3); // the catalog's version field
        newer.putInt(newer.limit() - 4, FormatCodec.crc32c(newer, 0, newer.limit() - 4));
        replaceCatalog(newer);
        long key;
        try (Pager pager = Pager.open(file(), TestData.options().pagerOptions())) {
            key = pager.rootKey(0);
        }
        FormatTooNewException e = assertThrows(FormatTooNewException.class, () -> ColumnStore.openOrCreate(dir, TestData.options()));
        assertEquals("store " + file() + " at offset " + catalogFileOffset() + ": catalog (pager key " + key + "): catalog format"
                + " version 3 is too new: this build reads versions 1 to 2 (the store was written by a newer Ingot)", e.getMessage());
        assertEquals(catalogFileOffset(), e.fileOffset());
    }

    @Test
    void chunkOfANewerFormatIsFormatTooNewAndADamagedVersionIsCorruption() throws Exception {
        for (ChunkVerification verification : ChunkVerification.values()) {
            try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options().withChunkVerification(verification));
                 TableReader r = store.openTable("all_types")) {
                long key = r.info().rowGroups().get(1).chunkKey(5);
                ByteBuffer original = store.pager().get(key);
                ByteBuffer copy = ByteBuffer.allocateDirect(original.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                copy.put(original.duplicate()).flip();
                copy.putShort(ChunkFormat.OFF_VERSION, (short) (ChunkFormat.VERSION + 1));
                copy.putInt(ChunkFormat.OFF_CRC, ChunkFormat.crc(copy));
                store.pager().put(key, copy);
                FormatTooNewException e = assertThrows(FormatTooNewException.class, () -> r.chunkStats(5, 1));
                assertEquals("store " + file() + " at offset " + store.pager().blobFileOffset(key) + ": table all_types column"
                        + " mode row group 1 (pager key " + key + "): chunk format version 5 is too new: this build reads"
                        + " versions 1 to 4 (the store was written by a newer Ingot)", e.getMessage());
                assertThrows(FormatTooNewException.class, () -> r.readChunk(5, 1));
                // the same version without a matching CRC: a damaged field, whether or not reads verify CRCs
                copy.putInt(ChunkFormat.OFF_CRC, copy.getInt(ChunkFormat.OFF_CRC) ^ 1);
                store.pager().put(key, copy);
                StoreCorruptedException c = assertThrows(StoreCorruptedException.class, () -> r.chunkStats(5, 1));
                assertEquals(store.pager().blobFileOffset(key) + ChunkFormat.OFF_CRC, c.fileOffset());
                assertTrue(c.getMessage().contains("chunk CRC32C mismatch: stored"), c.getMessage());
                // restore the chunk for the next round
                store.pager().put(key, original);
            }
        }
    }
}
