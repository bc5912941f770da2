package dev.ingot.memory;

import java.nio.ByteBuffer;

/**
 * Freeing of direct {@link ByteBuffer}s Ingot allocated itself (e.g. the pager's O_DIRECT
 * staging buffers). Thread-safety: stateless.
 */
public final class DirectBuffers {
    private DirectBuffers() {}

    /**
     * Frees the memory of a direct {@link ByteBuffer} now instead of when the garbage collector
     * finds it unreachable ({@code Unsafe.invokeCleaner}, as Netty and Lucene do). The caller
     * guarantees that neither {@code direct} nor any view of it is used afterwards: an access
     * then reads or writes freed memory.
     *
     * @param direct a buffer returned by {@link ByteBuffer#allocateDirect}, not a slice or duplicate
     * @throws IllegalArgumentException if {@code direct} is not direct or is a slice or duplicate
     */
    public static void free(ByteBuffer direct) {
        NativeMemory.freeDirectBuffer(direct);
    }
}
