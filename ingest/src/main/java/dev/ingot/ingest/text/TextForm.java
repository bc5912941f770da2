package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnType;
import java.math.BigDecimal;
import java.time.LocalDate;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * The text form of a stored value: exactly the syntax the delimited-text reader
 * ({@link DelimitedTextSource}) accepts for the column's type, so text written with it loads back
 * to the same value. BOOLEAN {@code true}/{@code false}; integers in decimal; REAL/DOUBLE as
 * {@link Float#toString}/{@link Double#toString} (which {@code parseFloat}/{@code parseDouble}
 * read back to the same bits); DECIMAL in plain notation with exactly {@code scale} fraction
 * digits; DATE {@code YYYY-MM-DD}; TIME {@code HH:MM:SS} plus {@code .ffffff} when the
 * microseconds are not 0; TIMESTAMP {@code YYYY-MM-DDTHH:MM:SS[.ffffff]}, WITH TIME ZONE in UTC
 * followed by {@code Z}; CHAR/VARCHAR as stored; VARBINARY as {@code \x} and lower-case hex;
 * UUID in canonical lower-case form.
 *
 * <p>Stateless and thread-safe.
 */
public final class TextForm {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private TextForm() {}

    /**
     * The text of row {@code row} of {@code vector}, a column of type {@code type}, or null when
     * the value is NULL.
     *
     * @throws IllegalArgumentException if the vector does not hold {@code type}
     */
    public static String of(ColumnType type, FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        switch (type.kind()) {
            case BOOLEAN: return ((BitVector) vector).get(row) != 0 ? "true" : "false";
            case INT8: return Byte.toString(((TinyIntVector) vector).get(row));
            case INT16: return Short.toString(((SmallIntVector) vector).get(row));
            case INT32: return Integer.toString(((IntVector) vector).get(row));
            case INT64: return Long.toString(((BigIntVector) vector).get(row));
            case FLOAT32: return Float.toString(((Float4Vector) vector).get(row));
            case FLOAT64: return Double.toString(((Float8Vector) vector).get(row));
            case DECIMAL64:
            case DECIMAL128: return decimal((DecimalVector) vector, row).toPlainString();
            case DATE32: return LocalDate.ofEpochDay(((DateDayVector) vector).get(row)).toString();
            case TIME64: return time(((TimeMicroVector) vector).get(row));
            case TIMESTAMP: return timestamp(((TimeStampVector) vector).get(row));
            case TIMESTAMP_TZ: return timestamp(((TimeStampVector) vector).get(row)) + "Z";
            case VARBINARY: return hex(((VarBinaryVector) vector).get(row));
            case UUID: return uuid(((FixedSizeBinaryVector) vector).get(row));
            case CHAR:
            case VARCHAR: return new String(((VarCharVector) vector).get(row), java.nio.charset.StandardCharsets.UTF_8);
            default: throw new IllegalArgumentException("no text form for " + type);
        }
    }

    /** A DECIMAL value with its column's scale. */
    public static BigDecimal decimal(DecimalVector vector, int row) {
        return vector.getObject(row);
    }

    /** {@code HH:MM:SS} or {@code HH:MM:SS.ffffff} of microseconds since midnight. */
    static String time(long micros) {
        long seconds = micros / 1_000_000;
        int fraction = (int) (micros % 1_000_000);
        StringBuilder sb = new StringBuilder(15);
        two(sb, seconds / 3600).append(':');
        two(sb, seconds / 60 % 60).append(':');
        two(sb, seconds % 60);
        if (fraction != 0) {
            String f = Integer.toString(fraction);
            sb.append('.').append("000000", 0, 6 - f.length()).append(f);
        }
        return sb.toString();
    }

    /** {@code YYYY-MM-DDTHH:MM:SS[.ffffff]} of microseconds since 1970-01-01T00:00. */
    static String timestamp(long micros) {
        long day = Math.floorDiv(micros, MICROS_PER_DAY);
        return LocalDate.ofEpochDay(day) + "T" + time(Math.floorMod(micros, MICROS_PER_DAY));
    }

    private static StringBuilder two(StringBuilder sb, long v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    /** {@code \x} followed by two lower-case hex digits per byte. */
    public static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(2 + 2 * bytes.length).append("\\x");
        for (byte b : bytes) {
            sb.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
        return sb.toString();
    }

    /** The canonical 8-4-4-4-12 form of 16 bytes. */
    static String uuid(byte[] b) {
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(HEX[(b[i] >> 4) & 0xf]).append(HEX[b[i] & 0xf]);
        }
        return sb.toString();
    }
}
