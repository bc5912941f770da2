package dev.ingot.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Owned blocks: zeroed, bounds-checked, shared with a ByteBuffer view, dead after close. */
class MemoryBlockTest {
    private final NativeAllocator allocator = NativeAllocator.root("block-test", 1 << 20);

    @AfterEach
    void noLeaks() {
        assertEquals(0, allocator.allocatedBytes());
        allocator.close();
    }

    @Test
    void aNewBlockIsZeroedAndHoldsWhatIsWritten() {
        try (MemoryBlock b = allocator.allocate(4096, "zeroed")) {
            long sum = 0;
            for (long i = 0; i < 4096; i += 8) {
                sum += b.getLong(i);
            }
            assertEquals(0, sum);
            b.putLong(4088, -1L);
            b.putInt(0, 0x11223344);
            assertEquals(-1L, b.getLong(4088));
            assertEquals(0x44, b.getByte(0));
            assertEquals(4096, b.capacity());
            assertEquals("zeroed", b.purpose());
            assertEquals("index=4089 length=8 capacity=4096", assertThrows(IndexOutOfBoundsException.class, () -> b.getLong(4089)).getMessage());
        }
    }

    @Test
    void asByteBufferSharesTheBlocksBytes() {
        try (MemoryBlock b = allocator.allocate(100, "shared")) {
            ByteBuffer bb = b.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            assertTrue(bb.isDirect());
            assertEquals(100, bb.capacity());
            assertEquals(0, bb.position());
            bb.putLong(16, 987654321L);
            assertEquals(987654321L, b.getLong(16));
            b.putInt(40, 5);
            assertEquals(5, bb.getInt(40));
            assertEquals(987654321L, MemoryView.of(bb).getLong(16));
        }
    }

    @Test
    void copiesBetweenBlocksAreChecked() {
        try (MemoryBlock a = allocator.allocate(32, "a"); MemoryBlock b = allocator.allocate(16, "b")) {
            a.putLong(8, 77);
            a.copyTo(8, b, 8, 8);
            assertEquals(77, b.getLong(8));
            assertEquals("index=9 length=8 capacity=16", assertThrows(IndexOutOfBoundsException.class, () -> a.copyTo(8, b, 9, 8)).getMessage());
        }
    }

    @Test
    void everyAccessAfterCloseIsALifecycleError() {
        MemoryBlock b = allocator.allocate(64, "short-lived");
        MemoryView slice = b.slice(0, 8);
        assertEquals(8, slice.capacity());
        b.close();
        assertTrue(b.isClosed());
        assertEquals(64, b.capacity(), "capacity stays for reports");
        for (Runnable r : new Runnable[] {() -> b.getLong(0), () -> b.putByte(0, (byte) 1), () -> b.fill(0, 1, (byte) 0),
                () -> b.slice(0, 1), b::asByteBuffer, () -> Bits.isSet(b, 0), () -> Bits.countOnes(b, 3)}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
            assertEquals("memory block 'short-lived' is closed", e.getMessage());
        }
        b.close(); // idempotent
        assertEquals("MemoryBlock[short-lived, 64 bytes, closed]", b.toString());
    }

    @Test
    void isClosedIsFalseWhileOpen() {
        try (MemoryBlock b = allocator.allocate(8, "open")) {
            assertFalse(b.isClosed());
        }
    }
}
