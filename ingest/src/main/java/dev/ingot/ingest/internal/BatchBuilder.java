package dev.ingot.ingest.internal;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.MemoryView;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Fills one Arrow batch of a table row by row (internal: shared by the text reader and the TPC-H generator), writing values straight into the vectors'
 * buffers: no boxing, no per-row objects, validity set in bulk at {@link #finish()}.
 *
 * <p>Values are written through a {@link MemoryView} of each buffer (one bounds check a write, no
 * Arrow reference-count check; a text data buffer's view is taken again when the buffer grows),
 * short text values with plain 8-byte moves.
 *
 * <table>
 *   <caption>value layout per column kind (little-endian)</caption>
 *   <tr><th>kind</th><th>data buffer slot of row r</th></tr>
 *   <tr><td>BOOLEAN</td><td>bit r (LSB first)</td></tr>
 *   <tr><td>INT8, INT16</td><td>1 byte at {@code r}, 2 bytes at {@code 2r}</td></tr>
 *   <tr><td>INT32, DATE32, FLOAT32</td><td>4 bytes at {@code 4r}</td></tr>
 *   <tr><td>INT64, FLOAT64, TIME64, TIMESTAMP, TIMESTAMP_TZ</td><td>8 bytes at {@code 8r}</td></tr>
 *   <tr><td>DECIMAL128, UUID</td><td>16 bytes at {@code 16r}</td></tr>
 *   <tr><td>DECIMAL64</td><td>16 bytes at {@code 16r}: low 8 = unscaled value, high 8 = its sign
 *       extension (Arrow Decimal128)</td></tr>
 *   <tr><td>CHAR/VARCHAR/VARBINARY</td><td>UTF-8 bytes at {@code offsets[r] .. offsets[r+1]}, offsets are
 *       4-byte ints at {@code 4r}; the data buffer doubles when full</td></tr>
 * </table>
 *
 * <p>Rows must be filled in order 0, 1, 2, ... and every column of a row must be set (or
 * {@link #setNull}) before the next row. Thread-safety: not thread-safe; one builder per thread.
 * Ownership: the builder owns the root until {@link #finish()} hands it over; {@link #close()}
 * frees an unfinished root.
 */
public final class BatchBuilder implements AutoCloseable {
    private final int capacityRows;
    private final VectorSchemaRoot root;
    private final FieldVector[] vectors;
    /** Data buffer of each fixed-width column, null for text columns. */
    private final MemoryView[] fixedData;
    private final BaseVariableWidthVector[] textVectors;
    /** Current data buffer of each text column (replaced when the buffer is grown). */
    private final MemoryView[] textData;
    private final MemoryView[] textOffsets;
    /** Bytes of text data written per text column. */
    private final long[] textBytes;
    private int[] nullCells = new int[0];
    private int nullCount;
    private byte[] scratch = new byte[256];
    private int rowCount;
    private boolean handedOver;

    /**
     * @param allocator    where the vectors' buffers come from
     * @param table        the table whose {@link TableDef#arrowSchema()} the batch has
     * @param capacityRows maximum rows of this batch, &gt;= 1
     */
    public BatchBuilder(BufferAllocator allocator, TableDef table, int capacityRows) {
        this.capacityRows = capacityRows;
        List<ColumnDef> cols = table.columns();
        int n = cols.size();
        VectorSchemaRoot r = VectorSchemaRoot.create(table.arrowSchema(), allocator);
        try {
            vectors = new FieldVector[n];
            fixedData = new MemoryView[n];
            textVectors = new BaseVariableWidthVector[n];
            textData = new MemoryView[n];
            textOffsets = new MemoryView[n];
            textBytes = new long[n];
            for (int c = 0; c < n; c++) {
                FieldVector v = r.getVector(c);
                vectors[c] = v;
                ColumnType type = cols.get(c).type();
                if (type.kind().isVariableWidth()) {
                    BaseVariableWidthVector tv = (BaseVariableWidthVector) v;
                    tv.allocateNew((long) capacityRows * textBytesEstimate(type), capacityRows);
                    textVectors[c] = tv;
                    textData[c] = ArrowMemory.view(tv.getDataBuffer());
                    textOffsets[c] = ArrowMemory.view(tv.getOffsetBuffer());
                } else {
                    BaseFixedWidthVector fv = (BaseFixedWidthVector) v;
                    fv.allocateNew(capacityRows);
                    fixedData[c] = ArrowMemory.view(fv.getDataBuffer());
                }
            }
        } catch (RuntimeException | Error e) {
            r.close();
            throw e;
        }
        root = r;
    }

    /** Initial text bytes per row: most of the declared length, capped for unbounded text. */
    private static int textBytesEstimate(ColumnType type) {
        int max = Math.min(type.maxLength(), 256);
        return Math.max(1, (max * 3 + 3) / 4);
    }

    public int capacityRows() {
        return capacityRows;
    }

    /** Rows completed so far (the row index the next row gets). */
    public int rowCount() {
        return rowCount;
    }

    public boolean isFull() {
        return rowCount >= capacityRows;
    }

    /** Marks the current row complete. */
    public void endRow() {
        rowCount++;
    }

    public void setLong(int column, int row, long value) {
        fixedData[column].putLong((long) row << 3, value);
    }

    /** INT32 and DATE32 (days since 1970-01-01). */
    public void setInt(int column, int row, int value) {
        fixedData[column].putInt((long) row << 2, value);
    }

    /** A DECIMAL value given as its unscaled long (e.g. cents for DECIMAL(15,2)). */
    public void setDecimal(int column, int row, long unscaled) {
        long at = (long) row << 4;
        MemoryView data = fixedData[column];
        data.putLong(at, unscaled);
        data.putLong(at + 8, unscaled >> 63); // little-endian: the memory layer refuses other platforms
    }

    /** TINYINT. */
    public void setByte(int column, int row, byte value) {
        fixedData[column].putByte(row, value);
    }

    /** SMALLINT. */
    public void setShort(int column, int row, short value) {
        fixedData[column].putShort((long) row << 1, value);
    }

    /** REAL. */
    public void setFloat(int column, int row, float value) {
        fixedData[column].putInt((long) row << 2, Float.floatToRawIntBits(value));
    }

    /** DOUBLE. */
    public void setDouble(int column, int row, double value) {
        fixedData[column].putLong((long) row << 3, Double.doubleToRawLongBits(value));
    }

    /** BOOLEAN: one bit of the data buffer. */
    public void setBoolean(int column, int row, boolean value) {
        BitVectorHelper.setValidityBit(vectors[column].getDataBuffer(), row, value ? 1 : 0);
    }

    /** A DECIMAL(p &gt; 18) value given as the two 64-bit halves of its 128-bit two's-complement unscaled value. */
    public void setDecimal128(int column, int row, long low, long high) {
        long at = (long) row << 4;
        MemoryView data = fixedData[column];
        data.putLong(at, low);
        data.putLong(at + 8, high); // little-endian: the memory layer refuses other platforms
    }

    /** A fixed-width binary value (UUID: 16 bytes) copied from {@code src[from .. from+width)}. */
    public void setFixedBytes(int column, int row, byte[] src, int from, int width) {
        fixedData[column].putBytes((long) row * width, src, from, width);
    }

    /**
     * Forgets what was set in row {@code row}, the row being filled (not yet ended): its NULL
     * marks and its text bytes; the next row reuses the index. Used to skip a rejected record.
     *
     * @throws IllegalStateException if {@code row} is not the row being filled
     */
    public void discardRow(int row) {
        if (row != rowCount) {
            throw new IllegalStateException("row " + row + " is not the row being filled (" + rowCount + ")");
        }
        while (nullCount > 0 && nullCells[2 * nullCount - 1] == row) {
            nullCount--;
        }
        for (int c = 0; c < vectors.length; c++) {
            if (textVectors[c] != null) {
                textBytes[c] = textOffsets[c].getInt((long) row << 2);
            }
        }
    }

    /** Sets the cell to NULL (the column must be nullable; not checked here). */
    public void setNull(int column, int row) {
        if (nullCount * 2 == nullCells.length) {
            nullCells = java.util.Arrays.copyOf(nullCells, Math.max(16, nullCells.length * 2));
        }
        nullCells[nullCount * 2] = column;
        nullCells[nullCount * 2 + 1] = row;
        nullCount++;
        if (textVectors[column] != null) {
            textOffsets[column].putInt((long) (row + 1) << 2, (int) textBytes[column]);
        }
    }

    /** A text value of one character (e.g. {@code o_orderstatus}). */
    public void setTextChar(int column, int row, char value) {
        if (value < 0x80) {
            scratch[0] = (byte) value;
            setTextBytes(column, row, scratch, 0, 1);
        } else {
            setText(column, row, String.valueOf(value));
        }
    }

    /**
     * A text value, encoded as UTF-8. ASCII strings are copied through a reusable scratch array
     * (no allocation); others take {@link String#getBytes(java.nio.charset.Charset)}.
     */
    public void setText(int column, int row, String value) {
        int len = value.length();
        byte[] s = scratch;
        if (s.length < len) {
            s = scratch = new byte[Math.max(len, s.length * 2)];
        }
        for (int i = 0; i < len; i++) {
            char ch = value.charAt(i);
            if (ch >= 0x80) {
                byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
                setTextBytes(column, row, utf8, 0, utf8.length);
                return;
            }
            s[i] = (byte) ch;
        }
        setTextBytes(column, row, s, 0, len);
    }

    /** A text value given as UTF-8 bytes {@code src[from .. from+length)} (not validated here). */
    public void setTextBytes(int column, int row, byte[] src, int from, int length) {
        long start = textBytes[column];
        long end = start + length;
        MemoryView data = textData[column];
        if (end > data.capacity()) {
            data = growText(column, end);
        }
        data.putBytes(start, src, from, length);
        textOffsets[column].putInt((long) (row + 1) << 2, (int) end);
        textBytes[column] = end;
    }

    private MemoryView growText(int column, long needed) {
        if (needed > Integer.MAX_VALUE) {
            throw new IllegalStateException("text column " + vectors[column].getName() + " exceeds 2 GiB in one batch of "
                    + capacityRows + " rows; use smaller batches");
        }
        BaseVariableWidthVector v = textVectors[column];
        while (v.getDataBuffer().capacity() < needed) {
            v.reallocDataBuffer();
        }
        textData[column] = ArrowMemory.view(v.getDataBuffer());
        return textData[column];
    }

    /**
     * Completes the batch: sets validity bits and value counts and hands the root over.
     *
     * @return the root holding {@link #rowCount()} rows; the caller now owns it
     */
    public VectorSchemaRoot finish() {
        if (handedOver) {
            throw new IllegalStateException("batch already finished");
        }
        int rows = rowCount;
        for (int c = 0; c < vectors.length; c++) {
            FieldVector v = vectors[c];
            ArrowBuf validity = v.getValidityBuffer();
            int fullBytes = rows >>> 3;
            if (fullBytes > 0) {
                validity.setOne(0L, (long) fullBytes);
            }
            for (int i = fullBytes << 3; i < rows; i++) {
                BitVectorHelper.setBit(validity, i);
            }
            if (textVectors[c] != null) {
                textVectors[c].setLastSet(rows - 1);
            }
        }
        for (int k = 0; k < nullCount; k++) {
            BitVectorHelper.unsetBit(vectors[nullCells[2 * k]].getValidityBuffer(), nullCells[2 * k + 1]);
        }
        for (FieldVector v : vectors) {
            v.setValueCount(rows);
        }
        root.setRowCount(rows);
        handedOver = true;
        return root;
    }

    /** Bytes of buffer capacity a batch holds (validity, offsets and data of every vector). */
    public static long bufferBytes(VectorSchemaRoot root) {
        long bytes = 0;
        for (FieldVector v : root.getFieldVectors()) {
            for (ArrowBuf b : v.getFieldBuffers()) {
                bytes += b.capacity();
            }
        }
        return bytes;
    }

    @Override
    public void close() {
        if (!handedOver) {
            handedOver = true;
            root.close();
        }
    }
}
