package dev.ingot.columnstore;

import java.util.List;
import java.util.Optional;

/**
 * Catalog entry of one committed table version: its definition, row count, rows per full row
 * group, the row group descriptors (with their deletion vectors) in row-id order, and its index
 * blobs. Immutable; a new version is made by every commit that changes the table.
 *
 * @param def       the table definition (columns and constraint specs)
 * @param rowCount  rows in the table's row groups, deleted ones included (the next appended row
 *                  gets this row id)
 * @param chunkRows the most rows a row group holds (from the write hints); a row group holds fewer
 *                  when it is the last of a load, or was sealed early because a text chunk reached
 *                  the pager's largest blob
 * @param rowGroups row groups in order; their row counts add up to {@code rowCount}
 * @param indexes   the index blobs attached to the table (see {@link IndexInfo}), in name order
 */
public record TableInfo(TableDef def, long rowCount, int chunkRows, List<RowGroupInfo> rowGroups, List<IndexInfo> indexes) {
    public TableInfo {
        if (def == null || rowCount < 0 || chunkRows < 1 || rowGroups == null || indexes == null) {
            throw new IllegalArgumentException("bad table info: rowCount=" + rowCount + " chunkRows=" + chunkRows);
        }
        rowGroups = List.copyOf(rowGroups);
        indexes = List.copyOf(indexes);
    }

    /** A table version without index blobs. */
    public TableInfo(TableDef def, long rowCount, int chunkRows, List<RowGroupInfo> rowGroups) {
        this(def, rowCount, chunkRows, rowGroups, List.of());
    }

    /** The table name. */
    public String name() {
        return def.name();
    }

    /** Rows marked deleted by deletion vectors (they stay in the chunks until a compaction). */
    public long deletedRowCount() {
        long n = 0;
        for (RowGroupInfo g : rowGroups) {
            n += g.deletedRows();
        }
        return n;
    }

    /** Rows a scan returns: {@code rowCount() - deletedRowCount()}. */
    public long liveRowCount() {
        return rowCount - deletedRowCount();
    }

    /** The index named {@code name}, if attached. */
    public Optional<IndexInfo> index(String name) {
        for (IndexInfo i : indexes) {
            if (i.name().equals(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /**
     * The row group holding row id {@code rowId} (binary search over the groups' first row ids).
     *
     * @throws IllegalArgumentException if {@code rowId} is outside {@code [0, rowCount)}
     */
    public int rowGroupOf(long rowId) {
        if (rowId < 0 || rowId >= rowCount) {
            throw new IllegalArgumentException("row id " + rowId + " is outside table " + name() + " of " + rowCount + " rows");
        }
        int lo = 0;
        int hi = rowGroups.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (rowGroups.get(mid).firstRowId() <= rowId) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
