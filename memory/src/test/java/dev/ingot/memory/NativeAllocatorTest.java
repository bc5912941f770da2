package dev.ingot.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Limits (a runtime exception of ours, nothing left reserved), child accounting, leak reports. */
class NativeAllocatorTest {
    @Test
    void aLimitBreachIsAMemoryLimitExceptionAndReservesNothing() {
        try (NativeAllocator root = NativeAllocator.root("ingot", 1000)) {
            try (MemoryBlock a = root.allocate(600, "a")) {
                MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> root.allocate(401, "b"));
                assertEquals("allocator 'ingot' limit of 1000 bytes exceeded: 600 allocated, 401 requested", e.getMessage());
                assertEquals("ingot", e.allocator());
                assertEquals(1000, e.limitBytes());
                assertEquals(600, e.allocatedBytes());
                assertEquals(401, e.requestedBytes());
                assertNull(e.raiseWith());
                assertEquals(600, root.allocatedBytes());
                try (MemoryBlock b = root.allocate(400, "exactly the rest")) {
                    assertEquals(1000, root.allocatedBytes());
                    assertEquals(1000, root.peakBytes());
                }
            }
            assertEquals(0, root.allocatedBytes());
        }
    }

    @Test
    void theOptionThatRaisesTheLimitIsNamedAlsoForChildren() {
        try (NativeAllocator root = NativeAllocator.root("ingot", 100, "--memory-limit-mb");
             NativeAllocator child = root.newChild("constraints", 50)) {
            MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> child.allocate(51, "keys"));
            assertEquals("allocator 'ingot/constraints' limit of 50 bytes exceeded: 0 allocated, 51 requested; raise it with --memory-limit-mb",
                    e.getMessage());
            assertEquals("--memory-limit-mb", e.raiseWith());
        }
    }

    @Test
    void childrenCountAgainstEveryAncestorAndTheTightestLimitWins() {
        try (NativeAllocator root = NativeAllocator.root("root", 1000)) {
            NativeAllocator a = root.newChild("a", 800);
            NativeAllocator b = root.newChild("b", 800);
            MemoryBlock x = a.allocate(500, "x");
            MemoryBlock y = b.allocate(300, "y");
            assertEquals(500, a.allocatedBytes());
            assertEquals(300, b.allocatedBytes());
            assertEquals(800, root.allocatedBytes());
            // b's own limit has room (300 + 300 <= 800) but the root's does not (800 + 300 > 1000)
            MemoryLimitException e = assertThrows(MemoryLimitException.class, () -> b.allocate(300, "z"));
            assertEquals("allocator 'root' limit of 1000 bytes exceeded: 800 allocated, 300 requested", e.getMessage());
            assertEquals(300, b.allocatedBytes(), "the child's reservation is undone too");
            assertEquals(800, root.allocatedBytes());
            // a's own limit is the tighter one
            e = assertThrows(MemoryLimitException.class, () -> a.allocate(301, "w"));
            assertEquals("root/a", e.allocator());
            x.close();
            y.close();
            assertEquals(0, root.allocatedBytes());
            assertEquals(800, root.peakBytes());
            a.close();
            b.close();
        }
    }

    @Test
    void closeWithOutstandingBlocksFailsListingEachOneAndClosesChildren() {
        NativeAllocator root = NativeAllocator.root("root", 1 << 20);
        NativeAllocator child = root.newChild("child", 1 << 20);
        MemoryBlock a = root.allocate(8, "header");
        MemoryBlock b = child.allocate(16, "keys");
        IllegalStateException e = assertThrows(IllegalStateException.class, root::close);
        assertEquals("allocator 'root' closed with 24 bytes outstanding: root:header(8 bytes), root/child:keys(16 bytes)", e.getMessage());
        assertEquals("allocator 'root/child' is closed", assertThrows(IllegalStateException.class, () -> child.allocate(1, "late")).getMessage());
        assertEquals("allocator 'root' is closed", assertThrows(IllegalStateException.class, () -> root.allocate(1, "late")).getMessage());
        a.close();
        b.close();
        assertEquals(0, root.allocatedBytes());
    }

    @Test
    void badSizesAreArgumentErrors() {
        try (NativeAllocator root = NativeAllocator.root("root", 100)) {
            assertEquals("allocation size must be positive: 0", assertThrows(IllegalArgumentException.class, () -> root.allocate(0, "x")).getMessage());
            assertEquals("limitBytes must be positive: -1", assertThrows(IllegalArgumentException.class, () -> root.newChild("c", -1)).getMessage());
        }
    }
}
