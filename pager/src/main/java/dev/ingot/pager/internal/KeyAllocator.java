package dev.ingot.pager.internal;

import dev.ingot.pager.KeyRange;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pager's source of physical keys: a lock-free counter that hands out contiguous ranges
 * {@code [first, first + count)} and never the same key twice (a compare-and-set loop over the
 * next free key, bounded by an exclusive limit).
 *
 * <p>Public only so that the jcstress suite (module {@code stress}) can test it without a store
 * file; not part of the pager API.
 *
 * <p>Thread-safety: thread-safe and lock-free.
 */
public final class KeyAllocator {
    private final AtomicLong nextKey;
    private final long limit;

    /**
     * @param nextKey the first key to hand out, {@code >= 1}
     * @param limit   exclusive upper bound of every key handed out, {@code > nextKey - 1}
     * @throws IllegalArgumentException if nextKey is below 1 or above limit
     */
    public KeyAllocator(long nextKey, long limit) {
        if (nextKey < 1 || nextKey > limit) {
            throw new IllegalArgumentException("key allocator: nextKey " + nextKey + " outside [1, " + limit + "]");
        }
        this.nextKey = new AtomicLong(nextKey);
        this.limit = limit;
    }

    /**
     * Takes {@code count} fresh keys.
     *
     * @param count keys wanted, {@code >= 1} (the pager checks its own upper bound first)
     * @param owner names the store in the out-of-keys message
     * @throws IllegalArgumentException if count is below 1
     * @throws IllegalStateException    if fewer than {@code count} keys are left below the limit
     */
    public KeyRange allocMany(int count, Object owner) {
        if (count < 1) {
            throw new IllegalArgumentException("allocMany count must be >= 1: " + count);
        }
        while (true) {
            long first = nextKey.get();
            if (first + count > limit) {
                throw new IllegalStateException("pager " + owner + " has run out of physical keys: next key " + first
                        + ", requested " + count + ", limit " + limit);
            }
            if (nextKey.compareAndSet(first, first + count)) {
                return new KeyRange(first, count);
            }
        }
    }

    /** The next key that would be handed out (every key below it was handed out). */
    public long nextKey() {
        return nextKey.get();
    }
}
