package dev.ingot.testing;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh Arrow root allocator for each test of a class, from {@link TestAllocators#arrow()}, closed
 * after the test; if the test left buffers allocated, the test fails with an
 * {@link IllegalStateException} naming their bytes and the allocator stays open (so the test can
 * still release them; the suite's {@link LeakCheckExtension} reports them too). Replaces the {@code @BeforeEach}/{@code @AfterEach} pair that each
 * test class wrote for itself:
 * <pre>{@code
 * @RegisterExtension
 * final ArrowPerTest arrow = new ArrowPerTest();
 * ... TblFileSource.open(arrow.allocator(), ...)
 * }</pre>
 *
 * <p>Thread-safety: the allocator is thread-safe; the extension itself is used by one test at a time.
 * Ownership: the extension owns the allocator; a test must not close it.
 */
public final class ArrowPerTest implements BeforeEachCallback, AfterEachCallback {
    private RootAllocator allocator;

    /**
     * The current test's allocator.
     *
     * @throws IllegalStateException outside a test (before {@code beforeEach} or after {@code afterEach})
     */
    public BufferAllocator allocator() {
        if (allocator == null) {
            throw new IllegalStateException("no test is running: the Arrow allocator exists from beforeEach to afterEach");
        }
        return allocator;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        allocator = TestAllocators.arrow();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RootAllocator a = allocator;
        allocator = null;
        long held = a.getAllocatedMemory();
        if (held != 0) {
            throw new IllegalStateException("the test left " + held + " bytes of Arrow buffers allocated");
        }
        a.close();
    }
}
