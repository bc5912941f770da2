package dev.ingot.columnstore;

import java.util.List;

/**
 * What {@link ColumnStore#compact()} did.
 *
 * @param tablesRewritten names of the tables rewritten without their deleted rows
 * @param rowsRemoved     deleted rows dropped from the rewritten tables
 * @param fileBytesBefore size of the store file before, bytes
 * @param fileBytesAfter  size of the store file after, bytes (the data region is packed and the
 *                        file truncated to the segment multiple covering it)
 * @param liveBlobBytes   bytes of the blobs the store references after compaction
 * @param nanos           wall time of the compaction, nanoseconds
 */
public record CompactionReport(List<String> tablesRewritten, long rowsRemoved, long fileBytesBefore, long fileBytesAfter,
                               long liveBlobBytes, long nanos) {
    public CompactionReport {
        tablesRewritten = List.copyOf(tablesRewritten);
    }
}
