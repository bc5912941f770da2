package dev.ingot.pager.internal;

import static dev.ingot.pager.internal.Blobs.SEGMENT_BYTES;
import static dev.ingot.pager.internal.Blobs.bytes;
import static dev.ingot.pager.internal.Blobs.direct;
import static dev.ingot.pager.internal.Blobs.fastOptions;
import static dev.ingot.pager.internal.Blobs.heap;
import static dev.ingot.pager.internal.Blobs.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.pager.KeyRange;
import dev.ingot.pager.Pager;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random operations against a java.util model, with commits and reopens in between.
 * A failure names its seed; rerun one seed with {@code -Dingot.test.seed=N}.
 */
class MappedPagerRandomizedTest {
    @TempDir
    Path dir;

    static Stream<Long> seeds() {
        if (TestSeed.isFixed()) {
            return Stream.of(TestSeed.seed("MappedPagerRandomizedTest"));
        }
        return LongStream.concat(LongStream.of(1, 2, 3, 42, 1234567),
                LongStream.of(TestSeed.seed("MappedPagerRandomizedTest fresh"))).boxed();
    }

    /** The model: what the pager must show now, and what it must show after a reopen. */
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

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomOperationsMatchTheModel(long seed) throws IOException {
        try {
            run(seed);
        } catch (AssertionError | RuntimeException | IOException e) {
            throw new AssertionError("randomized pager test failed with " + TestSeed.describe(seed) + ": " + e, e);
        }
    }

    private void run(long seed) throws IOException {
        Random random = new Random(seed);
        Path file = dir.resolve("random-" + seed + ".ingot");
        Model model = new Model();
        List<Long> allocated = new ArrayList<>();
        Pager p = Pager.open(file, fastOptions());
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
                    p = Pager.open(file, fastOptions());
                    checkAll(p, model, step);
                } else {
                    model.commit(p.commit());
                    p.close();
                    p = Pager.open(file, fastOptions());
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
