package dev.ingot.constraints.hash;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.Objects;

/**
 * An off-heap set of 128-bit keys given as two {@code long}s {@code (high, low)}: open
 * addressing with linear probing over a power-of-two table of 16-byte slots. The same design
 * as {@link LongOpenHashSet}, for composite keys that do not pack into one {@code long}.
 *
 * <p>Thread-safety: not thread-safe for writes. Once the last write has been published to other
 * threads through a happens-before edge and no further writes happen, any number of threads may
 * call {@link #contains}, {@link #firstMissing} and the size accessors concurrently.
 *
 * <p>Ownership: the creator owns the set and must {@link #close()} it; close is idempotent and
 * any use after close throws {@link IllegalStateException}.
 *
 * <p>Algorithm: slot index {@code Hashing.hashPair(high, low) & (capacity - 1)}
 * ({@link Hashing#hashPair}, built on the MurmurHash3 finalizer); linear probing; the pair
 * {@code (0, 0)} marks an empty slot and is itself stored as a flag outside the table (Agrona's
 * missing-value idiom); the table doubles when an insert would exceed {@code capacity * loadFactor}.
 *
 * <p>Off-heap layout (one {@link MemoryBlock} of {@code capacity * 16} bytes, little-endian):
 * <pre>
 *   offset            size  field
 *   16*i + 0          8     slot i: high word of the key
 *   16*i + 8          8     slot i: low word of the key   ((0, 0) = empty)
 *   capacity = 2^k, 16 &lt;= capacity &lt;= 2^29; index = hashPair(high, low) &amp; (capacity - 1)
 * </pre>
 */
public final class LongPairOpenHashSet extends OffHeapSlotTable {
    /** Largest slot count (2^29 slots = 8 GiB). */
    public static final int MAX_CAPACITY = 1 << 29;
    /** Smallest slot count. */
    public static final int MIN_CAPACITY = 16;

    private static final int SLOT_SHIFT = 4;

    private int slotKeyCount;
    private boolean containsEmptyKey;

    /**
     * Creates an empty set sized so that {@code expectedSize} keys fit without growing.
     *
     * @param allocator    where the slot table is allocated; must stay open while the set lives
     * @param expectedSize keys expected, {@code >= 0}; 0 = unknown; clamped to what
     *                     {@value #MAX_CAPACITY} slots hold
     * @param loadFactor   fraction of slots used before doubling, in [0.1, 0.9]
     * @throws IllegalArgumentException for a bad load factor or a negative expected size
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses the table
     */
    public LongPairOpenHashSet(NativeAllocator allocator, long expectedSize, float loadFactor) {
        super("LongPairOpenHashSet", allocator, expectedSize, loadFactor, SLOT_SHIFT, MIN_CAPACITY, MAX_CAPACITY);
    }

    /** Creates an empty set with {@link Hashing#DEFAULT_LOAD_FACTOR}. */
    public LongPairOpenHashSet(NativeAllocator allocator, long expectedSize) {
        this(allocator, expectedSize, Hashing.DEFAULT_LOAD_FACTOR);
    }

    private static int index(long high, long low, int mask) {
        return (int) Hashing.hashPair(high, low) & mask;
    }

    /**
     * Adds the key {@code (high, low)} unless present.
     *
     * @return true if added, false if already present
     * @throws IllegalStateException if closed, or growing would exceed {@value #MAX_CAPACITY}
     *                               slots (the set is unchanged)
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses a larger table (the set is unchanged)
     */
    public boolean add(long high, long low) {
        if ((high | low) == 0) {
            if (containsEmptyKey) {
                return false;
            }
            containsEmptyKey = true;
            return true;
        }
        MemoryBlock s = table();
        int m = mask;
        int i = index(high, low, m);
        while (true) {
            long off = (long) i << SLOT_SHIFT;
            long h = s.getLong(off);
            long l = s.getLong(off + 8);
            if ((h | l) == 0) {
                break;
            }
            if (h == high && l == low) {
                return false;
            }
            i = (i + 1) & m;
        }
        if (slotKeyCount + 1 > resizeThreshold) {
            grow();
            s = slots;
            m = mask;
            i = freeSlot(s, high, low, m);
        }
        long off = (long) i << SLOT_SHIFT;
        s.putLong(off, high);
        s.putLong(off + 8, low);
        slotKeyCount++;
        return true;
    }

