package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.heap;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.FormatTooNewException;
import dev.ingot.pager.KeyRange;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.format.FormatCodec;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.StoreLockedException;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedPagerCorruptionTest {
    private static final long DATA_START = 2L * PagerOptions.SUPERBLOCK_BYTES;

    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("store.ingot");
    }

    private static void xorByte(Path file, long offset, int mask) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ mask);
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    private static int crc32c(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return (int) c.getValue();
    }

    /** Epoch 1 holds key 1 = a; epoch 2 (in slot 0) holds keys 1 = a and 2 = b. */
    private void twoEpochs(byte[] a, byte[] b) throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(2);
            p.put(keys.key(0), heap(a));
            assertEquals(1, p.commit());
            p.put(keys.key(1), heap(b));
            p.setRootKey(0, keys.key(1));
            assertEquals(2, p.commit());
        }
    }

    @Test
    void corruptedNewestSlotFallsBackToTheOtherSlot() throws IOException {
        byte[] a = random(new Random(1), 3000);
        byte[] b = random(new Random(2), 4000);
        twoEpochs(a, b);
        xorByte(store(), Superblock.OFF_EPOCH, 0x01); // slot 0 holds epoch 2
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(1, p.epoch());
            assertArrayEquals(new long[] {1}, p.liveKeys());
            assertArrayEquals(a, bytes(p.getVerified(1)));
            assertEquals(Pager.NO_KEY, p.rootKey(0));
            // The next commit (epoch 2) rewrites the damaged slot.
            p.put(2, heap(b));
            assertEquals(2, p.commit());
        }
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(2, p.epoch());
            assertArrayEquals(b, bytes(p.getVerified(2)));
        }
    }

    @Test
    void corruptedOlderSlotIsIgnored() throws IOException {
        byte[] a = random(new Random(1), 3000);
        byte[] b = random(new Random(2), 4000);
        twoEpochs(a, b);
        xorByte(store(), PagerOptions.SUPERBLOCK_BYTES + 3, 0xff); // slot 1 (epoch 1) magic
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(2, p.epoch());
            assertArrayEquals(b, bytes(p.getVerified(2)));
            assertEquals(2, p.rootKey(0));
        }
    }

    @Test
    void bothSlotsCorruptedIsStoreCorrupted() throws IOException {
        twoEpochs(new byte[10], new byte[20]);
        xorByte(store(), 0, 0x20); // slot 0 magic
        xorByte(store(), PagerOptions.SUPERBLOCK_BYTES + Superblock.OFF_NEXT_KEY, 0x04); // slot 1 CRC
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals(0, e.fileOffset());
        assertEquals(store(), e.file());
        assertTrue(e.getMessage().startsWith("store " + store() + " is corrupted at offset 0: no valid superblock: slot 0: "),
                e.getMessage());
        assertTrue(e.getMessage().contains("superblock magic mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("is corrupted at offset 4096: superblock CRC32C mismatch"), e.getMessage());
        assertEquals(2, e.getSuppressed().length);
        // A failed open leaves nothing locked: the file can be opened (and fails the same way) again.
        assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
    }

    @Test
    void flippedBlobByteFailsVerificationButGetReturnsTheBytes() throws IOException {
        byte[] data = random(new Random(9), 10_000);
        try (Pager p = Pager.open(store(), fastOptions())) {
            p.put(p.allocMany(1).first(), heap(data));
            p.commit();
        }
        xorByte(store(), DATA_START + 5, 0x10); // the first blob starts at dataStartOffset
        byte[] damaged = data.clone();
        damaged[5] ^= 0x10;
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertArrayEquals(damaged, bytes(p.get(1)));
            StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> p.getVerified(1));
            assertEquals(DATA_START, e.fileOffset());
            assertEquals(String.format("store %s is corrupted at offset 8192: blob of key 1 (10000 bytes) CRC32C mismatch,"
                    + " expected 0x%08x, actual 0x%08x", store(), crc32c(data), crc32c(damaged)), e.getMessage());
        }
    }

    @Test
    void corruptedDirectoryIsStoreCorruptedNamingItsOffset() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(2);
            p.put(keys.key(0), heap(new byte[100]));
            p.put(keys.key(1), heap(new byte[28]));
            p.commit();
        }
        long directoryOffset = DATA_START + 128;
        xorByte(store(), directoryOffset + KeyDirectory.HEADER_BYTES + 8, 0x01); // entry 0 file offset
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals(directoryOffset, e.fileOffset());
        assertTrue(e.getMessage().contains("key directory CRC32C mismatch"), e.getMessage());
    }

    @Test
    void truncatedDataRegionIsStoreCorruptedOnOpen() throws IOException {
        Random random = new Random(4);
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(8);
            for (int i = 0; i < 8; i++) {
                p.put(keys.key(i), heap(random(random, 400_000)));
            }
            p.commit();
        }
        long cut = 2_500_000;
        truncate(store(), cut);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals(cut, e.fileOffset());
        assertTrue(e.getMessage().contains("(file truncated)"), e.getMessage());
    }

    @Test
    void fileShorterThanTwoSuperblocksIsStoreCorrupted() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            p.commit();
        }
        truncate(store(), 5000);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals("store " + store() + " is corrupted at offset 5000: file of 5000 bytes is shorter than its two"
                + " superblocks (8192 bytes)", e.getMessage());
    }

    @Test
    void randomGarbageFileIsStoreCorrupted() throws IOException {
        Files.write(store(), random(new Random(8), 3 << 20));
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals(0, e.fileOffset());
    }

    @Test
    void secondOpenIsStoreLockedAndFirstStaysUsable() throws IOException {
        try (Pager first = Pager.open(store(), fastOptions())) {
            long key = first.allocMany(1).first();
            StoreLockedException e = assertThrows(StoreLockedException.class, () -> Pager.open(store(), fastOptions()));
            assertEquals(store(), e.file());
            assertEquals("store " + store() + " is already open by another process or pager (file lock held)", e.getMessage());
            // Another spelling of the same path is the same file.
            Path other = dir.resolve(".").resolve("store.ingot");
            assertThrows(StoreLockedException.class, () -> Pager.open(other, fastOptions()));
            first.put(key, heap(new byte[] {1, 2}));
            first.commit();
            assertArrayEquals(new byte[] {1, 2}, bytes(first.getVerified(key)));
        }
        try (Pager again = Pager.open(store(), fastOptions())) {
            assertEquals(1, again.epoch());
        }
    }

    /**
     * Seeded fault injection: cut the file at random points or flip random bytes, then open and
     * read everything. The only acceptable outcomes are a StoreCorruptedException, or a store that
     * shows exactly epoch 1 or epoch 2 (whose blobs verify or raise StoreCorruptedException). A
     * flip in the encoded bytes of a superblock slot must open exactly the other slot's epoch.
     */
    @Test
    void randomDamageNeverCrashesOrLies() throws IOException {
        long seed = TestSeed.seed("MappedPagerCorruptionTest.randomDamageNeverCrashesOrLies", 20240601L);
        Random random = new Random(seed);
        Path pristine = dir.resolve("pristine.ingot");
        Map<Long, byte[]> epoch1 = new HashMap<>();
        Map<Long, byte[]> epoch2 = new HashMap<>();
        try (Pager p = Pager.open(pristine, fastOptions())) {
            KeyRange keys = p.allocMany(30);
            for (int i = 0; i < 15; i++) {
                byte[] b = random(random, random.nextInt(100_000));
                p.put(keys.key(i), heap(b));
                epoch1.put(keys.key(i), b);
            }
            p.commit();
            epoch2.putAll(epoch1);
            for (int i = 10; i < 30; i++) {
                byte[] b = random(random, random.nextInt(100_000));
                p.put(keys.key(i), heap(b));
                epoch2.put(keys.key(i), b);
            }
            p.free(keys.key(0));
            epoch2.remove(keys.key(0));
            p.commit();
        }
        byte[] image = Files.readAllBytes(pristine);
        long used = image.length;
        while (used > 0 && image[(int) used - 1] == 0) {
            used--;
        }
        int corruptedOpens = 0;
        int superblockFlips = 0;
        for (int round = 0; round < 120; round++) {
            byte[] damaged = image.clone();
            String what;
            long length = damaged.length;
            long requiredEpoch = -1; // the only acceptable epoch after a superblock flip
            if (round % 3 == 0) {
                length = random.nextInt((int) used + 1);
                what = "cut at " + length;
            } else if (round % 3 == 1) {
                // a bit of the encoded part of either slot (the rest of the 4 KiB slot is padding
                // nobody reads): the slot's CRC32C fails and the pager must open the other slot
                int slot = random.nextInt(2);
                int at = slot * PagerOptions.SUPERBLOCK_BYTES + random.nextInt(Superblock.ENCODED_BYTES);
                damaged[at] ^= (byte) (1 << random.nextInt(8));
                requiredEpoch = Superblock.slotOffset(2) == (long) slot * PagerOptions.SUPERBLOCK_BYTES ? 1 : 2;
                what = "superblock flip at " + at + " (slot " + slot + ")";
                superblockFlips++;
            } else {
                int at = random.nextInt((int) used);
                damaged[at] ^= (byte) (1 << random.nextInt(8));
                what = "flip at " + at;
            }
            Path file = dir.resolve("damaged-" + round + ".ingot");
            Files.write(file, Arrays.copyOf(damaged, (int) length));
            if (requiredEpoch >= 0) {
                // no StoreCorruptedException accepted: the other slot's state is intact
                try (Pager p = Pager.open(file, fastOptions())) {
                    assertEquals(requiredEpoch, p.epoch(), "seed " + seed + ", " + what + ": the other slot's epoch");
                    Map<Long, byte[]> expected = requiredEpoch == 2 ? epoch2 : epoch1;
                    assertEquals(new TreeSet<>(expected.keySet()), toSet(p.liveKeys()), "seed " + seed + ", " + what);
                    for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
                        assertArrayEquals(e.getValue(), bytes(p.getVerified(e.getKey())), "seed " + seed + ", " + what);
                    }
                } catch (IOException | RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", " + what + ": the other slot must open: " + e, e);
                }
                Files.delete(file);
                continue;
            }
            try (Pager p = Pager.open(file, fastOptions())) {
                Map<Long, byte[]> expected = p.epoch() == 2 ? epoch2 : epoch1;
                assertTrue(p.epoch() == 1 || p.epoch() == 2, "seed " + seed + ", " + what + ": epoch " + p.epoch());
                assertEquals(new TreeSet<>(expected.keySet()), toSet(p.liveKeys()), "seed " + seed + ", " + what);
                for (Map.Entry<Long, byte[]> e : expected.entrySet()) {
                    try {
                        assertArrayEquals(e.getValue(), bytes(p.getVerified(e.getKey())), "seed " + seed + ", " + what);
                    } catch (StoreCorruptedException expectedDamage) {
                        assertFalse(Arrays.equals(image, damaged), "seed " + seed + ", " + what);
                    }
                }
            } catch (StoreCorruptedException e) {
                corruptedOpens++;
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", " + what + ": " + e, e);
            }
            Files.delete(file);
        }
        assertEquals(40, superblockFlips);
        assertTrue(corruptedOpens > 0 && corruptedOpens < 80,
                "both outcomes must occur, got " + corruptedOpens + " corrupted opens of 80 cuts and data flips; seed " + seed);
    }

    private static TreeSet<Long> toSet(long[] keys) {
        TreeSet<Long> s = new TreeSet<>();
        for (long k : keys) {
            s.add(k);
        }
        return s;
    }

    /** File offset of the key directory of {@link #oneBlobCommitted()}'s store: after the 64-byte blob. */
    private static final long ONE_BLOB_DIRECTORY = DATA_START + 64;
    /** Bytes of that directory: one entry. */
    private static final int ONE_BLOB_DIRECTORY_BYTES = KeyDirectory.HEADER_BYTES + KeyDirectory.ENTRY_BYTES
            + KeyDirectory.FOOTER_BYTES;

    /** A store whose epoch 1 (slot 1) holds one 64-byte blob; returns the file's bytes. */
    private byte[] oneBlobCommitted() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            p.put(p.allocMany(1).first(), heap(new byte[64]));
            p.commit();
        }
        return Files.readAllBytes(store());
    }

    /**
     * Writes {@code file} back after sealing its edited key directory: a valid footer, the
     * superblock of epoch 1 (slot 1) naming that CRC with a valid CRC of its own.
     *
     * @return the directory's CRC32C
     */
    private int resealDirectory(byte[] file) throws IOException {
        ByteBuffer fb = ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int footerAt = (int) ONE_BLOB_DIRECTORY + ONE_BLOB_DIRECTORY_BYTES - KeyDirectory.FOOTER_BYTES;
        int dirCrc = FormatCodec.crc32c(file, (int) ONE_BLOB_DIRECTORY, footerAt - (int) ONE_BLOB_DIRECTORY);
        fb.putInt(footerAt, dirCrc);
        resealSlot1(file, dirCrc);
        return dirCrc;
    }

    /** Writes {@code file} back with slot 1's directoryCrc set to {@code directoryCrc} and its own CRC valid. */
    private void resealSlot1(byte[] file, int directoryCrc) throws IOException {
        ByteBuffer fb = ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int slot = PagerOptions.SUPERBLOCK_BYTES;
        fb.putInt(slot + Superblock.OFF_DIRECTORY_CRC, directoryCrc);
        fb.putInt(slot + Superblock.OFF_CRC, FormatCodec.crc32c(file, slot, Superblock.OFF_CRC));
        Files.write(store(), file);
    }

    @Test
    void corruptedDirectoryEntryWithValidChecksumsIsRejected() throws IOException {
        // Rewrite the directory so entry 0 points past appendOffset, with correct CRCs everywhere:
        // the entry bounds check, not the checksum, must catch it.
        byte[] file = oneBlobCommitted();
        int entryAt = (int) ONE_BLOB_DIRECTORY + KeyDirectory.HEADER_BYTES;
        ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(entryAt + KeyDirectory.ENTRY_FILE_OFFSET, 1L << 40);
        resealDirectory(file);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals(entryAt, e.fileOffset());
        assertTrue(e.getMessage().contains("key directory entry 0 (key 1): blob [1099511627776, +64) outside the data region"),
                e.getMessage());
    }

    @Test
    void superblockOfANewerFormatFailsTheOpenAsFormatTooNewWithoutFallingBack() throws IOException {
        twoEpochs(random(new Random(1), 3000), random(new Random(2), 4000));
        // epoch 2 (slot 0) claims format version 2 with a valid CRC: written by a newer Ingot
        byte[] file = Files.readAllBytes(store());
        ByteBuffer fb = ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        fb.putInt(Superblock.OFF_VERSION, 2);
        fb.putInt(Superblock.OFF_CRC, FormatCodec.crc32c(file, 0, Superblock.OFF_CRC));
        Files.write(store(), file);
        FormatTooNewException e = assertThrows(FormatTooNewException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals("store " + store() + " at offset 0: superblock format version 2 is too new: this build reads versions"
                + " 1 to 1 (the store was written by a newer Ingot)", e.getMessage());
        assertEquals(0, e.fileOffset());
        assertEquals(store(), e.file());
        // the same field damaged (CRC not matching) is corruption of that slot: the open falls back to epoch 1
        fb.putInt(Superblock.OFF_CRC, fb.getInt(Superblock.OFF_CRC) ^ 1);
        Files.write(store(), file);
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(1, p.committedRoot().epoch());
        }
    }

    @Test
    void keyDirectoryOfANewerFormatFailsTheOpenAsFormatTooNew() throws IOException {
        byte[] file = oneBlobCommitted();
        ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt((int) ONE_BLOB_DIRECTORY + KeyDirectory.OFF_VERSION, 7);
        resealDirectory(file);
        FormatTooNewException e = assertThrows(FormatTooNewException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals("store " + store() + " at offset " + ONE_BLOB_DIRECTORY + ": key directory format version 7 is too new:"
                + " this build reads versions 1 to 1 (the store was written by a newer Ingot)", e.getMessage());
    }

    @Test
    void keyDirectoryWhoseFooterDisagreesWithTheSuperblockIsCorrupted() throws IOException {
        byte[] file = oneBlobCommitted();
        int dirCrc = ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt((int) ONE_BLOB_DIRECTORY + ONE_BLOB_DIRECTORY_BYTES - KeyDirectory.FOOTER_BYTES);
        resealSlot1(file, dirCrc ^ 0x100);
        StoreCorruptedException e = assertThrows(StoreCorruptedException.class, () -> Pager.open(store(), fastOptions()));
        assertEquals(String.format("store %s is corrupted at offset %d: key directory CRC32C mismatch: the superblock expects"
                + " 0x%08x, the directory's bytes and footer hold 0x%08x", store(), ONE_BLOB_DIRECTORY, dirCrc ^ 0x100, dirCrc),
                e.getMessage());
    }
}
