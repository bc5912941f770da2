package dev.ingot.constraints.hash;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * An off-heap set of {@code long} keys: open addressing with linear probing over a power-of-two
 * table of 8-byte slots, modelled on Agrona's {@code LongHashSet}.
 *
 * <p>Thread-safety: not thread-safe for writes. Once the last write has been published to other
 * threads through a happens-before edge (a volatile write/read, a lock, a thread start) and no
 * further writes happen, any number of threads may call {@link #contains}, {@link #firstMissing}
 * and the size accessors concurrently.
 *
 * <p>Ownership: the creator owns the set and must {@link #close()} it; close frees the slot
 * table back to the {@link NativeAllocator} it came from and is idempotent. Any use after close
 * throws {@link IllegalStateException}.
 *
 * <p>Algorithm: the slot of a key is {@code fmix64(key) & (capacity - 1)} ({@link Hashing#fmix64},
 * the MurmurHash3 finalizer); collisions probe the next slot, wrapping around. The value
 * {@value #EMPTY} marks an empty slot (the allocator hands out zero-filled memory, so a fresh
 * table is empty without a fill); the key {@value #EMPTY} itself is kept in a flag outside the
 * table, as Agrona does for its {@code missingValue}. When an insert would take the number of
 * slot-resident keys above {@code capacity * loadFactor} the table doubles: a new block is
 * allocated, every key is re-inserted, and the old block is freed. Nothing is ever removed.
 *
 * <p>Off-heap layout (one {@link MemoryBlock} of {@code capacity * 8} bytes, little-endian):
 * <pre>
 *   offset            size  field
 *   0                 8     slot 0: key, or 0 = empty
 *   8                 8     slot 1
 *   ...
 *   8*(capacity-1)    8     slot capacity-1
 *   capacity = 2^k, 16 &lt;= capacity &lt;= 2^30; index = fmix64(key) &amp; (capacity - 1)
 * </pre>
 */
public final class LongOpenHashSet extends OffHeapSlotTable {
    /** Largest slot count (2^30 slots = 8 GiB). */
    public static final int MAX_CAPACITY = 1 << 30;
    /** Smallest slot count. */
    public static final int MIN_CAPACITY = 16;
    /** The slot value that marks an empty slot. */
    public static final long EMPTY = 0L;

    private static final int SLOT_SHIFT = 3;

    private int slotKeyCount;
    private boolean containsEmptyKey;

    /**
     * Creates an empty set sized so that {@code expectedSize} keys fit without growing.
     *
     * @param allocator    where the slot table is allocated; must stay open while the set lives
     * @param expectedSize keys expected, {@code >= 0}; 0 = unknown (starts at {@value #MIN_CAPACITY}
     *                     slots); sizes beyond what {@value #MAX_CAPACITY} slots hold are clamped
     * @param loadFactor   fraction of slots used before doubling, in [0.1, 0.9]
     * @throws IllegalArgumentException for a bad load factor or a negative expected size
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses the table
     */
    public LongOpenHashSet(NativeAllocator allocator, long expectedSize, float loadFactor) {
        super("LongOpenHashSet", allocator, expectedSize, loadFactor, SLOT_SHIFT, MIN_CAPACITY, MAX_CAPACITY);
    }

    /** Creates an empty set with {@link Hashing#DEFAULT_LOAD_FACTOR}. */
    public LongOpenHashSet(NativeAllocator allocator, long expectedSize) {
        this(allocator, expectedSize, Hashing.DEFAULT_LOAD_FACTOR);
    }

    private static int index(long key, int mask) {
        return (int) Hashing.fmix64(key) & mask;
    }

    /**
     * Adds {@code key} unless present: check and insert in one probe sequence.
     *
     * @return true if the key was added, false if it was already present
     * @throws IllegalStateException if the set is closed, or growing would exceed
     *                               {@value #MAX_CAPACITY} slots (the set is unchanged)
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses a larger table (the set is unchanged)
     */
    public boolean add(long key) {
        if (key == EMPTY) {
            if (containsEmptyKey) {
                return false;
            }
            containsEmptyKey = true;
            return true;
        }
        MemoryBlock s = table();
        int m = mask;
        int i = index(key, m);
        long v;
        while ((v = s.getLong((long) i << SLOT_SHIFT)) != EMPTY) {
            if (v == key) {
                return false;
            }
            i = (i + 1) & m;
        }
        if (slotKeyCount + 1 > resizeThreshold) {
            grow();
            s = slots;
            m = mask;
            i = index(key, m);
            while (s.getLong((long) i << SLOT_SHIFT) != EMPTY) {
                i = (i + 1) & m;
            }
        }
        s.putLong((long) i << SLOT_SHIFT, key);
        slotKeyCount++;
        return true;
    }

    /**
     * Whether {@code key} is in the set.
     *
     * @throws IllegalStateException if the set is closed
     */
    public boolean contains(long key) {
        if (key == EMPTY) {
            table();
            return containsEmptyKey;
        }
        MemoryBlock s = table();
        int m = mask;
        int i = index(key, m);
        long v;
        while ((v = s.getLong((long) i << SLOT_SHIFT)) != EMPTY) {
            if (v == key) {
                return true;
            }
            i = (i + 1) & m;
        }
        return false;
    }

    /**
     * Adds {@code keys[0..count)} in order, stopping at the first key already present (which
     * may be an earlier key of the same batch).
     *
     * @return the index of the first duplicate, or -1 if all were added; keys before the
     *         returned index have been added, keys from it on have not been looked at
     * @throws IndexOutOfBoundsException if {@code count} is negative or exceeds {@code keys.length}
     * @throws IllegalStateException     as {@link #add}
     */
    public int addAll(long[] keys, int count) {
        Objects.checkFromIndexSize(0, count, keys.length);
        for (int k = 0; k < count; k++) {
            if (!add(keys[k])) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Finds the first of {@code keys[0..count)} that is not in the set.
     *
     * @return its index, or -1 if every key is present
     * @throws IndexOutOfBoundsException if {@code count} is negative or exceeds {@code keys.length}
     * @throws IllegalStateException     if the set is closed
     */
    public int firstMissing(long[] keys, int count) {
        Objects.checkFromIndexSize(0, count, keys.length);
        for (int k = 0; k < count; k++) {
            if (!contains(keys[k])) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Calls {@code action} once for every key, in no particular order.
     *
     * @throws IllegalStateException if the set is closed
     */
    public void forEach(LongConsumer action) {
        MemoryBlock s = table();
        if (containsEmptyKey) {
            action.accept(EMPTY);
        }
        for (int i = 0; i < capacity; i++) {
            long v = s.getLong((long) i << SLOT_SHIFT);
            if (v != EMPTY) {
                action.accept(v);
            }
        }
    }

    @Override
    void rehash(MemoryBlock from, int fromCapacity, MemoryBlock to, int toMask) {
        for (int i = 0; i < fromCapacity; i++) {
            long v = from.getLong((long) i << SLOT_SHIFT);
            if (v != EMPTY) {
                int j = index(v, toMask);
                while (to.getLong((long) j << SLOT_SHIFT) != EMPTY) {
                    j = (j + 1) & toMask;
                }
                to.putLong((long) j << SLOT_SHIFT, v);
            }
        }
    }

    @Override
    public int size() {
        return slotKeyCount + (containsEmptyKey ? 1 : 0);
    }
}
