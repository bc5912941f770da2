package dev.ingot.constraints.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LongOpenHashSetTest {
    private NativeAllocator allocator;

    @BeforeEach
    void open() {
        allocator = NativeAllocator.root("test", 1L << 32);
    }

    @AfterEach
    void assertNoLeak() {
        assertEquals(0, allocator.allocatedBytes(), "bytes outstanding after test");
        allocator.close(); // throws on leaks
    }

    private static long randomKey(Random rnd) {
        switch (rnd.nextInt(6)) {
            case 0: return rnd.nextInt(64) - 32; // small, incl. 0 and negatives
            case 1: return Long.MIN_VALUE + rnd.nextInt(4);
            case 2: return Long.MAX_VALUE - rnd.nextInt(4);
            case 3: return rnd.nextInt(100_000);
            default: return rnd.nextLong();
        }
    }

    @Test
    void randomizedAgainstHashSet() {
        long seed = TestSeed.seed("LongOpenHashSetTest.randomizedAgainstHashSet");
        Random rnd = new Random(seed);
        Set<Long> model = new HashSet<>();
        try (LongOpenHashSet set = new LongOpenHashSet(allocator, 0, 0.65f)) {
            int startCapacity = set.capacity();
            for (int i = 0; i < 200_000; i++) {
                long k = randomKey(rnd);
                if (rnd.nextInt(4) == 0) {
                    assertEquals(model.contains(k), set.contains(k), "seed=" + seed + " contains " + k);
                } else {
                    assertEquals(model.add(k), set.add(k), "seed=" + seed + " add " + k);
                }
                assertEquals(model.size(), set.size(), "seed=" + seed);
            }
            assertTrue(set.capacity() >= startCapacity << 8, "grew across several doublings: " + set.capacity());
            assertTrue(set.resizeCount() >= 8);
            for (Long k : model) {
                assertTrue(set.contains(k), "seed=" + seed + " lost " + k);
            }
            Set<Long> seen = new HashSet<>();
            set.forEach(k -> assertTrue(seen.add(k)));
            assertEquals(model, seen);
            assertEquals((long) set.capacity() * 8, set.allocatedBytes());
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes(), "old tables freed on growth");
        }
    }

    @Test
    void sentinelAndExtremeKeys() {
        try (LongOpenHashSet set = new LongOpenHashSet(allocator, 4, 0.5f)) {
            assertFalse(set.contains(0));
            assertTrue(set.add(0));
            assertFalse(set.add(0));
            assertTrue(set.contains(0));
            assertEquals(1, set.size());
            for (long k : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -1, 1, -Long.MAX_VALUE}) {
                assertFalse(set.contains(k));
                assertTrue(set.add(k));
                assertFalse(set.add(k));
                assertTrue(set.contains(k));
            }
            assertEquals(6, set.size());
        }
    }

    @Test
    void batchAddAndProbe() {
        long seed = TestSeed.seed("LongOpenHashSetTest.batchAddAndProbe");
        Random rnd = new Random(seed);
        try (LongOpenHashSet set = new LongOpenHashSet(allocator, 0)) {
            long[] keys = new long[1000];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = i * 7L - 300;
            }
            assertEquals(-1, set.addAll(keys, keys.length));
            assertEquals(1000, set.size());
            assertEquals(-1, set.firstMissing(keys, keys.length));
            long[] batch = {5000, 5001, 5002, keys[17], 5003};
            assertEquals(3, set.addAll(batch, batch.length), "first duplicate index");
            assertTrue(set.contains(5002), "keys before the duplicate are inserted");
            assertFalse(set.contains(5003), "keys after the duplicate are not");
            long[] dupInBatch = {9_000_000, 9_000_001, 9_000_000};
            assertEquals(2, set.addAll(dupInBatch, 3));
            long[] probe = {keys[1], 5000, 99_999_999, keys[2]};
            assertEquals(2, set.firstMissing(probe, probe.length));
            assertEquals(-1, set.firstMissing(probe, 2));
            long k = rnd.nextLong() | (1L << 62);
            assertEquals(0, set.firstMissing(new long[] {k}, 1), "seed=" + seed);
            assertThrows(IndexOutOfBoundsException.class, () -> set.addAll(keys, keys.length + 1));
        }
    }

    @Test
    void presizedSetDoesNotGrow() {
        for (float lf : new float[] {0.1f, 0.5f, 0.65f, 0.75f, 0.9f}) {
            for (int expected : new int[] {0, 1, 13, 1000, 123_457}) {
                try (LongOpenHashSet set = new LongOpenHashSet(allocator, expected, lf)) {
                    int cap = set.capacity();
                    assertEquals(0, cap & (cap - 1), "power of two");
                    for (int i = 0; i < expected; i++) {
                        set.add(i + 1);
                    }
                    assertEquals(cap, set.capacity(), "lf=" + lf + " expected=" + expected);
                    assertEquals(0, set.resizeCount());
                }
            }
        }
    }

    @Test
    void validatesLoadFactorAndCloses() {
        assertThrows(IllegalArgumentException.class, () -> new LongOpenHashSet(allocator, 10, 0.05f));
        assertThrows(IllegalArgumentException.class, () -> new LongOpenHashSet(allocator, 10, 0.95f));
        assertThrows(IllegalArgumentException.class, () -> new LongOpenHashSet(allocator, 10, Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> new LongOpenHashSet(allocator, -1, 0.5f));
        LongOpenHashSet set = new LongOpenHashSet(allocator, 10);
        set.add(3);
        set.close();
        set.close();
        assertTrue(set.isClosed());
        assertEquals(0, set.allocatedBytes());
        assertThrows(IllegalStateException.class, () -> set.add(4));
        assertThrows(IllegalStateException.class, () -> set.contains(3));
        assertThrows(IllegalStateException.class, () -> set.contains(0));
    }

    @Test
    void failedGrowthLeavesSetUsable() {
        try (NativeAllocator small = allocator.newChild("small", 16 * 8 * 3)) {
            try (LongOpenHashSet set = new LongOpenHashSet(small, 0, 0.5f)) {
                assertEquals(16, set.capacity());
                int added = 0;
                MemoryLimitException oom = null;
                for (long k = 1; k < 1000 && oom == null; k++) {
                    try {
                        set.add(k);
                        added++;
                    } catch (MemoryLimitException e) {
                        oom = e;
                    }
                }
                assertTrue(oom != null, "allocator limit hit");
                assertEquals(added, set.size());
                for (long k = 1; k <= added; k++) {
                    assertTrue(set.contains(k));
                }
                assertFalse(set.add(1));
            }
        }
    }
}
