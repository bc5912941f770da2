package dev.ingot;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The result of a batched {@link Ingot#lookup(String, String, VectorSchemaRoot, java.util.List)}:
 * one row per key asked, in order, with every column NULL where no live row has the key.
 *
 * <p>Thread-safety: not thread-safe. Ownership: the caller closes it (frees {@link #rows()}).
 */
public final class Lookup implements AutoCloseable {
    private final VectorSchemaRoot rows;
    private final long[] rowIds;

    Lookup(VectorSchemaRoot rows, long[] rowIds) {
        this.rows = rows;
        this.rowIds = rowIds;
    }

    /** The rows, one per key asked. */
    public VectorSchemaRoot rows() {
        return rows;
    }

    /** Whether key {@code i} was found. */
    public boolean found(int i) {
        return rowIds[i] >= 0;
    }

    /** The row id of key {@code i}'s row in the snapshot looked at, or -1 when absent. */
    public long rowId(int i) {
        return rowIds[i];
    }

    /** How many keys were found. */
    public int foundCount() {
        int n = 0;
        for (long r : rowIds) {
            n += r >= 0 ? 1 : 0;
        }
        return n;
    }

    @Override
    public void close() {
        rows.close();
    }
}
