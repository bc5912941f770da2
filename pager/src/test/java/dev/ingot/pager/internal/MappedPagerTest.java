package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.SEGMENT_BYTES;
import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.heap;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link MappedPager} adds to the {@link dev.ingot.pager.PagerContractTest Pager contract}
 * (which {@link MappedPagerContractTest} runs): segments and the superblock slots in the file.
 */
class MappedPagerTest {
    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("store.ingot");
    }

    @Test
    void aNewStoreIsOneSegmentWhileOpen() throws IOException {
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(SEGMENT_BYTES, p.fileSizeBytes());
            assertEquals(SEGMENT_BYTES, Files.size(store()));
        }
        assertEquals(8192 + 4096, Files.size(store()), "closed: the two superblocks and one spare page of the empty data region");
    }

    /** The larger append offset of the two superblock slots in the file. */
    private long describedEnd() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(store())).order(ByteOrder.LITTLE_ENDIAN);
        return Math.max(b.getLong(Superblock.OFF_APPEND_OFFSET), b.getLong(PagerOptions.SUPERBLOCK_BYTES + Superblock.OFF_APPEND_OFFSET));
    }

    @Test
    void aWriterClosesWithoutTheUnusedTailAndAReopenGrowsIt() throws IOException {
        byte[] first = random(new Random(7), 3 * SEGMENT_BYTES / 2 - 100_000); // into the second segment
        byte[] second = random(new Random(8), 70_000);
        long a;
        try (Pager p = Pager.open(store(), fastOptions())) {
            long[] keys = {p.allocMany(1).first(), p.allocMany(1).first()};
            a = keys[0];
            p.put(keys[0], heap(java.util.Arrays.copyOf(first, SEGMENT_BYTES / 2)));
            p.put(keys[1], heap(java.util.Arrays.copyOfRange(first, SEGMENT_BYTES / 2, first.length)));
            p.setRootKey(0, keys[0]);
            p.setRootKey(1, keys[1]);
            p.commit();
            assertEquals(2L * SEGMENT_BYTES, p.fileSizeBytes(), "grown in whole segments");
        }
        long end = describedEnd();
        long size = Files.size(store());
        assertEquals((end + 4095) / 4096 * 4096 + 4096, size, "cut to the data region's end, rounded up to 4 KiB, and a spare page");
        assertEquals(true, size > SEGMENT_BYTES && size < 2L * SEGMENT_BYTES, "a part of the second segment: " + size);
        long b;
        try (Pager p = Pager.open(store(), fastOptions())) {
            assertEquals(2L * SEGMENT_BYTES, p.fileSizeBytes(), "a writer grows it to whole segments again");
            assertArrayEquals(java.util.Arrays.copyOf(first, SEGMENT_BYTES / 2), bytes(p.getVerified(a)));
            b = p.allocMany(1).first();
            p.put(b, heap(second));
            p.setRootKey(2, b);
            p.commit();
            ByteBuffer committedView = p.get(p.rootKey(1));
            long c = p.allocMany(1).first();
            p.put(c, heap(second)); // never committed: its bytes stay within the file, its view readable after close
            ByteBuffer view = p.get(c);
            p.close();
            assertArrayEquals(second, bytes(view));
            assertArrayEquals(java.util.Arrays.copyOfRange(first, SEGMENT_BYTES / 2, first.length), bytes(committedView));
        }
        try (Pager p = Pager.open(store(), fastOptions().withSegmentBytes(SEGMENT_BYTES), dev.ingot.pager.OpenMode.READ_ONLY)) {
            assertArrayEquals(second, bytes(p.getVerified(p.rootKey(2))));
            assertArrayEquals(java.util.Arrays.copyOfRange(first, SEGMENT_BYTES / 2, first.length), bytes(p.getVerified(p.rootKey(1))));
            assertEquals(b, p.rootKey(2));
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
}
