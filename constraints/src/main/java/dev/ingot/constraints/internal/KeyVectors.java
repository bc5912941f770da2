package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.pager.memory.NativeMemory;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Reads key values out of Arrow vectors in bulk, without per-row objects: integer-like columns
 * (INT32, INT64, DATE32, DECIMAL64) into {@code long[]} scratch arrays, text columns as byte
 * ranges. Also null handling and the boxed values shown in violation messages.
 *
 * <p>Raw reads go through {@link NativeMemory} at the vector's buffer address after one range
 * check per call ({@code offset + length <= valueCount} and the buffer is large enough), the
 * pattern {@code MemoryBlock.address()} documents.
 *
 * <p>Thread-safety: stateless.
 */
public final class KeyVectors {
    private KeyVectors() {}

    /** Whether a column kind is encoded as a {@code long} (INT32, INT64, DATE32, DECIMAL64). */
    public static boolean isIntegerLike(ColumnType.Kind kind) {
        return !kind.isText();
    }

    /**
     * Copies the values of rows {@code [offset, offset + length)} of an integer-like vector into
     * {@code dst[0, length)} as {@code long}s (INT32/DATE32 sign-extended, DECIMAL64 as the
     * unscaled value). Null rows yield an unspecified value; callers test validity separately.
     *
     * @throws IllegalArgumentException  if the vector is not BigInt, Int, DateDay or Decimal, or a
     *                                   decimal's unscaled value does not fit a {@code long}
     * @throws IndexOutOfBoundsException if the row range is outside the vector or {@code dst}
     */
    public static void readLongs(FieldVector vector, int offset, int length, long[] dst) {
        checkRange(vector, offset, length);
        if (length > dst.length) {
            throw new IndexOutOfBoundsException("scratch of " + dst.length + " longs cannot hold " + length + " rows");
        }
        if (length == 0) {
            return;
        }
        if (vector instanceof BigIntVector) {
            long address = dataAddress(vector, offset, length, 8);
            NativeMemory.copyToLongArray(address, dst, 0, length);
        } else if (vector instanceof IntVector || vector instanceof DateDayVector) {
            long address = dataAddress(vector, offset, length, 4);
            for (int i = 0; i < length; i++) {
                dst[i] = NativeMemory.getInt(address + 4L * i);
            }
        } else if (vector instanceof DecimalVector) {
            long address = dataAddress(vector, offset, length, 16);
            for (int i = 0; i < length; i++) {
                long low = NativeMemory.getLong(address + 16L * i);
                long high = NativeMemory.getLong(address + 16L * i + 8);
                if (high != (low >> 63) && !vector.isNull(offset + i)) {
                    throw new IllegalArgumentException("decimal value in column " + vector.getName() + " row " + (offset + i)
                            + " does not fit a 64-bit unscaled value: " + ((DecimalVector) vector).getObject(offset + i));
                }
                dst[i] = low;
            }
        } else {
            throw new IllegalArgumentException("column " + vector.getName() + " is a " + vector.getClass().getSimpleName()
                    + "; an integer-like key column must be BigIntVector, IntVector, DateDayVector or DecimalVector");
        }
    }

    private static long dataAddress(FieldVector vector, int offset, int length, int width) {
        ArrowBuf data = vector.getDataBuffer();
        long end = (long) (offset + length) * width;
        if (data.capacity() < end) {
            throw new IndexOutOfBoundsException("data buffer of column " + vector.getName() + " holds " + data.capacity()
                    + " bytes, rows up to " + (offset + length) + " need " + end);
        }
        return data.memoryAddress() + (long) offset * width;
    }

    /**
     * Checks {@code [offset, offset + length)} lies within the vector's value count.
     *
     * @throws IndexOutOfBoundsException if it does not
     */
    public static void checkRange(FieldVector vector, int offset, int length) {
        if (offset < 0 || length < 0 || offset > vector.getValueCount() - length) {
            throw new IndexOutOfBoundsException("rows [" + offset + ", " + ((long) offset + length) + ") outside column "
                    + vector.getName() + " of " + vector.getValueCount() + " rows");
        }
    }

    /**
     * Casts a key column to a text vector.
     *
     * @throws IllegalArgumentException if it is not a {@link VarCharVector}
     */
    public static VarCharVector text(FieldVector vector) {
        if (vector instanceof VarCharVector) {
            return (VarCharVector) vector;
        }
        throw new IllegalArgumentException("column " + vector.getName() + " is a " + vector.getClass().getSimpleName()
                + "; a text key column must be a VarCharVector");
    }

    /** Whether any of the columns has a null anywhere (cheap: validity popcount). */
    public static boolean anyNulls(FieldVector[] columns) {
        for (FieldVector v : columns) {
            if (v.getNullCount() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether row {@code row} (absolute) has a null in any of the columns. */
    public static boolean anyNullAt(FieldVector[] columns, int row) {
        for (FieldVector v : columns) {
            if (v.isNull(row)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The lowest row in {@code [offset, offset + length)} with a null in any column, as an
     * absolute row index, or -1.
     */
    public static int firstNullRow(FieldVector[] columns, int offset, int length) {
        int best = -1;
        for (FieldVector v : columns) {
            if (v.getNullCount() == 0) {
                continue;
            }
            int end = best < 0 ? offset + length : best;
            for (int r = offset; r < end; r++) {
                if (v.isNull(r)) {
                    best = r;
                    break;
                }
            }
        }
        return best;
    }

    /**
     * The value of one key cell as shown in messages: {@link Long} for INT32/INT64,
     * {@link LocalDate} for DATE32, {@link java.math.BigDecimal} for DECIMAL64, {@link String}
     * for text, null for NULL.
     */
    public static Object value(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof BigIntVector) {
            return ((BigIntVector) vector).get(row);
        }
        if (vector instanceof IntVector) {
            return (long) ((IntVector) vector).get(row);
        }
        if (vector instanceof DateDayVector) {
            return LocalDate.ofEpochDay(((DateDayVector) vector).get(row));
        }
        if (vector instanceof DecimalVector) {
            return ((DecimalVector) vector).getObject(row);
        }
        if (vector instanceof VarCharVector) {
            return new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
        }
        return vector.getObject(row);
    }
}
