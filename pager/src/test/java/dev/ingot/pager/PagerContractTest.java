package dev.ingot.pager;

import static dev.ingot.pager.internal.Blobs.SEGMENT_BYTES;
import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.direct;
import static dev.ingot.pager.internal.Blobs.heap;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.PagerDiagnostics.Counter;
import dev.ingot.pager.internal.Blobs;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of {@link Pager}, run by every implementation and by every decorator the tests
 * wrap around one (with its faults off): the plain store ({@code MappedPagerContractTest}), the
 * store over the fault-injecting channel ({@code FaultyChannelPagerContractTest}) and the
 * commit-failing decorator of the column store's tests ({@code FaultyPagerContractTest}).
 * Everything here goes through the {@link Pager} interface only: keys, puts and batches, zero-copy
 * views, overwrite and free, argument checks with their messages, commit and reopen, key
 * reservations, per-writer diagnostics, {@link Pager#committedRoot()}, use after close, and a
 * seeded random sequence of all of them against a {@link java.util.HashMap} model with commits
 * and reopens in between. What depends on the file layout (segments, superblock slots) stays in
 * the implementation's own tests.
 *
 * <p>Subclasses implement {@link #open}; {@link #afterReopen} may check the decorator's own
 * state (e.g. that no fault fired).
 */
public abstract class PagerContractTest {
    @TempDir
    protected Path dir;

    /** Opens the pager under test as the writer of {@code file}, creating the store if absent. */
    protected abstract Pager open(Path file, PagerOptions options) throws IOException;

    /** The options the contract runs with: 1 MiB segments, no fsync. */
    protected PagerOptions options() {
        return Blobs.fastOptions();
    }

    /**
     * The seeds of {@link #randomOperationsMatchTheModel}: a fresh one each run (only
     * {@code -Dingot.test.seed} if given). The plain store adds fixed ones; each seed costs a few
     * seconds, so decorators run this one.
     */
    protected Stream<Long> modelSeeds() {
        return fixedAndFreshSeeds();
    }

    /** {@code fixed}, then a fresh seed; or only {@code -Dingot.test.seed} if it is given. */
    protected final Stream<Long> fixedAndFreshSeeds(long... fixed) {
        String name = getClass().getSimpleName() + ".randomOperationsMatchTheModel";
        return TestSeed.isFixed() ? Stream.of(TestSeed.seed(name))
                : Stream.concat(LongStream.of(fixed).boxed(), Stream.of(TestSeed.seed(name + " fresh")));
    }

    private Path store() {
        return dir.resolve("store.ingot");
    }

    private Pager open() throws IOException {
        return open(store(), options());
    }

    @Test
    void aNewStoreIsEmpty() throws IOException {
        try (Pager p = open()) {
            assertEquals(0, p.epoch());
            assertEquals(0, p.liveKeys().length);
            assertFalse(p.readOnly());
            assertFalse(p.refresh(), "a writer has nothing to refresh");
            assertEquals(new CommittedRoot(0, 1, new long[Pager.ROOT_SLOTS]), p.committedRoot());
            assertEquals(new KeyRange(1, 3), p.allocMany(3));
            assertEquals(store(), p.file());
        }
    }

    @Test
    void blobsRoundTripIncludingEmptyAndSegmentSized() throws IOException {
        Random random = new Random(42);
        int[] lengths = {0, 1, 7, 4096, 100_000, SEGMENT_BYTES, 3, SEGMENT_BYTES - 1, 0, 500_000};
        byte[][] data = new byte[lengths.length][];
        try (Pager p = open()) {
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
                assertTrue(p.contains(keys.key(i)));
            }
            PagerDiagnostics.Snapshot s = p.diagnostics().snapshot();
            assertEquals(lengths.length, s.get(Counter.BLOBS_PUT));
            assertEquals(lengths.length, s.get(Counter.PUT_BATCHES));
            assertEquals(Arrays.stream(lengths).asLongStream().sum(), s.get(Counter.BYTES_WRITTEN));
            assertEquals(lengths.length, s.get(Counter.GETS));
        }
    }

    @Test
    void viewsAreReadOnlyLittleEndianAndZeroCopy() throws IOException {
        try (Pager p = open()) {
            long key = p.allocMany(1).first();
            ByteBuffer blob = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            blob.putLong(0x0102030405060708L).putLong(-7L).flip();
            p.put(key, blob);
            ByteBuffer view = p.get(key);
            assertEquals(0x0102030405060708L, view.getLong(0));
            assertEquals(-7L, view.getLong(8));
            assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 1));
            // Two gets of the same key share the mapped memory.
            assertEquals(1, p.diagnostics().get(Counter.SEGMENTS_MAPPED));
            p.get(key);
            assertEquals(1, p.diagnostics().get(Counter.SEGMENTS_MAPPED));
        }
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
        try (Pager p = open()) {
            KeyRange keys = p.allocMany(3);
            a = keys.key(0);
            b = keys.key(1);
            p.put(a, heap(small));
            p.putBatch(new long[] {b}, new ByteBuffer[] {direct(large)});
            offsetA = p.blobFileOffset(a);
            offsetB = p.blobFileOffset(b);
            assertEquals(-1, p.blobFileOffset(keys.key(2)), "allocated, never put");
            assertEquals(-1, p.blobFileOffset(99), "never allocated");
            assertTrue(offsetA >= options().dataStartOffset(), "data starts after the superblocks: " + offsetA);
            p.commit();
        }
        byte[] file = Files.readAllBytes(store());
        assertArrayEquals(small, Arrays.copyOfRange(file, (int) offsetA, (int) offsetA + small.length));
        assertArrayEquals(large, Arrays.copyOfRange(file, (int) offsetB, (int) offsetB + large.length));
        try (Pager p = open()) {
            assertEquals(offsetA, p.blobFileOffset(a), "the same after reopen");
            assertEquals(offsetB, p.blobFileOffset(b));
        }
    }

    @Test
    void overwriteReplacesAndIsCounted() throws IOException {
        try (Pager p = open()) {
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
    void freeRemovesTheBlob() throws IOException {
        try (Pager p = open()) {
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
        try (Pager p = open()) {
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
    void putBatchStoresEveryBlobAndCountsOneBatch() throws IOException {
        Random random = new Random(7);
        try (Pager p = open()) {
            KeyRange keys = p.allocMany(6);
            int[] lengths = {10, 0, 300_000, 500_000, 400_000, 5};
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
            // An empty batch is no batch.
            p.putBatch(new long[0], new ByteBuffer[0]);
            assertEquals(2, p.diagnostics().get(Counter.PUT_BATCHES));
        }
    }

    @Test
    void aReopenShowsTheCommittedState() throws IOException {
        Random random = new Random(11);
        byte[] a = random(random, 1000);
        byte[] b = random(random, 0);
        byte[] c = random(random, 200_000);
        long ka;
        long kb;
        long kc;
        try (Pager p = open()) {
            KeyRange keys = p.allocMany(10);
            ka = keys.key(0);
            kb = keys.key(1);
            kc = keys.key(5);
            p.put(ka, heap(a));
            p.put(kb, heap(b));
            p.put(kc, heap(c));
            p.setRootKey(0, kc);
            p.setRootKey(3, ka);
            assertEquals(new CommittedRoot(0, 1, new long[4]), p.committedRoot(), "setRootKey is not committed yet");
            assertEquals(kc, p.rootKey(0));
            assertEquals(1, p.commit());
            assertEquals(1, p.epoch());
            CommittedRoot committed = p.committedRoot();
            assertEquals(new CommittedRoot(1, 11, new long[] {kc, 0, 0, ka}), committed);
            p.setRootKey(0, Pager.NO_KEY);
            assertSame(committed, p.committedRoot(), "published once per commit");
        }
        try (Pager p = open()) {
            assertEquals(1, p.epoch());
            assertEquals(new CommittedRoot(1, 11, new long[] {kc, 0, 0, ka}), p.committedRoot());
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
        try (Pager p = open()) {
            assertEquals(2, p.epoch());
            assertEquals(13, p.allocMany(1).first());
        }
    }

    @Test
    void uncommittedChangesAreGoneAfterReopen() throws IOException {
        Random random = new Random(5);
        byte[] committed = random(random, 70_000);
        byte[] lost = random(random, 90_000);
        byte[] lostOverwrite = random(random, 10);
        long k1;
        long k2;
        try (Pager p = open()) {
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
        try (Pager p = open()) {
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
        try (Pager p = open()) {
            assertEquals(2, p.epoch());
            assertArrayEquals(new long[] {1, 2, 3}, p.liveKeys());
            assertArrayEquals(fresh, bytes(p.getVerified(k2)));
            assertArrayEquals(lostOverwrite, bytes(p.getVerified(3)));
        }
    }

    @Test
    void keyReservationsTakeBlocks() throws IOException {
        try (Pager p = open()) {
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
    void aWritersSpanCountsOnlyItsWriter() throws IOException {
        try (Pager p = open()) {
            PagerWriter orders = p.openWriter("orders", 10);
            PagerWriter lineitem = p.openWriter("lineitem", 100);
            assertEquals("orders", orders.label());
            assertSame(p, orders.pager());
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
    void aClosedPagerThrowsAndRetainedViewsStayReadable() throws IOException {
        Pager p = open();
        long key = p.allocMany(1).first();
        byte[] data = random(new Random(3), 5000);
        p.put(key, heap(data));
        ByteBuffer view = p.get(key);
        KeyReservation r = p.reserveKeys(4);
        r.nextKey();
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
        assertEquals(message, assertThrows(IllegalStateException.class, p::committedRoot).getMessage());
        assertThrows(IllegalStateException.class, r::nextKey);
        // The mapping is not forcibly unmapped: a view held across close is still valid memory.
        assertArrayEquals(data, bytes(view));
        // Diagnostics stay readable for reporting after close.
        assertEquals(1, p.diagnostics().get(Counter.BLOBS_PUT));
    }

    /** What the pager must show now, and what it must show after a reopen. */
    private static final class Model {
        Map<Long, byte[]> blobs = new HashMap<>();
        long[] roots = new long[Pager.ROOT_SLOTS];
        long nextKey = 1;
        Map<Long, byte[]> committedBlobs = new HashMap<>();
        long[] committedRoots = new long[Pager.ROOT_SLOTS];
        long committedNextKey = 1;
        long committedEpoch = 0;

        void commit(long epoch) {
            committedBlobs = new HashMap<>(blobs);
            committedRoots = roots.clone();
            committedNextKey = nextKey;
            committedEpoch = epoch;
        }

        void rollback() {
            blobs = new HashMap<>(committedBlobs);
            roots = committedRoots.clone();
            nextKey = committedNextKey;
        }
    }

    /**
     * Seeded random allocations, puts, batches, frees, gets, root changes, commits, closes without
     * commit and reopens, checked step by step against a {@link java.util.HashMap} model; a failure
     * names its seed (rerun one with {@code -Dingot.test.seed=N}).
     */
    @TestFactory
    Stream<DynamicTest> randomOperationsMatchTheModel() {
        return modelSeeds().map(seed -> DynamicTest.dynamicTest("seed " + seed, () -> TestSeed.run(seed, () -> runModel(seed))));
    }

    private void runModel(long seed) throws IOException {
        Random random = new Random(seed);
        Path file = dir.resolve("random-" + seed + ".ingot");
        Model model = new Model();
        List<Long> allocated = new ArrayList<>();
        Pager p = open(file, options());
        try {
            for (int step = 0; step < 1500; step++) {
                int op = random.nextInt(100);
                if (op < 10 || allocated.isEmpty()) {
                    int count = 1 + random.nextInt(random.nextBoolean() ? 4 : 200);
                    KeyRange range = p.allocMany(count);
                    assertEquals(model.nextKey, range.first(), "step " + step);
                    model.nextKey = range.end();
                    for (int i = 0; i < count; i++) {
                        allocated.add(range.key(i));
                    }
                } else if (op < 45) {
                    long key = pick(random, allocated);
                    byte[] b = randomBlob(random);
                    p.put(key, random.nextBoolean() ? heap(b) : direct(b));
                    model.blobs.put(key, b);
                } else if (op < 55) {
                    int n = 1 + random.nextInt(8);
                    long[] keys = new long[n];
                    ByteBuffer[] blobs = new ByteBuffer[n];
                    for (int i = 0; i < n; i++) {
                        keys[i] = pick(random, allocated);
                        byte[] b = randomBlob(random);
                        blobs[i] = random.nextBoolean() ? heap(b) : direct(b);
                        model.blobs.put(keys[i], b); // later entries of a batch win, as in the pager
                    }
                    p.putBatch(keys, blobs);
                } else if (op < 65) {
                    long key = pick(random, allocated);
                    assertEquals(model.blobs.remove(key) != null, p.free(key), "free " + key + " at step " + step);
                } else if (op < 82) {
                    long key = pick(random, allocated);
                    byte[] expected = model.blobs.get(key);
                    if (expected == null) {
                        Pager current = p;
                        assertThrows(NoSuchElementException.class, () -> current.get(key));
                        assertEquals(-1, p.blobLength(key));
                    } else {
                        assertArrayEquals(expected, bytes(p.getVerified(key)), "key " + key + " at step " + step);
                    }
                } else if (op < 86) {
                    int slot = random.nextInt(Pager.ROOT_SLOTS);
                    long key = random.nextInt(4) == 0 ? Pager.NO_KEY : pick(random, allocated);
                    p.setRootKey(slot, key);
                    model.roots[slot] = key;
                } else if (op < 93) {
                    long epoch = p.commit();
                    assertEquals(model.committedEpoch + 1, epoch);
                    model.commit(epoch);
                } else if (op < 97) {
                    // Crash-like: close without commit; reopen must show the committed state.
                    p.close();
                    model.rollback();
                    allocated.removeIf(k -> k >= model.nextKey);
                    p = open(file, options());
                    checkAll(p, model, step);
                } else {
                    model.commit(p.commit());
                    p.close();
                    p = open(file, options());
                    checkAll(p, model, step);
                }
            }
            checkAll(p, model, -1);
        } finally {
            p.close();
        }
    }

    private static void checkAll(Pager p, Model model, int step) throws IOException {
        String where = "after reopen at step " + step;
        assertEquals(model.committedEpoch, p.epoch(), where);
        assertEquals(new CommittedRoot(model.committedEpoch, model.committedNextKey, model.committedRoots),
                p.committedRoot(), where);
        long[] expectedKeys = model.blobs.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        assertArrayEquals(expectedKeys, p.liveKeys(), where);
        for (Map.Entry<Long, byte[]> e : model.blobs.entrySet()) {
            assertArrayEquals(e.getValue(), bytes(p.getVerified(e.getKey())), where + ", key " + e.getKey());
            assertEquals(e.getValue().length, p.blobLength(e.getKey()), where);
        }
        for (int slot = 0; slot < Pager.ROOT_SLOTS; slot++) {
            assertEquals(model.roots[slot], p.rootKey(slot), where + ", root " + slot);
        }
        // Keys handed out before the last commit are never handed out again.
        assertThrows(IllegalArgumentException.class, () -> p.get(model.nextKey), where);
    }

    private static long pick(Random random, List<Long> keys) {
        return keys.get(random.nextInt(keys.size()));
    }

    private static byte[] randomBlob(Random random) {
        int kind = random.nextInt(100);
        int length;
        if (kind < 5) {
            length = 0;
        } else if (kind < 80) {
            length = random.nextInt(2000);
        } else if (kind < 98) {
            length = random.nextInt(200_000);
        } else {
            length = SEGMENT_BYTES - random.nextInt(2);
        }
        return random(random, length);
    }
}
