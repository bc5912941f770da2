package dev.ingot.columnstore;

import java.io.IOException;
import org.apache.arrow.vector.FieldVector;

/**
 * Appends Arrow vectors to one column of a table being loaded, with bulk memory copies into an
 * off-heap staging chunk (no per-value getter calls): fixed-width values are copied as one
 * block (DECIMAL64: a strided 16-to-8-byte copy), the validity bitmap word-at-a-time with bit
 * shifting, text offsets rebased in a tight loop and text bytes copied as one block. When the
 * staging chunk holds {@link ColumnStoreWriteHints#chunkRows()} rows it is sealed (statistics,
 * header, CRC32C) and put through the pager.
 *
 * <p>Checks: declared text length in characters (fast path: byte length {@code <= n}; otherwise
 * code points are counted), NOT NULL, and for DECIMAL64 that the 128-bit Arrow value fits 64
 * bits and {@code |unscaled| < 10^precision}. A violation throws {@link ColumnValueException}
 * before anything of the batch is staged.
 *
 * <p>Thread-safety: not thread-safe; owned by its {@link TableWriter}.
 */
public interface ColumnWriter {
    /** The column written. */
    ColumnDef def();

    /** 0-based position of the column in the table. */
    int index();

    /**
     * Appends values {@code [offset, offset + length)} of {@code vector}.
     *
     * @param vector a vector of the column's Arrow type: IntVector (INT32), BigIntVector (INT64),
     *               DecimalVector with the same precision and scale (DECIMAL64), DateDayVector
     *               (DATE32) or VarCharVector (CHAR/VARCHAR); not modified
     * @param offset first value, {@code >= 0}
     * @param length number of values, {@code offset + length <= vector.getValueCount()}
     * @throws IllegalArgumentException for a vector of another type or a bad range
     * @throws ColumnValueException     for a value the column does not admit
     * @throws IOException              if putting a sealed chunk fails (the table writer is failed)
     */
    void appendBatch(FieldVector vector, int offset, int length) throws IOException;

    /** Appends every value of {@code vector}. */
    default void appendBatch(FieldVector vector) throws IOException {
        appendBatch(vector, 0, vector.getValueCount());
    }

    /** Values appended so far. */
    long rowCount();
}
