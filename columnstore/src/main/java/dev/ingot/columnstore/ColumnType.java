package dev.ingot.columnstore;

import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The SQL-level type of a column and how it maps to Arrow and to stored chunks.
 *
 * <table>
 *   <caption>type mapping</caption>
 *   <tr><th>kind</th><th>SQL</th><th>Arrow vector</th><th>stored value</th></tr>
 *   <tr><td>INT32</td><td>INTEGER</td><td>IntVector</td><td>4-byte two's complement</td></tr>
 *   <tr><td>INT64</td><td>BIGINT</td><td>BigIntVector</td><td>8-byte two's complement</td></tr>
 *   <tr><td>DECIMAL64</td><td>DECIMAL(p,s), p &lt;= 18</td><td>DecimalVector (128-bit)</td>
 *       <td>unscaled value as 8-byte integer (cents for DECIMAL(15,2))</td></tr>
 *   <tr><td>DATE32</td><td>DATE</td><td>DateDayVector</td><td>days since 1970-01-01, 4 bytes</td></tr>
 *   <tr><td>CHAR</td><td>CHAR(n)</td><td>VarCharVector</td><td>UTF-8 as given, not blank-padded</td></tr>
 *   <tr><td>VARCHAR</td><td>VARCHAR(n)</td><td>VarCharVector</td><td>UTF-8 bytes + 4-byte offsets</td></tr>
 * </table>
 *
 * <p>Text lengths are in characters (code points), as in SQL; {@link #UNBOUNDED} means no limit.
 * In Arrow, CHAR/VARCHAR are {@code Utf8} fields whose metadata carries
 * {@value #META_TYPE} and {@value #META_LENGTH}. Immutable.
 */
public record ColumnType(Kind kind, int precision, int scale, int maxLength) {
    /** Field-metadata key naming the SQL text type ({@code char} or {@code varchar}). */
    public static final String META_TYPE = "ingot.type";
    /** Field-metadata key holding the declared text length in characters. */
    public static final String META_LENGTH = "ingot.length";
    /** maxLength of text without a declared limit. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /** Physical kinds of column. */
    public enum Kind {
        INT32(4), INT64(8), DECIMAL64(8), DATE32(4), CHAR(-1), VARCHAR(-1);

        private final int fixedWidth;

        Kind(int fixedWidth) {
            this.fixedWidth = fixedWidth;
        }

        /** Bytes per stored value for fixed-width kinds, -1 for text. */
        public int fixedWidth() {
            return fixedWidth;
        }

        public boolean isText() {
            return fixedWidth < 0;
        }
    }

    public ColumnType {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        if (kind == Kind.DECIMAL64 && (precision < 1 || precision > 18 || scale < 0 || scale > precision)) {
            throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale + ") needs 1 <= precision <= 18 and 0 <= scale <= precision");
        }
        if (kind.isText() && maxLength < 1) {
            throw new IllegalArgumentException("text length must be >= 1: " + maxLength);
        }
    }

    public static ColumnType int32() {
        return new ColumnType(Kind.INT32, 0, 0, 0);
    }

    public static ColumnType int64() {
        return new ColumnType(Kind.INT64, 0, 0, 0);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL64, precision, scale, 0);
    }

    public static ColumnType date() {
        return new ColumnType(Kind.DATE32, 0, 0, 0);
    }

    public static ColumnType charOf(int length) {
        return new ColumnType(Kind.CHAR, 0, 0, length);
    }

    public static ColumnType varchar(int maxLength) {
        return new ColumnType(Kind.VARCHAR, 0, 0, maxLength);
    }

    /** Bytes per value in a stored chunk for fixed-width kinds, -1 for text. */
    public int storedWidth() {
        return kind.fixedWidth();
    }

    /** The Arrow type of vectors holding this column. */
    public ArrowType arrowType() {
        switch (kind) {
            case INT32: return new ArrowType.Int(32, true);
            case INT64: return new ArrowType.Int(64, true);
            case DECIMAL64: return new ArrowType.Decimal(precision, scale, 128);
            case DATE32: return new ArrowType.Date(DateUnit.DAY);
            default: return ArrowType.Utf8.INSTANCE;
        }
    }

    /** Arrow field type, with the text metadata for CHAR/VARCHAR. */
    public FieldType fieldType(boolean nullable) {
        Map<String, String> meta = null;
        if (kind.isText()) {
            meta = new HashMap<>();
            meta.put(META_TYPE, kind == Kind.CHAR ? "char" : "varchar");
            meta.put(META_LENGTH, Integer.toString(maxLength));
        }
        return new FieldType(nullable, arrowType(), null, meta);
    }

    /**
     * The column type of an Arrow field type.
     *
     * @throws IllegalArgumentException for Arrow types Ingot does not store
     */
    public static ColumnType fromArrow(ArrowType type, Map<String, String> metadata) {
        if (type instanceof ArrowType.Int) {
            ArrowType.Int t = (ArrowType.Int) type;
            if (t.getIsSigned() && t.getBitWidth() == 32) {
                return int32();
            }
            if (t.getIsSigned() && t.getBitWidth() == 64) {
                return int64();
            }
        } else if (type instanceof ArrowType.Decimal) {
            ArrowType.Decimal d = (ArrowType.Decimal) type;
            return decimal(d.getPrecision(), d.getScale());
        } else if (type instanceof ArrowType.Date && ((ArrowType.Date) type).getUnit() == DateUnit.DAY) {
            return date();
        } else if (type instanceof ArrowType.Utf8) {
            String sqlType = metadata == null ? null : metadata.get(META_TYPE);
            String len = metadata == null ? null : metadata.get(META_LENGTH);
            int n = len == null ? UNBOUNDED : Integer.parseInt(len);
            return "char".equals(sqlType) ? charOf(n) : varchar(n);
        }
        throw new IllegalArgumentException("unsupported Arrow type for an Ingot column: " + type);
    }

    /** SQL spelling, e.g. {@code DECIMAL(15,2)} or {@code VARCHAR(44)}. */
    public String sqlName() {
        switch (kind) {
            case INT32: return "INTEGER";
            case INT64: return "BIGINT";
            case DECIMAL64: return "DECIMAL(" + precision + "," + scale + ")";
            case DATE32: return "DATE";
            case CHAR: return "CHAR(" + maxLength + ")";
            default: return maxLength == UNBOUNDED ? "VARCHAR" : "VARCHAR(" + maxLength + ")";
        }
    }

    @Override
    public String toString() {
        return sqlName();
    }
}
