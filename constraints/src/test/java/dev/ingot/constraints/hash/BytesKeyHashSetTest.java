package dev.ingot.constraints.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BytesKeyHashSetTest {
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

    @Test
    void randomizedAgainstHashSet() {
        long seed = TestSeed.seed("BytesKeyHashSetTest.randomizedAgainstHashSet");
        Random rnd = new Random(seed);
        Set<ByteBuffer> model = new HashSet<>();
        byte[] buf = new byte[64];
        try (BytesKeyHashSet set = new BytesKeyHashSet(allocator, 0, 0.65f)) {
            for (int i = 0; i < 100_000; i++) {
                int len = rnd.nextInt(10) == 0 ? rnd.nextInt(40) : rnd.nextInt(4); // many short keys collide
                int off = rnd.nextInt(buf.length - len + 1);
                for (int j = 0; j < len; j++) {
                    buf[off + j] = (byte) (rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(3));
                }
                ByteBuffer key = ByteBuffer.wrap(buf, off, len).slice();
                byte[] copy = new byte[len];
                key.duplicate().get(copy);
                if (rnd.nextInt(4) == 0) {
                    assertEquals(model.contains(ByteBuffer.wrap(copy)), set.contains(buf, off, len), "seed=" + seed);
                } else {
                    assertEquals(model.add(ByteBuffer.wrap(copy)), set.add(buf, off, len), "seed=" + seed + " len=" + len);
                }
                assertEquals(model.size(), set.size());
            }
            assertTrue(set.resizeCount() >= 5);
            for (ByteBuffer k : model) {
                byte[] b = new byte[k.remaining()];
                k.duplicate().get(b);
                assertTrue(set.contains(b), "seed=" + seed + " lost a key of " + b.length + " bytes");
            }
            assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        }
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
    void closeIsIdempotentAndFreesArena() {
        BytesKeyHashSet set = new BytesKeyHashSet(allocator, 1000);
        for (int i = 0; i < 50_000; i++) {
            set.add(("key-" + i).getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(set.arenaBytesUsed() > 50_000 * 8);
        assertEquals(set.allocatedBytes(), allocator.allocatedBytes());
        set.close();
        set.close();
        assertEquals(0, allocator.allocatedBytes());
        assertThrows(IllegalStateException.class, () -> set.contains(new byte[1]));
    }
}
