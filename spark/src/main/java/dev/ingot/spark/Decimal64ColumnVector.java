package dev.ingot.spark;

import org.apache.arrow.vector.DecimalVector;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarMap;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A Spark column over an Arrow {@link DecimalVector} of precision at most 18, read in place: the
 * low 8 bytes of each 16-byte little-endian two's complement value are the unscaled value, which
 * Spark's {@link Decimal} holds as a long ({@code Decimal.createUnsafe}). Spark's own
 * {@code ArrowColumnVector} builds a {@link java.math.BigDecimal} per value instead.
 *
 * <p>Thread-safety: not thread-safe (one task). Ownership: does not own the Arrow vector; the
 * reader that made it closes the vector.
 */
final class Decimal64ColumnVector extends ColumnVector {
    private final DecimalVector vector;
    private final int precision;
    private final int scale;

    Decimal64ColumnVector(DecimalVector vector) {
        super(DataTypes.createDecimalType(vector.getPrecision(), vector.getScale()));
        if (vector.getPrecision() > Decimal.MAX_LONG_DIGITS()) {
            throw new IllegalArgumentException("decimal precision " + vector.getPrecision() + " exceeds " + Decimal.MAX_LONG_DIGITS());
        }
        this.vector = vector;
        this.precision = vector.getPrecision();
        this.scale = vector.getScale();
    }

    @Override
    public void close() {
        // the Arrow vector belongs to the reader's row group root
    }

    @Override
    public boolean hasNull() {
        return vector.getNullCount() > 0;
    }

    @Override
    public int numNulls() {
        return vector.getNullCount();
    }

    @Override
    public boolean isNullAt(int rowId) {
        return vector.isNull(rowId);
    }

    @Override
    public Decimal getDecimal(int rowId, int precision, int scale) {
        if (vector.isNull(rowId)) {
            return null;
        }
        return Decimal.createUnsafe(vector.getDataBuffer().getLong((long) rowId * DecimalVector.TYPE_WIDTH), this.precision, this.scale);
    }

    @Override
    public long getLong(int rowId) {
        return vector.getDataBuffer().getLong((long) rowId * DecimalVector.TYPE_WIDTH);
    }

    private UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("a DECIMAL(" + precision + "," + scale + ") column holds decimals only");
    }

    @Override
    public boolean getBoolean(int rowId) {
        throw unsupported();
    }

    @Override
    public byte getByte(int rowId) {
        throw unsupported();
    }

    @Override
    public short getShort(int rowId) {
        throw unsupported();
    }

    @Override
    public int getInt(int rowId) {
        throw unsupported();
    }

    @Override
    public float getFloat(int rowId) {
        throw unsupported();
    }

    @Override
    public double getDouble(int rowId) {
        throw unsupported();
    }

    @Override
    public ColumnarArray getArray(int rowId) {
        throw unsupported();
    }

    @Override
    public ColumnarMap getMap(int ordinal) {
        throw unsupported();
    }

    @Override
    public UTF8String getUTF8String(int rowId) {
        throw unsupported();
    }

    @Override
    public byte[] getBinary(int rowId) {
        throw unsupported();
    }

    @Override
    public ColumnVector getChild(int ordinal) {
        throw unsupported();
    }
}