    private static int freeSlot(MemoryBlock s, long high, long low, int m) {
        int i = index(high, low, m);
        while (true) {
            long off = (long) i << SLOT_SHIFT;
            if ((s.getLong(off) | s.getLong(off + 8)) == 0) {
                return i;
            }
            i = (i + 1) & m;
        }
    }

    /**
     * Whether the key {@code (high, low)} is in the set.
     *
     * @throws IllegalStateException if closed
     */
    public boolean contains(long high, long low) {
        MemoryBlock s = table();
        if ((high | low) == 0) {
            return containsEmptyKey;
        }
        int m = mask;
        int i = index(high, low, m);
        while (true) {
            long off = (long) i << SLOT_SHIFT;
            long h = s.getLong(off);
            long l = s.getLong(off + 8);
            if ((h | l) == 0) {
                return false;
            }
            if (h == high && l == low) {
                return true;
            }
            i = (i + 1) & m;
        }
    }

    /**
     * Adds the keys {@code (highs[k], lows[k])} for {@code k} in {@code [0, count)} in order,
     * stopping at the first one already present.
     *
     * @return the index of the first duplicate, or -1; keys before it have been added
     * @throws IndexOutOfBoundsException if {@code count} exceeds either array
     */
    public int addAll(long[] highs, long[] lows, int count) {
        Objects.checkFromIndexSize(0, count, highs.length);
        Objects.checkFromIndexSize(0, count, lows.length);
        for (int k = 0; k < count; k++) {
            if (!add(highs[k], lows[k])) {
                return k;
            }
        }
        return -1;
    }

    /**
     * Finds the first key {@code (highs[k], lows[k])}, {@code k} in {@code [0, count)}, not in the set.
     *
     * @return its index, or -1 if all are present
     * @throws IndexOutOfBoundsException if {@code count} exceeds either array
     */
    public int firstMissing(long[] highs, long[] lows, int count) {
        Objects.checkFromIndexSize(0, count, highs.length);
        Objects.checkFromIndexSize(0, count, lows.length);
        for (int k = 0; k < count; k++) {
            if (!contains(highs[k], lows[k])) {
                return k;
            }
        }
        return -1;
    }

    @Override
    void rehash(MemoryBlock from, int fromCapacity, MemoryBlock to, int toMask) {
        for (int i = 0; i < fromCapacity; i++) {
            long off = (long) i << SLOT_SHIFT;
            long h = from.getLong(off);
            long l = from.getLong(off + 8);
            if ((h | l) != 0) {
                long dst = (long) freeSlot(to, h, l, toMask) << SLOT_SHIFT;
                to.putLong(dst, h);
                to.putLong(dst + 8, l);
            }
        }
    }

    /** Receives one key of {@link #forEach}. */
    @FunctionalInterface
    public interface PairConsumer {
        void accept(long high, long low);
    }

    /**
     * Calls {@code action} once for every key, in no particular order.
     *
     * @throws IllegalStateException if the set is closed
     */
    public void forEach(PairConsumer action) {
        MemoryBlock s = table();
        if (containsEmptyKey) {
            action.accept(0, 0);
        }
        for (int i = 0; i < capacity; i++) {
            long off = (long) i << SLOT_SHIFT;
            long h = s.getLong(off);
            long l = s.getLong(off + 8);
            if ((h | l) != 0) {
                action.accept(h, l);
            }
        }
    }

    @Override
    public int size() {
        return slotKeyCount + (containsEmptyKey ? 1 : 0);
    }
}
