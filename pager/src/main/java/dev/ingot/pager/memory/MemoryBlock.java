package dev.ingot.pager.memory;

/**
 * A contiguous block of native memory obtained from a {@link NativeAllocator}, with
 * bounds-checked accessors addressed by byte offset from the start of the block.
 *
 * <p>Ownership: the code that called {@link NativeAllocator#allocate} owns the block and must
 * {@link #close()} it; closing returns the bytes to the allocator's account and is idempotent.
 * Any access after close throws {@link IllegalStateException} (when bounds checks are on).
 *
 * <p>Thread-safety: not thread-safe; plain (non-volatile) accesses. Share a block between
 * threads only with a happens-before edge (a lock, a queue, a thread start).
 *
 * <p>Bounds checks ({@code offset >= 0 && offset + size <= capacity}) are on unless
 * {@link NativeMemory#DISABLE_BOUNDS_CHECKS_PROPERTY} is set; violations throw
 * {@link IndexOutOfBoundsException}.
 */
public final class MemoryBlock implements AutoCloseable {
    private final NativeAllocator owner;
    private final String purpose;
    private long address;
    private final long capacity;

    MemoryBlock(NativeAllocator owner, String purpose, long address, long capacity) {
        this.owner = owner;
        this.purpose = purpose;
        this.address = address;
        this.capacity = capacity;
    }

    /** Size of the block in bytes. */
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
     * The raw native address of byte 0, for bulk copies through {@link NativeMemory}; the caller
     * takes over bounds responsibility for whatever it does with it.
     */
    public long address() {
        ensureOpen();
        return address;
    }

    private void ensureOpen() {
        if (address == 0) {
            throw new IllegalStateException("memory block '" + purpose + "' is closed");
        }
    }

    private long check(long offset, long size) {
        if (NativeMemory.BOUNDS_CHECKS) {
            if (address == 0) {
                ensureOpen();
            }
            if (offset < 0 || size < 0 || offset > capacity - size) {
                throw new IndexOutOfBoundsException(
                        "offset " + offset + " size " + size + " outside block '" + purpose + "' of " + capacity + " bytes");
            }
        }
        return address + offset;
    }

    public byte getByte(long offset) {
        return NativeMemory.getByte(check(offset, 1));
    }

    public void putByte(long offset, byte value) {
        NativeMemory.putByte(check(offset, 1), value);
    }

    public int getInt(long offset) {
        return NativeMemory.getInt(check(offset, 4));
    }

    public void putInt(long offset, int value) {
        NativeMemory.putInt(check(offset, 4), value);
    }

    public long getLong(long offset) {
        return NativeMemory.getLong(check(offset, 8));
    }

    public void putLong(long offset, long value) {
        NativeMemory.putLong(check(offset, 8), value);
    }

    /** Sets {@code bytes} bytes from {@code offset} to {@code value}. */
    public void fill(long offset, long bytes, byte value) {
        NativeMemory.fill(check(offset, bytes), bytes, value);
    }

    /** Copies {@code bytes} bytes from {@code srcAddress} (caller-validated) into this block at {@code offset}. */
    public void copyFrom(long srcAddress, long offset, long bytes) {
        NativeMemory.copy(srcAddress, check(offset, bytes), bytes);
    }

    /** Copies {@code bytes} bytes of this block from {@code offset} to {@code dstAddress} (caller-validated). */
    public void copyTo(long offset, long dstAddress, long bytes) {
        NativeMemory.copy(check(offset, bytes), dstAddress, bytes);
    }

    /** Copies part of a byte array into this block at {@code offset}. */
    public void copyFrom(byte[] src, int srcIndex, long offset, int length) {
        NativeMemory.copyFromArray(src, srcIndex, check(offset, length), length);
    }

    /** Copies part of this block into a byte array. */
    public void copyTo(long offset, byte[] dst, int dstIndex, int length) {
        NativeMemory.copyToArray(check(offset, length), dst, dstIndex, length);
    }

    /** Frees the memory and credits the allocator; idempotent. */
    @Override
    public void close() {
        if (address != 0) {
            NativeMemory.free(address);
            address = 0;
            owner.release(this);
        }
    }

    @Override
    public String toString() {
        return "MemoryBlock[" + purpose + ", " + capacity + " bytes" + (address == 0 ? ", closed]" : "]");
    }
}
