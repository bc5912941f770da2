package dev.ingot.sql;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
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
import org.apache.calcite.avatica.util.ByteString;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * How Ingot column types appear in SQL, and how a stored value becomes the Java value Calcite's
 * executor expects for that SQL type (Calcite's "internal representation", as its Enumerable
 * code generation reads it).
 *
 * <table>
 *   <caption>Ingot type, SQL type, internal value</caption>
 *   <tr><th>Ingot</th><th>SQL (Calcite)</th><th>value</th></tr>
 *   <tr><td>BOOLEAN</td><td>BOOLEAN</td><td>Boolean</td></tr>
 *   <tr><td>TINYINT, SMALLINT, INTEGER, BIGINT</td><td>the same</td><td>Byte, Short, Integer, Long</td></tr>
 *   <tr><td>REAL, DOUBLE</td><td>REAL, DOUBLE</td><td>Float, Double</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>DECIMAL(p,s) (p up to 38 with {@link IngotTypeSystem})</td><td>BigDecimal</td></tr>
 *   <tr><td>DATE</td><td>DATE</td><td>Integer, days since 1970-01-01</td></tr>
 *   <tr><td>TIME</td><td>TIME(3)</td><td>Integer, milliseconds since midnight</td></tr>
 *   <tr><td>TIMESTAMP</td><td>TIMESTAMP(3)</td><td>Long, milliseconds since 1970-01-01T00:00</td></tr>
 *   <tr><td>TIMESTAMP WITH TIME ZONE</td><td>TIMESTAMP(3) WITH LOCAL TIME ZONE (Calcite's instant type)</td>
 *       <td>Long, milliseconds since 1970-01-01T00:00Z</td></tr>
 *   <tr><td>CHAR(n), VARCHAR(n)</td><td>VARCHAR(n)</td><td>String</td></tr>
 *   <tr><td>VARBINARY(n)</td><td>VARBINARY(n)</td><td>ByteString</td></tr>
 *   <tr><td>UUID</td><td>UUID</td><td>java.util.UUID</td></tr>
 * </table>
 *
 * <p>Two deliberate differences: Calcite's executor keeps TIME and TIMESTAMP in milliseconds,
 * so the microseconds Ingot stores are truncated toward the past (floor) when read through SQL;
 * and CHAR(n) reads as VARCHAR(n), because Ingot stores CHAR values as given (not blank-padded)
 * while SQL's CHAR comparison and output semantics pad them.
 *
 * <p>Stateless and thread-safe.
 */
public final class SqlTypes {
    private static final long MICROS_PER_MILLI = 1000;

    private SqlTypes() {}

    /** The SQL type of a column, nullable as the column is. */
    public static RelDataType sqlType(RelDataTypeFactory f, ColumnDef column) {
        ColumnType t = column.type();
        RelDataTypeSystem ts = f.getTypeSystem();
        RelDataType type;
        switch (t.kind()) {
            case BOOLEAN: type = f.createSqlType(SqlTypeName.BOOLEAN); break;
            case INT8: type = f.createSqlType(SqlTypeName.TINYINT); break;
            case INT16: type = f.createSqlType(SqlTypeName.SMALLINT); break;
            case INT32: type = f.createSqlType(SqlTypeName.INTEGER); break;
            case INT64: type = f.createSqlType(SqlTypeName.BIGINT); break;
            case FLOAT32: type = f.createSqlType(SqlTypeName.REAL); break;
            case FLOAT64: type = f.createSqlType(SqlTypeName.DOUBLE); break;
            case DECIMAL64:
            case DECIMAL128: type = f.createSqlType(SqlTypeName.DECIMAL, t.precision(), t.scale()); break;
            case DATE32: type = f.createSqlType(SqlTypeName.DATE); break;
            case TIME64: type = f.createSqlType(SqlTypeName.TIME, Math.min(3, ts.getMaxPrecision(SqlTypeName.TIME))); break;
            case TIMESTAMP: type = f.createSqlType(SqlTypeName.TIMESTAMP, Math.min(3, ts.getMaxPrecision(SqlTypeName.TIMESTAMP))); break;
            case TIMESTAMP_TZ: type = f.createSqlType(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE,
                    Math.min(3, ts.getMaxPrecision(SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE))); break;
            case VARBINARY: type = sized(f, SqlTypeName.VARBINARY, t.maxLength()); break;
            case UUID: type = f.createSqlType(SqlTypeName.UUID); break;
            case CHAR:
            case VARCHAR: type = sized(f, SqlTypeName.VARCHAR, t.maxLength()); break;
            default: throw new IllegalArgumentException("no SQL type for column " + column.name() + " of type " + t);
        }
        return f.createTypeWithNullability(type, column.nullable());
    }

    private static RelDataType sized(RelDataTypeFactory f, SqlTypeName name, int maxLength) {
        return maxLength == ColumnType.UNBOUNDED ? f.createSqlType(name) : f.createSqlType(name, maxLength);
    }

    /**
     * A reader of one column's values in Calcite's internal representation (see the class
     * table): {@code read(row)} is the value of row {@code row}, or null for NULL.
     */
    @FunctionalInterface
    interface ValueReader {
        Object read(int row);
    }

    /** The reader of {@code vector}, a column of type {@code type}, valid while the vector is. */
    static ValueReader reader(ColumnType type, FieldVector vector) {
        switch (type.kind()) {
            case BOOLEAN: { BitVector v = (BitVector) vector; return r -> v.isNull(r) ? null : v.get(r) != 0; }
            case INT8: { TinyIntVector v = (TinyIntVector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case INT16: { SmallIntVector v = (SmallIntVector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case INT32: { IntVector v = (IntVector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case INT64: { BigIntVector v = (BigIntVector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case FLOAT32: { Float4Vector v = (Float4Vector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case FLOAT64: { Float8Vector v = (Float8Vector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case DECIMAL64: {
                // a 64-bit decimal widened to Arrow's 16-byte little-endian decimal: the low 8 bytes are the value
                DecimalVector v = (DecimalVector) vector;
                int scale = type.scale();
                return r -> v.isNull(r) ? null : BigDecimal.valueOf(v.getDataBuffer().getLong((long) r * DecimalVector.TYPE_WIDTH), scale);
            }
            case DECIMAL128: { DecimalVector v = (DecimalVector) vector; return r -> v.isNull(r) ? null : v.getObject(r); }
            case DATE32: { DateDayVector v = (DateDayVector) vector; return r -> v.isNull(r) ? null : v.get(r); }
            case TIME64: {
                TimeMicroVector v = (TimeMicroVector) vector;
                return r -> v.isNull(r) ? null : (int) Math.floorDiv(v.get(r), MICROS_PER_MILLI);
            }
            case TIMESTAMP:
            case TIMESTAMP_TZ: {
                TimeStampVector v = (TimeStampVector) vector;
                return r -> v.isNull(r) ? null : Math.floorDiv(v.get(r), MICROS_PER_MILLI);
            }
            case VARBINARY: { VarBinaryVector v = (VarBinaryVector) vector; return r -> v.isNull(r) ? null : new ByteString(v.get(r)); }
            case UUID: {
                FixedSizeBinaryVector v = (FixedSizeBinaryVector) vector;
                return r -> {
                    if (v.isNull(r)) {
                        return null;
                    }
                    ByteBuffer b = ByteBuffer.wrap(v.get(r));
                    return new UUID(b.getLong(), b.getLong());
                };
            }
            case CHAR:
            case VARCHAR: {
                VarCharVector v = (VarCharVector) vector;
                return r -> v.isNull(r) ? null : new String(v.get(r), StandardCharsets.UTF_8);
            }
            default: throw new IllegalArgumentException("no SQL value reader for " + type);
        }
    }
}
