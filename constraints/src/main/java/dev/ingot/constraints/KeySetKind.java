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
    HASH("hash");

    private final String label;

    KeySetKind(String label) {
        this.label = label;
    }

    /** The name used in reports ({@code sorted}, {@code bitmap}, {@code sorted-array}, {@code hash}). */
    public String label() {
        return label;
    }
}
