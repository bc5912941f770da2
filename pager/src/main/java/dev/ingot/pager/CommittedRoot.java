package dev.ingot.pager;

import java.util.Arrays;

/**
 * The root of the last successful {@link Pager#commit()}: its epoch, the next key it made durable
 * and its {@link Pager#ROOT_SLOTS} root keys, read together with {@link Pager#committedRoot()}.
 *
 * <p>A pager publishes a new instance with one volatile write after the commit's superblock is
 * durable, so a reader sees a committed root <em>whole or not at all</em>: never the epoch of one
 * commit with the root keys of another.
 *
 * <p>Thread-safety: immutable (the root key array is copied in and out).
 *
 * @param epoch    the commit epoch (0 for a new store that never committed)
 * @param nextKey  the next physical key as of that commit ({@code >= 1}); keys below it may be in use
 * @param rootKeys the root keys of that commit, {@link Pager#ROOT_SLOTS} entries, {@link Pager#NO_KEY}
 *                 for an empty slot
 */
public record CommittedRoot(long epoch, long nextKey, long[] rootKeys) {
    /**
     * @throws IllegalArgumentException if epoch is negative, nextKey is below 1 or there are not
     *                                  exactly {@link Pager#ROOT_SLOTS} root keys
     */
    public CommittedRoot {
        if (epoch < 0 || nextKey < 1) {
            throw new IllegalArgumentException("bad committed root: epoch=" + epoch + " nextKey=" + nextKey);
        }
        if (rootKeys.length != Pager.ROOT_SLOTS) {
            throw new IllegalArgumentException("need " + Pager.ROOT_SLOTS + " root keys: " + rootKeys.length);
        }
        rootKeys = rootKeys.clone();
    }

    /** A copy of the root keys. */
    @Override
    public long[] rootKeys() {
        return rootKeys.clone();
    }

    /**
     * The root key of {@code slot}, without copying the array.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= slot < ROOT_SLOTS}
     */
    public long rootKey(int slot) {
        return rootKeys[slot];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommittedRoot r && r.epoch == epoch && r.nextKey == nextKey
                && Arrays.equals(r.rootKeys, rootKeys);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epoch) * 31 + Long.hashCode(nextKey) * 17 + Arrays.hashCode(rootKeys);
    }

    @Override
    public String toString() {
        return "CommittedRoot[epoch " + epoch + ", nextKey " + nextKey + ", rootKeys " + Arrays.toString(rootKeys) + "]";
    }
}
