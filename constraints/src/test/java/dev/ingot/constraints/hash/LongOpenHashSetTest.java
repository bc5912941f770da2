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
import org.junit.jupiter.api.Test;

/** {@link LongOpenHashSet}: the {@link KeyHashSetContractTest contract}, plus the empty-key flag, batch calls and iteration. */
class LongOpenHashSetTest extends KeyHashSetContractTest<LongOpenHashSet, Long> {
    @Override
    LongOpenHashSet newSet(NativeAllocator allocator, long expectedSize, float loadFactor) {
        return new LongOpenHashSet(allocator, expectedSize, loadFactor);
    }

    @Override
    boolean add(LongOpenHashSet set, Long key) {
        return set.add(key);
    }

    @Override
    boolean contains(LongOpenHashSet set, Long key) {
        return set.contains(key);
    }

    @Override
    Long randomKey(Random rnd) {
        switch (rnd.nextInt(6)) {
            case 0: return (long) rnd.nextInt(64) - 32; // small, incl. 0 (the empty-slot value) and negatives
            case 1: return Long.MIN_VALUE + rnd.nextInt(4);
            case 2: return Long.MAX_VALUE - rnd.nextInt(4);
            case 3: return (long) rnd.nextInt(100_000);
            default: return rnd.nextLong();
        }
    }

    @Override
    Long key(long i) {
        return i + 1; // never 0, which is kept outside the table
    }

    @Override
    String setName() {
        return "LongOpenHashSet";
    }

    @Override
    int slotBytes() {
        return 8;
    }

    @Override
    void checkContents(LongOpenHashSet set, Set<Long> model) {
        Set<Long> seen = new HashSet<>();
        set.forEach(k -> assertTrue(seen.add(k), "forEach repeated " + k));
        assertEquals(model, seen);
        assertEquals((long) set.capacity() * 8, set.allocatedBytes());
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
            assertEquals(0, set.firstMissing(new long[] {k}, 1), TestSeed.describe(seed));
            assertThrows(IndexOutOfBoundsException.class, () -> set.addAll(keys, keys.length + 1));
        }
    }
}
