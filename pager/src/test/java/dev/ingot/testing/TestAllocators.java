package dev.ingot.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Where the tests of every module get their Arrow root allocators: {@link #arrow()} instead of
 * {@code new RootAllocator()}, so that {@link LeakCheckExtension} can assert after each test that
 * every Arrow allocator the test created holds zero bytes. (Ingot's own {@code NativeAllocator}
 * roots need no such factory: the allocator tracks its roots itself in test runs.)
 *
 * <p>Thread-safety: thread-safe. Ownership: the test closes each allocator it gets, as it would
 * close a {@code new RootAllocator()}; the leak check only looks, it never closes.
 */
public final class TestAllocators {
    /** An Arrow root handed out by {@link #arrow()}, named by the code that asked for it. */
    record TrackedArrow(String name, BufferAllocator allocator) {}

    private static final Queue<TrackedArrow> ARROW_ROOTS = new ConcurrentLinkedQueue<>();
    private static final StackWalker WALKER = StackWalker.getInstance();

    private TestAllocators() {}

    /**
     * A new unlimited Arrow {@link RootAllocator}, tracked for the leak check under the name
     * {@code "Arrow root from Caller.method(File.java:line)"}.
     */
    public static RootAllocator arrow() {
        return track(new RootAllocator());
    }

    /** A new Arrow {@link RootAllocator} that holds at most {@code limitBytes}, tracked as {@link #arrow()}. */
    public static RootAllocator arrow(long limitBytes) {
        return track(new RootAllocator(limitBytes));
    }

    private static RootAllocator track(RootAllocator allocator) {
        String caller = WALKER.walk(frames -> frames
                .filter(f -> !f.getClassName().equals(TestAllocators.class.getName()))
                .findFirst()
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName()
                        + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("?"));
        ARROW_ROOTS.add(new TrackedArrow("Arrow root from " + caller, allocator));
        return allocator;
    }

    /** The Arrow roots handed out since the previous call, oldest first; forgets them. */
    static List<TrackedArrow> drainArrow() {
        List<TrackedArrow> roots = new ArrayList<>();
        for (TrackedArrow a; (a = ARROW_ROOTS.poll()) != null; ) {
            roots.add(a);
        }
        return roots;
    }
}
