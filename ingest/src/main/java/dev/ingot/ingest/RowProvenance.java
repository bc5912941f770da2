package dev.ingot.ingest;

import dev.ingot.constraints.RowLocator;
import java.util.Arrays;

/**
 * Maps a table's row ids back to where the rows came from (source file and line), one entry per
 * appended batch; used for error messages. Not thread-safe (owned by the table's loading thread).
 */
final class RowProvenance implements RowLocator {
    private long[] firstRowIds = new long[64];
    private RowOrigin[] origins = new RowOrigin[64];
    private int size;

    /** Records that rows from {@code firstRowId} on came from {@code origin}. */
    void add(long firstRowId, RowOrigin origin) {
        if (size > 0 && origins[size - 1].file() == null && origin.file() == null) {
            return; // nothing to say about rows without a file: keep the table small
        }
        if (size == firstRowIds.length) {
            firstRowIds = Arrays.copyOf(firstRowIds, size * 2);
            origins = Arrays.copyOf(origins, size * 2);
        }
        firstRowIds[size] = firstRowId;
        origins[size] = origin;
        size++;
    }

    @Override
    public String describe(long rowId) {
        int i = Arrays.binarySearch(firstRowIds, 0, size, rowId);
        if (i < 0) {
            i = -i - 2;
        }
        if (i < 0) {
            return null;
        }
        long inBatch = rowId - firstRowIds[i];
        return inBatch > Integer.MAX_VALUE ? null : origins[i].describe((int) inBatch);
    }
}
