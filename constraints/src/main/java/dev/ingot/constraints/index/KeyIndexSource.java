package dev.ingot.constraints.index;

/**
 * Something that maps keys to row ids: a stored {@link KeyIndexSegment} or a {@link KeyIndexWriter}
 * still being filled (the rows of a unit of work not yet committed).
 */
interface KeyIndexSource {
    /**
     * The row id recorded for the key selected in {@code probe} ({@link IndexKeys#select}), or -1.
     * Deleted rows are not known here: the caller filters them.
     */
    long find(IndexKeys probe);
}
