package dev.ingot.spark;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The mapping between Ingot column types and Spark SQL types, both ways.
 *
 * <table>
 *   <caption>type mapping</caption>
 *   <tr><th>Ingot</th><th>Spark</th></tr>
 *   <tr><td>BOOLEAN</td><td>BooleanType</td></tr>
 *   <tr><td>TINYINT, SMALLINT, INTEGER, BIGINT</td><td>ByteType, ShortType, IntegerType, LongType</td></tr>
 *   <tr><td>REAL, DOUBLE</td><td>FloatType, DoubleType</td></tr>
 *   <tr><td>DECIMAL(p,s)</td><td>DecimalType(p,s)</td></tr>
 *   <tr><td>DATE</td><td>DateType</td></tr>
 *   <tr><td>TIMESTAMP</td><td>TimestampNTZType (local date-time)</td></tr>
 *   <tr><td>TIMESTAMP WITH TIME ZONE</td><td>TimestampType (an instant)</td></tr>
 *   <tr><td>CHAR(n), VARCHAR(n), VARCHAR</td><td>StringType (Ingot checks the length on write)</td></tr>
 *   <tr><td>VARBINARY</td><td>BinaryType</td></tr>
 * </table>
 *
 * TIME and UUID have no Spark type that Spark's {@code ArrowColumnVector} reads, and are refused
 * (naming table and column). A Spark type outside the table (maps, arrays, structs, intervals) is
 * refused when a table is derived from a DataFrame.
 *
 * <p>Thread-safety: stateless; all methods are static and thread-safe.
 */
public final class SparkTypes {
    private SparkTypes() {
    }

    /**
     * The Spark type of an Ingot column.
     *
     * @throws IllegalArgumentException naming table and column for TIME and UUID columns
     */
    public static DataType sparkType(String table, ColumnDef column) {
        ColumnType t = column.type();
        return switch (t.kind()) {
            case BOOLEAN -> DataTypes.BooleanType;
            case INT8 -> DataTypes.ByteType;
            case INT16 -> DataTypes.ShortType;
            case INT32 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            case FLOAT32 -> DataTypes.FloatType;
            case FLOAT64 -> DataTypes.DoubleType;
            case DECIMAL64, DECIMAL128 -> DataTypes.createDecimalType(t.precision(), t.scale());
            case DATE32 -> DataTypes.DateType;
            case TIMESTAMP -> DataTypes.TimestampNTZType;
            case TIMESTAMP_TZ -> DataTypes.TimestampType;
            case CHAR, VARCHAR -> DataTypes.StringType;
            case VARBINARY -> DataTypes.BinaryType;
            case TIME64, UUID -> throw new IllegalArgumentException("column " + table + "." + column.name() + " of type "
                    + t.sqlName() + " has no Spark type the Ingot data source reads (TIME and UUID are not supported)");
        };
    }

    /** The Spark schema of {@code columns} of table {@code table}, in the given order. */
    public static StructType schema(String table, List<ColumnDef> columns) {
        StructField[] fields = new StructField[columns.size()];
        for (int i = 0; i < fields.length; i++) {
            ColumnDef c = columns.get(i);
            fields[i] = new StructField(c.name(), sparkType(table, c), c.nullable(), Metadata.empty());
        }
        return new StructType(fields);
    }

    /**
     * The Ingot type a Spark type is stored as (strings as unbounded VARCHAR, binary as unbounded
     * VARBINARY).
     *
     * @throws IllegalArgumentException naming the column for a type Ingot does not store
     */
    public static ColumnType ingotType(String table, StructField field) {
        DataType t = field.dataType();
        if (t instanceof BooleanType) {
            return ColumnType.bool();
        } else if (t instanceof ByteType) {
            return ColumnType.int8();
        } else if (t instanceof ShortType) {
            return ColumnType.int16();
        } else if (t instanceof IntegerType) {
            return ColumnType.int32();
        } else if (t instanceof LongType) {
            return ColumnType.int64();
        } else if (t instanceof FloatType) {
            return ColumnType.float32();
        } else if (t instanceof DoubleType) {
            return ColumnType.float64();
        } else if (t instanceof DecimalType d) {
            return ColumnType.decimal(d.precision(), d.scale());
        } else if (t instanceof DateType) {
            return ColumnType.date();
        } else if (t instanceof TimestampNTZType) {
            return ColumnType.timestamp();
        } else if (t instanceof TimestampType) {
            return ColumnType.timestampTz();
        } else if (t instanceof StringType) {
            return ColumnType.varchar();
        } else if (t instanceof BinaryType) {
            return ColumnType.varbinary();
        }
        throw new IllegalArgumentException("column " + table + "." + field.name() + " has Spark type " + t.simpleString()
                + ", which Ingot does not store (supported: boolean, tinyint, smallint, int, bigint, float, double, decimal,"
                + " date, timestamp, timestamp_ntz, string, binary)");
    }

    /**
     * A table definition from a DataFrame's schema: columns in schema order, NOT NULL where Spark
     * says the field is not nullable or it is a PRIMARY KEY column, and a PRIMARY KEY named
     * {@code <table>_pk} over {@code primaryKey} when that is not empty.
     *
     * @throws IllegalArgumentException for an unsupported type or a key column the schema lacks
     */
    public static TableDef tableDef(String table, StructType schema, List<String> primaryKey) {
        List<ColumnDef> columns = new ArrayList<>();
        for (StructField f : schema.fields()) {
            boolean nullable = f.nullable() && !primaryKey.contains(f.name());
            columns.add(new ColumnDef(f.name(), ingotType(table, f), nullable));
        }
        List<ConstraintSpec> constraints = primaryKey.isEmpty() ? List.of()
                : List.of(ConstraintSpec.primaryKey(table + "_pk", primaryKey.toArray(String[]::new)));
        return new TableDef(table, columns, constraints);
    }
}
