package dev.ingot.columnstore;

import java.util.List;

/**
 * Catalog entry of a committed table: its definition, row count, rows per full row group and the
 * row group descriptors in row-id order. Immutable.
 *
 * @param def       the table definition (columns and constraint specs)
 * @param rowCount  rows in the table
 * @param chunkRows the most rows a row group holds (from the write hints); a row group holds fewer
 *                  when it is the last, or was sealed early because a text chunk reached the
 *                  pager's largest blob
 * @param rowGroups row groups in order; their row counts add up to {@code rowCount}
 */
public record TableInfo(TableDef def, long rowCount, int chunkRows, List<RowGroupInfo> rowGroups) {
    public TableInfo {
        if (def == null || rowCount < 0 || chunkRows < 1) {
            throw new IllegalArgumentException("bad table info: rowCount=" + rowCount + " chunkRows=" + chunkRows);
        }
        rowGroups = List.copyOf(rowGroups);
    }

    /** The table name. */
    public String name() {
        return def.name();
    }
}
