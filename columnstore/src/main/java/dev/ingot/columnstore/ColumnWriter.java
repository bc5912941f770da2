package dev.ingot.columnstore;

import java.io.IOException;
import org.apache.arrow.vector.FieldVector;

/**
 * Appends Arrow vectors to one column of a table being loaded, with bulk memory copies into an
 * off-heap staging chunk (no per-value getter calls): fixed-width values are copied as one
 * block (DECIMAL(p &lt;= 18): a strided 16-to-8-byte copy; BOOLEAN: a bit copy), the validity
 * bitmap word-at-a-time with bit shifting, variable-width offsets rebased in a tight loop and
 * their bytes copied as one block. When the staging chunk holds
 * {@link ColumnStoreWriteHints#chunkRows()} rows it is sealed (statistics, header, CRC32C) and put
 * through the pager.
 *
 * <p>Checks: NOT NULL; declared text length in characters (fast path: byte length {@code <= n};
 * otherwise code points are counted); declared VARBINARY length in bytes; for DECIMAL that the
 * 128-bit Arrow value has at most {@code precision} digits ({@code |unscaled| < 10^precision}).
 * A violation throws {@link ColumnValueException} before anything of the batch is staged.
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
     * @param vector a vector of the column's Arrow type ({@link ColumnType#arrowType()}): BitVector,
     *               TinyIntVector, SmallIntVector, IntVector, BigIntVector, Float4Vector,
     *               Float8Vector, DecimalVector with the same precision and scale, DateDayVector,
     *               TimeMicroVector, TimeStampMicroVector, TimeStampMicroTZVector, VarCharVector
     *               (CHAR/VARCHAR), VarBinaryVector or FixedSizeBinaryVector(16) (UUID); not modified
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
