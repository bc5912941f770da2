package dev.ingot.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Not;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Spark V2 filters translated into Ingot predicates: the exact predicate, or none when it cannot be translated. */
class SparkPredicatesTest {
    private static final TableDef DEF = new TableDef("t", List.of(ColumnDef.notNull("k", ColumnType.int64()),
            ColumnDef.nullable("price", ColumnType.decimal(12, 2)), ColumnDef.nullable("day", ColumnType.date()),
            ColumnDef.nullable("at", ColumnType.timestamp()), ColumnDef.nullable("instant", ColumnType.timestampTz()),
            ColumnDef.nullable("name", ColumnType.varchar()), ColumnDef.nullable("x", ColumnType.float64()),
            ColumnDef.nullable("flag", ColumnType.bool())), List.of());

    private static Expression col(String name) {
        return Expressions.column(name);
    }

    private static Expression lit(Object value, DataType type) {
        return new LiteralValue<>(value, type);
    }

    private static Predicate p(String name, Expression... children) {
        return new Predicate(name, children);
    }

    private static String translated(Predicate p) {
        return SparkPredicates.translate(p, DEF).map(Object::toString).orElse("<none>");
    }

    @Test
    void comparisonsOfAColumnWithALiteralOnEitherSide() {
        assertEquals("k < 1000", translated(p("<", col("k"), lit(1000L, DataTypes.LongType))));
        assertEquals("k > 1000", translated(p("<", lit(1000L, DataTypes.LongType), col("k"))));
        assertEquals("k <= 5", translated(p(">=", lit(5, DataTypes.IntegerType), col("k"))));
        assertEquals("k <> 7", translated(p("<>", col("k"), lit(7L, DataTypes.LongType))));
        assertEquals("price >= 0.05", translated(p(">=", col("price"), lit(Decimal.apply(new BigDecimal("0.05")), DataTypes.createDecimalType(3, 2)))));
        assertEquals("day = 1994-01-01", translated(p("=", col("day"), lit(8766, DataTypes.DateType))));
        assertEquals("at > 1970-01-01T00:00:01.000002", translated(p(">", col("at"), lit(1_000_002L, DataTypes.TimestampNTZType))));
        assertEquals("at < 1969-12-31T23:59:59.999999", translated(p("<", col("at"), lit(-1L, DataTypes.TimestampNTZType))));
        assertEquals("instant >= 1970-01-01T00:00:02.000003Z", translated(p(">=", col("instant"), lit(2_000_003L, DataTypes.TimestampType))));
        assertEquals("name = 'MAIL'", translated(p("=", col("name"), lit(UTF8String.fromString("MAIL"), DataTypes.StringType))));
        assertEquals("x < 2.5", translated(p("<", col("x"), lit(2.5, DataTypes.DoubleType))));
        assertEquals("flag = true", translated(p("=", col("flag"), lit(true, DataTypes.BooleanType))));
    }

    @Test
    void inNullTestsAndJunctions() {
        assertEquals("name IN ('AIR', 'MAIL')", translated(p("IN", col("name"), lit(UTF8String.fromString("AIR"), DataTypes.StringType),
                lit(UTF8String.fromString("MAIL"), DataTypes.StringType))));
        assertEquals("price IS NULL", translated(p("IS_NULL", col("price"))));
        assertEquals("price IS NOT NULL", translated(p("IS_NOT_NULL", col("price"))));
        Predicate lo = p(">=", col("k"), lit(10L, DataTypes.LongType));
        Predicate hi = p("<", col("k"), lit(20L, DataTypes.LongType));
        assertEquals("(k >= 10 AND k < 20)", translated(new And(lo, hi)));
        assertEquals("(k >= 10 OR k < 20)", translated(new Or(lo, hi)));
        assertEquals("NOT k >= 10", translated(new Not(lo)));
    }

    @Test
    void whatCannotBeTranslatedIsNotPushed() {
        Predicate known = p("=", col("k"), lit(1L, DataTypes.LongType));
        Predicate unknown = p("STARTS_WITH", col("name"), lit(UTF8String.fromString("A"), DataTypes.StringType));
        assertEquals(Optional.empty(), SparkPredicates.translate(unknown, DEF));
        assertEquals("<none>", translated(new And(known, unknown)));
        assertEquals("<none>", translated(new Or(unknown, known)));
        assertEquals("<none>", translated(new Not(unknown)));
        // null-safe equality, a NULL literal, an unknown column, a literal of another kind, NaN for an exact column
        assertEquals("<none>", translated(p("<=>", col("k"), lit(1L, DataTypes.LongType))));
        assertEquals("<none>", translated(p("=", col("k"), lit(null, DataTypes.LongType))));
        assertEquals("<none>", translated(p("=", col("nope"), lit(1L, DataTypes.LongType))));
        assertEquals("<none>", translated(p("=", col("k"), lit(UTF8String.fromString("1"), DataTypes.StringType))));
        assertEquals("<none>", translated(p("=", col("day"), lit(1L, DataTypes.LongType))));
        assertEquals("<none>", translated(p("<", col("k"), lit(Double.NaN, DataTypes.DoubleType))));
        assertEquals("<none>", translated(p("IN", col("k"), lit(1L, DataTypes.LongType), lit(null, DataTypes.LongType))));
        assertEquals("<none>", translated(p("<", col("k"), col("k"))));
    }

    @Test
    void theConjunctionOfThePushedFiltersIsBoundToTheTable() {
        assertEquals(Optional.empty(), SparkPredicates.bind(List.of(), DEF));
        assertArrayEquals(new int[] {0, 1}, SparkPredicates.bind(List.of(dev.ingot.columnstore.scan.Predicate.eq("k", 1L),
                dev.ingot.columnstore.scan.Predicate.isNull("price")), DEF).orElseThrow().columns());
    }
}
