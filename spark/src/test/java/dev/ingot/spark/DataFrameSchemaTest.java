package dev.ingot.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Tables derived from a DataFrame's schema (Spark types to Ingot types), written and read back value for value. */
class DataFrameSchemaTest {
    private static final StructType SCHEMA = new StructType(new StructField[] {
            new StructField("id", DataTypes.LongType, false, Metadata.empty()),
            new StructField("flag", DataTypes.BooleanType, true, Metadata.empty()),
            new StructField("small", DataTypes.ShortType, true, Metadata.empty()),
            new StructField("n", DataTypes.IntegerType, true, Metadata.empty()),
            new StructField("price", DataTypes.createDecimalType(12, 2), true, Metadata.empty()),
            new StructField("big", DataTypes.createDecimalType(30, 4), true, Metadata.empty()),
            new StructField("x", DataTypes.DoubleType, true, Metadata.empty()),
            new StructField("day", DataTypes.DateType, true, Metadata.empty()),
            new StructField("at", DataTypes.TimestampNTZType, true, Metadata.empty()),
            new StructField("instant", DataTypes.TimestampType, true, Metadata.empty()),
            new StructField("name", DataTypes.StringType, true, Metadata.empty()),
            new StructField("raw", DataTypes.BinaryType, true, Metadata.empty())});

    @Test
    void typesRoundTripAndTheTableComesFromTheDataFrame() throws Exception {
        List<Row> rows = List.of(
                RowFactory.create(1L, true, (short) 2, 3, new BigDecimal("12.34"), new BigDecimal("123456789012345678901234.5678"), 1.5,
                        Date.valueOf("2024-02-29"), LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6000), Timestamp.valueOf("2020-01-01 00:00:00"),
                        "héllo", new byte[] {1, 2, 3}),
                RowFactory.create(2L, null, null, null, null, null, null, null, null, null, null, null),
                RowFactory.create(3L, false, (short) -2, -3, new BigDecimal("-0.01"), new BigDecimal("-1.0000"), -0.0,
                        Date.valueOf("1969-12-31"), LocalDateTime.of(1900, 1, 1, 0, 0), Timestamp.valueOf("1999-12-31 23:59:59.999999"),
                        "", new byte[0]));
        Dataset<Row> df = SparkFixture.spark().createDataFrame(rows, SCHEMA).repartition(2);
        Path ds = SparkFixture.tempDir().resolve("types");
        df.write().format("ingot").option("table", "things").option("primaryKey", "id").option("shards", "2").mode("append").save(ds.toString());

        TableDef def = IngotDataSet.open(ds).orElseThrow().table("things").orElseThrow();
        assertEquals(new TableDef("things", List.of(ColumnDef.notNull("id", ColumnType.int64()),
                ColumnDef.nullable("flag", ColumnType.bool()), ColumnDef.nullable("small", ColumnType.int16()),
                ColumnDef.nullable("n", ColumnType.int32()), ColumnDef.nullable("price", ColumnType.decimal(12, 2)),
                ColumnDef.nullable("big", ColumnType.decimal(30, 4)), ColumnDef.nullable("x", ColumnType.float64()),
                ColumnDef.nullable("day", ColumnType.date()), ColumnDef.nullable("at", ColumnType.timestamp()),
                ColumnDef.nullable("instant", ColumnType.timestampTz()), ColumnDef.nullable("name", ColumnType.varchar()),
                ColumnDef.nullable("raw", ColumnType.varbinary())), List.of(ConstraintSpec.primaryKey("things_pk", "id"))), def);

        List<Row> back = SparkFixture.read(ds, "things").orderBy("id").collectAsList();
        assertEquals(SCHEMA, SparkFixture.read(ds, "things").schema());
        assertEquals(3, back.size());
        for (int i = 0; i < 3; i++) {
            Row e = rows.get(i);
            Row a = back.get(i);
            for (int c = 0; c < SCHEMA.size(); c++) {
                Object ev = e.get(c);
                Object av = a.get(c);
                if (ev instanceof byte[] eb) {
                    assertEquals(java.util.Arrays.toString(eb), java.util.Arrays.toString((byte[]) av), SCHEMA.fields()[c].name());
                } else if (ev instanceof BigDecimal eb) {
                    assertEquals(0, eb.compareTo((BigDecimal) av), SCHEMA.fields()[c].name());
                } else {
                    assertEquals(ev, av, "row " + i + " column " + SCHEMA.fields()[c].name());
                }
            }
        }
    }

    @Test
    void unsupportedTypesAndBadOptionsAreRefusedByName() throws Exception {
        Path ds = SparkFixture.tempDir().resolve("refused");
        Dataset<Row> arrays = SparkFixture.spark().sql("select 1L as id, array(1, 2) as a");
        Exception e = assertThrows(Exception.class, () -> arrays.write().format("ingot").option("table", "t").option("primaryKey", "id")
                .mode("append").save(ds.toString()));
        assertEquals("column t.a has Spark type array<int>, which Ingot does not store (supported: boolean, tinyint, smallint, int,"
                + " bigint, float, double, decimal, date, timestamp, timestamp_ntz, string, binary)",
                SparkFixture.find(e, IllegalArgumentException.class).getMessage());
        Dataset<Row> keyed = SparkFixture.spark().sql("select 1L as a, 2L as b");
        Exception e2 = assertThrows(Exception.class, () -> keyed.write().format("ingot").option("table", "t").option("primaryKey", "a")
                .option("clusterBy", "b").mode("append").save(ds.toString()));
        assertEquals("PRIMARY KEY t_pk (a) of table t does not include every clustering column [b]: equal keys could land in"
                + " different shards; cluster by the key's columns or a subset of them", SparkFixture.find(e2, IllegalArgumentException.class).getMessage());
        Dataset<Row> child = SparkFixture.spark().sql("select 1L as a, 2L as b");
        Exception e3 = assertThrows(Exception.class, () -> child.write().format("ingot").option("table", "c")
                .option("ddl", "CREATE TABLE c (a BIGINT NOT NULL PRIMARY KEY, b BIGINT REFERENCES p (k))").mode("append").save(ds.toString()));
        assertEquals("FOREIGN KEY c_b_fkey of table c references table p, which data set " + ds + " does not hold; write p first",
                SparkFixture.find(e3, IllegalArgumentException.class).getMessage());
        Path single = SparkFixture.tempDir().resolve("one-store");
        try (dev.ingot.Ingot db = dev.ingot.Ingot.open(single, dev.ingot.IngotOptions.defaults().createIfMissing())) {
            db.createTables("CREATE TABLE t (a BIGINT NOT NULL PRIMARY KEY)");
        }
        Dataset<Row> one = SparkFixture.spark().sql("select 1L as a");
        Exception e4 = assertThrows(Exception.class, () -> one.write().format("ingot").option("table", "t").mode("append").save(single.toString()));
        assertEquals(single + " is a single Ingot store; Spark writes sharded data sets (a directory without store.ingot)",
                SparkFixture.find(e4, IllegalArgumentException.class).getMessage());
    }
}
