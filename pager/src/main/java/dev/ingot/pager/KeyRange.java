package dev.ingot.pager;

/**
 * A contiguous range of physical keys {@code [first, first + count)} returned by
 * {@link Pager#allocMany(int)}. Immutable.
 */
public record KeyRange(long first, int count) {
    public KeyRange {
        if (first <= 0 || count < 0) {
            throw new IllegalArgumentException("bad key range: first=" + first + " count=" + count);
        }
    }

    /** The {@code index}-th key of the range. */
    public long key(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("index " + index + " outside key range of " + count);
        }
        return first + index;
    }

    /** One past the last key. */
    public long end() {
        return first + count;
    }
}
