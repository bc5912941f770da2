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
import org.junit.jupiter.api.Test;

/** {@link LongPairOpenHashSet}: the {@link KeyHashSetContractTest contract}, plus the empty pair and batch calls. */
class LongPairOpenHashSetTest extends KeyHashSetContractTest<LongPairOpenHashSet, List<Long>> {
    @Override
    LongPairOpenHashSet newSet(NativeAllocator allocator, long expectedSize, float loadFactor) {
        return new LongPairOpenHashSet(allocator, expectedSize, loadFactor);
    }

    @Override
    boolean add(LongPairOpenHashSet set, List<Long> key) {
        return set.add(key.get(0), key.get(1));
    }

    @Override
    boolean contains(LongPairOpenHashSet set, List<Long> key) {
        return set.contains(key.get(0), key.get(1));
    }

    private static long part(Random rnd) {
        switch (rnd.nextInt(5)) {
            case 0: return rnd.nextInt(8) - 4; // incl. 0: the pair (0, 0) is the empty-slot value
            case 1: return Long.MIN_VALUE + rnd.nextInt(2);
            case 2: return Long.MAX_VALUE - rnd.nextInt(2);
            case 3: return rnd.nextInt(300);
            default: return rnd.nextLong();
        }
    }

    @Override
    List<Long> randomKey(Random rnd) {
        return List.of(part(rnd), part(rnd));
    }

    @Override
    List<Long> key(long i) {
        return List.of(i + 1, ~i);
    }

    @Override
    String setName() {
        return "LongPairOpenHashSet";
    }

    @Override
    int slotBytes() {
        return 16;
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
