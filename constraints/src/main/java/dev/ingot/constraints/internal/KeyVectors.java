package dev.ingot.constraints.internal;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.memory.ArrowMemory;
import dev.ingot.memory.Bits;
import dev.ingot.memory.MemoryView;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Reads key values out of Arrow vectors in bulk, without per-row objects: integer-like columns
 * (BOOLEAN, TINYINT..BIGINT, DATE, TIME, TIMESTAMP [WITH TIME ZONE], DECIMAL(p &lt;= 18)) into
 * {@code long[]} scratch arrays, 16-byte columns (DECIMAL(p &gt; 18), UUID) and variable-width
 * columns (CHAR/VARCHAR/VARBINARY) as byte ranges. Also null handling and the boxed values shown
 * in violation messages.
 *
 * <p>Reads go through bounds-checked {@link MemoryView}s of the vector's buffers
 * ({@link ArrowMemory#view}), after one range check per call ({@code offset + length <= valueCount}
 * and the buffer is large enough) that names the column.
 *
 * <p>Thread-safety: stateless.
 */
public final class KeyVectors {
    private KeyVectors() {}

    /** How one key column is encoded in a key. */
    public enum KeyClass {
        /** A {@code long}: the value (BOOLEAN 0/1, integers, days, microseconds, 64-bit unscaled decimal). */
        LONG,
        /** 16 bytes as stored in the Arrow vector: DECIMAL(p &gt; 18) two's complement, UUID bytes. */
        FIXED16,
        /** A byte string: CHAR/VARCHAR UTF-8, VARBINARY bytes. */
        VARIABLE
    }

    /**
     * The key encoding of a column kind. Columns that {@link ColumnType#canReference} pairs
     * share a class, so a child's key bytes equal its parent's for equal values.
     *
     * @throws IllegalArgumentException for REAL/DOUBLE, which are never key columns
     */
    public static KeyClass keyClass(ColumnType.Kind kind) {
        switch (kind) {
            case FLOAT32:
            case FLOAT64: throw new IllegalArgumentException(kind + " columns cannot be key columns");
            case DECIMAL128:
            case UUID: return KeyClass.FIXED16;
            case CHAR:
            case VARCHAR:
            case VARBINARY: return KeyClass.VARIABLE;
            default: return KeyClass.LONG;
        }
    }

    /** Whether a column kind is encoded as a {@code long} ({@link KeyClass#LONG}). */
    public static boolean isIntegerLike(ColumnType.Kind kind) {
        return keyClass(kind) == KeyClass.LONG;
    }

    /**
     * Copies the values of rows {@code [offset, offset + length)} of an integer-like vector into
     * {@code dst[0, length)} as {@code long}s (narrower integers and days sign-extended, BOOLEAN as
     * 0/1, times and timestamps as microseconds, DECIMAL(p &lt;= 18) as the unscaled value). Null
     * rows yield an unspecified value; callers test validity separately.
     *
     * @throws IllegalArgumentException  if the vector is not of an integer-like kind, or a
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
        if (vector instanceof BigIntVector || vector instanceof TimeMicroVector || vector instanceof TimeStampVector) {
            dataView(vector, offset, length, 8).getLongs(8L * offset, dst, 0, length);
        } else if (vector instanceof IntVector || vector instanceof DateDayVector) {
            MemoryView data = dataView(vector, offset, length, 4);
            for (int i = 0; i < length; i++) {
                dst[i] = data.getInt(4L * (offset + i));
            }
        } else if (vector instanceof SmallIntVector) {
            MemoryView data = dataView(vector, offset, length, 2);
            for (int i = 0; i < length; i++) {
                dst[i] = data.getShort(2L * (offset + i));
            }
        } else if (vector instanceof TinyIntVector) {
            MemoryView data = dataView(vector, offset, length, 1);
            for (int i = 0; i < length; i++) {
                dst[i] = data.getByte((long) offset + i);
            }
        } else if (vector instanceof BitVector) {
            ArrowBuf data = vector.getDataBuffer();
            if (data.capacity() < ((long) offset + length + 7) / 8) {
                throw new IndexOutOfBoundsException("data buffer of column " + vector.getName() + " holds " + data.capacity()
                        + " bytes, rows up to " + (offset + length) + " need " + (((long) offset + length + 7) / 8));
            }
            MemoryView bits = ArrowMemory.view(data);
            for (int i = 0; i < length; i++) {
                dst[i] = Bits.isSet(bits, offset + i) ? 1 : 0;
            }
        } else if (vector instanceof DecimalVector) {
            MemoryView data = dataView(vector, offset, length, 16);
            for (int i = 0; i < length; i++) {
                long at = 16L * (offset + i);
                long low = data.getLong(at);
                long high = data.getLong(at + 8);
                if (high != (low >> 63) && !vector.isNull(offset + i)) {
                    throw new IllegalArgumentException("decimal value in column " + vector.getName() + " row " + (offset + i)
                            + " does not fit a 64-bit unscaled value: " + ((DecimalVector) vector).getObject(offset + i));
                }
                dst[i] = low;
            }
        } else {
            throw new IllegalArgumentException("column " + vector.getName() + " is a " + vector.getClass().getSimpleName()
                    + "; an integer-like key column must be a BigInt, Int, SmallInt, TinyInt, Bit, DateDay, TimeMicro, TimeStamp"
                    + " or Decimal vector");
        }
    }

    /**
     * The data buffer of a 16-byte key column (DecimalVector of a DECIMAL(p &gt; 18) column,
     * FixedSizeBinaryVector of a UUID column; row {@code r} at index {@code 16 * r}), after
     * checking rows {@code [offset, offset + length)} lie in it.
     *
     * @throws IllegalArgumentException  if the vector is neither
     * @throws IndexOutOfBoundsException if the row range is outside the vector
     */
    public static MemoryView fixed16(FieldVector vector, int offset, int length) {
        checkRange(vector, offset, length);
        if (!(vector instanceof DecimalVector) && !(vector instanceof FixedSizeBinaryVector && ((FixedSizeBinaryVector) vector).getByteWidth() == 16)) {
            throw new IllegalArgumentException("column " + vector.getName() + " is a " + vector.getClass().getSimpleName()
                    + "; a 16-byte key column must be a DecimalVector or a FixedSizeBinaryVector(16)");
        }
        return dataView(vector, offset, length, 16);
    }

    private static MemoryView dataView(FieldVector vector, int offset, int length, int width) {
        ArrowBuf data = vector.getDataBuffer();
        long end = (long) (offset + length) * width;
        if (data.capacity() < end) {
            throw new IndexOutOfBoundsException("data buffer of column " + vector.getName() + " holds " + data.capacity()
                    + " bytes, rows up to " + (offset + length) + " need " + end);
        }
        return ArrowMemory.view(data);
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
     * Casts a key column to a variable-width vector (CHAR/VARCHAR/VARBINARY).
     *
     * @throws IllegalArgumentException if it is not a {@link VarCharVector} or {@link VarBinaryVector}
     */
    public static BaseVariableWidthVector variable(FieldVector vector) {
        if (vector instanceof VarCharVector || vector instanceof VarBinaryVector) {
            return (BaseVariableWidthVector) vector;
        }
        throw new IllegalArgumentException("column " + vector.getName() + " is a " + vector.getClass().getSimpleName()
                + "; a text or binary key column must be a VarCharVector or VarBinaryVector");
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
     * The value of one key cell as shown in messages: {@link Long} for TINYINT..BIGINT,
     * {@link Boolean}, {@link LocalDate} for DATE, {@link LocalTime} for TIME,
     * {@link LocalDateTime} for TIMESTAMP, {@link Instant} for TIMESTAMP WITH TIME ZONE,
     * {@link java.math.BigDecimal} for DECIMAL, {@link String} for text, {@link UUID}, the string
     * {@code \x<hex>} (PostgreSQL's bytea output) for VARBINARY, null for NULL.
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
        if (vector instanceof SmallIntVector) {
            return (long) ((SmallIntVector) vector).get(row);
        }
        if (vector instanceof TinyIntVector) {
            return (long) ((TinyIntVector) vector).get(row);
        }
        if (vector instanceof BitVector) {
            return ((BitVector) vector).get(row) == 1;
        }
        if (vector instanceof DateDayVector) {
            return LocalDate.ofEpochDay(((DateDayVector) vector).get(row));
        }
        if (vector instanceof TimeMicroVector) {
            return LocalTime.ofNanoOfDay(((TimeMicroVector) vector).get(row) * 1000);
        }
        if (vector instanceof TimeStampMicroTZVector) {
            long micros = ((TimeStampMicroTZVector) vector).get(row);
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
        }
        if (vector instanceof TimeStampMicroVector) {
            long micros = ((TimeStampMicroVector) vector).get(row);
            return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        }
        if (vector instanceof DecimalVector) {
            DecimalVector d = (DecimalVector) vector;
            // Arrow's 16 bytes, low word first (little-endian, as longs() reads them: the memory layer refuses other hosts)
            long low = d.getDataBuffer().getLong((long) DecimalVector.TYPE_WIDTH * row);
            long high = d.getDataBuffer().getLong((long) DecimalVector.TYPE_WIDTH * row + 8);
            if (high == low >> 63) { // fits a long: no byte array and BigInteger on the way (lookups copy 4 of them out per lineitem row)
                return java.math.BigDecimal.valueOf(low, d.getScale());
            }
            return d.getObject(row);
        }
        if (vector instanceof VarCharVector) {
            return new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
        }
        if (vector instanceof VarBinaryVector) {
            return "\\x" + HexFormat.of().formatHex(((VarBinaryVector) vector).get(row));
        }
        if (vector instanceof FixedSizeBinaryVector && ((FixedSizeBinaryVector) vector).getByteWidth() == 16) {
            ByteBuffer b = ByteBuffer.wrap(((FixedSizeBinaryVector) vector).get(row));
            return new UUID(b.getLong(), b.getLong());
        }
        return vector.getObject(row);
    }
}
