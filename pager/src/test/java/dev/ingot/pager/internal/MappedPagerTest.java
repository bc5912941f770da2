package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.SEGMENT_BYTES;
import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.direct;
import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.heap;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.KeyReservation;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.PagerWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedPagerTest {
    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("store.ingot");
    }

    @Test
    void blobFileOffsetLocatesTheBlobInTheFile() throws IOException {
        Random rnd = new Random(11);
        byte[] small = random(rnd, 1000);
        byte[] large = random(rnd, 64 << 10);
        long a;
        long b;
        long offsetA;
        long offsetB;
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(3);
            a = keys.key(0);
            b = keys.key(1);
            p.put(a, heap(small));
            p.putBatch(new long[] {b}, new ByteBuffer[] {direct(large)});
            offsetA = p.blobFileOffset(a);
            offsetB = p.blobFileOffset(b);
            assertEquals(-1, p.blobFileOffset(keys.key(2)), "allocated, never put");
            assertEquals(-1, p.blobFileOffset(99), "never allocated");
            assertTrue(offsetA >= fastOptions().dataStartOffset(), "data starts after the superblocks: " + offsetA);
            p.commit();
        }
        byte[] file = Files.readAllBytes(store());
        assertArrayEquals(small, java.util.Arrays.copyOfRange(file, (int) offsetA, (int) offsetA + small.length));
        assertArrayEquals(large, java.util.Arrays.copyOfRange(file, (int) offsetB, (int) offsetB + large.length));
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(offsetA, p.blobFileOffset(a), "the same after reopen");
            assertEquals(offsetB, p.blobFileOffset(b));
        }
    }

    @Test
    void newStoreHasEpochZeroAndOneSegment() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(0, p.epoch());
            assertEquals(SEGMENT_BYTES, p.fileSizeBytes());
            assertEquals(0, p.liveKeys().length);
            assertEquals(new KeyRange(1, 3), p.allocMany(3));
            assertEquals(store(), p.file());
        }
    }

    @Test
    void roundTripOfRandomBlobsIncludingEmptyAndFullSegment() throws IOException {
        Random random = new Random(42);
        int[] lengths = {0, 1, 7, 4096, 100_000, SEGMENT_BYTES, 3, SEGMENT_BYTES - 1, 0, 500_000};
        byte[][] data = new byte[lengths.length][];
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(lengths.length);
            for (int i = 0; i < lengths.length; i++) {
                data[i] = random(random, lengths[i]);
                ByteBuffer blob = i % 2 == 0 ? heap(data[i]) : direct(data[i]);
                p.put(keys.key(i), blob);
                assertEquals(0, blob.position(), "put must not move the caller's buffer");
            }
            for (int i = 0; i < lengths.length; i++) {
                ByteBuffer view = p.getVerified(keys.key(i));
                assertEquals(0, view.position());
                assertEquals(lengths[i], view.limit());
                assertEquals(ByteOrder.LITTLE_ENDIAN, view.order());
                assertTrue(view.isReadOnly());
                assertTrue(view.isDirect());
                assertArrayEquals(data[i], bytes(view), "blob " + i);
                assertEquals(lengths[i], p.blobLength(keys.key(i)));
            }
            // The file is always a whole number of segments covering every written byte.
            assertEquals(0, p.fileSizeBytes() % SEGMENT_BYTES);
            PagerDiagnostics.Snapshot s = p.diagnostics().snapshot();
            assertEquals(lengths.length, s.get(Counter.BLOBS_PUT));
            assertEquals(lengths.length, s.get(Counter.PUT_BATCHES));
            long payload = 0;
            for (int l : lengths) {
                payload += l;
            }
            assertEquals(payload, s.get(Counter.BYTES_WRITTEN));
            assertEquals(lengths.length, s.get(Counter.GETS));
        }
    }

    @Test
    void viewIsReadOnlyLittleEndianAndZeroCopy() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            long key = p.allocMany(1).first();
            ByteBuffer blob = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            blob.putLong(0x0102030405060708L).putLong(-7L).flip();
            p.put(key, blob);
            ByteBuffer view = p.get(key);
            assertEquals(0x0102030405060708L, view.getLong(0));
            assertEquals(-7L, view.getLong(8));
            assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
            // Two gets of the same key share the mapped segment memory.
            assertEquals(1, p.diagnostics().get(Counter.SEGMENTS_MAPPED));
            p.get(key);
            assertEquals(1, p.diagnostics().get(Counter.SEGMENTS_MAPPED));
        }
    }

    @Test
    void blobNeverCrossesASegmentBoundary() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(3);
            byte[] a = random(new Random(1), SEGMENT_BYTES - 8192 - 10); // fills segment 0 up to 10 bytes
            byte[] b = random(new Random(2), 11); // does not fit: goes to segment 1
            byte[] c = random(new Random(3), SEGMENT_BYTES); // a whole segment: segment 2
            p.put(keys.key(0), heap(a));
            p.put(keys.key(1), heap(b));
            p.put(keys.key(2), heap(c));
            assertEquals(3L * SEGMENT_BYTES, p.fileSizeBytes());
            assertArrayEquals(a, bytes(p.getVerified(keys.key(0))));
            assertArrayEquals(b, bytes(p.getVerified(keys.key(1))));
            assertArrayEquals(c, bytes(p.getVerified(keys.key(2))));
            assertEquals(3, p.diagnostics().get(Counter.SEGMENTS_MAPPED));
        }
    }

    @Test
    void overwriteReplacesAndIsCounted() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            long key = p.allocMany(1).first();
            p.put(key, heap(new byte[] {1, 2, 3}));
            p.put(key, heap(new byte[] {9, 8}));
            assertArrayEquals(new byte[] {9, 8}, bytes(p.getVerified(key)));
            assertEquals(2, p.blobLength(key));
            assertEquals(1, p.diagnostics().get(Counter.FRESH_WRITES));
            assertEquals(1, p.diagnostics().get(Counter.OVERWRITES));
            assertEquals(1, p.liveKeys().length);
        }
    }

    @Test
    void freeRemovesBlob() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(3);
            p.put(keys.key(0), heap(new byte[] {1}));
            p.put(keys.key(2), heap(new byte[] {3}));
            assertTrue(p.free(keys.key(0)));
            assertFalse(p.free(keys.key(0)));
            assertFalse(p.free(keys.key(1)));
            assertFalse(p.contains(keys.key(0)));
            assertEquals(-1, p.blobLength(keys.key(0)));
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> p.get(keys.key(0)));
            assertEquals("no blob under key 1 in pager " + store(), e.getMessage());
            assertArrayEquals(new long[] {3}, p.liveKeys());
            assertEquals(1, p.diagnostics().get(Counter.FREES));
            // A freed key can be written again (a fresh write, not an overwrite).
            p.put(keys.key(0), heap(new byte[] {5}));
            assertEquals(2 + 1, p.diagnostics().get(Counter.FRESH_WRITES));
            assertArrayEquals(new long[] {1, 3}, p.liveKeys());
        }
    }

    @Test
    void badArgumentsAreRejected() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            long key = p.allocMany(2).first();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.put(3, heap(new byte[1])));
            assertEquals("key 3 was never allocated by pager " + store() + " (allocated keys are [1, 3))", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> p.put(0, heap(new byte[1])));
            assertThrows(IllegalArgumentException.class, () -> p.put(-1, heap(new byte[1])));
            assertThrows(IllegalArgumentException.class, () -> p.get(3));
            assertThrows(IllegalArgumentException.class, () -> p.free(99));
            assertThrows(IllegalArgumentException.class, () -> p.put(key, ByteBuffer.allocate(SEGMENT_BYTES + 1)));
            assertThrows(IllegalArgumentException.class, () -> p.allocMany(0));
            assertThrows(IllegalArgumentException.class, () -> p.allocMany((1 << 20) + 1));
            assertThrows(IllegalArgumentException.class, () -> p.putBatch(new long[] {key}, new ByteBuffer[0]));
            assertThrows(IllegalArgumentException.class, () -> p.setRootKey(4, key));
            assertThrows(IllegalArgumentException.class, () -> p.setRootKey(0, 77));
            assertThrows(IllegalArgumentException.class, () -> p.reserveKeys(0));
            assertFalse(p.contains(0));
            assertEquals(-1, p.blobLength(12345));
            // A rejected batch changes nothing.
            assertThrows(IllegalArgumentException.class,
                    () -> p.putBatch(new long[] {key, 99}, new ByteBuffer[] {heap(new byte[1]), heap(new byte[1])}));
            assertFalse(p.contains(key));
            assertEquals(0, p.diagnostics().get(Counter.PUT_BATCHES));
        }
    }

    @Test
    void putBatchWritesContiguousBlobsAndCountsOneBatch() throws IOException {
        Random random = new Random(7);
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(6);
            int[] lengths = {10, 0, 300_000, 500_000, 400_000, 5}; // the 400 KB blob skips to segment 1
            long[] batchKeys = new long[lengths.length];
            ByteBuffer[] blobs = new ByteBuffer[lengths.length];
            byte[][] data = new byte[lengths.length][];
            for (int i = 0; i < lengths.length; i++) {
                batchKeys[i] = keys.key(i);
                data[i] = random(random, lengths[i]);
                blobs[i] = i % 2 == 0 ? direct(data[i]) : heap(data[i]);
            }
            p.putBatch(batchKeys, blobs);
            for (int i = 0; i < lengths.length; i++) {
                assertEquals(0, blobs[i].position());
                assertArrayEquals(data[i], bytes(p.getVerified(batchKeys[i])), "blob " + i);
            }
            PagerDiagnostics.Snapshot s = p.diagnostics().snapshot();
            assertEquals(1, s.get(Counter.PUT_BATCHES));
            assertEquals(6, s.get(Counter.BLOBS_PUT));
            assertEquals(1_200_015, s.get(Counter.BYTES_WRITTEN));
            assertEquals(6, s.get(Counter.FRESH_WRITES));
            // Same keys again: six overwrites in one batch.
            p.putBatch(batchKeys, blobs);
            assertEquals(6, p.diagnostics().get(Counter.OVERWRITES));
            assertEquals(2, p.diagnostics().get(Counter.PUT_BATCHES));
        }
    }

    @Test
    void commitCloseReopenShowsCommittedState() throws IOException {
        Random random = new Random(11);
        byte[] a = random(random, 1000);
        byte[] b = random(random, 0);
        byte[] c = random(random, 200_000);
        long ka;
        long kb;
        long kc;
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(10);
            ka = keys.key(0);
            kb = keys.key(1);
            kc = keys.key(5);
            p.put(ka, heap(a));
            p.put(kb, heap(b));
            p.put(kc, heap(c));
            p.setRootKey(0, kc);
            p.setRootKey(3, ka);
            assertEquals(1, p.commit());
            assertEquals(1, p.epoch());
        }
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(1, p.epoch());
            assertArrayEquals(new long[] {ka, kb, kc}, p.liveKeys());
            assertArrayEquals(a, bytes(p.getVerified(ka)));
            assertArrayEquals(b, bytes(p.getVerified(kb)));
            assertArrayEquals(c, bytes(p.getVerified(kc)));
            assertEquals(kc, p.rootKey(0));
            assertEquals(Pager.NO_KEY, p.rootKey(1));
            assertEquals(Pager.NO_KEY, p.rootKey(2));
            assertEquals(ka, p.rootKey(3));
            // nextKey was committed: the next range starts after the 10 keys handed out.
            assertEquals(new KeyRange(11, 2), p.allocMany(2));
            assertEquals(2, p.commit());
        }
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(2, p.epoch());
            assertEquals(13, p.allocMany(1).first());
        }
    }

    @Test
    void uncommittedPutsAreGoneAfterReopenAndNewPutsWork() throws IOException {
        Random random = new Random(5);
        byte[] committed = random(random, 70_000);
        byte[] lost = random(random, 90_000);
        byte[] lostOverwrite = random(random, 10);
        long k1;
        long k2;
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyRange keys = p.allocMany(2);
            k1 = keys.key(0);
            k2 = keys.key(1);
            p.put(k1, heap(committed));
            p.setRootKey(1, k1);
            p.commit();
            p.put(k2, heap(lost));
            p.put(k1, heap(lostOverwrite));
            p.setRootKey(1, k2);
            assertTrue(p.free(k1));
            p.allocMany(5); // keys 3..7 are handed out but not committed
        }
        byte[] fresh = random(random, 120_000);
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(1, p.epoch());
            assertArrayEquals(new long[] {k1}, p.liveKeys());
            assertArrayEquals(committed, bytes(p.getVerified(k1)));
            assertEquals(k1, p.rootKey(1));
            assertFalse(p.contains(k2));
            long k3 = p.allocMany(1).first();
            assertEquals(3, k3);
            // New writes land on the uncommitted garbage; old committed data stays intact.
            p.put(k2, heap(fresh));
            p.put(k3, heap(lostOverwrite));
            assertArrayEquals(fresh, bytes(p.getVerified(k2)));
            assertArrayEquals(committed, bytes(p.getVerified(k1)));
            p.commit();
        }
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(2, p.epoch());
            assertArrayEquals(new long[] {1, 2, 3}, p.liveKeys());
            assertArrayEquals(fresh, bytes(p.getVerified(k2)));
            assertArrayEquals(lostOverwrite, bytes(p.getVerified(3)));
        }
    }

    @Test
    void existingStoreKeepsItsSegmentSize() throws IOException {
        PagerOptions twoMiB = fastOptions().withSegmentBytes(2 << 20);
        try (Pager p = Pager.open(store(), twoMiB)) {
            long key = p.allocMany(1).first();
            p.put(key, ByteBuffer.allocate(2 << 20));
            p.commit();
        }
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(2 << 20, p.blobLength(1));
            // segment 0: superblocks; segment 1: the 2 MiB blob; segment 2: the directory
            assertEquals(6L << 20, p.fileSizeBytes());
            // A 2 MiB blob is still accepted: the store's own segment size rules.
            p.put(1, ByteBuffer.allocate(2 << 20));
            assertEquals(8L << 20, p.fileSizeBytes());
        }
    }

    @Test
    void commitWithSyncForcesTwiceAndAlternatesSlots() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions().withSyncOnCommit(true))) {
            assertEquals(1, p.diagnostics().get(Counter.FORCES)); // initial superblocks
            p.put(p.allocMany(1).first(), heap(new byte[] {1}));
            assertEquals(1, p.commit());
            assertEquals(3, p.diagnostics().get(Counter.FORCES));
            assertEquals(2, p.commit());
            assertEquals(5, p.diagnostics().get(Counter.FORCES));
            assertEquals(2, p.diagnostics().get(Counter.COMMITS));
        }
        byte[] slots = Files.readAllBytes(store());
        ByteBuffer b = ByteBuffer.wrap(slots).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(2, b.getLong(Superblock.OFF_EPOCH));
        assertEquals(1, b.getLong(PagerOptions.SUPERBLOCK_BYTES + Superblock.OFF_EPOCH));
        assertEquals(Superblock.MAGIC, b.getLong(0));
        assertEquals("INGOTSB1", new String(slots, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void keyReservationTakesBlocks() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            KeyReservation r = p.reserveKeys(64);
            assertEquals(64, r.blockSize());
            long previous = 0;
            for (int i = 0; i < 1000; i++) {
                long key = r.nextKey();
                assertEquals(previous + 1, key);
                previous = key;
            }
            assertEquals(16, r.blocksTaken());
            PagerDiagnostics.Snapshot s = p.diagnostics().snapshot();
            assertEquals(16, s.get(Counter.ALLOC_CALLS));
            assertEquals(1024, s.get(Counter.KEYS_ALLOCATED));
            assertEquals(64.0, s.keysPerAllocCall());
            // Another reservation never sees the 24 unused keys of the last block.
            assertEquals(1025, p.reserveKeys(8).nextKey());
        }
    }

    @Test
    void writerSpanCountsOnlyItsWriter() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            PagerWriter orders = p.openWriter("orders", 10);
            PagerWriter lineitem = p.openWriter("lineitem", 100);
            assertEquals("orders", orders.label());
            assertEquals(p, orders.pager());
            for (int i = 0; i < 25; i++) {
                orders.put(orders.nextKey(), heap(new byte[4]));
            }
            long k = lineitem.nextKey();
            long k2 = lineitem.nextKey();
            lineitem.putBatch(new long[] {k, k2}, new ByteBuffer[] {heap(new byte[100]), heap(new byte[50])});
            lineitem.put(k, heap(new byte[7]));
            assertTrue(lineitem.free(k2));
            p.put(p.allocMany(1).first(), heap(new byte[1000]));

            PagerDiagnostics.Snapshot o = orders.diagnostics().snapshot();
            assertEquals("orders", o.label());
            assertEquals(3, o.get(Counter.ALLOC_CALLS));
            assertEquals(30, o.get(Counter.KEYS_ALLOCATED));
            assertEquals(25, o.get(Counter.PUT_BATCHES));
            assertEquals(25, o.get(Counter.BLOBS_PUT));
            assertEquals(100, o.get(Counter.BYTES_WRITTEN));
            assertEquals(0, o.get(Counter.OVERWRITES));
            assertEquals(0, o.get(Counter.FREES));

            PagerDiagnostics.Snapshot l = lineitem.diagnostics().snapshot();
            assertEquals(1, l.get(Counter.ALLOC_CALLS));
            assertEquals(100, l.get(Counter.KEYS_ALLOCATED));
            assertEquals(2, l.get(Counter.PUT_BATCHES));
            assertEquals(3, l.get(Counter.BLOBS_PUT));
            assertEquals(157, l.get(Counter.BYTES_WRITTEN));
            assertEquals(2, l.get(Counter.FRESH_WRITES));
            assertEquals(1, l.get(Counter.OVERWRITES));
            assertEquals(1, l.get(Counter.FREES));

            PagerDiagnostics.Snapshot g = p.diagnostics().snapshot();
            assertEquals(5, g.get(Counter.ALLOC_CALLS));
            assertEquals(131, g.get(Counter.KEYS_ALLOCATED));
            assertEquals(28, g.get(Counter.PUT_BATCHES));
            assertEquals(29, g.get(Counter.BLOBS_PUT));
            assertEquals(1257, g.get(Counter.BYTES_WRITTEN));
        }
    }

    @Test
    void closedPagerThrowsAndRetainedViewsStayReadable() throws IOException {
        Pager p = Pager.open(store(), fastOptions());
        long key = p.allocMany(1).first();
        byte[] data = random(new Random(3), 5000);
        p.put(key, heap(data));
        ByteBuffer view = p.get(key);
        p.close();
        p.close(); // idempotent
        String message = "pager " + store() + " is closed";
        assertEquals(message, assertThrows(IllegalStateException.class, () -> p.get(key)).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, () -> p.put(key, heap(data))).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, p::commit).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, () -> p.allocMany(1)).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, p::liveKeys).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, p::epoch).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, () -> p.contains(key)).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, () -> p.rootKey(0)).getMessage());
        assertEquals(message, assertThrows(IllegalStateException.class, p::fileSizeBytes).getMessage());
        // The mapping is not forcibly unmapped: a view held across close is still valid memory.
        assertArrayEquals(data, bytes(view));
        // Diagnostics stay readable for reporting after close.
        assertEquals(1, p.diagnostics().get(Counter.BLOBS_PUT));
    }

    @Test
    void reservationOfClosedPagerThrows() throws IOException {
        Pager p = Pager.open(store(), fastOptions());
        KeyReservation r = p.reserveKeys(4);
        r.nextKey();
        p.close();
        assertThrows(IllegalStateException.class, r::nextKey);
    }

    @Test
    void emptyBatchIsANoOp() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            p.putBatch(new long[0], new ByteBuffer[0]);
            assertEquals(0, p.diagnostics().get(Counter.PUT_BATCHES));
        }
    }
}
