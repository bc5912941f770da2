package dev.ingot.constraints.internal;

import dev.ingot.memory.MemoryBlock;
import dev.ingot.memory.NativeAllocator;

/**
 * Strictly increasing {@code long} keys in one off-heap array (8 bytes per key), answering
 * membership by binary search. Probes that arrive in increasing order (a child table loaded in
 * its parent's key order) gallop forward from the previous hit (exponential search, Bentley and
 * Yao 1976), so a sorted probe stream touches memory almost sequentially.
 *
 * <p>Thread-safety: immutable once filled and published; each probing thread keeps its own
 * {@link Cursor}. Ownership: the creator closes it; close is idempotent.
 */
final class SortedLongArray implements AutoCloseable {
    private MemoryBlock keys;
    private long filled;

    /** Allocates room for {@code length} keys. */
    SortedLongArray(NativeAllocator allocator, long length) {
        this.keys = allocator.allocate(Math.max(8, length * 8), "SortedLongArray keys");
    }

    /** Appends the next key, greater than the previous one (the caller's guarantee). */
    void append(long k) {
        keys.putLong(filled++ << 3, k);
    }

    long size() {
        return filled;
    }

    long allocatedBytes() {
        MemoryBlock k = keys;
        return k == null ? 0 : k.capacity();
    }

    /** A probe position; one per thread. */
    static final class Cursor {
        long at;
    }

    private long get(long i) {
        return keys.getLong(i << 3);
    }

    /** Whether {@code k} is present, starting the search at {@code c}'s last position. */
    boolean contains(long k, Cursor c) {
        long n = filled;
        if (n == 0) {
            return false;
        }
        long lo;
        long hi;
        long at = Math.min(c.at, n - 1);
        if (get(at) <= k) {
            // gallop forward: find hi with key(hi) > k
            lo = at;
            long step = 1;
            hi = at + 1;
            while (hi < n && get(hi) <= k) {
                lo = hi;
                hi = at + (step <<= 1);
            }
            hi = Math.min(hi, n);
        } else {
            lo = 0;
            hi = at;
        }
        // invariant: key(lo) <= k if lo is a real candidate; search [lo, hi)
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            long v = get(mid);
            if (v < k) {
                lo = mid + 1;
            } else if (v > k) {
                hi = mid;
            } else {
                c.at = mid;
                return true;
            }
        }
        c.at = Math.min(lo, n - 1);
        return false;
    }

    @Override
    public void close() {
        MemoryBlock k = keys;
        keys = null;
        if (k != null) {
            k.close();
        }
    }
}
