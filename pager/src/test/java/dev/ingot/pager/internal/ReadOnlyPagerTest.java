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

import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.StoreLockedException;
import dev.ingot.pager.StoreNotFoundException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-only opens, open-is-not-create, and the writer/reader/exclusive locks. */
class ReadOnlyPagerTest {
    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("store.ingot");
    }

    /** A store with one committed blob under key 1; returns its bytes. */
    private byte[] committedStore() throws IOException {
        byte[] blob = random(new Random(1), 3000);
        try (Pager p = Pager.open(store(), fastOptions())) {
            long key = p.allocMany(1).first();
            p.put(key, heap(blob));
            p.setRootKey(0, key);
            p.commit();
        }
        return blob;
    }

    @Test
    void openWithoutCreateNamesThePathAndCreatesNothing() {
        Path missing = dir.resolve("typo").resolve("store.ingot");
        StoreNotFoundException e = assertThrows(StoreNotFoundException.class,
                () -> Pager.open(missing, fastOptions(), OpenMode.READ_ONLY));
        assertEquals("no store at " + missing + ": no such file", e.getMessage());
        assertThrows(StoreNotFoundException.class, () -> Pager.open(store(), fastOptions(), OpenMode.READ_WRITE));
        assertFalse(Files.exists(store()), "an open that is not a create made the file");
    }

    @Test
    void emptyFileIsNoStoreForOpens() throws IOException {
        Files.createFile(store());
        StoreNotFoundException e = assertThrows(StoreNotFoundException.class,
                () -> Pager.open(store(), fastOptions(), OpenMode.READ_ONLY));
        assertEquals("no store at " + store() + ": the file is empty", e.getMessage());
        assertEquals(0, Files.size(store()));
    }

    /**
     * A creation killed between its superblock slots leaves a file shorter than both slots: not a
     * store for opens (named as such), taken over by the next create, and never confused with a
     * foreign file of that length.
     */
    @Test
    void creationKilledBetweenTheSlotsIsNoStoreAndIsCreatedAgain() throws IOException {
        ByteBuffer slot0 = Superblock.initial(fastOptions().segmentBytes(), fastOptions().dataStartOffset()).encode();
        Files.write(store(), slot0.array());
        StoreNotFoundException e = assertThrows(StoreNotFoundException.class,
                () -> Pager.open(store(), fastOptions(), OpenMode.READ_WRITE));
        assertEquals("no store at " + store() + ": the file holds only the first superblock of a new store"
                + " (4096 bytes): a creation that did not finish", e.getMessage());
        assertThrows(StoreNotFoundException.class, () -> Pager.open(store(), fastOptions(), OpenMode.READ_ONLY));
        assertEquals(4096, Files.size(store()), "a failed open changed the file");

        byte[] blob = random(new Random(2), 500);
        try (Pager p = Pager.open(store(), fastOptions(), OpenMode.CREATE)) {
            long key = p.allocMany(1).first();
            p.put(key, heap(blob));
            p.setRootKey(0, key);
            p.commit();
        }
        try (Pager r = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY)) {
            assertEquals(1, r.epoch());
            assertArrayEquals(blob, bytes(r.getVerified(r.rootKey(0))));
        }

        // the same length without the superblock magic is not Ingot's: a create refuses it
        Path foreign = dir.resolve("foreign.ingot");
        Files.write(foreign, new byte[4096]);
        assertThrows(dev.ingot.pager.StoreCorruptedException.class,
                () -> Pager.open(foreign, fastOptions(), OpenMode.CREATE));
        assertArrayEquals(new byte[4096], Files.readAllBytes(foreign));

        // a store that committed twice (slot 0 holds epoch 2), cut to one slot, is damaged, not unfinished
        Path damaged = dir.resolve("damaged.ingot");
        try (Pager p = Pager.open(damaged, fastOptions(), OpenMode.CREATE)) {
            p.commit();
            p.commit();
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(damaged,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(4096);
        }
        assertThrows(dev.ingot.pager.StoreCorruptedException.class,
                () -> Pager.open(damaged, fastOptions(), OpenMode.CREATE));
        assertEquals(4096, Files.size(damaged));
    }

    @Test
    void readOnlyOpenNeverWritesAByte() throws IOException {
        byte[] blob = committedStore();
        // a file length that is not a segment multiple (a writer's close cut the unused tail): a
        // writer would grow it, a reader must not
        assertTrue(Files.size(store()) % Blobs.SEGMENT_BYTES != 0, "closed stores end with their data region: " + Files.size(store()));
        Files.setLastModifiedTime(store(), FileTime.fromMillis(1_000_000_000_000L));
        byte[] before = Files.readAllBytes(store());
        try (Pager r = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY)) {
            assertTrue(r.readOnly());
            assertArrayEquals(blob, bytes(r.getVerified(r.rootKey(0))));
            assertFalse(r.refresh());
            assertEquals(1, r.epoch());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.allocMany(1));
            assertEquals("pager " + store() + " is open read-only", e.getMessage());
            assertThrows(IllegalStateException.class, () -> r.put(1, heap(blob)));
            assertThrows(IllegalStateException.class, () -> r.putBatch(new long[] {1}, new ByteBuffer[] {heap(blob)}));
            assertThrows(IllegalStateException.class, () -> r.free(1));
            assertThrows(IllegalStateException.class, () -> r.setRootKey(1, 1));
            assertThrows(IllegalStateException.class, r::commit);
            assertThrows(IllegalStateException.class, () -> r.reserveKeys(4));
            assertThrows(IllegalStateException.class, () -> r.openWriter("t", 4));
        }
        assertArrayEquals(before, Files.readAllBytes(store()));
        assertEquals(FileTime.fromMillis(1_000_000_000_000L), Files.getLastModifiedTime(store()));
    }

    @Test
    void readersKeepTheirSnapshotWhileTheWriterCommitsAndRefreshToTheNewest() throws IOException {
        byte[] first = committedStore();
        Random rnd = new Random(2);
        try (Pager writer = Pager.open(store(), fastOptions(), OpenMode.READ_WRITE);
             Pager reader = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY);
             Pager other = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY)) {
            ByteBuffer old = reader.get(1);
            byte[][] later = new byte[5][];
            long[] keys = new long[5];
            for (int i = 0; i < 5; i++) {   // five commits: both superblock slots rewritten twice
                later[i] = random(rnd, 200_000 + i);
                keys[i] = writer.allocMany(1).first();
                writer.put(keys[i], heap(later[i]));
                writer.setRootKey(0, keys[i]);
                assertEquals(i + 2, writer.commit());
            }
            writer.free(1);
            writer.commit();
            assertEquals(1, reader.epoch());
            assertEquals(1, reader.rootKey(0));
            assertFalse(reader.contains(keys[0]), "a reader sees only its snapshot");
            assertArrayEquals(first, bytes(reader.getVerified(1)), "freed by the writer, still in the reader's commit");
            assertTrue(reader.refresh());
            assertEquals(7, reader.epoch());
            assertEquals(keys[4], reader.committedRoot().rootKey(0));
            assertFalse(reader.contains(1));
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(later[i], bytes(reader.getVerified(keys[i])));
            }
            assertArrayEquals(first, bytes(old), "a view taken before the refresh stays valid");
            assertFalse(reader.refresh());
            assertEquals(1, other.epoch(), "each reader refreshes on its own");
        }
    }

    @Test
    void oneWriterManyReadersAcrossProcesses() throws Exception {
        committedStore();
        try (Pager writer = Pager.open(store(), fastOptions(), OpenMode.READ_WRITE)) {
            try (Pager sameJvmReader = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY)) {
                assertEquals(1, sameJvmReader.epoch());
                assertThrows(StoreLockedException.class, () -> Pager.open(store(), fastOptions(), OpenMode.READ_WRITE));
            }
            // the reader's descriptor closed: the writer's lock must still hold against other processes
            assertEquals("StoreLockedException: store " + store() + " is already open by another process or pager"
                    + " (file lock held)", LockProbe.run("READ_WRITE", store()));
            assertEquals("opened epoch 1", LockProbe.run("READ_ONLY", store()));
            assertEquals("StoreLockedException: store " + store() + " is open by another process (or pager); close it first",
                    LockProbe.run("EXCLUSIVE", store()));
            StoreLockedException e = assertThrows(StoreLockedException.class, () -> Pager.lockExclusively(store()));
            assertEquals("store " + store() + " is open by another process (or pager); close it first", e.getMessage());
        }
        try (Pager reader = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY)) {
            assertEquals("opened epoch 1", LockProbe.run("READ_WRITE", store()), "a reader does not exclude the writer");
            try (Pager writer = Pager.open(store(), fastOptions(), OpenMode.READ_WRITE)) {
                writer.commit();
            }
            // the writer's descriptors closed: the reader's shared lock must still hold
            assertEquals("StoreLockedException: store " + store() + " is open by another process (or pager); close it first",
                    LockProbe.run("EXCLUSIVE", store()));
            assertTrue(reader.refresh());
            assertEquals(2, reader.epoch());
        }
        assertEquals("opened", LockProbe.run("EXCLUSIVE", store()));
    }

    @Test
    void exclusiveHoldRefusesEveryOpen() throws Exception {
        committedStore();
        try (Closeable hold = Pager.lockExclusively(store())) {
            String replacing = "store " + store() + " is held exclusively (being replaced) by another process or pager;"
                    + " open it when that is done";
            StoreLockedException e = assertThrows(StoreLockedException.class,
                    () -> Pager.open(store(), fastOptions(), OpenMode.READ_ONLY));
            assertEquals(replacing, e.getMessage());
            assertThrows(StoreLockedException.class, () -> Pager.open(store(), fastOptions(), OpenMode.READ_WRITE));
            assertEquals("StoreLockedException: " + replacing, LockProbe.run("READ_ONLY", store()));
            assertEquals("StoreLockedException: store " + store() + " is already open by another process or pager"
                    + " (file lock held)", LockProbe.run("READ_WRITE", store()));
        }
        try (Pager r = Pager.open(store(), fastOptions(), OpenMode.READ_ONLY)) {
            assertEquals(1, r.epoch());
        }
    }
}
