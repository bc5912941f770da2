package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.KeySetKind;
import dev.ingot.memory.NativeAllocator;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * The set of key values of one PRIMARY KEY or UNIQUE constraint, fed and probed with batches of
 * Arrow key columns. Implementations pick the cheapest off-heap encoding for the key's column
 * types (see {@link KeyEncoding}).
 *
 * <p>Rows with a NULL in any key column are skipped by both operations (SQL: such a row is
 * exempt from UNIQUE and, with MATCH SIMPLE, from FOREIGN KEY checks). PRIMARY KEY callers
 * reject NULLs before calling {@link #addBatch}.
 *
 * <p>Thread-safety: not thread-safe for writes; after publication (a happens-before edge after
 * the last write) {@link #firstMissing} may be called from several threads at once only if the
 * implementation says so: every implementation here keeps per-call scratch arrays, so
 * concurrent probes need one {@link Prober} per thread ({@link #newProber()}).
 *
 * <p>Ownership: the creator closes it; close frees all off-heap memory and is idempotent.
 */
public interface KeySet extends AutoCloseable {
    /**
     * Adds the keys of rows {@code [offset, offset + length)} in row order, stopping at the first
     * row whose key is already present (from an earlier batch or an earlier row of this one).
     *
     * @param keyColumns one vector per key column, in key order
     * @return the row of the first duplicate relative to {@code offset}, or -1; rows before it
     *         have been added
     * @throws IllegalArgumentException  if a vector's type does not fit the key
     * @throws IndexOutOfBoundsException if the rows are outside a vector
     * @throws IllegalStateException     if closed or the set cannot grow further
     */
    int addBatch(FieldVector[] keyColumns, int offset, int length);

    /**
     * Finds the first row of {@code [offset, offset + length)} whose key is not in the set.
     * Not thread-safe (uses this set's scratch); see {@link #newProber()}.
     *
     * @return that row relative to {@code offset}, or -1 if all keys (of non-null rows) are present
     */
    int firstMissing(FieldVector[] keyColumns, int offset, int length);

    /**
     * A probe handle with its own scratch arrays, so one thread per handle may call
     * {@link Prober#firstMissing} concurrently with other handles once the set is published.
     */
    Prober newProber();

    /** Number of keys in the set. */
    long size();

    /** Off-heap bytes held (0 after close). */
    long allocatedBytes();

    /** How many times the underlying table doubled (0 when presized correctly). */
    int resizeCount();

    /** How the keys are held now; {@link KeySetKind#HASH} unless the implementation adapts. */
    default KeySetKind kind() {
        return KeySetKind.HASH;
    }

    /** The most off-heap bytes held at once so far (including a kind switch's overlap). */
    default long peakBytes() {
        return allocatedBytes();
    }

    /**
     * Ends the additions before the set is published: a set that adapts to its keys may now move
     * them to the structure that answers probes best, or (if {@code probed} is false: no table
     * references the key) drop them. Idempotent; {@link #addBatch} throws
     * {@link IllegalStateException} afterwards for sets that adapt, the others ignore it.
     *
     * @param probed whether {@link #firstMissing} / probers will be called after publication
     * @throws dev.ingot.memory.MemoryLimitException if the probe structure cannot be allocated
     */
    default void freeze(boolean probed) {
    }

    /**
     * Tells the set the range {@code [min, max]} that every key of a one-column integer key will
     * fall in (deferred mode: from the stored chunks' statistics), before the first key is added.
     * Only a hint for choosing a kind: a key outside it is still handled exactly. Ignored by sets
     * that do not adapt.
     */
    default void hintRange(long min, long max) {
    }

    /**
     * Receives the keys of {@link #exportKeys}, each in the {@link KeyRowEncoder} encoding (so an
     * exported key equals the encoding of the row it came from); the bytes are valid only
     * during the call.
     */
    @FunctionalInterface
    interface KeySink {
        void accept(byte[] key, int length);
    }

    /**
     * Calls {@code sink} once for every key in the set, in no particular order, without changing
     * the set. Valid while keys can still be added, and after a {@link dev.ingot.memory.MemoryLimitException}
     * from {@link #addBatch} or {@link #freeze} (which leave the set as it was before the key or
     * the structure that did not fit). Used to move a set that outgrew its memory to an external
     * check.
     *
     * @throws IllegalStateException if the set is closed or holds no keys any more (frozen unprobed)
     */
    default void exportKeys(KeySink sink) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot export its keys");
    }

    /** Writes {@code v} little-endian at {@code key[at, at + 8)} (the encoder's integer column encoding). */
    static void putLongLE(byte[] key, int at, long v) {
        for (int i = 0; i < 8; i++) {
            key[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /** Frees the memory; idempotent. */
    @Override
    void close();

    /** A read-only probe of a published set; one per thread. */
    interface Prober {
        /** As {@link KeySet#firstMissing}. */
        int firstMissing(FieldVector[] keyColumns, int offset, int length);
    }

    /**
     * Creates an empty key set for a key of the given column types.
     *
     * @param keyTypes     the key's column types in key order (1 or more)
     * @param allocator    where memory comes from
     * @param expectedKeys keys expected (0 = unknown), used to presize
     * @param loadFactor   in [0.1, 0.9]
     */
    static KeySet create(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, float loadFactor) {
        return create(keyTypes, allocator, expectedKeys, loadFactor, false);
    }

    /**
     * Creates an empty key set; with {@code adaptive}, a key of one or two integer-like columns
     * gets an {@link AdaptiveKeySet} (no set while keys arrive sorted, a bitmap for dense ranges,
     * a hash set otherwise). Text, binary and wider keys always get a hash set. A set probed while
     * it is still being built (a self-referencing FOREIGN KEY) must not be adaptive.
     */
    static KeySet create(List<ColumnType> keyTypes, NativeAllocator allocator, long expectedKeys, float loadFactor,
                         boolean adaptive) {
        KeyEncoding encoding = KeyEncoding.of(keyTypes);
        if (adaptive && encoding != KeyEncoding.BYTES) {
            return new AdaptiveKeySet(allocator, encoding == KeyEncoding.PACKED_PAIR, expectedKeys, loadFactor);
        }
        switch (encoding) {
            case LONG:
                return new LongKeySet(allocator, expectedKeys, loadFactor);
            case PACKED_PAIR:
                return new PairKeySet(allocator, expectedKeys, loadFactor);
            default:
                return new BytesKeySet(keyTypes, allocator, expectedKeys, loadFactor);
        }
    }
}
