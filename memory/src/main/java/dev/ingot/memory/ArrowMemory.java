package dev.ingot.memory;

import org.apache.arrow.memory.ArrowBuf;

/**
 * Views of Arrow buffers: the one place where Ingot reads an {@link ArrowBuf}'s native address.
 * Needs {@code arrow-memory-core} on the class path (an optional dependency of this module).
 *
 * <p>Thread-safety: stateless.
 */
public final class ArrowMemory {
    private ArrowMemory() {}

    /**
     * A bounds-checked view of bytes {@code [0, capacity)} of {@code buffer}; valid until the
     * buffer is released or reallocated (an Arrow vector's {@code setValueCount} or
     * {@code reAlloc} may replace its buffers: take a new view after those).
     */
    public static MemoryView view(ArrowBuf buffer) {
        return new MemoryView(buffer.memoryAddress(), buffer.capacity());
    }
}
