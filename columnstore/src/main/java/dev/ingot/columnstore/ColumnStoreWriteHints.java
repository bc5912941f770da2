package dev.ingot.columnstore;

import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * How a table should be chunked and batched, derived from its row width so that var-width-heavy
 * tables get fewer rows per chunk and per insert batch. Immutable.
 *
 * <p>Derivation: {@code chunkRows} is the largest value of the form {@code 1024 * 2^k} or
 * {@code 1536 * 2^k} not above {@code targetChunkBytes / estimatedRowBytes}, clamped to
 * {@code [1024, 1 << 20]}, so one row group (all columns) is about {@code targetChunkBytes};
 * {@code recommendedBatchRows = min(chunkRows, 128K)}; {@code maxBatchRows = 4 *
 * recommendedBatchRows}.
 *
 * <p>Row width ({@link #estimate}): the stored width of every fixed-width column (4 or 8 bytes)
 * plus, for each CHAR/VARCHAR column, {@code min(declaredLength, 64) / 2 + 4} bytes (half the
 * declared length, capped, plus the 4-byte offset) as the var-width estimate. {@link #measure}
 * replaces that estimate by the real average UTF-8 bytes of the column in a sample batch plus 4.
 * Validity bits (1/8 byte per column) are not counted.
 *
 * @param targetChunkBytes     bytes one row group should take (default 8 MiB)
 * @param chunkRows            rows per row group (per chunk of every column)
 * @param recommendedBatchRows rows per appended batch that a loader should aim for
 * @param maxBatchRows         the largest batch a loader should build
 * @param estimatedRowBytes    the row width the sizes were derived from
 */
public record ColumnStoreWriteHints(long targetChunkBytes, int chunkRows, int recommendedBatchRows, int maxBatchRows,
                                    int estimatedRowBytes) {
    /** Default bytes per row group: 8 MiB. */
    public static final long DEFAULT_TARGET_CHUNK_BYTES = 8L << 20;
    /** Smallest chunkRows. */
    public static final int MIN_CHUNK_ROWS = 1024;
    /** Largest chunkRows. */
    public static final int MAX_CHUNK_ROWS = 1 << 20;
    /** Cap of the recommended batch rows. */
    public static final int MAX_RECOMMENDED_BATCH_ROWS = 128 * 1024;
    /** Bytes counted per text value beyond its UTF-8 bytes (the offset). */
    static final int TEXT_OFFSET_BYTES = 4;
    /** Declared text lengths above this count as this in {@link #estimate}. */
    static final int TEXT_ESTIMATE_CAP = 64;

    public ColumnStoreWriteHints {
        if (targetChunkBytes <= 0 || chunkRows < 1 || recommendedBatchRows < 1 || maxBatchRows < recommendedBatchRows
                || estimatedRowBytes < 1) {
            throw new IllegalArgumentException("bad write hints: targetChunkBytes=" + targetChunkBytes + " chunkRows=" + chunkRows
                    + " recommendedBatchRows=" + recommendedBatchRows + " maxBatchRows=" + maxBatchRows
                    + " estimatedRowBytes=" + estimatedRowBytes);
        }
    }

    /** Hints for {@code def} with the default target of 8 MiB per row group, from declared types. */
    public static ColumnStoreWriteHints estimate(TableDef def) {
        return estimate(def, DEFAULT_TARGET_CHUNK_BYTES);
    }

    /** Hints for {@code def} and a row-group target of {@code targetChunkBytes}, from declared types. */
    public static ColumnStoreWriteHints estimate(TableDef def, long targetChunkBytes) {
        long rowBytes = 0;
        for (ColumnDef c : def.columns()) {
            rowBytes += c.type().kind().isVariableWidth()
                    ? Math.min(c.type().maxLength(), TEXT_ESTIMATE_CAP) / 2 + TEXT_OFFSET_BYTES
                    : c.type().storedWidth();
        }
        return fromRowBytes(targetChunkBytes, rowBytes);
    }

    /**
     * Hints for {@code def} using the average UTF-8 bytes of each text column in {@code sample}
     * (a batch with the table's schema; columns matched by position). An empty sample falls back
     * to {@link #estimate(TableDef)}.
     */
    public static ColumnStoreWriteHints measure(TableDef def, VectorSchemaRoot sample) {
        return measure(def, sample, DEFAULT_TARGET_CHUNK_BYTES);
    }

    /** {@link #measure(TableDef, VectorSchemaRoot)} with a row-group target of {@code targetChunkBytes}. */
    public static ColumnStoreWriteHints measure(TableDef def, VectorSchemaRoot sample, long targetChunkBytes) {
        int rows = sample.getRowCount();
        if (rows == 0) {
            return estimate(def, targetChunkBytes);
        }
        if (sample.getFieldVectors().size() != def.columns().size()) {
            throw new IllegalArgumentException("sample has " + sample.getFieldVectors().size() + " columns, table "
                    + def.name() + " has " + def.columns().size());
        }
        double rowBytes = 0;
        for (int i = 0; i < def.columns().size(); i++) {
            ColumnDef c = def.columns().get(i);
            if (c.type().kind().isVariableWidth()) {
                FieldVector v = sample.getVector(i);
                if (!(v instanceof BaseVariableWidthVector)) {
                    throw new IllegalArgumentException("sample column " + i + " is not a variable-width vector: " + v.getClass().getSimpleName());
                }
                BaseVariableWidthVector t = (BaseVariableWidthVector) v;
                long bytes = t.getEndOffset(rows - 1) - t.getStartOffset(0);
                rowBytes += (double) bytes / rows + TEXT_OFFSET_BYTES;
            } else {
                rowBytes += c.type().storedWidth();
            }
        }
        return fromRowBytes(targetChunkBytes, (long) Math.ceil(rowBytes));
    }

    private static ColumnStoreWriteHints fromRowBytes(long targetChunkBytes, long rowBytes) {
        if (targetChunkBytes <= 0) {
            throw new IllegalArgumentException("targetChunkBytes must be positive: " + targetChunkBytes);
        }
        rowBytes = Math.max(1, Math.min(rowBytes, Integer.MAX_VALUE));
        int chunkRows = chunkRowsFor(targetChunkBytes / rowBytes);
        int recommended = Math.min(chunkRows, MAX_RECOMMENDED_BATCH_ROWS);
        return new ColumnStoreWriteHints(targetChunkBytes, chunkRows, recommended, 4 * recommended, (int) rowBytes);
    }

    /** The largest 1024*2^k or 1536*2^k not above {@code rows}, clamped to [1024, 2^20]. */
    static int chunkRowsFor(long rows) {
        if (rows <= MIN_CHUNK_ROWS) {
            return MIN_CHUNK_ROWS;
        }
        if (rows >= MAX_CHUNK_ROWS) {
            return MAX_CHUNK_ROWS;
        }
        long p = Long.highestOneBit(rows);
        long c = (p + p / 2 <= rows) ? p + p / 2 : p;
        return (int) Math.max(MIN_CHUNK_ROWS, Math.min(MAX_CHUNK_ROWS, c));
    }

    /**
     * These hints with the batch size set to {@code batchRows} (the {@code --batch-size}
     * override); chunk sizing is unchanged and {@code maxBatchRows} is at least {@code batchRows}.
     */
    public ColumnStoreWriteHints withBatchRows(int batchRows) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be >= 1: " + batchRows);
        }
        return new ColumnStoreWriteHints(targetChunkBytes, chunkRows, batchRows, Math.max(maxBatchRows, batchRows), estimatedRowBytes);
    }

    /** These hints with {@code rows} (any value {@code >= 1}) rows per row group, for tests and tuning; batch sizes unchanged. */
    public ColumnStoreWriteHints withChunkRows(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("chunkRows must be >= 1: " + rows);
        }
        return new ColumnStoreWriteHints(targetChunkBytes, rows, recommendedBatchRows, maxBatchRows, estimatedRowBytes);
    }
}
