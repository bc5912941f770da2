package dev.ingot.constraints.hash;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.Objects;

/**
 * What every off-heap open-addressing set of this package shares: one power-of-two table of
 * fixed-size slots ({@code 1 << slotShift} bytes each) in a single {@link MemoryBlock}, sized so an
 * expected number of keys fits at the load factor, doubled with a rehash when an insert would pass
 * {@code capacity * loadFactor}, and freed by {@link #close()}. Subclasses own the slot layout and
 * the probe loops (as Agrona's {@code IntHashSet} / {@code LongHashSet} share one design).
 *
 * <p>Thread-safety: not thread-safe; see each subclass for the rules of sharing reads.
 */
abstract class OffHeapSlotTable implements AutoCloseable {
    private final String name;
    private final NativeAllocator allocator;
    private final float loadFactor;
    private final int slotShift;
    private final int maxCapacity;
    /** The slot table; null once closed. */
    MemoryBlock slots;
    /** Number of slots, a power of two. */
    int capacity;
    /** {@code capacity - 1}: slot index = hash & mask. */
    int mask;
    /** Keys in the table beyond which the next insert doubles it. */
    int resizeThreshold;
    private int resizeCount;

    /**
     * @param name         class name, used in slot-table purposes and error messages
     * @param allocator    where slot tables are allocated; must stay open while the set lives
     * @param expectedSize keys expected, {@code >= 0}; 0 = unknown (starts at {@code minCapacity} slots)
     * @param loadFactor   fraction of slots used before doubling, in [0.1, 0.9]
     * @throws IllegalArgumentException for a bad load factor or a negative expected size
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses the table
     */
    OffHeapSlotTable(String name, NativeAllocator allocator, long expectedSize, float loadFactor, int slotShift,
                     int minCapacity, int maxCapacity) {
        Hashing.validateLoadFactor(loadFactor);
        this.name = name;
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.loadFactor = loadFactor;
        this.slotShift = slotShift;
        this.maxCapacity = maxCapacity;
        int initialCapacity = Hashing.capacityFor(expectedSize, loadFactor, minCapacity, maxCapacity);
        this.slots = allocator.allocate((long) initialCapacity << slotShift, name + " slots");
        setCapacity(initialCapacity);
    }

    private void setCapacity(int newCapacity) {
        capacity = newCapacity;
        mask = newCapacity - 1;
        resizeThreshold = Hashing.thresholdFor(newCapacity, loadFactor);
    }

    /** The allocator the set draws from. */
    final NativeAllocator allocator() {
        return allocator;
    }

    /** The slot table. @throws IllegalStateException if the set is closed */
    final MemoryBlock table() {
        MemoryBlock s = slots;
        if (s == null) {
            throw new IllegalStateException(name + " is closed");
        }
        return s;
    }

    /**
     * Doubles the table: the new table is allocated first (so a refused allocation leaves the set
     * unchanged), every occupied slot is moved by {@link #rehash}, then the old table is freed.
     *
     * @throws IllegalStateException if the table already has the maximum number of slots
     */
    final void grow() {
        if (capacity >= maxCapacity) {
            throw new IllegalStateException("max capacity reached at size=" + size());
        }
        int newCapacity = capacity << 1;
        MemoryBlock old = slots;
        MemoryBlock fresh = allocator.allocate((long) newCapacity << slotShift, name + " slots");
        rehash(old, capacity, fresh, newCapacity - 1);
        slots = fresh;
        setCapacity(newCapacity);
        resizeCount++;
        old.close();
    }

    /** Moves every occupied slot of {@code from} ({@code fromCapacity} slots) into the empty {@code to}. */
    abstract void rehash(MemoryBlock from, int fromCapacity, MemoryBlock to, int toMask);

    /** Number of keys in the set. */
    public abstract int size();

    /** Number of slots in the table (a power of two). */
    public int capacity() {
        return capacity;
    }

    /** The load factor the set was created with. */
    public float loadFactor() {
        return loadFactor;
    }

    /** How many times the table has doubled since creation. */
    public int resizeCount() {
        return resizeCount;
    }

    /** Off-heap bytes held by the slot table (0 after close). */
    public long allocatedBytes() {
        MemoryBlock s = slots;
        return s == null ? 0 : s.capacity();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return slots == null;
    }

    /** Frees the slot table; idempotent. */
    @Override
    public void close() {
        MemoryBlock s = slots;
        if (s != null) {
            slots = null;
            s.close();
        }
    }

    @Override
    public String toString() {
        return name + "[size=" + size() + ", capacity=" + capacity + (isClosed() ? ", closed]" : "]");
    }
}
