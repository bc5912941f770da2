package dev.ingot.ingest;

import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The allocators of one test, as a JUnit extension: before each test a new Arrow root (from
 * {@link TestAllocators#arrow(long)}, so the leak check tracks it) and a new Ingot
 * {@link NativeAllocator} root; after it both are closed, Ingot's first (closing an allocator that
 * still holds memory throws, naming what leaked; a failure of the first close keeps the second as
 * suppressed). {@code LeakCheckExtension}, registered by autodetection before any field extension,
 * runs its check after this close.
 *
 * <pre>
 * &#64;RegisterExtension
 * final TestMemory mem = new TestMemory("first-error", 1L &lt;&lt; 28);
 * ... mem.arrow() ... mem.ingot() ...
 * </pre>
 *
 * <p>Thread-safety: the allocators are thread-safe; the fixture is set up and torn down by JUnit's
 * thread. Ownership: the fixture closes both allocators; a test never closes them.
 */
public final class TestMemory implements BeforeEachCallback, AfterEachCallback {
    private final String name;
    private final long limitBytes;
    private BufferAllocator arrow;
    private NativeAllocator ingot;

    /**
     * @param name       the Ingot root's name (shown in leak and limit messages)
     * @param limitBytes the limit of each of the two roots, in bytes
     */
    public TestMemory(String name, long limitBytes) {
        this.name = name;
        this.limitBytes = limitBytes;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        arrow = TestAllocators.arrow(limitBytes);
        ingot = NativeAllocator.root(name, limitBytes);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RuntimeException failure = null;
        for (AutoCloseable a : new AutoCloseable[] {ingot, arrow}) {
            try {
                a.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (failure == null) {
                    failure = r;
                } else {
                    failure.addSuppressed(r);
                }
            }
        }
        ingot = null;
        arrow = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** This test's Arrow root allocator. @throws IllegalStateException outside a test */
    public BufferAllocator arrow() {
        if (arrow == null) {
            throw new IllegalStateException("TestMemory " + name + " is used outside a test (register it with @RegisterExtension)");
        }
        return arrow;
    }

    /** This test's Ingot allocator root (key sets, loads). @throws IllegalStateException outside a test */
    public NativeAllocator ingot() {
        if (ingot == null) {
            throw new IllegalStateException("TestMemory " + name + " is used outside a test (register it with @RegisterExtension)");
        }
        return ingot;
    }
}
