package dev.ingot.columnstore;

import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * The SQL-level type of a column and how it maps to Arrow and to stored chunks.
 *
 * <table>
 *   <caption>type mapping</caption>
 *   <tr><th>kind</th><th>SQL</th><th>Arrow type (vector)</th><th>stored value</th></tr>
 *   <tr><td>BOOLEAN</td><td>BOOLEAN</td><td>Bool (BitVector)</td><td>1 bit, LSB first</td></tr>
 *   <tr><td>INT8</td><td>TINYINT</td><td>Int(8, signed) (TinyIntVector)</td><td>1-byte two's complement</td></tr>
 *   <tr><td>INT16</td><td>SMALLINT</td><td>Int(16, signed) (SmallIntVector)</td><td>2-byte two's complement</td></tr>
 *   <tr><td>INT32</td><td>INTEGER</td><td>Int(32, signed) (IntVector)</td><td>4-byte two's complement</td></tr>
 *   <tr><td>INT64</td><td>BIGINT</td><td>Int(64, signed) (BigIntVector)</td><td>8-byte two's complement</td></tr>
 *   <tr><td>FLOAT32</td><td>REAL</td><td>FloatingPoint(SINGLE) (Float4Vector)</td><td>4-byte IEEE 754</td></tr>
 *   <tr><td>FLOAT64</td><td>DOUBLE</td><td>FloatingPoint(DOUBLE) (Float8Vector)</td><td>8-byte IEEE 754</td></tr>
 *   <tr><td>DECIMAL64</td><td>DECIMAL(p,s), p &lt;= 18</td><td>Decimal(p, s, 128) (DecimalVector)</td>
 *       <td>unscaled value as 8-byte integer (cents for DECIMAL(15,2))</td></tr>
 *   <tr><td>DECIMAL128</td><td>DECIMAL(p,s), 19 &lt;= p &lt;= 38</td><td>Decimal(p, s, 128) (DecimalVector)</td>
 *       <td>unscaled value as 16-byte two's complement</td></tr>
 *   <tr><td>DATE32</td><td>DATE</td><td>Date(DAY) (DateDayVector)</td><td>days since 1970-01-01, 4 bytes</td></tr>
 *   <tr><td>TIME64</td><td>TIME</td><td>Time(MICROSECOND, 64) (TimeMicroVector)</td><td>microseconds since midnight, 8 bytes</td></tr>
 *   <tr><td>TIMESTAMP</td><td>TIMESTAMP</td><td>Timestamp(MICROSECOND, no zone) (TimeStampMicroVector)</td>
 *       <td>microseconds since 1970-01-01T00:00 (local date-time), 8 bytes</td></tr>
 *   <tr><td>TIMESTAMP_TZ</td><td>TIMESTAMP WITH TIME ZONE</td><td>Timestamp(MICROSECOND, "UTC") (TimeStampMicroTZVector)</td>
 *       <td>microseconds since 1970-01-01T00:00Z (an instant), 8 bytes</td></tr>
 *   <tr><td>CHAR</td><td>CHAR(n)</td><td>Utf8 (VarCharVector)</td><td>UTF-8 as given, not blank-padded</td></tr>
 *   <tr><td>VARCHAR</td><td>VARCHAR(n), VARCHAR</td><td>Utf8 (VarCharVector)</td><td>UTF-8 bytes + 4-byte offsets</td></tr>
 *   <tr><td>VARBINARY</td><td>VARBINARY(n), VARBINARY</td><td>Binary (VarBinaryVector)</td><td>bytes + 4-byte offsets</td></tr>
 *   <tr><td>UUID</td><td>UUID</td><td>FixedSizeBinary(16) with extension name {@code arrow.uuid}
 *       (FixedSizeBinaryVector)</td><td>16 bytes, RFC 9562 byte order (most significant first)</td></tr>
 * </table>
 *
 * <p>Text lengths are in characters (code points), as in SQL; VARBINARY lengths in bytes;
 * {@link #UNBOUNDED} means no limit. In Arrow, CHAR/VARCHAR/VARBINARY fields carry the metadata
 * {@value #META_TYPE} and {@value #META_LENGTH}.
 *
 * <p>UUID: Arrow Java 18.3 has no built-in UUID extension type (it ships only {@code OpaqueType}),
 * so a UUID column is Arrow's storage type of the canonical {@code arrow.uuid} extension,
 * {@code FixedSizeBinary(16)}, with the canonical extension metadata
 * ({@value #ARROW_EXTENSION_NAME} = {@value #UUID_EXTENSION}) on the field: readers that know the
 * extension (pyarrow, Arrow C++) see a UUID, Java sees 16-byte binary, and nothing has to be
 * registered process-wide. A plain {@code FixedSizeBinary(16)} without that metadata is not taken
 * as a UUID.
 *
 * <p>Immutable.
 */
public record ColumnType(Kind kind, int precision, int scale, int maxLength) {
    /** Field-metadata key naming the SQL type of variable-width columns ({@code char}, {@code varchar}, {@code varbinary}). */
    public static final String META_TYPE = "ingot.type";
    /** Field-metadata key holding the declared length (characters for text, bytes for VARBINARY). */
    public static final String META_LENGTH = "ingot.length";
    /** Arrow's field-metadata key naming an extension type. */
    public static final String ARROW_EXTENSION_NAME = "ARROW:extension:name";
    /** Arrow's field-metadata key holding an extension type's parameters. */
    public static final String ARROW_EXTENSION_METADATA = "ARROW:extension:metadata";
    /** Name of Arrow's canonical UUID extension type. */
    public static final String UUID_EXTENSION = "arrow.uuid";
    /** maxLength of a text or binary column without a declared limit. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;
    /** Largest DECIMAL precision (128-bit unscaled values). */
    public static final int MAX_DECIMAL_PRECISION = 38;
    /** Largest DECIMAL precision stored as a 64-bit unscaled value. */
    public static final int MAX_DECIMAL64_PRECISION = 18;
    /** 10^0 .. 10^18: every power of ten a 64-bit unscaled DECIMAL value needs. */
    private static final long[] POWERS_OF_TEN = new long[MAX_DECIMAL64_PRECISION + 1];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /**
     * Physical kinds of column. The ordinal is the kind byte of a stored chunk and must never
     * change: new kinds are appended.
     */
    public enum Kind {
        INT32(4), INT64(8), DECIMAL64(8), DATE32(4), CHAR(-1), VARCHAR(-1),
        BOOLEAN(0), INT8(1), INT16(2), FLOAT32(4), FLOAT64(8), DECIMAL128(16), TIME64(8), TIMESTAMP(8),
        TIMESTAMP_TZ(8), VARBINARY(-1), UUID(16);

        private final int fixedWidth;

        Kind(int fixedWidth) {
            this.fixedWidth = fixedWidth;
        }

        /** Bytes per stored value for fixed-width kinds, 0 for BOOLEAN (one bit), -1 for variable width. */
        public int fixedWidth() {
            return fixedWidth;
        }

        /** CHAR and VARCHAR: UTF-8 text with lengths in characters. */
        public boolean isText() {
            return this == CHAR || this == VARCHAR;
        }

        /** CHAR, VARCHAR and VARBINARY: values are byte strings stored with 4-byte offsets. */
        public boolean isVariableWidth() {
            return fixedWidth < 0;
        }

        /** REAL and DOUBLE. */
        public boolean isFloatingPoint() {
            return this == FLOAT32 || this == FLOAT64;
        }

        /**
         * Bytes of the data buffer of a chunk of {@code rows} values of a fixed-width kind:
         * {@code rows * fixedWidth()}, or {@code ceil(rows / 8)} for BOOLEAN.
         *
         * @throws IllegalStateException for variable-width kinds
         */
        public long dataBytes(long rows) {
            if (fixedWidth < 0) {
                throw new IllegalStateException(this + " is variable width");
            }
            return fixedWidth == 0 ? (rows + 7) >>> 3 : rows * fixedWidth;
        }
    }

    public ColumnType {
        if (kind == null) {
            throw new IllegalArgumentException("kind is null");
        }
        if (kind == Kind.DECIMAL64 && (precision < 1 || precision > MAX_DECIMAL64_PRECISION || scale < 0 || scale > precision)) {
            throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale + ") needs 1 <= precision <= 18 and 0 <= scale <= precision");
        }
        if (kind == Kind.DECIMAL128 && (precision <= MAX_DECIMAL64_PRECISION || precision > MAX_DECIMAL_PRECISION || scale < 0
                || scale > precision)) {
            throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale
                    + ") as a 128-bit decimal needs 19 <= precision <= 38 and 0 <= scale <= precision");
        }
        if (kind.isVariableWidth() && maxLength < 1) {
            throw new IllegalArgumentException((kind == Kind.VARBINARY ? "binary" : "text") + " length must be >= 1: " + maxLength);
        }
    }

    private static ColumnType of(Kind kind) {
        return new ColumnType(kind, 0, 0, 0);
    }

    /**
     * 10 to the power {@code exponent}: the scale factor of a DECIMAL(p, s) with {@code s =
     * exponent}, and the exclusive bound of its unscaled value with {@code p = exponent}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= exponent <= 18} ({@link #MAX_DECIMAL64_PRECISION})
     */
    public static long powerOfTen(int exponent) {
        if (exponent < 0 || exponent > MAX_DECIMAL64_PRECISION) {
            throw new IllegalArgumentException("powers of ten of a 64-bit decimal are 10^0..10^18, not 10^" + exponent);
        }
        return POWERS_OF_TEN[exponent];
    }

    /** BOOLEAN. */
    public static ColumnType bool() {
        return of(Kind.BOOLEAN);
    }

    /** TINYINT. */
    public static ColumnType int8() {
        return of(Kind.INT8);
    }

    /** SMALLINT. */
    public static ColumnType int16() {
        return of(Kind.INT16);
    }

    /** INTEGER. */
    public static ColumnType int32() {
        return of(Kind.INT32);
    }

    /** BIGINT. */
    public static ColumnType int64() {
        return of(Kind.INT64);
    }

    /** REAL (IEEE 754 single precision). */
    public static ColumnType float32() {
        return of(Kind.FLOAT32);
    }

    /** DOUBLE (IEEE 754 double precision). */
    public static ColumnType float64() {
        return of(Kind.FLOAT64);
    }

    /**
     * DECIMAL(precision, scale): a 64-bit unscaled value when {@code precision <= 18}, 128-bit
     * otherwise.
     *
     * @throws IllegalArgumentException unless {@code 1 <= precision <= 38} and {@code 0 <= scale <= precision}
     */
    public static ColumnType decimal(int precision, int scale) {
        if (precision > MAX_DECIMAL64_PRECISION && precision <= MAX_DECIMAL_PRECISION) {
            return new ColumnType(Kind.DECIMAL128, precision, scale, 0);
        }
        if (precision > MAX_DECIMAL_PRECISION) {
            throw new IllegalArgumentException("DECIMAL(" + precision + "," + scale + ") needs 1 <= precision <= 38 and 0 <= scale <= precision");
        }
        return new ColumnType(Kind.DECIMAL64, precision, scale, 0);
    }

    /** DATE. */
    public static ColumnType date() {
        return of(Kind.DATE32);
    }

    /** TIME (microseconds since midnight). */
    public static ColumnType time() {
        return of(Kind.TIME64);
    }

    /** TIMESTAMP (without time zone; microseconds). */
    public static ColumnType timestamp() {
        return of(Kind.TIMESTAMP);
    }

    /** TIMESTAMP WITH TIME ZONE (UTC microseconds). */
    public static ColumnType timestampTz() {
        return of(Kind.TIMESTAMP_TZ);
    }

    /** CHAR(length), length in characters. */
    public static ColumnType charOf(int length) {
        return new ColumnType(Kind.CHAR, 0, 0, length);
    }

    /** VARCHAR(maxLength), maxLength in characters ({@link #UNBOUNDED} for VARCHAR). */
    public static ColumnType varchar(int maxLength) {
        return new ColumnType(Kind.VARCHAR, 0, 0, maxLength);
    }

    /** Unbounded VARCHAR. */
    public static ColumnType varchar() {
        return varchar(UNBOUNDED);
    }

    /** VARBINARY(maxLength), maxLength in bytes ({@link #UNBOUNDED} for VARBINARY). */
    public static ColumnType varbinary(int maxLength) {
        return new ColumnType(Kind.VARBINARY, 0, 0, maxLength);
    }

    /** Unbounded VARBINARY. */
    public static ColumnType varbinary() {
        return varbinary(UNBOUNDED);
    }

    /** UUID. */
    public static ColumnType uuid() {
        return of(Kind.UUID);
    }

    /** Either DECIMAL kind. */
    public boolean isDecimal() {
        return kind == Kind.DECIMAL64 || kind == Kind.DECIMAL128;
    }

    /** Bytes per value in a stored chunk for fixed-width kinds, 0 for BOOLEAN (one bit), -1 for variable width. */
    public int storedWidth() {
        return kind.fixedWidth();
    }

    /** The Arrow type of vectors holding this column. */
    public ArrowType arrowType() {
        switch (kind) {
            case BOOLEAN: return ArrowType.Bool.INSTANCE;
            case INT8: return new ArrowType.Int(8, true);
            case INT16: return new ArrowType.Int(16, true);
            case INT32: return new ArrowType.Int(32, true);
            case INT64: return new ArrowType.Int(64, true);
            case FLOAT32: return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT64: return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL64:
            case DECIMAL128: return new ArrowType.Decimal(precision, scale, 128);
            case DATE32: return new ArrowType.Date(DateUnit.DAY);
            case TIME64: return new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case TIMESTAMP: return new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case TIMESTAMP_TZ: return new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case VARBINARY: return ArrowType.Binary.INSTANCE;
            case UUID: return new ArrowType.FixedSizeBinary(16);
            default: return ArrowType.Utf8.INSTANCE;
        }
    }

    /** Arrow field type: with the length metadata for CHAR/VARCHAR/VARBINARY, the extension metadata for UUID. */
    public FieldType fieldType(boolean nullable) {
        Map<String, String> meta = null;
        if (kind.isVariableWidth()) {
            meta = new HashMap<>();
            meta.put(META_TYPE, kind == Kind.CHAR ? "char" : kind == Kind.VARCHAR ? "varchar" : "varbinary");
            meta.put(META_LENGTH, Integer.toString(maxLength));
        } else if (kind == Kind.UUID) {
            meta = new HashMap<>();
            meta.put(ARROW_EXTENSION_NAME, UUID_EXTENSION);
            meta.put(ARROW_EXTENSION_METADATA, "");
        }
        return new FieldType(nullable, arrowType(), null, meta);
    }

    /**
     * The column type of an Arrow field type. Timestamps with any time zone are instants in
     * Arrow and become TIMESTAMP WITH TIME ZONE (stored as UTC; scanned back with zone "UTC").
     *
     * @param metadata the field's metadata (may be null)
     * @throws IllegalArgumentException for Arrow types Ingot does not store (unsigned integers,
     *                                  half floats, time/timestamp units other than microseconds,
     *                                  millisecond dates, large or view types, nested types,
     *                                  decimals above precision 38, fixed-size binary that is not
     *                                  a UUID)
     */
    public static ColumnType fromArrow(ArrowType type, Map<String, String> metadata) {
        if (type instanceof ArrowType.Int t) {
            if (t.getIsSigned()) {
                switch (t.getBitWidth()) {
                    case 8: return int8();
                    case 16: return int16();
                    case 32: return int32();
                    case 64: return int64();
                    default: break;
                }
            }
        } else if (type instanceof ArrowType.Bool) {
            return bool();
        } else if (type instanceof ArrowType.FloatingPoint f) {
            if (f.getPrecision() == FloatingPointPrecision.SINGLE) {
                return float32();
            }
            if (f.getPrecision() == FloatingPointPrecision.DOUBLE) {
                return float64();
            }
        } else if (type instanceof ArrowType.Decimal d) {
            if (d.getBitWidth() == 128 && d.getPrecision() <= MAX_DECIMAL_PRECISION) {
                return decimal(d.getPrecision(), d.getScale());
            }
        } else if (type instanceof ArrowType.Date && ((ArrowType.Date) type).getUnit() == DateUnit.DAY) {
            return date();
        } else if (type instanceof ArrowType.Time t) {
            if (t.getUnit() == TimeUnit.MICROSECOND && t.getBitWidth() == 64) {
                return time();
            }
        } else if (type instanceof ArrowType.Timestamp t) {
            if (t.getUnit() == TimeUnit.MICROSECOND) {
                return t.getTimezone() == null ? timestamp() : timestampTz();
            }
        } else if (type instanceof ArrowType.Utf8) {
            String sqlType = metadata == null ? null : metadata.get(META_TYPE);
            return "char".equals(sqlType) ? charOf(declaredLength(metadata)) : varchar(declaredLength(metadata));
        } else if (type instanceof ArrowType.Binary) {
            return varbinary(declaredLength(metadata));
        } else if (type instanceof ArrowType.FixedSizeBinary b) {
            if (b.getByteWidth() == 16 && metadata != null && UUID_EXTENSION.equals(metadata.get(ARROW_EXTENSION_NAME))) {
                return uuid();
            }
            throw new IllegalArgumentException("unsupported Arrow type for an Ingot column: " + type
                    + " (a UUID column is FixedSizeBinary(16) with field metadata " + ARROW_EXTENSION_NAME + "=" + UUID_EXTENSION + ")");
        }
        throw new IllegalArgumentException("unsupported Arrow type for an Ingot column: " + type);
    }

    private static int declaredLength(Map<String, String> metadata) {
        String len = metadata == null ? null : metadata.get(META_LENGTH);
        if (len == null) {
            return UNBOUNDED;
        }
        try {
            return Integer.parseInt(len);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("field metadata " + META_LENGTH + "=\"" + len + "\" is not a length", e);
        }
    }

    /**
     * Whether a column of this type may be part of a PRIMARY KEY, UNIQUE or FOREIGN KEY: every
     * type but REAL and DOUBLE. Floating-point equality is not an identity (-0.0 = 0.0 while
     * their bits differ; NaN is not equal to itself), so a key set of raw bits would accept
     * "duplicates" SQL calls equal; exact numbers belong in DECIMAL.
     */
    public boolean canBeKey() {
        return !kind.isFloatingPoint();
    }

    /**
     * Whether a FOREIGN KEY column of type {@code child} may reference a PRIMARY KEY / UNIQUE
     * column of type {@code parent}. Accepted pairs, each compared exactly by value:
     * <ul>
     *   <li>the same kind (DECIMAL: the same scale; CHAR/VARCHAR/VARBINARY: any lengths);</li>
     *   <li>integers of any widths among TINYINT, SMALLINT, INTEGER, BIGINT, and an integer with
     *       a 64-bit DECIMAL(p, 0) (both are the same 64-bit integer);</li>
     *   <li>DECIMAL(p1, s) with DECIMAL(p2, s) when both precisions are {@code <= 18} or both
     *       {@code > 18} (values compared as the same unscaled integer);</li>
     *   <li>CHAR with VARCHAR (compared as UTF-8 bytes; Ingot does not blank-pad CHAR).</li>
     * </ul>
     * Everything else is refused: REAL/DOUBLE (no keys at all), BOOLEAN with integers, DATE with
     * TIMESTAMP, TIMESTAMP with TIMESTAMP WITH TIME ZONE (a local date-time is not an instant),
     * text with VARBINARY, UUID with anything but UUID.
     *
     * <p>The constraint validator and the key sets rely on this rule: accepted pairs encode equal
     * values to equal key bytes.
     */
    public static boolean canReference(ColumnType child, ColumnType parent) {
        if (!child.canBeKey() || !parent.canBeKey()) {
            return false;
        }
        Kind c = child.kind;
        Kind p = parent.kind;
        if (c.isText() && p.isText()) {
            return true;
        }
        boolean childInt = isInteger(child);
        boolean parentInt = isInteger(parent);
        if (childInt || parentInt) {
            return childInt && parentInt;
        }
        if (c == Kind.DECIMAL64 && p == Kind.DECIMAL64 || c == Kind.DECIMAL128 && p == Kind.DECIMAL128) {
            return child.scale == parent.scale;
        }
        return c == p;
    }

    /** TINYINT..BIGINT, or a 64-bit DECIMAL with scale 0 (compared as the same 64-bit integer). */
    private static boolean isInteger(ColumnType t) {
        switch (t.kind) {
            case INT8:
            case INT16:
            case INT32:
            case INT64: return true;
            case DECIMAL64: return t.scale == 0;
            default: return false;
        }
    }

    /** SQL spelling, e.g. {@code DECIMAL(15,2)}, {@code VARCHAR(44)} or {@code TIMESTAMP WITH TIME ZONE}. */
    public String sqlName() {
        switch (kind) {
            case BOOLEAN: return "BOOLEAN";
            case INT8: return "TINYINT";
            case INT16: return "SMALLINT";
            case INT32: return "INTEGER";
            case INT64: return "BIGINT";
            case FLOAT32: return "REAL";
            case FLOAT64: return "DOUBLE";
            case DECIMAL64:
            case DECIMAL128: return "DECIMAL(" + precision + "," + scale + ")";
            case DATE32: return "DATE";
            case TIME64: return "TIME";
            case TIMESTAMP: return "TIMESTAMP";
            case TIMESTAMP_TZ: return "TIMESTAMP WITH TIME ZONE";
            case CHAR: return "CHAR(" + maxLength + ")";
            case VARBINARY: return maxLength == UNBOUNDED ? "VARBINARY" : "VARBINARY(" + maxLength + ")";
            case UUID: return "UUID";
            default: return maxLength == UNBOUNDED ? "VARCHAR" : "VARCHAR(" + maxLength + ")";
        }
    }

    @Override
    public String toString() {
        return sqlName();
    }
}
