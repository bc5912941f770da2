package dev.ingot.constraints;

/**
 * How the keys of one PRIMARY KEY / UNIQUE constraint are held while a load checks them; shown per
 * constraint in the load report.
 */
public enum KeySetKind {
    /**
     * No set: every key so far was greater than the one before (keys compared column by column as
     * signed integers), which proves uniqueness; only the last key and a delta-encoded log of the
     * keys (about 1-2 bytes per key, kept to rebuild a set exactly if the order breaks) are held.
     */
    SORTED("sorted"),
    /** An off-heap bitmap, one bit per value of the observed integer key range. */
    BITMAP("bitmap"),
    /** Sorted keys in an off-heap {@code long} array (8 bytes per key), probed by galloping binary search. */
    SORTED_ARRAY("sorted-array"),
    /** An off-heap open-addressing hash set. */
    HASH("hash"),
    /**
     * No in-memory set: the keys did not fit the constraint's share of the memory limit, so they
     * are spilled with their row ids as sorted runs to temporary files and checked by merging the
     * runs (duplicates) or by a merge join with the referenced keys (foreign keys); see
     * {@code dev.ingot.constraints.spill}.
     */
    EXTERNAL("external");

    private final String label;

    KeySetKind(String label) {
        this.label = label;
    }

    /** The name used in reports ({@code sorted}, {@code bitmap}, {@code sorted-array}, {@code hash}, {@code external}). */
    public String label() {
        return label;
    }
}
