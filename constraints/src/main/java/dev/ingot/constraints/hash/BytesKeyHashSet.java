package dev.ingot.constraints.hash;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;
import java.util.Arrays;

/**
 * An off-heap set of byte-string keys (text keys, or composite keys serialised to bytes): open
 * addressing with linear probing over a power-of-two table whose 16-byte slots hold the key's
 * 64-bit hash and a reference into an append-only arena that holds the key bytes.
 *
 * <p>Thread-safety: not thread-safe for writes. Once the last write has been published to other
 * threads through a happens-before edge and no further writes happen, any number of threads may
 * call {@link #contains} and the size accessors concurrently.
 *
 * <p>Ownership: the creator owns the set and must {@link #close()} it; close frees the slot table
 * and every arena chunk and is idempotent. Any use after close throws {@link IllegalStateException}.
 *
 * <p>Algorithm: hash = {@link Hashing#hashBytes} (a MurmurHash3-style round plus the fmix64
 * finalizer); slot index = {@code hash & (capacity - 1)}; linear probing; a probe compares the
 * stored hash first and the bytes only when the hashes are equal. Empty slots have ref 0, which
 * no stored key has, so unlike {@link LongOpenHashSet} no sentinel flag is needed, and the empty
 * key (length 0) is stored like any other. Growth doubles the slot table and re-inserts slots by
 * their stored hash, without reading the arena. Keys are never removed.
 *
 * <p>Off-heap layout:
 * <pre>
 * slot table: one MemoryBlock of capacity * 16 bytes (capacity = 2^k, 16 &lt;= capacity &lt;= 2^29)
 *   offset      size  field
 *   16*i + 0    8     hash of the key in slot i
 *   16*i + 8    8     ref: 0 = empty slot, else (chunkIndex + 1) &lt;&lt; 32 | offsetInChunk
 *                     bits 63..32 chunk number + 1, bits 31..0 byte offset of the record
 *
 * arena chunk: one MemoryBlock each, records packed back to back (no alignment)
 *   offset      size  field
 *   r + 0       4     length n of the key in bytes (int, little-endian)
 *   r + 4       n     key bytes
 *   chunk sizes: 64 KiB, doubling up to 4 MiB; a record larger than that gets a chunk of its own
 * </pre>
 */
public final class BytesKeyHashSet extends OffHeapSlotTable {
    /** Largest slot count (2^29 slots = 8 GiB of slots). */
    public static final int MAX_CAPACITY = 1 << 29;
    /** Smallest slot count. */
    public static final int MIN_CAPACITY = 16;
    /** Size of the first arena chunk in bytes. */
    public static final int FIRST_CHUNK_BYTES = 64 << 10;
    /** Largest regular arena chunk in bytes. */
    public static final int MAX_CHUNK_BYTES = 4 << 20;

    private static final int SLOT_SHIFT = 4;
    private static final int RECORD_HEADER_BYTES = 4;

    private int size;

    private MemoryBlock[] chunks = new MemoryBlock[8];
    private int chunkCount;
    private long chunkUsed;
    private int nextChunkBytes = FIRST_CHUNK_BYTES;
    private long arenaBytesUsed;
    private long arenaBytesAllocated;
    private boolean closed;

    /**
     * Creates an empty set whose slot table holds {@code expectedSize} keys without growing.
     *
     * @param allocator    where the slot table and arena chunks are allocated
     * @param expectedSize keys expected, {@code >= 0}; 0 = unknown; clamped to what
     *                     {@value #MAX_CAPACITY} slots hold
     * @param loadFactor   fraction of slots used before doubling, in [0.1, 0.9]
     * @throws IllegalArgumentException for a bad load factor or a negative expected size
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses the table
     */
    public BytesKeyHashSet(NativeAllocator allocator, long expectedSize, float loadFactor) {
        super("BytesKeyHashSet", allocator, expectedSize, loadFactor, SLOT_SHIFT, MIN_CAPACITY, MAX_CAPACITY);
    }

    /** Creates an empty set with {@link Hashing#DEFAULT_LOAD_FACTOR}. */
    public BytesKeyHashSet(NativeAllocator allocator, long expectedSize) {
        this(allocator, expectedSize, Hashing.DEFAULT_LOAD_FACTOR);
    }

    /**
     * Adds a copy of {@code key[offset, offset + length)} unless an equal key is present.
     *
     * @return true if added, false if already present
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IllegalStateException     if closed, or growing would exceed {@value #MAX_CAPACITY}
     *                                   slots (the set is unchanged)
     * @throws dev.ingot.memory.MemoryLimitException if the allocator refuses memory (the set is unchanged)
     */
    public boolean add(byte[] key, int offset, int length) {
        long hash = Hashing.hashBytes(key, offset, length);
        MemoryBlock s = table();
        int m = mask;
        int i = (int) hash & m;
        while (true) {
            long off = (long) i << SLOT_SHIFT;
            long ref = s.getLong(off + 8);
            if (ref == 0) {
                break;
            }
            if (s.getLong(off) == hash && equalsStored(ref, key, offset, length)) {
                return false;
            }
            i = (i + 1) & m;
        }
        if (size + 1 > resizeThreshold) {
            grow();
            s = slots;
            i = freeSlot(s, hash, mask);
        }
        long ref = appendToArena(key, offset, length);
        long off = (long) i << SLOT_SHIFT;
        s.putLong(off, hash);
        s.putLong(off + 8, ref);
        size++;
        return true;
    }

    /** Adds all of {@code key}; see {@link #add(byte[], int, int)}. */
    public boolean add(byte[] key) {
        return add(key, 0, key.length);
    }

