package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import dev.ingot.pager.PagerWriter;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Direct (O_DIRECT) blob writes on a disk-backed directory under the module's {@code target/}
 * (not {@code @TempDir}, which may be tmpfs on other machines, where O_DIRECT is refused): the
 * pager really bypasses the page cache there, reads back through its mappings see the bytes,
 * before and after commit and reopen, and the fallbacks keep the same semantics.
 *
 * <p>Every direct write made through a {@link FaultyStoreChannel} (no fault armed) is checked
 * for the alignment contract (buffer address, file offset and length multiples of 4096).
 */
class MappedPagerDirectIoTest {
    private static final Path ROOT = Path.of("target", "direct-io-tests");

    private Path dir;

    @BeforeEach
    void createDir(TestInfo info) throws IOException {
        dir = ROOT.resolve(info.getTestMethod().orElseThrow().getName());
        deleteTree(dir);
        Files.createDirectories(dir);
        assumeFalse(Files.getFileStore(dir).type().contains("tmpfs"), "target/ is on tmpfs: no O_DIRECT here");
    }

    @AfterEach
    void deleteDir() throws IOException {
        deleteTree(dir);
    }

    private static void deleteTree(Path path) throws IOException {
        if (Files.exists(path)) {
            try (Stream<Path> s = Files.walk(path)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static PagerOptions options(int segmentBytes) {
        return fastOptions().withSegmentBytes(segmentBytes);
    }

    /** A buffer holding {@code data} at a random position of a heap or direct buffer of random slack. */
    private static ByteBuffer source(Random r, byte[] data) {
        int before = r.nextInt(100);
        int after = r.nextInt(100);
        ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocate(before + data.length + after)
                : ByteBuffer.allocateDirect(before + data.length + after);
        b.position(before);
        b.put(data);
        b.position(before).limit(before + data.length);
        return b;
    }

    @Test
    void directWritesAreReadBackThroughTheMappingsAlsoAfterReopen() throws IOException {
        Path file = dir.resolve("store.ingot");
        int segmentBytes = 64 << 20;
        Random r = new Random(42);
        // Sizes around the threshold, odd sizes, a run longer than one staging buffer (16 MiB).
        int[] batch = {7 << 20, 5, 3 << 20, 0, 7 << 20, 1_000_003, 16 << 10};
        int[] singles = {DataRegionWriter.DIRECT_MIN_BYTES, 100, 4096, 12_345_678, DataRegionWriter.DIRECT_MIN_BYTES - 1};
        Map<Long, byte[]> expected = new HashMap<>();
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        try (MappedPager p = (MappedPager) MappedPager.open(file, options(segmentBytes),
                FaultyStoreChannel.opener(new Random(1), channel))) {
            assertTrue(p.directIo(), "O_DIRECT on " + Files.getFileStore(dir).type());
            assertTrue(channel[0].realDirect());
            PagerWriter w = p.openWriter("t", 8);
            long[] keys = new long[batch.length];
            ByteBuffer[] blobs = new ByteBuffer[batch.length];
            for (int i = 0; i < batch.length; i++) {
                byte[] data = random(r, batch[i]);
                keys[i] = w.nextKey();
                blobs[i] = source(r, data);
                expected.put(keys[i], data);
            }
            int positionBefore = blobs[2].position();
            w.putBatch(keys, blobs);
            assertEquals(positionBefore, blobs[2].position(), "the caller's buffers are not consumed");
            for (int size : singles) {
                byte[] data = random(r, size);
                long key = w.nextKey();
                w.put(key, source(r, data));
                expected.put(key, data);
            }
            // Overwrite a blob written directly with one written buffered and vice versa.
            byte[] small = random(r, 10);
            p.put(keys[0], ByteBuffer.wrap(small));
            expected.put(keys[0], small);
            byte[] large = random(r, 200_000);
            p.put(keys[1], source(r, large));
            expected.put(keys[1], large);
            checkAll(p, expected);
            // 2 for the batch (16 MiB, then the rest), 2 single puts >= 16 KiB (12 MB in one piece), 1 overwrite.
            assertEquals(5, channel[0].realDirectWrites());
            assertTrue(p.stagingBytes() >= DirectStaging.MAX_BUFFER_BYTES, "staging " + p.stagingBytes());
            assertTrue(p.stagingBytes() <= 2L * (DirectStaging.MAX_BUFFER_BYTES + 4096), "staging " + p.stagingBytes());
            p.commit();
            checkAll(p, expected);
            p.close();
            assertEquals(0, p.stagingBytes(), "staging buffers freed at close");
        }
        try (MappedPager p = (MappedPager) Pager.open(file, options(segmentBytes))) {
            assertTrue(p.directIo());
            checkAll(p, expected);
            // New direct writes after reopen (appendOffset of a reopened store need not be aligned).
            byte[] data = random(r, 300_000);
            long key = p.allocMany(1).first();
            p.put(key, source(r, data));
            expected.put(key, data);
            checkAll(p, expected);
            p.commit();
        }
        try (Pager p = Pager.open(file, options(segmentBytes))) {
            checkAll(p, expected);
        }
    }

    private static void checkAll(Pager p, Map<Long, byte[]> expected) throws IOException {
        long[] keys = expected.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        assertArrayEquals(keys, p.liveKeys());
        for (long key : keys) {
            assertArrayEquals(expected.get(key), bytes(p.getVerified(key)), "blob of key " + key);
        }
    }

    /**
     * Random interleaving of put, putBatch, get, overwrite, free, commit and reopen against a
     * {@link HashMap} model; blob sizes straddle the direct-write threshold and the segment size,
     * sources are heap or direct at random positions. Even rounds use the real channel, odd ones
     * the alignment-checking {@link FaultyStoreChannel}.
     */
    @Test
    void randomOperationsMatchAModel() throws IOException {
        long base = TestSeed.seed("MappedPagerDirectIoTest.randomOperationsMatchAModel base");
        int rounds = TestSeed.isFixed() ? 1 : 6;
        for (int round = 0; round < rounds; round++) {
            long seed = base + round;
            try {
                runModel(dir.resolve("model-" + round + ".ingot"), seed, round % 2 == 1);
            } catch (AssertionError | RuntimeException | IOException e) {
                throw new AssertionError("round " + round + " failed with "
                        + TestSeed.describe(seed) + ": " + e, e);
            }
        }
    }

    private void runModel(Path file, long seed, boolean faultyChannel) throws IOException {
        Random r = new Random(seed);
        PagerOptions options = options(Blobs.SEGMENT_BYTES);
        Map<Long, byte[]> working = new HashMap<>();
        Map<Long, byte[]> committed = new HashMap<>();
        int direct = 0;
        for (int session = 0; session < 3; session++) {
            FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
            MappedPager p = (MappedPager) (faultyChannel
                    ? MappedPager.open(file, options, FaultyStoreChannel.opener(new Random(seed), channel))
                    : Pager.open(file, options));
            try {
                assertTrue(p.directIo());
                assertArrayEquals(committed.keySet().stream().mapToLong(Long::longValue).sorted().toArray(), p.liveKeys());
                working = new HashMap<>(committed);
                PagerWriter w = p.openWriter("w", 4);
                for (int op = 0; op < 150; op++) {
                    int dice = r.nextInt(100);
                    if (dice < 30) {
                        long key = overwriteOrFresh(r, working, w);
                        byte[] data = random(r, size(r));
                        if (r.nextBoolean()) {
                            w.put(key, source(r, data));
                        } else {
                            p.put(key, source(r, data));
                        }
                        working.put(key, data);
                    } else if (dice < 55) {
                        int n = 1 + r.nextInt(6);
                        List<Long> keys = new ArrayList<>();
                        while (keys.size() < n) {
                            long key = overwriteOrFresh(r, working, w);
                            if (!keys.contains(key)) {
                                keys.add(key);
                            }
                        }
                        long[] keyArray = keys.stream().mapToLong(Long::longValue).toArray();
                        ByteBuffer[] blobs = new ByteBuffer[n];
                        byte[][] data = new byte[n][];
                        for (int i = 0; i < n; i++) {
                            data[i] = random(r, size(r) / 2);
                            blobs[i] = source(r, data[i]);
                        }
                        w.putBatch(keyArray, blobs);
                        for (int i = 0; i < n; i++) {
                            working.put(keyArray[i], data[i]);
                        }
                    } else if (dice < 80 && !working.isEmpty()) {
                        long key = anyKey(r, working);
                        assertArrayEquals(working.get(key), bytes(p.getVerified(key)), "blob of key " + key);
                    } else if (dice < 88 && !working.isEmpty()) {
                        long key = anyKey(r, working);
                        assertTrue(w.free(key));
                        working.remove(key);
                    } else {
                        p.commit();
                        committed = new HashMap<>(working);
                    }
                }
                checkAll(p, working);
                if (faultyChannel) {
                    direct += channel[0].realDirectWrites();
                }
                if (r.nextBoolean()) {
                    p.commit();
                    committed = new HashMap<>(working);
                }
            } finally {
                p.close();
            }
            assertEquals(0, p.stagingBytes());
        }
        try (Pager p = Pager.open(file, options)) {
            checkAll(p, committed);
        }
        if (faultyChannel) {
            assertTrue(direct > 0, "no direct write was made");
        }
    }

    /** Mostly small (buffered), often 16 KiB .. 300 KB (direct), sometimes a whole segment. */
    private static int size(Random r) {
        int dice = r.nextInt(20);
        if (dice == 0) {
            return Blobs.SEGMENT_BYTES - r.nextInt(3) * 4095;
        }
        if (dice < 8) {
            return DataRegionWriter.DIRECT_MIN_BYTES - 2 + r.nextInt(300_000);
        }
        return r.nextInt(5000);
    }

    private static long overwriteOrFresh(Random r, Map<Long, byte[]> working, PagerWriter w) {
        return !working.isEmpty() && r.nextInt(3) == 0 ? anyKey(r, working) : w.nextKey();
    }

    private static long anyKey(Random r, Map<Long, byte[]> working) {
        return working.keySet().stream().sorted().skip(r.nextInt(working.size())).findFirst().orElseThrow();
    }

    @Test
    void directWritesOffMeansBuffered() throws IOException {
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        try (MappedPager p = (MappedPager) MappedPager.open(dir.resolve("off.ingot"),
                options(Blobs.SEGMENT_BYTES).withDirectWrites(false), FaultyStoreChannel.opener(new Random(1), channel))) {
            assertFalse(p.directIo());
            byte[] data = random(new Random(2), 500_000);
            long key = p.allocMany(1).first();
            p.put(key, ByteBuffer.wrap(data));
            assertArrayEquals(data, bytes(p.getVerified(key)));
            assertEquals(0, channel[0].directWrites());
            assertEquals(0, p.stagingBytes());
        }
    }

    @Test
    void fileSystemWithoutODirectFallsBackAtOpen() throws IOException {
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        Path file = dir.resolve("refused.ingot");
        StoreChannel.Opener refusing = path -> {
            FaultyStoreChannel c = new FaultyStoreChannel(path, new Random(1));
            c.refuseDirect = true;
            channel[0] = c;
            return c;
        };
        byte[] data = random(new Random(3), 500_000);
        try (MappedPager p = (MappedPager) MappedPager.open(file, options(Blobs.SEGMENT_BYTES), refusing)) {
            assertFalse(p.directIo());
            long key = p.allocMany(1).first();
            p.putBatch(new long[] {key}, new ByteBuffer[] {ByteBuffer.wrap(data)});
            assertArrayEquals(data, bytes(p.getVerified(key)));
            assertEquals(0, channel[0].directWrites());
            p.commit();
        }
        try (Pager p = Pager.open(file, options(Blobs.SEGMENT_BYTES))) {
            assertArrayEquals(data, bytes(p.getVerified(1)));
        }
    }

    @Test
    void invalidArgumentOnTheFirstDirectWriteFallsBackForGood() throws IOException {
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        Path file = dir.resolve("einval.ingot");
        Random r = new Random(4);
        try (MappedPager p = (MappedPager) MappedPager.open(file, options(Blobs.SEGMENT_BYTES),
                FaultyStoreChannel.opener(new Random(1), channel))) {
            assertTrue(p.directIo());
            channel[0].invalidDirectWrites = 1;
            KeyRange keys = p.allocMany(3);
            byte[] a = random(r, 100_000);
            p.put(keys.key(0), source(r, a));
            assertFalse(p.directIo(), "fell back after EINVAL on the first direct write");
            byte[] b = random(r, 100_000);
            p.put(keys.key(1), source(r, b));
            assertEquals(0, channel[0].directWrites());
            assertArrayEquals(a, bytes(p.getVerified(keys.key(0))));
            assertArrayEquals(b, bytes(p.getVerified(keys.key(1))));
            p.commit();
        }
        try (Pager p = Pager.open(file, options(Blobs.SEGMENT_BYTES))) {
            assertEquals(2, p.liveKeys().length);
        }
    }

    @Test
    void invalidArgumentAfterASuccessfulDirectWriteIsAFailure() throws IOException {
        FaultyStoreChannel[] channel = new FaultyStoreChannel[1];
        Path file = dir.resolve("einval-later.ingot");
        Random r = new Random(5);
        try (MappedPager p = (MappedPager) MappedPager.open(file, options(Blobs.SEGMENT_BYTES),
                FaultyStoreChannel.opener(new Random(1), channel))) {
            KeyRange keys = p.allocMany(2);
            byte[] a = random(r, 100_000);
            p.put(keys.key(0), source(r, a));
            assertEquals(1, channel[0].directWrites());
            channel[0].invalidDirectWrites = 1;
            IOException e = assertThrows(IOException.class, () -> p.put(keys.key(1), source(r, random(r, 50_000))));
            assertTrue(e.getMessage().startsWith("store " + file + ": direct write of 53248 bytes at offset "), e.getMessage());
            assertTrue(e.getMessage().endsWith(" failed: Invalid argument"), e.getMessage());
            assertTrue(p.directIo());
            assertFalse(p.contains(keys.key(1)), "a failed put changes nothing");
            assertArrayEquals(a, bytes(p.getVerified(keys.key(0))));
        }
    }
}
