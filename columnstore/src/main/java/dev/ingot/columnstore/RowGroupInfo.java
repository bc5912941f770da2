package dev.ingot.columnstore;

import java.util.Arrays;

/**
 * Catalog descriptor of one row group: its first row id, its row count, the pager key of each
 * column's chunk (index = column position in the table) and its deletion vector. Immutable.
 *
 * <p><b>Row ids.</b> A row's id is its ordinal in the table version: row group {@code g} holds row
 * ids {@code [firstRowId, firstRowId + rowCount)}. Deleting rows does not renumber anything (the
 * deleted rows stay in the chunks, marked in the deletion vector); appends add row groups with
 * the next ids. Row ids are stable until a compaction ({@link ColumnStore#compact()}) rewrites
 * the table without its deleted rows, which renumbers the rows that remain densely from 0.
 *
 * @param firstRowId  row id of the group's first row
 * @param rowCount    rows in the group, deleted ones included
 * @param chunkKeys   pager key of each column's chunk
 * @param deletionKey pager key of the group's deletion vector blob, or {@link dev.ingot.pager.Pager#NO_KEY}
 *                    when no row of the group is deleted
 * @param deletedRows rows of the group marked deleted, {@code 0 <= deletedRows <= rowCount}; 0
 *                    exactly when {@code deletionKey} is {@code NO_KEY}
 */
public record RowGroupInfo(long firstRowId, int rowCount, long[] chunkKeys, long deletionKey, int deletedRows) {
    public RowGroupInfo {
        if (firstRowId < 0 || rowCount < 0 || chunkKeys == null || deletedRows < 0 || deletedRows > rowCount
                || (deletionKey == 0) != (deletedRows == 0) || deletionKey < 0) {
            throw new IllegalArgumentException("bad row group: firstRowId=" + firstRowId + " rowCount=" + rowCount
                    + " deletionKey=" + deletionKey + " deletedRows=" + deletedRows);
        }
        chunkKeys = chunkKeys.clone();
    }

    /** A row group without deleted rows. */
    public RowGroupInfo(long firstRowId, int rowCount, long[] chunkKeys) {
        this(firstRowId, rowCount, chunkKeys, 0L, 0);
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

    /** Rows of the group not deleted. */
    public int liveRows() {
        return rowCount - deletedRows;
    }

    /** Whether some row of the group is deleted (it then has a deletion vector). */
    public boolean hasDeletions() {
        return deletedRows > 0;
    }

    /** This group with another first row id (row groups of an append are renumbered after the stored rows). */
    public RowGroupInfo withFirstRowId(long first) {
        return new RowGroupInfo(first, rowCount, chunkKeys, deletionKey, deletedRows);
    }

    /** This group with another deletion vector. */
    public RowGroupInfo withDeletions(long key, int deleted) {
        return new RowGroupInfo(firstRowId, rowCount, chunkKeys, key, deleted);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowGroupInfo r && r.firstRowId == firstRowId && r.rowCount == rowCount
                && Arrays.equals(r.chunkKeys, chunkKeys) && r.deletionKey == deletionKey && r.deletedRows == deletedRows;
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(firstRowId) * 31 + rowCount * 17 + Arrays.hashCode(chunkKeys)) * 31 + Long.hashCode(deletionKey);
    }

    @Override
    public String toString() {
        return "RowGroupInfo[firstRowId=" + firstRowId + ", rowCount=" + rowCount + ", chunkKeys=" + Arrays.toString(chunkKeys)
                + (deletedRows > 0 ? ", deletionKey=" + deletionKey + ", deletedRows=" + deletedRows : "") + "]";
    }
}