    /**
     * Whether a key equal to {@code key[offset, offset + length)} is in the set.
     *
     * @throws IndexOutOfBoundsException if the range is outside the array
     * @throws IllegalStateException     if closed
     */
    public boolean contains(byte[] key, int offset, int length) {
        long hash = Hashing.hashBytes(key, offset, length);
        MemoryBlock s = table();
        int m = mask;
        int i = (int) hash & m;
        while (true) {
            long off = (long) i << SLOT_SHIFT;
            long ref = s.getLong(off + 8);
            if (ref == 0) {
                return false;
            }
            if (s.getLong(off) == hash && equalsStored(ref, key, offset, length)) {
                return true;
            }
            i = (i + 1) & m;
        }
    }

    /** Whether all of {@code key} is in the set; see {@link #contains(byte[], int, int)}. */
    public boolean contains(byte[] key) {
        return contains(key, 0, key.length);
    }

    private boolean equalsStored(long ref, byte[] key, int offset, int length) {
        MemoryBlock chunk = chunks[(int) (ref >>> 32) - 1];
        long pos = ref & 0xFFFF_FFFFL;
        if (chunk.getInt(pos) != length) {
            return false;
        }
        pos += RECORD_HEADER_BYTES;
        int j = 0;
        for (; j + 8 <= length; j += 8) {
            if (chunk.getLong(pos + j) != Hashing.getLongLE(key, offset + j)) {
                return false;
            }
        }
        for (; j < length; j++) {
            if (chunk.getByte(pos + j) != key[offset + j]) {
                return false;
            }
        }
        return true;
    }

    private long appendToArena(byte[] key, int offset, int length) {
        long recordBytes = RECORD_HEADER_BYTES + (long) length;
        MemoryBlock chunk = chunkCount == 0 ? null : chunks[chunkCount - 1];
        if (chunk == null || chunk.capacity() - chunkUsed < recordBytes) {
            long chunkBytes = Math.max(nextChunkBytes, recordBytes);
            if (chunkCount == Integer.MAX_VALUE - 1) {
                throw new IllegalStateException("BytesKeyHashSet arena has too many chunks at size=" + size);
            }
            chunk = allocator().allocate(chunkBytes, "BytesKeyHashSet arena");
            if (chunkCount == chunks.length) {
                chunks = Arrays.copyOf(chunks, chunkCount * 2);
            }
            chunks[chunkCount++] = chunk;
            chunkUsed = 0;
            arenaBytesAllocated += chunkBytes;
            nextChunkBytes = Math.min(MAX_CHUNK_BYTES, nextChunkBytes * 2);
        }
        long pos = chunkUsed;
        chunk.putInt(pos, length);
        if (length > 0) {
            chunk.putBytes(pos + RECORD_HEADER_BYTES, key, offset, length);
        }
        chunkUsed += recordBytes;
        arenaBytesUsed += recordBytes;
        return ((long) chunkCount << 32) | pos;
    }

    /** Receives one key of {@link #forEach}; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface BytesConsumer {
        void accept(byte[] key, int length);
    }

    /**
     * Calls {@code action} once for every key (its bytes copied into a reused scratch array), in
     * no particular order.
     *
     * @throws IllegalStateException if the set is closed
     */
    public void forEach(BytesConsumer action) {
        MemoryBlock s = table();
        byte[] scratch = new byte[64];
        for (int i = 0; i < capacity; i++) {
            long ref = s.getLong(((long) i << SLOT_SHIFT) + 8);
            if (ref != 0) {
                MemoryBlock chunk = chunks[(int) (ref >>> 32) - 1];
                long pos = ref & 0xFFFF_FFFFL;
                int length = chunk.getInt(pos);
                if (length > scratch.length) {
                    scratch = new byte[Math.max(length, scratch.length * 2)];
                }
                chunk.getBytes(pos + RECORD_HEADER_BYTES, scratch, 0, length);
                action.accept(scratch, length);
            }
        }
    }

    private static int freeSlot(MemoryBlock s, long hash, int m) {
        int i = (int) hash & m;
        while (s.getLong(((long) i << SLOT_SHIFT) + 8) != 0) {
            i = (i + 1) & m;
        }
        return i;
    }

    @Override
    void rehash(MemoryBlock from, int fromCapacity, MemoryBlock to, int toMask) {
        for (int i = 0; i < fromCapacity; i++) {
            long off = (long) i << SLOT_SHIFT;
            long ref = from.getLong(off + 8);
            if (ref != 0) {
                long hash = from.getLong(off);
                long dst = (long) freeSlot(to, hash, toMask) << SLOT_SHIFT;
                to.putLong(dst, hash);
                to.putLong(dst + 8, ref);
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    /** Arena bytes holding records (4-byte length + key bytes per key). */
    public long arenaBytesUsed() {
        return arenaBytesUsed;
    }

    /** Off-heap bytes held: slot table plus arena chunks (0 after close). */
    @Override
    public long allocatedBytes() {
        return isClosed() ? 0 : super.allocatedBytes() + arenaBytesAllocated;
    }

    /** Whether {@link #close()} has been called. */
    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Frees the slot table and all arena chunks; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            super.close();
        } finally {
            for (int c = 0; c < chunkCount; c++) {
                chunks[c].close();
                chunks[c] = null;
            }
            chunkCount = 0;
            arenaBytesAllocated = 0;
        }
    }

    @Override
    public String toString() {
        return "BytesKeyHashSet[size=" + size + ", capacity=" + capacity + ", arenaBytes=" + arenaBytesUsed
                + (closed ? ", closed]" : "]");
    }
}
