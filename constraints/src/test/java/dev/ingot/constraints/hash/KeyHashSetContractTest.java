package dev.ingot.constraints.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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

/**
 * The contract every off-heap key hash set of this package keeps ({@link LongOpenHashSet},
 * {@link LongPairOpenHashSet}, {@link BytesKeyHashSet}), run by each set's test class: seeded
 * random adds and probes against a {@link java.util.HashSet} model across many doublings, the
 * presizing promise, load-factor validation, a refused growth that leaves the set usable, and
 * close (idempotent, frees every byte, later use throws). Cases of one set only (the empty-key
 * flag, batch calls, the byte arena) stay in its own test class.
 *
 * @param <S> the set under test
 * @param <K> its key as the model holds it (a value with {@code equals} by content)
 */
abstract class KeyHashSetContractTest<S extends OffHeapSlotTable, K> {
    protected NativeAllocator allocator;

    /** A new set of the kind under test. */
    abstract S newSet(NativeAllocator allocator, long expectedSize, float loadFactor);

    /** {@code set.add(key)}. */
    abstract boolean add(S set, K key);

    /** {@code set.contains(key)}. */
    abstract boolean contains(S set, K key);

    /** A random key, drawn so that equal keys recur often and extreme values appear. */
    abstract K randomKey(Random random);

    /** Key number {@code i}: distinct for distinct {@code i >= 0}. */
    abstract K key(long i);

    /** What the set's class is called in its messages. */
    abstract String setName();

    /** Bytes of one slot of the table. */
    abstract int slotBytes();

    /** Bytes the set holds besides its slot table once it has 16 short keys (an arena's first chunk). */
    long arenaBytes() {
        return 0;
    }

    /** Checks what only this kind of set can show about its contents against {@code model} (e.g. iteration). */
    void checkContents(S set, Set<K> model) {}

    @BeforeEach
    void openAllocator() {
        allocator = NativeAllocator.root("test", 1L << 32);
    }

    @AfterEach
    void closeAllocator() {
        allocator.close(); // throws, listing them, if a set left blocks behind
    }

    @Test
    void randomAddsAndProbesMatchAHashSet() {
        long seed = TestSeed.seed(getClass().getSimpleName() + ".randomAddsAndProbesMatchAHashSet");
        TestSeed.run(seed, () -> randomAddsAndProbes(new Random(seed)));
    }

    private void randomAddsAndProbes(Random rnd) {
        Set<K> model = new HashSet<>();
        try (S set = newSet(allocator, 0, 0.65f)) {
            int startCapacity = set.capacity();
            for (int i = 0; i < 100_000; i++) {
                K k = randomKey(rnd);
                if (rnd.nextInt(4) == 0) {
                    assertEquals(model.contains(k), contains(set, k), () -> "contains " + k);
                } else {
                    assertEquals(model.add(k), add(set, k), () -> "add " + k);
                }
                assertEquals(model.size(), set.size());
            }
            assertTrue(set.resizeCount() >= 5, "grew across several doublings: " + set.resizeCount());
            assertEquals(startCapacity << set.resizeCount(), set.capacity());
            for (K k : model) {
                assertTrue(contains(set, k), () -> "lost " + k);
            }
            checkContents(set, model);
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes(), "old tables freed on growth");
        }
    }

    @Test
    void aPresizedSetDoesNotGrow() {
        for (float lf : new float[] {0.1f, 0.5f, 0.65f, 0.75f, 0.9f}) {
            for (int expected : new int[] {0, 1, 13, 1000, 123_457}) {
                try (S set = newSet(allocator, expected, lf)) {
                    int cap = set.capacity();
                    assertEquals(0, cap & (cap - 1), "power of two: " + cap);
                    for (int i = 0; i < expected; i++) {
                        assertTrue(add(set, key(i)));
                    }
                    assertEquals(expected, set.size());
                    assertEquals(cap, set.capacity(), "lf=" + lf + " expected=" + expected);
                    assertEquals(0, set.resizeCount());
                    assertEquals(lf, set.loadFactor());
                }
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertEquals("load factor must be in [0.1, 0.9]: 0.05",
                assertThrows(IllegalArgumentException.class, () -> newSet(allocator, 10, 0.05f)).getMessage());
        assertEquals("load factor must be in [0.1, 0.9]: 0.95",
                assertThrows(IllegalArgumentException.class, () -> newSet(allocator, 10, 0.95f)).getMessage());
        assertEquals("load factor must be in [0.1, 0.9]: NaN",
                assertThrows(IllegalArgumentException.class, () -> newSet(allocator, 10, Float.NaN)).getMessage());
        assertEquals("expectedSize must be >= 0: -1",
                assertThrows(IllegalArgumentException.class, () -> newSet(allocator, -1, 0.5f)).getMessage());
        assertEquals(0, allocator.allocatedBytes(), "a refused set holds nothing");
    }

    @Test
    void closeIsIdempotentFreesEverythingAndLaterUseThrows() {
        S set = newSet(allocator, 10, 0.75f);
        for (int i = 0; i < 50_000; i++) {
            add(set, key(i));
        }
        assertTrue(set.resizeCount() > 0);
        assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        assertFalse(set.isClosed());
        set.close();
        set.close();
        assertTrue(set.isClosed());
        assertEquals(0, set.allocatedBytes());
        assertEquals(0, allocator.allocatedBytes());
        String closed = setName() + " is closed";
        assertEquals(closed, assertThrows(IllegalStateException.class, () -> add(set, key(1))).getMessage());
        assertEquals(closed, assertThrows(IllegalStateException.class, () -> contains(set, key(1))).getMessage());
        assertEquals(closed, assertThrows(IllegalStateException.class, () -> contains(set, key(50_001))).getMessage());
    }

    @Test
    void aRefusedGrowthLeavesTheSetUsable() {
        long limit = 48L * slotBytes() + arenaBytes(); // room for the 16- and 32-slot tables at once, not the 64-slot one
        try (NativeAllocator small = allocator.newChild("small", limit);
             S set = newSet(small, 0, 0.5f)) {
            assertEquals(16, set.capacity());
            int added = 0;
            MemoryLimitException refused = null;
            for (long i = 0; i < 1000 && refused == null; i++) {
                try {
                    add(set, key(i));
                    added++;
                } catch (MemoryLimitException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "allocator limit hit");
            assertTrue(refused.getMessage().startsWith("allocator 'test/small' limit of " + limit + " bytes exceeded"),
                    refused.getMessage());
            assertEquals(16, added, "the 32-slot table holds 16 keys at load factor 0.5");
            assertEquals(added, set.size());
            assertEquals(32, set.capacity());
            for (long i = 0; i < added; i++) {
                assertTrue(contains(set, key(i)));
                assertFalse(add(set, key(i)));
            }
            assertFalse(contains(set, key(added)));
        }
    }
}
