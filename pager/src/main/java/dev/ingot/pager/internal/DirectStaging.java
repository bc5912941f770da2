package dev.ingot.pager.internal;

import dev.ingot.memory.DirectBuffers;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of page-aligned direct staging buffers for the direct writes of one
 * {@link MappedPager}: a put copies its blobs into one ({@link #acquire}), zero-pads the tail to a
 * whole page and writes it with {@link StoreChannel#writeDirect}, then hands it back
 * ({@link #release}). Buffers are reused across calls and writers, so the pool holds as many
 * buffers as puts ran at once (one per concurrently writing {@code PagerWriter}, plus one for
 * puts on the pager itself), each as large as the largest run it staged, capped at
 * {@link #MAX_BUFFER_BYTES}.
 *
 * <p>Memory layout of one buffer:
 * <pre>
 * raw        = ByteBuffer.allocateDirect(capacityBytes + 4096)   (any address)
 * aligned    = the first 4096-aligned address in raw, capacityBytes long
 *              (capacityBytes is a multiple of 4096, 4096 .. MAX_BUFFER_BYTES)
 * </pre>
 *
 * <p>Ownership and lifetime: the pager owns the pool and {@link #close() closes} it when it
 * closes; buffers are freed deterministically ({@link DirectBuffers#free}) when the
 * pool closes, when a buffer is replaced by a larger one, or when one is handed back after close
 * (a put still running while its pager closes). Nothing is freed while it is acquired.
 * {@link #allocatedBytes()} counts the native bytes held (including the alignment slack), so a
 * test can assert that a closed pager holds none.
 *
 * <p>Thread-safety: thread-safe; an acquired buffer belongs to the acquiring thread until it is
 * released.
 */
final class DirectStaging {
    /** Largest buffer: runs longer than this are written in pieces of this size. */
    static final int MAX_BUFFER_BYTES = 16 << 20;
    /** Smallest buffer. */
    static final int MIN_BUFFER_BYTES = 64 << 10;
    private static final int ALIGNMENT = StoreChannel.DIRECT_ALIGNMENT;

    /** One staging buffer: the allocation and its aligned view. */
    static final class Buffer {
        private final ByteBuffer raw;
        private final ByteBuffer aligned;

        private Buffer(int capacityBytes) {
            raw = ByteBuffer.allocateDirect(capacityBytes + ALIGNMENT);
            aligned = raw.alignedSlice(ALIGNMENT).slice(0, capacityBytes);
        }

        /** The aligned view (position 0 .. capacity), cleared; valid until released. */
        ByteBuffer buffer() {
            return aligned.clear();
        }

        int capacity() {
            return aligned.capacity();
        }

        long allocatedBytes() {
            return raw.capacity();
        }
    }

    private final ArrayDeque<Buffer> idle = new ArrayDeque<>();
    private final AtomicLong allocatedBytes = new AtomicLong();
    /** Guarded by {@link #idle}. */
    private boolean closed;

    /**
     * Takes a buffer of at least {@code min(bytes rounded up to 4096, MAX_BUFFER_BYTES)} bytes:
     * an idle one if it is large enough, else a new one (an idle one too small is freed).
     *
     * @param bytes bytes the caller wants to stage, {@code > 0}
     * @throws IllegalStateException if the pool is closed
     * @throws OutOfMemoryError      if direct memory is exhausted
     */
    Buffer acquire(long bytes) {
        int wanted = (int) Math.min(MAX_BUFFER_BYTES,
                Math.max(MIN_BUFFER_BYTES, (bytes + ALIGNMENT - 1) & -(long) ALIGNMENT));
        Buffer b;
        synchronized (idle) {
            if (closed) {
                throw new IllegalStateException("direct staging of a closed pager");
            }
            b = idle.pollFirst();
        }
        if (b != null && b.capacity() >= wanted) {
            return b;
        }
        if (b != null) {
            free(b);
        }
        Buffer fresh = new Buffer(wanted);
        allocatedBytes.addAndGet(fresh.allocatedBytes());
        return fresh;
    }

    /** Hands {@code b} back for reuse, or frees it if the pool is closed. */
    void release(Buffer b) {
        synchronized (idle) {
            if (!closed) {
                // Largest first: the next acquire most likely fits without growing.
                if (idle.isEmpty() || b.capacity() >= idle.peekFirst().capacity()) {
                    idle.addFirst(b);
                } else {
                    idle.addLast(b);
                }
                return;
            }
        }
        free(b);
    }

    private void free(Buffer b) {
        allocatedBytes.addAndGet(-b.allocatedBytes());
        DirectBuffers.free(b.raw);
    }

    /** Native bytes currently held by buffers of this pool, idle or acquired. */
    long allocatedBytes() {
        return allocatedBytes.get();
    }

    /** Frees every idle buffer; buffers still acquired are freed when released. Idempotent. */
    void close() {
        ArrayDeque<Buffer> toFree;
        synchronized (idle) {
            closed = true;
            toFree = new ArrayDeque<>(idle);
            idle.clear();
        }
        for (Buffer b : toFree) {
            free(b);
        }
    }
}
