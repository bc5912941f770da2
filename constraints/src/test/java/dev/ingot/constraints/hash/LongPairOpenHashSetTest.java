package dev.ingot.constraints.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LongPairOpenHashSetTest {
    private NativeAllocator allocator;

    @BeforeEach
    void open() {
        allocator = NativeAllocator.root("test", 1L << 32);
    }

    @AfterEach
    void assertNoLeak() {
        assertEquals(0, allocator.allocatedBytes());
        allocator.close();
    }

    private static long part(Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0: return rnd.nextInt(8) - 4;
            case 1: return Long.MIN_VALUE + rnd.nextInt(2);
            case 2: return Long.MAX_VALUE - rnd.nextInt(2);
            case 3: return rnd.nextInt(300);
            default: return rnd.nextLong();
        }
    }

    @Test
    void randomizedAgainstHashSet() {
        long seed = TestSeed.seed("LongPairOpenHashSetTest.randomizedAgainstHashSet");
        Random rnd = new Random(seed);
        Set<List<Long>> model = new HashSet<>();
        try (LongPairOpenHashSet set = new LongPairOpenHashSet(allocator, 0, 0.7f)) {
            for (int i = 0; i < 150_000; i++) {
                long h = part(rnd);
                long l = part(rnd);
                if (rnd.nextInt(4) == 0) {
                    assertEquals(model.contains(List.of(h, l)), set.contains(h, l), "seed=" + seed);
                } else {
                    assertEquals(model.add(List.of(h, l)), set.add(h, l), "seed=" + seed + " add " + h + "," + l);
                }
            }
            assertEquals(model.size(), set.size());
            assertTrue(set.resizeCount() >= 6, "grew across several doublings");
            for (List<Long> k : model) {
                assertTrue(set.contains(k.get(0), k.get(1)), "seed=" + seed + " lost " + k);
            }
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        }
    }

    @Test
    void emptyPairAndSwappedHalves() {
        try (LongPairOpenHashSet set = new LongPairOpenHashSet(allocator, 0)) {
            assertFalse(set.contains(0, 0));
            assertTrue(set.add(0, 0));
            assertFalse(set.add(0, 0));
            assertTrue(set.add(0, 1));
            assertTrue(set.add(1, 0));
            assertFalse(set.contains(1, 1));
            assertTrue(set.add(1, 2));
            assertFalse(set.contains(2, 1));
            assertEquals(4, set.size());
        }
    }

    @Test
    void batchForms() {
        try (LongPairOpenHashSet set = new LongPairOpenHashSet(allocator, 100)) {
            long[] h = {1, 2, 3, 1, 4};
            long[] l = {1, 1, 1, 1, 1};
            assertEquals(3, set.addAll(h, l, 5));
            assertEquals(3, set.size());
            assertFalse(set.contains(4, 1));
            assertEquals(-1, set.firstMissing(h, l, 4));
            assertEquals(4, set.firstMissing(h, l, 5));
            assertThrows(IndexOutOfBoundsException.class, () -> set.addAll(h, new long[2], 3));
            int cap = set.capacity();
            for (int i = 0; i < 97; i++) {
                set.add(-i - 10, i);
            }
            assertEquals(cap, set.capacity(), "presized for 100");
        }
    }
}
