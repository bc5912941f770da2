package dev.ingot.constraints.index;

/**
 * Finds a key in the stored rows of a sorted run (see {@link KeyIndexSegment}): rows whose key of
 * one or two integer-like columns is strictly increasing in row id order, so a binary search over
 * the stored key columns finds it (row groups by the key chunk's min/max, then inside the chunk).
 * The store's side provides it (it owns the table's chunks); the key index only knows that the run
 * exists and its bounds.
 *
 * <p>Thread-safety: as the implementation says; a segment calls it from the thread probing it.
 */
@FunctionalInterface
public interface KeyRunSearch {
    /**
     * The row id in {@code [fromRowId, toRowId)} whose key is {@code (a, b)} ({@code b} is 0 and
     * ignored for a key of one column), or -1 when none is. Keys are compared as signed
     * {@code long}s as {@link dev.ingot.constraints.internal.KeyVectors#readLongs} gives them.
     *
     * @throws java.io.UncheckedIOException when the key columns cannot be read
     */
    long find(long a, long b, long fromRowId, long toRowId);

    /** A search that refuses: for segments opened where no table is at hand (checks of the blobs only). */
    KeyRunSearch NONE = (a, b, from, to) -> {
        throw new IllegalStateException("this key index segment was opened without its table's key columns; its sorted run"
                + " cannot be searched");
    };
}
