package dev.ingot.memory;

import java.nio.ByteBuffer;

/**
 * A contiguous block of native memory that Ingot owns, obtained from a {@link NativeAllocator}:
 * a {@link MemoryView} with an owner, a purpose and a {@link #close()}.
 *
 * <p>Ownership: the code that called {@link NativeAllocator#allocate} owns the block and must
 * {@link #close()} it; closing frees the memory, returns the bytes to the allocator's account and
 * is idempotent. Every access after close throws {@link IllegalStateException} (while bounds
 * checks are on: {@link MemoryView#SHOULD_BOUNDS_CHECK}). Views made by {@link #slice} and
 * {@link #asByteBuffer} must not be used after close.
 *
 * <p>Thread-safety: not thread-safe; plain (non-volatile) accesses. Share a block between
 * threads only with a happens-before edge (a lock, a queue, a thread start).
 */
public final class MemoryBlock extends MemoryView implements AutoCloseable {
    private final NativeAllocator owner;
    private final String purpose;
    private final long capacity;

    MemoryBlock(NativeAllocator owner, String purpose, long address, long capacity) {
        super(address, capacity);
        this.owner = owner;
        this.purpose = purpose;
        this.capacity = capacity;
    }

    /** Size of the block in bytes (also after close). */
    @Override
    public long capacity() {
        return capacity;
    }

    /** What the block was allocated for (shown in leak reports). */
    public String purpose() {
        return purpose;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return address == 0;
    }

    /**
     * A direct {@link ByteBuffer} over the whole block (position 0, limit = capacity), e.g. a
     * chunk blob to hand to the pager. It does not own the memory: it must not be used after
     * {@link #close()}.
     *
     * @throws IllegalStateException if the block is closed or larger than {@link Integer#MAX_VALUE} bytes
     */
    public ByteBuffer asByteBuffer() {
        ensureOpen();
        if (capacity > Integer.MAX_VALUE) {
            throw new IllegalStateException("memory block '" + purpose + "' of " + capacity + " bytes is too large for a ByteBuffer");
        }
        return NativeMemory.directBuffer(address, (int) capacity);
    }

    @Override
    public MemoryView slice(long index, long length) {
        ensureOpen();
        return super.slice(index, length);
    }

    private void ensureOpen() {
        if (address == 0) {
            throw new IllegalStateException("memory block '" + purpose + "' is closed");
        }
    }

    @Override
    RuntimeException outOfBounds(long index, long length) {
        if (address == 0) {
            return new IllegalStateException("memory block '" + purpose + "' is closed");
        }
        return super.outOfBounds(index, length);
    }

    /** Frees the memory and credits the allocator; idempotent. */
    @Override
    public void close() {
        if (address != 0) {
            NativeMemory.free(address);
            address = 0;
            limit = 0;
            owner.release(this);
        }
    }

    @Override
    public String toString() {
        return "MemoryBlock[" + purpose + ", " + capacity + " bytes" + (address == 0 ? ", closed]" : "]");
    }
}
