package dev.ingot.spark;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Row-group pruning by zone maps: decides from the min/max/null counts in the chunk headers
 * ({@link ChunkStats}) whether any row of a row group can satisfy a Spark V2 {@link Predicate}.
 * The answer errs on the side of reading: {@code false} means no row can match; {@code true}
 * means some may (Spark still evaluates every predicate on the rows read).
 *
 * <p>Understood: {@code =}, {@code <}, {@code <=}, {@code >}, {@code >=} between a column and a
 * literal (either side), {@code IN} (column and literals), {@code IS_NULL}, {@code IS_NOT_NULL},
 * {@code AND}, {@code OR}; on numeric, DATE, TIMESTAMP, BOOLEAN and text columns (text by its
 * exact or prefix byte stats, unsigned byte order = UTF-8 code point order). Anything else
 * (NOT, string functions, expressions over columns) keeps the row group.
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
final class ZoneMaps {
    /** The chunk statistics of one row group, column by column (looked up by column index). */
    interface RowGroupStats {
        ChunkStats stats(int column) throws IOException;
    }

    private ZoneMaps() {
    }

    /** Whether {@code p} is one this class can prune with (so it is reported as pushed). */
    static boolean understood(Predicate p, TableDef def) {
        return switch (p.name()) {
            case "AND", "OR" -> understood((Predicate) p.children()[0], def) && understood((Predicate) p.children()[1], def);
            case "IS_NULL", "IS_NOT_NULL" -> column(p.children()[0], def) >= 0;
            case "=", "<", "<=", ">", ">=" -> (column(p.children()[0], def) >= 0 && p.children()[1] instanceof Literal<?>)
                    || (column(p.children()[1], def) >= 0 && p.children()[0] instanceof Literal<?>);
            case "IN" -> column(p.children()[0], def) >= 0
                    && Arrays.stream(p.children()).skip(1).allMatch(c -> c instanceof Literal<?>);
            default -> false;
        };
    }

    private static int column(Expression e, TableDef def) {
        if (e instanceof NamedReference r && r.fieldNames().length == 1) {
            int i = def.columns().stream().map(c -> c.name()).toList().indexOf(r.fieldNames()[0]);
            if (i >= 0 && def.columns().get(i).type().kind() != ColumnType.Kind.VARBINARY) {
                return i;
            }
        }
        return -1;
    }

    /** Whether any row of the row group may satisfy {@code p}. */
    static boolean mayMatch(Predicate p, TableDef def, RowGroupStats g) throws IOException {
        Expression[] ch = p.children();
        switch (p.name()) {
            case "AND":
                return mayMatch((Predicate) ch[0], def, g) && mayMatch((Predicate) ch[1], def, g);
            case "OR":
                return mayMatch((Predicate) ch[0], def, g) || mayMatch((Predicate) ch[1], def, g);
            case "IS_NULL": {
                int c = column(ch[0], def);
                return c < 0 || g.stats(c).nullCount() > 0;
            }
            case "IS_NOT_NULL": {
                int c = column(ch[0], def);
                return c < 0 || g.stats(c).nullCount() < g.stats(c).rowCount();
            }
            case "=", "<", "<=", ">", ">=": {
                String op = p.name();
                int c = column(ch[0], def);
                Expression lit = ch[1];
                if (c < 0 || !(lit instanceof Literal<?>)) {
                    c = column(ch[1], def);
                    lit = ch[0];
                    op = flip(op);
                }
                if (c < 0 || !(lit instanceof Literal<?>)) {
                    return true;
                }
                return compareMayMatch(op, ((Literal<?>) lit).value(), def.columns().get(c).type(), g.stats(c));
            }
            case "IN": {
                int c = column(ch[0], def);
                if (c < 0) {
                    return true;
                }
                ChunkStats s = g.stats(c);
                for (int i = 1; i < ch.length; i++) {
                    if (!(ch[i] instanceof Literal<?> l) || compareMayMatch("=", l.value(), def.columns().get(c).type(), s)) {
                        return true;
                    }
                }
                return false;
            }
            default:
                return true;
        }
    }

    private static String flip(String op) {
        return switch (op) {
            case "<" -> ">";
            case "<=" -> ">=";
            case ">" -> "<";
            case ">=" -> "<=";
            default -> op;
        };
    }

    /** Whether some non-null value v in [min, max] may satisfy {@code v op literal}. */
    private static boolean compareMayMatch(String op, Object literal, ColumnType type, ChunkStats s) {
        if (literal == null) {
            return false; // a comparison with NULL is never true
        }
        if (s.nullCount() == s.rowCount()) {
            return false; // only NULLs: no comparison is true
        }
        if (!s.hasMinMax()) {
            return true;
        }
        int cmpMin;
        int cmpMax;
        if (type.kind().isText()) {
            if (!(literal instanceof UTF8String u)) {
                return true;
            }
            byte[] v = u.toString().getBytes(StandardCharsets.UTF_8);
            cmpMin = Arrays.compareUnsigned(s.minBytes(), v);
            cmpMax = Arrays.compareUnsigned(s.maxBytes(), v);
        } else {
            BigDecimal v = number(literal);
            BigDecimal min = bound(type, s, true);
            BigDecimal max = bound(type, s, false);
            if (v == null || min == null || max == null) {
                return true;
            }
            cmpMin = min.compareTo(v);
            cmpMax = max.compareTo(v);
        }
        // min is a lower bound (a prefix of the smallest value when inexact: still <= it);
        // max is an upper bound (when inexact, strictly greater than every value)
        return switch (op) {
            case "=" -> cmpMin <= 0 && cmpMax >= 0;
            case "<" -> cmpMin < 0;
            case "<=" -> cmpMin <= 0;
            case ">" -> cmpMax > 0;
            case ">=" -> cmpMax >= 0;
            default -> true;
        };
    }

    private static BigDecimal number(Object literal) {
        if (literal instanceof Integer || literal instanceof Long || literal instanceof Short || literal instanceof Byte) {
            return BigDecimal.valueOf(((Number) literal).longValue());
        } else if (literal instanceof Decimal d) {
            return d.toJavaBigDecimal();
        } else if (literal instanceof Double || literal instanceof Float) {
            double d = ((Number) literal).doubleValue();
            return Double.isFinite(d) ? new BigDecimal(d) : null;
        } else if (literal instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        return null;
    }

    private static BigDecimal bound(ColumnType type, ChunkStats s, boolean min) {
        return switch (type.kind()) {
            case FLOAT32, FLOAT64 -> {
                double d = min ? s.minDouble() : s.maxDouble();
                yield Double.isFinite(d) ? new BigDecimal(d) : null;
            }
            case DECIMAL64, DECIMAL128 -> new BigDecimal(min ? s.minUnscaled() : s.maxUnscaled(), type.scale());
            case BOOLEAN, INT8, INT16, INT32, INT64, DATE32, TIMESTAMP, TIMESTAMP_TZ -> BigDecimal.valueOf(min ? s.min() : s.max());
            default -> null;
        };
    }
}
