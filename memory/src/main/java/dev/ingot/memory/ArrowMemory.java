package dev.ingot.memory;

import java.nio.ByteBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;

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

    /**
     * An Arrow buffer over bytes {@code [index, index + length)} of the direct buffer
     * {@code direct}, without a copy (Arrow's foreign allocation,
     * {@link BufferAllocator#wrapForeignAllocation}): accounted to {@code allocator} like any of
     * its buffers, with one reference that the caller owns. {@code direct} stays reachable until
     * the buffer's last reference is released (so a mapped file region stays mapped, whatever the
     * caller does with its own views), and then {@code onRelease} runs, once, on the releasing
     * thread.
     *
     * <p>The buffer is writable as far as Arrow knows; if {@code direct} is a read-only mapping,
     * a write faults the process (the operating system denies it), so such buffers must only be
     * handed out where the contract makes them read-only.
     *
     * @throws IllegalArgumentException if {@code direct} is not direct, the range is empty or
     *                                  outside its capacity
     */
    public static ArrowBuf wrap(BufferAllocator allocator, ByteBuffer direct, int index, int length, Runnable onRelease) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        if (index < 0 || length <= 0 || (long) index + length > direct.capacity()) {
            throw new IllegalArgumentException("range [" + index + ", +" + length + ") outside a buffer of " + direct.capacity() + " bytes");
        }
        long address = NativeMemory.addressOf(direct) + index;
        return allocator.wrapForeignAllocation(new ForeignAllocation(length, address) {
            @SuppressWarnings("unused")
            private final ByteBuffer keep = direct; // the mapping stays alive while the buffer is

            @Override
            protected void release0() {
                onRelease.run();
            }
        });
    }
}
