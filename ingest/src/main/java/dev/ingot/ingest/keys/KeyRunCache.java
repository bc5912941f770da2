package dev.ingot.ingest.keys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The decoded key values of sorted-run row groups ({@link KeyRunReader}), kept across the
 * snapshots and transactions of one open store, so that the appends and lookups after the first
 * find the row groups they search already decoded. Entries are named by the pager keys of the row
 * group's key chunks and its row count: a chunk's blob never changes under its key while the store
 * is open (appends and deletes write new blobs; compaction writes new chunks under new keys), so an
 * entry is the same values whichever snapshot asks. Most recently used entries are kept within a
 * budget of bytes ({@code -Dingot.keys.runCacheBytes}, see {@link KeyRunReader}); the values live on
 * the Java heap.
 *
 * <p>Thread-safety: thread-safe (one lock; entries are immutable). Ownership: holds no resource;
 * drop it with the store it serves (one cache must never serve two stores: their pager keys name
 * different blobs).
 */
public final class KeyRunCache {
    private final long budget;
    private long cachedBytes;
    private final LinkedHashMap<Key, KeyRunReader.GroupKeys> entries = new LinkedHashMap<>(16, 0.75f, true);

    /** One row group's key chunks: the pager keys of its first and second key column (-1 for none) and its rows. */
    record Key(long chunkA, long chunkB, int rows) {}

    /** A cache with the budget of {@code -Dingot.keys.runCacheBytes} (or its default). */
    public KeyRunCache() {
        this(KeyRunReader.cacheBudget(System.getProperty(KeyRunReader.CACHE_PROPERTY)));
    }

    /**
     * @param budgetBytes the most bytes of decoded values kept (the entry in use is kept even when
     *                    it alone is larger), {@code >= 0}
     * @throws IllegalArgumentException for a negative budget
     */
    public KeyRunCache(long budgetBytes) {
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("cache budget must be >= 0: " + budgetBytes);
        }
        this.budget = budgetBytes;
    }

    synchronized KeyRunReader.GroupKeys get(Key key) {
        return entries.get(key);
    }

    /** Adds an entry and evicts the least recently used others while over the budget. */
    synchronized void put(Key key, KeyRunReader.GroupKeys keys) {
        KeyRunReader.GroupKeys old = entries.put(key, keys);
        if (old != null) {
            cachedBytes -= old.bytes();
        }
        cachedBytes += keys.bytes();
        if (cachedBytes > budget) {
            var it = entries.entrySet().iterator();
            while (cachedBytes > budget && it.hasNext()) {
                Map.Entry<Key, KeyRunReader.GroupKeys> eldest = it.next();
                if (eldest.getKey().equals(key)) {
                    continue;
                }
                cachedBytes -= eldest.getValue().bytes();
                it.remove();
            }
        }
    }

    /** Bytes of decoded values held. */
    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Row groups held. */
    public synchronized int size() {
        return entries.size();
    }

    @Override
    public synchronized String toString() {
        return "KeyRunCache[" + entries.size() + " row groups, " + cachedBytes + " of " + budget + " bytes]";
    }
}
