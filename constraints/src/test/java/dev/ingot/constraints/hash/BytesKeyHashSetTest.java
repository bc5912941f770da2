package dev.ingot.constraints.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link BytesKeyHashSet}: the {@link KeyHashSetContractTest contract} (keys passed at an offset
 * inside a larger array), plus the empty key, prefixes, keys larger than an arena chunk and the
 * arena's accounting.
 */
class BytesKeyHashSetTest extends KeyHashSetContractTest<BytesKeyHashSet, ByteBuffer> {
    /** Keys are copied here, at an offset that depends on their length, so the offset forms are used. */
    private final byte[] scratch = new byte[64];

    private int place(ByteBuffer key) {
        int offset = 3 + key.remaining() % 5;
        key.duplicate().get(scratch, offset, key.remaining());
        return offset;
    }

    @Override
    BytesKeyHashSet newSet(NativeAllocator allocator, long expectedSize, float loadFactor) {
        return new BytesKeyHashSet(allocator, expectedSize, loadFactor);
    }

    @Override
    boolean add(BytesKeyHashSet set, ByteBuffer key) {
        return set.add(scratch, place(key), key.remaining());
    }

    @Override
    boolean contains(BytesKeyHashSet set, ByteBuffer key) {
        return set.contains(scratch, place(key), key.remaining());
    }

    @Override
    ByteBuffer randomKey(Random rnd) {
        int len = rnd.nextInt(10) == 0 ? rnd.nextInt(40) : rnd.nextInt(4); // many short keys collide
        byte[] b = new byte[len];
        for (int j = 0; j < len; j++) {
            b[j] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(3));
        }
        return ByteBuffer.wrap(b);
    }

    @Override
    ByteBuffer key(long i) {
        return ByteBuffer.wrap(("key-" + i).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    String setName() {
        return "BytesKeyHashSet";
    }

    @Override
    int slotBytes() {
        return 16;
    }

    @Override
    long arenaBytes() {
        return BytesKeyHashSet.FIRST_CHUNK_BYTES;
    }

    @Override
    void checkContents(BytesKeyHashSet set, Set<ByteBuffer> model) {
        long recordBytes = 0;
        for (ByteBuffer k : model) {
            recordBytes += 4 + k.remaining();
        }
        assertEquals(recordBytes, set.arenaBytesUsed(), "one 4-byte length and the bytes per key");
    }

    @Test
    void emptyKeyPrefixesAndLargeKeys() {
        try (BytesKeyHashSet set = new BytesKeyHashSet(allocator, 0)) {
            assertFalse(set.contains(new byte[0]));
            assertTrue(set.add(new byte[0]));
            assertFalse(set.add(new byte[0]));
            assertTrue(set.add(new byte[] {0}));
            assertTrue(set.add(new byte[] {0, 0}));
            assertFalse(set.add(new byte[] {0, 0}));
            assertTrue(set.add("abcdefgh".getBytes(StandardCharsets.UTF_8)));
            assertTrue(set.add("abcdefgi".getBytes(StandardCharsets.UTF_8)));
            assertTrue(set.add("abcdefghX".getBytes(StandardCharsets.UTF_8)));
            assertFalse(set.contains("abcdefg".getBytes(StandardCharsets.UTF_8)));
            byte[] big = new byte[BytesKeyHashSet.MAX_CHUNK_BYTES + 100];
            new Random(1).nextBytes(big);
            assertTrue(set.add(big));
            assertFalse(set.add(big));
            big[big.length - 1] ^= 1;
            assertFalse(set.contains(big));
            assertTrue(set.add(big, 5, 1000));
            assertTrue(set.contains(big, 5, 1000));
            assertEquals(8, set.size());
            assertThrows(IndexOutOfBoundsException.class, () -> set.add(new byte[3], 2, 2));
        }
    }

    @Test
    void arenaGrowsInChunksAndCountsInAllocatedBytes() {
        try (BytesKeyHashSet set = new BytesKeyHashSet(allocator, 1000)) {
            for (int i = 0; i < 50_000; i++) {
                set.add(("key-" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(set.arenaBytesUsed() > 50_000 * 8);
            assertTrue(set.allocatedBytes() >= (long) set.capacity() * 16 + set.arenaBytesUsed());
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        }
    }
}
