package dev.ingot.memory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An accounted allocator of native memory: every {@link MemoryBlock} it hands out is counted
 * against this allocator and all its ancestors, each of which may have a byte limit.
 * Allocators form a tree ({@link #newChild}), in the manner of Arrow's {@code BufferAllocator}.
 *
 * <p>Thread-safety: thread-safe. Blocks may be allocated and closed from any thread.
 *
 * <p>Ownership: whoever creates an allocator closes it. {@link #close()} fails loudly with an
 * {@link IllegalStateException} that lists every block still outstanding (and frees nothing:
 * a leak is a bug to fix, not to paper over), so a test can assert "zero bytes outstanding".
 */
public final class NativeAllocator implements AutoCloseable {
    /** The system property that turns on {@link #drainTrackedRoots} (the build's tests set it; never set it in production). */
    public static final String TRACK_ROOTS_PROPERTY = "ingot.memory.trackRoots";
    /** Test hook: every root created, until {@link #drainTrackedRoots}; null unless {@value #TRACK_ROOTS_PROPERTY} is true. */
    private static final Queue<NativeAllocator> TRACKED_ROOTS =
            Boolean.getBoolean(TRACK_ROOTS_PROPERTY) ? new ConcurrentLinkedQueue<>() : null;

    private final String name;
    private final NativeAllocator parent;
    private final long limitBytes;
    /** The option that sets {@link #limitBytes}, named in {@link MemoryLimitException}s; null if none. */
    private final String raiseWith;
    private final AtomicLong allocatedBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final Map<MemoryBlock, Boolean> outstanding = Collections.synchronizedMap(new IdentityHashMap<>());
    private final List<NativeAllocator> children = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private NativeAllocator(String name, NativeAllocator parent, long limitBytes, String raiseWith) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limitBytes must be positive: " + limitBytes);
        }
        this.name = name;
        this.parent = parent;
        this.limitBytes = limitBytes;
        this.raiseWith = raiseWith;
    }

    /**
     * Creates a root allocator that may hold at most {@code limitBytes} at once.
     *
     * @throws IllegalArgumentException if {@code limitBytes <= 0}
     */
    public static NativeAllocator root(String name, long limitBytes) {
        return track(new NativeAllocator(name, null, limitBytes, null));
    }

    /**
     * Test hook: the roots created since the previous call, oldest first, and forgets them (so
     * the queue holds only roots not yet looked at). The leak check of the test suite calls it
     * after each test and asserts that every root it returns holds zero bytes.
     *
     * @throws IllegalStateException unless the JVM runs with {@code -D}{@value #TRACK_ROOTS_PROPERTY}{@code =true}
     */
    public static List<NativeAllocator> drainTrackedRoots() {
        if (TRACKED_ROOTS == null) {
            throw new IllegalStateException("root tracking is off: run with -D" + TRACK_ROOTS_PROPERTY + "=true");
        }
        List<NativeAllocator> roots = new ArrayList<>();
        for (NativeAllocator r; (r = TRACKED_ROOTS.poll()) != null; ) {
            roots.add(r);
        }
        return roots;
    }

    private static NativeAllocator track(NativeAllocator root) {
        if (TRACKED_ROOTS != null) {
            TRACKED_ROOTS.add(root);
        }
        return root;
    }

    /**
     * Creates a root allocator whose limit is set by the option or property {@code raiseWith}
     * (e.g. {@code --memory-limit-mb}), which its {@link MemoryLimitException}s name.
     *
     * @throws IllegalArgumentException if {@code limitBytes <= 0}
     */
    public static NativeAllocator root(String name, long limitBytes, String raiseWith) {
        return track(new NativeAllocator(name, null, limitBytes, raiseWith));
    }

    /**
     * Creates a child whose allocations also count against this allocator (and its limit); its
     * {@link MemoryLimitException}s name the same option as this allocator's.
     *
     * @throws IllegalArgumentException if {@code childLimitBytes <= 0}
     * @throws IllegalStateException    if this allocator is closed
     */
    public NativeAllocator newChild(String childName, long childLimitBytes) {
        ensureOpen();
        NativeAllocator child = new NativeAllocator(name + "/" + childName, this, childLimitBytes, raiseWith);
        children.add(child);
        return child;
    }

    /** This allocator's path-like name, e.g. {@code ingot/constraints}. */
    public String name() {
        return name;
    }

    /** Bytes currently allocated through this allocator and its children. */
    public long allocatedBytes() {
        return allocatedBytes.get();
    }

    /** The largest value {@link #allocatedBytes()} has had. */
    public long peakBytes() {
        return peakBytes.get();
    }

    /** The limit given at creation, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }

    /**
     * Allocates a zero-filled block of {@code bytes} bytes.
     *
     * @param bytes   size in bytes, {@code > 0}
     * @param purpose what the block is for, shown in leak reports and errors
     * @throws IllegalArgumentException if {@code bytes <= 0}
     * @throws IllegalStateException if this allocator is closed
     * @throws MemoryLimitException if this allocator's or an ancestor's limit would be exceeded;
     *                              nothing stays reserved
     * @throws OutOfMemoryError if the operating system refuses the memory; nothing stays reserved
     */
    public MemoryBlock allocate(long bytes, String purpose) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocation size must be positive: " + bytes);
        }
        ensureOpen();
        reserve(bytes);
        long address;
        try {
            address = NativeMemory.allocate(bytes);
        } catch (OutOfMemoryError e) {
            unreserve(bytes);
            throw e;
        }
        NativeMemory.fill(address, bytes, (byte) 0);
        MemoryBlock block = new MemoryBlock(this, purpose, address, bytes);
        outstanding.put(block, Boolean.TRUE);
        return block;
    }

    private void reserve(long bytes) {
        NativeAllocator a = this;
        while (a != null) {
            long now = a.allocatedBytes.addAndGet(bytes);
            if (now > a.limitBytes) {
                a.allocatedBytes.addAndGet(-bytes);
                for (NativeAllocator b = this; b != a; b = b.parent) {
                    b.allocatedBytes.addAndGet(-bytes);
                }
                throw new MemoryLimitException(a.name, a.limitBytes, now - bytes, bytes, a.raiseWith);
            }
            a.peakBytes.accumulateAndGet(now, Math::max);
            a = a.parent;
        }
    }

    private void unreserve(long bytes) {
        for (NativeAllocator a = this; a != null; a = a.parent) {
            a.allocatedBytes.addAndGet(-bytes);
        }
    }

    void release(MemoryBlock block) {
        outstanding.remove(block);
        unreserve(block.capacity());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("allocator '" + name + "' is closed");
        }
    }

    /**
     * Closes this allocator and its children.
     *
     * @throws IllegalStateException if any block allocated here or in a child is still open;
     *                               the message lists them
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<String> leaks = new ArrayList<>();
        collectLeaks(leaks);
        closed = true;
        if (parent != null) {
            parent.children.remove(this);
        }
        if (!leaks.isEmpty()) {
            throw new IllegalStateException("allocator '" + name + "' closed with " + allocatedBytes.get()
                    + " bytes outstanding: " + String.join(", ", leaks));
        }
    }

    private void collectLeaks(List<String> leaks) {
        synchronized (outstanding) {
            for (MemoryBlock b : outstanding.keySet()) {
                leaks.add(name + ":" + b.purpose() + "(" + b.capacity() + " bytes)");
            }
        }
        List<NativeAllocator> copy;
        synchronized (children) {
            copy = new ArrayList<>(children);
        }
        for (NativeAllocator c : copy) {
            c.collectLeaks(leaks);
            c.closed = true;
        }
    }

    @Override
    public String toString() {
        return "NativeAllocator[" + name + ", " + allocatedBytes.get() + "/" + limitBytes + " bytes]";
    }
}
