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

    /**
     * Reads, without using it, the memory a {@link #find} of the key selected in {@code probe} will
     * read first (the first slot of its probe run in a mapped partition), so that a batch's probes
     * can issue their cache misses together, before the probes themselves run (the processor
     * overlaps independent loads; a probe then finds its slot in the cache). Returns what it read,
     * which the caller folds into a value it keeps, so the read is not optimised away. Sources held
     * in memory or searched in key order read nothing here.
     */
    default long touch(IndexKeys probe) {
        return 0;
    }

    /** Whether {@link #touch} reads anything for this source (else a batch skips the pass). */
    default boolean touches() {
        return false;
    }
}
