package dev.ingot.columnstore;

/**
 * Statistics of one sealed chunk, as recorded in its header. Immutable.
 *
 * @param kind      the column kind
 * @param rowCount  values in the chunk (nulls included)
 * @param nullCount null values
 * @param hasMinMax whether {@code min}/{@code max} are meaningful: true for INT32, INT64, DECIMAL64
 *                  and DATE32 chunks with at least one non-null value
 * @param min       smallest non-null value (INT32/DATE32 widened; DECIMAL64 unscaled); 0 if none
 * @param max       largest non-null value; 0 if none
 * @param sorted    whether the non-null values are non-decreasing in row order (integer-like kinds only)
 * @param textBytes total UTF-8 bytes of the chunk's text values (0 for fixed-width kinds)
 */
public record ChunkStats(ColumnType.Kind kind, int rowCount, int nullCount, boolean hasMinMax, long min, long max,
                         boolean sorted, long textBytes) {
}
