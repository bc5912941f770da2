package dev.ingot.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;

/** {@link ArrowPerTest}: one allocator per test, closed after it, a leak failing the test. */
class ArrowPerTestTest {
    private static final String NO_TEST = "no test is running: the Arrow allocator exists from beforeEach to afterEach";

    @Test
    void eachTestGetsAFreshAllocatorThatIsClosedAfterIt() {
        ArrowPerTest arrow = new ArrowPerTest();
        assertEquals(NO_TEST, assertThrows(IllegalStateException.class, arrow::allocator).getMessage());
        arrow.beforeEach(null);
        BufferAllocator first = arrow.allocator();
        first.buffer(64).close();
        arrow.afterEach(null);
        assertEquals(NO_TEST, assertThrows(IllegalStateException.class, arrow::allocator).getMessage());
        assertThrows(IllegalStateException.class, () -> first.buffer(8), "a closed allocator allocates nothing");
        arrow.beforeEach(null);
        assertNotSame(first, arrow.allocator());
        arrow.afterEach(null);
    }

    @Test
    void aBufferLeftAllocatedFailsTheTest() {
        ArrowPerTest arrow = new ArrowPerTest();
        arrow.beforeEach(null);
        BufferAllocator allocator = arrow.allocator();
        ArrowBuf leaked = allocator.buffer(128);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> arrow.afterEach(null));
        assertEquals("the test left 128 bytes of Arrow buffers allocated", e.getMessage());
        leaked.close(); // the allocator stayed open: the leak check after this test sees it hold zero bytes
        allocator.close();
    }
}
