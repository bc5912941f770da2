package dev.ingot.columnstore.scan;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.scan.Predicate.Op;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Turns a comparison of a column with a Java value into an evaluation node in the column's stored
 * units (see {@link Predicate}'s class comment for the Java types); a value between two stored
 * values (e.g. {@code 2.5} for an integer column, or beyond the column's range) becomes the
 * equivalent comparison with a stored value, or a constant for non-NULL rows.
 *
 * <p>Stateless.
 */
final class Literals {
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger I128_MIN = BigInteger.ONE.shiftLeft(127).negate();
    private static final BigInteger I128_MAX = BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE);
    /** Beyond every stored number: stands for an infinite literal compared with an exact column. */
    private static final BigDecimal HUGE = BigDecimal.TEN.pow(400);

    private Literals() {}

    static BoundPredicate.Node comparison(int column, ColumnDef def, Op op, Object value) {
        ColumnType type = def.type();
        switch (type.kind()) {
            case BOOLEAN:
                if (value instanceof Boolean b) {
                    return exact(column, op, BigDecimal.valueOf(b ? 1 : 0), LONG_MIN, LONG_MAX);
                }
                break;
            case INT8:
            case INT16:
            case INT32:
            case INT64:
                if (value instanceof Number n) {
                    return exact(column, op, decimal(n, def), LONG_MIN, LONG_MAX);
                }
                break;
            case DECIMAL64:
                if (value instanceof Number n) {
                    return exact(column, op, decimal(n, def).movePointRight(type.scale()), LONG_MIN, LONG_MAX);
                }
                break;
            case DECIMAL128:
                if (value instanceof Number n) {
                    return exact(column, op, decimal(n, def).movePointRight(type.scale()), I128_MIN, I128_MAX);
                }
                break;
            case DATE32:
                if (value instanceof LocalDate d) {
                    return exact(column, op, BigDecimal.valueOf(d.toEpochDay()), LONG_MIN, LONG_MAX);
                }
                break;
            case TIME64:
                if (value instanceof LocalTime t) {
                    return exact(column, op, BigDecimal.valueOf(t.toNanoOfDay(), 3), LONG_MIN, LONG_MAX);
                }
                break;
            case TIMESTAMP:
                if (value instanceof LocalDateTime t) {
                    return exact(column, op, micros(t.toInstant(ZoneOffset.UTC)), LONG_MIN, LONG_MAX);
                }
                break;
            case TIMESTAMP_TZ:
                if (value instanceof Instant i) {
                    return exact(column, op, micros(i), LONG_MIN, LONG_MAX);
                }
                if (value instanceof OffsetDateTime o) {
                    return exact(column, op, micros(o.toInstant()), LONG_MIN, LONG_MAX);
                }
                break;
            case FLOAT32:
            case FLOAT64:
                if (value instanceof Number n) {
                    return floating(column, op, n);
                }
                break;
            case CHAR:
            case VARCHAR:
                if (value instanceof String s) {
                    boolean statsUsable = s.chars().allMatch(c -> c < 0xD800);
                    return new BoundPredicate.BytesCompare(column, op, s.getBytes(StandardCharsets.UTF_8), true, statsUsable);
                }
                break;
            case VARBINARY:
                if (value instanceof byte[] b) {
                    return new BoundPredicate.BytesCompare(column, op, b.clone(), false, false);
                }
                break;
            case UUID:
                if (value instanceof UUID u) {
                    return new BoundPredicate.UuidCompare(column, op, u);
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("cannot compare column " + def.name() + " (" + type + ") with " + sql(value)
                + " (" + value.getClass().getSimpleName() + ")");
    }

    /** A number as an exact decimal; infinities as {@link #HUGE} with their sign. */
    private static BigDecimal decimal(Number n, ColumnDef def) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d)) {
                throw new IllegalArgumentException("cannot compare column " + def.name() + " (" + def.type() + ") with NaN");
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? HUGE : HUGE.negate();
            }
            return new BigDecimal(d);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    private static BigDecimal micros(Instant i) {
        return BigDecimal.valueOf(i.getEpochSecond()).movePointRight(6).add(BigDecimal.valueOf(i.getNano(), 3));
    }

    /**
     * {@code column op x} for a column whose stored values are the integers in {@code [min, max]}
     * and an exact literal {@code x} in stored units.
     */
    static BoundPredicate.Node exact(int column, Op op, BigDecimal x, BigInteger min, BigInteger max) {
        if (x.compareTo(new BigDecimal(max)) > 0) {
            return new BoundPredicate.Constant(column, op == Op.LT || op == Op.LE || op == Op.NE);
        }
        if (x.compareTo(new BigDecimal(min)) < 0) {
            return new BoundPredicate.Constant(column, op == Op.GT || op == Op.GE || op == Op.NE);
        }
        BigInteger floor = x.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        boolean integral = x.compareTo(new BigDecimal(floor)) == 0;
        if (!integral) {
            switch (op) {
                case EQ: return new BoundPredicate.Constant(column, false);
                case NE: return new BoundPredicate.Constant(column, true);
                case LT:
                case LE: return range(column, Op.LE, floor, min, max);
                default: return range(column, Op.GE, floor.add(BigInteger.ONE), min, max);
            }
        }
        return range(column, op, floor, min, max);
    }

    /** {@code column op v} for an integer {@code v} in {@code [min, max]}. */
    private static BoundPredicate.Node range(int column, Op op, BigInteger v, BigInteger min, BigInteger max) {
        if (max.equals(LONG_MAX)) {
            long x = v.longValueExact();
            switch (op) {
                case EQ: return new BoundPredicate.LongRange(column, x, x, false);
                case NE: return new BoundPredicate.LongRange(column, x, x, true);
                case LT: return x == Long.MIN_VALUE ? new BoundPredicate.Constant(column, false) : new BoundPredicate.LongRange(column, Long.MIN_VALUE, x - 1, false);
                case LE: return new BoundPredicate.LongRange(column, Long.MIN_VALUE, x, false);
                case GT: return x == Long.MAX_VALUE ? new BoundPredicate.Constant(column, false) : new BoundPredicate.LongRange(column, x + 1, Long.MAX_VALUE, false);
                default: return new BoundPredicate.LongRange(column, x, Long.MAX_VALUE, false);
            }
        }
        return new BoundPredicate.WideCompare(column, op, v);
    }

    /** {@code column op n} for a REAL or DOUBLE column (whose values are doubles, exactly). */
    private static BoundPredicate.Node floating(int column, Op op, Number n) {
        if (n instanceof Double || n instanceof Float) {
            return new BoundPredicate.DoubleCompare(column, op, n.doubleValue());
        }
        BigDecimal x = n instanceof BigDecimal b ? b : n instanceof BigInteger i ? new BigDecimal(i) : BigDecimal.valueOf(n.longValue());
        double d = x.doubleValue();
        if (Double.isInfinite(d)) { // beyond every finite double; only an infinity or NaN compares otherwise
            return new BoundPredicate.DoubleCompare(column, op, d);
        }
        int c = new BigDecimal(d).compareTo(x);
        if (c == 0) {
            return new BoundPredicate.DoubleCompare(column, op, d);
        }
        switch (op) {
            case EQ: return new BoundPredicate.Constant(column, false);
            case NE: return new BoundPredicate.Constant(column, true);
            case LT:
            case LE: return new BoundPredicate.DoubleCompare(column, c > 0 ? Op.LT : Op.LE, d); // d just above x: x < v <=> v < d
            default: return new BoundPredicate.DoubleCompare(column, c > 0 ? Op.GE : Op.GT, d);
        }
    }

    /** A value as SQL text, for messages and {@code toString}. */
    static String sql(Object value) {
        if (value instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (value instanceof byte[] b) {
            return "X'" + java.util.HexFormat.of().formatHex(b) + "'";
        }
        return String.valueOf(value);
    }
}
