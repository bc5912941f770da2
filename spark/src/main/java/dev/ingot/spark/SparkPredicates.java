package dev.ingot.spark;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.scan.BoundPredicate;
import dev.ingot.columnstore.scan.Predicate;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Translates Spark's DataSource V2 filters ({@link org.apache.spark.sql.connector.expressions.filter.Predicate})
 * into Ingot's one predicate model, {@link Predicate}, whose {@linkplain BoundPredicate#zone zone-map
 * evaluation} then decides which row groups a scan reads.
 *
 * <p>Translated: {@code =}, {@code <>}, {@code <}, {@code <=}, {@code >}, {@code >=} between a
 * column and a non-NULL literal (either side), {@code IN} (a column and non-NULL literals),
 * {@code IS_NULL}, {@code IS_NOT_NULL}, {@code AND}, {@code OR} and {@code NOT} of translated
 * filters. Both sides follow SQL's three-valued logic, so the translation is exact. Literals are
 * converted from Spark's internal values by their Spark type: integral and decimal numbers, REAL
 * and DOUBLE as numbers (compared by exact value), DATE (days since the epoch) as a
 * {@link LocalDate}, TIMESTAMP_NTZ (microseconds) as a {@link LocalDateTime}, TIMESTAMP as an
 * {@link Instant}, strings as {@link String}, binary as {@code byte[]}, booleans as {@link Boolean};
 * a literal is only compared with a column of the matching kind (numbers with numeric columns,
 * and so on). Anything else (a {@code <=>}, string functions, expressions over columns, a column
 * Spark names by a nested path) is not translated: Spark evaluates every filter on the rows read
 * in any case, so an untranslated filter costs reading, never correctness.
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
final class SparkPredicates {
    private SparkPredicates() {
    }

    /** Spark filter {@code p} as an Ingot predicate over {@code def}'s columns; empty when it cannot be translated. */
    static Optional<Predicate> translate(org.apache.spark.sql.connector.expressions.filter.Predicate p, TableDef def) {
        return Optional.ofNullable(node(p, def));
    }

    /**
     * The conjunction of {@code filters} (already translated), bound to {@code def}; empty when
     * there is none.
     */
    static Optional<BoundPredicate> bind(List<Predicate> filters, TableDef def) {
        return filters.isEmpty() ? Optional.empty()
                : Optional.of((filters.size() == 1 ? filters.get(0) : Predicate.and(filters)).bind(def));
    }

    private static Predicate node(Expression e, TableDef def) {
        if (!(e instanceof org.apache.spark.sql.connector.expressions.filter.Predicate p)) {
            return null;
        }
        Expression[] ch = p.children();
        switch (p.name()) {
            case "AND":
            case "OR": {
                Predicate a = node(ch[0], def);
                Predicate b = node(ch[1], def);
                if (a == null || b == null) {
                    return null;
                }
                return p.name().equals("AND") ? Predicate.and(a, b) : Predicate.or(a, b);
            }
            case "NOT": {
                Predicate a = node(ch[0], def);
                return a == null ? null : Predicate.not(a);
            }
            case "IS_NULL":
            case "IS_NOT_NULL": {
                ColumnDef c = column(ch[0], def);
                return c == null ? null : p.name().equals("IS_NULL") ? Predicate.isNull(c.name()) : Predicate.isNotNull(c.name());
            }
            case "=":
            case "<>":
            case "<":
            case "<=":
            case ">":
            case ">=": {
                Predicate.Op op = op(p.name());
                ColumnDef c = column(ch[0], def);
                Object v = c == null ? null : value(ch[1], c);
                if (v == null) {
                    c = column(ch[1], def);
                    v = c == null ? null : value(ch[0], c);
                    op = op.reverse();
                }
                return v == null ? null : Predicate.compare(c.name(), op, v);
            }
            case "IN": {
                ColumnDef c = column(ch[0], def);
                if (c == null || ch.length < 2) {
                    return null;
                }
                List<Object> values = new ArrayList<>();
                for (int i = 1; i < ch.length; i++) {
                    Object v = value(ch[i], c);
                    if (v == null) {
                        return null;
                    }
                    values.add(v);
                }
                return Predicate.in(c.name(), values);
            }
            default:
                return null;
        }
    }

    private static Predicate.Op op(String name) {
        return switch (name) {
            case "=" -> Predicate.Op.EQ;
            case "<>" -> Predicate.Op.NE;
            case "<" -> Predicate.Op.LT;
            case "<=" -> Predicate.Op.LE;
            case ">" -> Predicate.Op.GT;
            default -> Predicate.Op.GE;
        };
    }

    /** The table column {@code e} names (a top-level column reference), or null. */
    private static ColumnDef column(Expression e, TableDef def) {
        if (e instanceof NamedReference r && r.fieldNames().length == 1) {
            int i = def.columnIndex(r.fieldNames()[0]);
            return i < 0 ? null : def.columns().get(i);
        }
        return null;
    }

    /** Literal {@code e}'s value as the Java value {@link Predicate} compares with column {@code c}, or null. */
    private static Object value(Expression e, ColumnDef c) {
        if (!(e instanceof Literal<?> l) || l.value() == null) {
            return null;
        }
        Object v = l.value();
        DataType t = l.dataType();
        ColumnType.Kind kind = c.type().kind();
        switch (kind) {
            case INT8, INT16, INT32, INT64, DECIMAL64, DECIMAL128, FLOAT32, FLOAT64:
                if (t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType || t instanceof LongType
                        || t instanceof FloatType || t instanceof DoubleType) {
                    // NaN compares only with REAL/DOUBLE columns (Spark casts the column otherwise)
                    return v instanceof Number n && Double.isNaN(n.doubleValue()) && kind != ColumnType.Kind.FLOAT32
                            && kind != ColumnType.Kind.FLOAT64 ? null : v;
                }
                return t instanceof DecimalType ? ((Decimal) v).toJavaBigDecimal() : null;
            case BOOLEAN:
                return t instanceof BooleanType ? v : null;
            case DATE32:
                return t instanceof DateType ? LocalDate.ofEpochDay((Integer) v) : null;
            case TIMESTAMP:
                return t instanceof TimestampNTZType ? LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L),
                        (int) Math.floorMod((Long) v, 1_000_000L) * 1000, ZoneOffset.UTC) : null;
            case TIMESTAMP_TZ:
                return t instanceof TimestampType ? Instant.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L),
                        Math.floorMod((Long) v, 1_000_000L) * 1000L) : null;
            case CHAR, VARCHAR:
                return t instanceof StringType ? ((UTF8String) v).toString() : null;
            case VARBINARY:
                return t instanceof BinaryType ? v : null;
            default:
                return null;
        }
    }
}
