package dev.ingot.columnstore;

import java.util.Arrays;

/**
 * Catalog descriptor of one row group: its first row id, its row count and the pager key of
 * each column's chunk (index = column position in the table). Immutable.
 */
public record RowGroupInfo(long firstRowId, int rowCount, long[] chunkKeys) {
    public RowGroupInfo {
        if (firstRowId < 0 || rowCount < 0 || chunkKeys == null) {
            throw new IllegalArgumentException("bad row group: firstRowId=" + firstRowId + " rowCount=" + rowCount);
        }
        chunkKeys = chunkKeys.clone();
    }

    /** The pager key of column {@code column}'s chunk. */
    public long chunkKey(int column) {
        return chunkKeys[column];
    }

    /** A copy of the chunk keys. */
    @Override
    public long[] chunkKeys() {
        return chunkKeys.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowGroupInfo r && r.firstRowId == firstRowId && r.rowCount == rowCount
                && Arrays.equals(r.chunkKeys, chunkKeys);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(firstRowId) * 31 + rowCount * 17 + Arrays.hashCode(chunkKeys);
    }

    @Override
    public String toString() {
        return "RowGroupInfo[firstRowId=" + firstRowId + ", rowCount=" + rowCount + ", chunkKeys=" + Arrays.toString(chunkKeys) + "]";
    }
}
