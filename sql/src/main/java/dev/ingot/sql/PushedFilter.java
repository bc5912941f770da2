package dev.ingot.sql;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * A filter condition that an Ingot scan evaluates itself: comparisons ({@code = <> < <= > >=})
 * of a column with a literal, {@code IS NULL}, {@code IS NOT NULL}, and AND/OR of these; ranges
 * and IN lists arrive from Calcite as {@code SEARCH} over a Sarg and are expanded into the same
 * comparisons. Columns of every type but REAL, DOUBLE, VARBINARY and UUID take part (NaN
 * ordering and byte-string collation are left to Calcite's own evaluation).
 *
 * <p>Two uses: {@link #mayMatch} decides from the chunk statistics (zone maps) of one row group
 * whether any of its rows can satisfy the condition, so a scan skips row groups that cannot;
 * {@link #test} is the exact condition on one row, so the scan hands Calcite only rows that
 * satisfy it and Calcite drops the filter from its plan. Without NOT, SQL's three-valued AND/OR
 * treats UNKNOWN exactly as FALSE for a WHERE clause, so {@code test} is two-valued: a comparison
 * with NULL is false.
 *
 * <p>Values are compared in Calcite's internal representation ({@link SqlTypes}): integers as
 * longs, decimals by {@link BigDecimal#compareTo}, dates as days, times and timestamps as
 * milliseconds (the statistics' microseconds floored the same way), text by
 * {@link String#compareTo} as Calcite's executor does. Text statistics are UTF-8 byte strings
 * (code-point order); they are used only for literals whose characters are all below U+D800,
 * where code-point order and {@code String} order agree.
 *
 * <p>Immutable and thread-safe.
 */
abstract class PushedFilter {
    /** Access to the values of the current row, by table column index. */
    @FunctionalInterface
    interface Row {
        Object value(int column);
    }

    /** Access to the chunk statistics of the current row group, by table column index. */
    @FunctionalInterface
    interface Stats {
        ChunkStats of(int column) throws IOException;
    }

    /** Whether some row of the row group whose statistics are {@code stats} may satisfy the condition (false: none can). */
    abstract boolean mayMatch(Stats stats) throws IOException;

    /** Whether the row satisfies the condition (NULL comparisons are false). */
    abstract boolean test(Row row);

    /** Adds the table columns the condition reads to {@code out}. */
    abstract void columns(BitSet out);

    /**
     * The condition of {@code filter}, a Calcite expression over the table's columns, or null
     * when some part of it is not one Ingot evaluates (then Calcite keeps evaluating it).
     */
    static PushedFilter of(RexNode filter, TableDef def, RexBuilder rexBuilder) {
        switch (filter.getKind()) {
            case AND:
            case OR: {
                List<PushedFilter> parts = new ArrayList<>();
                for (RexNode operand : ((RexCall) filter).getOperands()) {
                    PushedFilter p = of(operand, def, rexBuilder);
                    if (p == null) {
                        return null;
                    }
                    parts.add(p);
                }
                return new Junction(filter.getKind() == SqlKind.AND, parts);
            }
            case SEARCH:
                return of(RexUtil.expandSearch(rexBuilder, null, filter), def, rexBuilder);
            case IS_NULL:
            case IS_NOT_NULL: {
                RexInputRef ref = column(((RexCall) filter).getOperands().get(0), def);
                return ref != null ? new NullTest(ref.getIndex(), filter.getKind() == SqlKind.IS_NULL) : null;
            }
            case EQUALS:
            case NOT_EQUALS:
            case LESS_THAN:
            case LESS_THAN_OR_EQUAL:
            case GREATER_THAN:
            case GREATER_THAN_OR_EQUAL:
                return comparison((RexCall) filter, def);
            default:
                return null;
        }
    }

    /** The AND of several pushed filters. */
    static PushedFilter and(List<PushedFilter> parts) {
        return new Junction(true, parts);
    }

    /**
     * The column an operand reads: a column reference, or a column of TINYINT..BIGINT cast to a
     * wider integer type (Calcite's implicit cast in {@code tinyint_col = 3}), which keeps every
     * value and its order; else null.
     */
    private static RexInputRef column(RexNode operand, TableDef def) {
        if (operand instanceof RexInputRef ref) {
            return ref;
        }
        if (operand.getKind() == SqlKind.CAST && ((RexCall) operand).getOperands().get(0) instanceof RexInputRef ref) {
            int from = integerBytes(def.columns().get(ref.getIndex()).type().kind());
            int to = switch (operand.getType().getSqlTypeName()) {
                case TINYINT -> 1;
                case SMALLINT -> 2;
                case INTEGER -> 4;
                case BIGINT -> 8;
                default -> 0;
            };
            return from > 0 && to >= from ? ref : null;
        }
        return null;
    }

    private static int integerBytes(ColumnType.Kind kind) {
        switch (kind) {
            case INT8: return 1;
            case INT16: return 2;
            case INT32: return 4;
            case INT64: return 8;
            default: return 0;
        }
    }

    private static PushedFilter comparison(RexCall call, TableDef def) {
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        SqlKind op = call.getKind();
        if (left instanceof RexLiteral && !(right instanceof RexLiteral)) {
            RexNode t = left;
            left = right;
            right = t;
            op = op.reverse();
        }
        RexInputRef ref = column(left, def);
        if (ref == null || !(right instanceof RexLiteral literal) || literal.isNull()) {
            return null;
        }
        ColumnDef column = def.columns().get(ref.getIndex());
        Comparable<?> value = literalValue(column.type(), literal);
        return value == null ? null : new Comparison(ref.getIndex(), column.type(), op, value);
    }

    /** The literal in the comparison domain of a column of {@code type}, or null when the pair is not evaluated here. */
    private static Comparable<?> literalValue(ColumnType type, RexLiteral literal) {
        SqlTypeName lt = literal.getType().getSqlTypeName();
        switch (type.kind()) {
            case INT8:
            case INT16:
            case INT32:
            case INT64: {
                if (!SqlTypeUtil.isExactNumeric(literal.getType())) {
                    return null;
                }
                BigDecimal d = literal.getValueAs(BigDecimal.class);
                try {
                    return d == null ? null : d.longValueExact();
                } catch (ArithmeticException notAnInteger) {
                    return null;
                }
            }
            case DECIMAL64:
            case DECIMAL128:
                return SqlTypeUtil.isExactNumeric(literal.getType()) ? literal.getValueAs(BigDecimal.class) : null;
            case BOOLEAN:
                return lt == SqlTypeName.BOOLEAN ? literal.getValueAs(Boolean.class) : null;
            case DATE32:
                return lt == SqlTypeName.DATE ? literal.getValueAs(Integer.class) : null;
            case TIME64:
                return lt == SqlTypeName.TIME ? literal.getValueAs(Integer.class) : null;
            case TIMESTAMP:
                return lt == SqlTypeName.TIMESTAMP ? literal.getValueAs(Long.class) : null;
            case TIMESTAMP_TZ:
                return lt == SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE ? literal.getValueAs(Long.class) : null;
            case CHAR:
            case VARCHAR:
                return lt == SqlTypeName.CHAR || lt == SqlTypeName.VARCHAR ? literal.getValueAs(String.class) : null;
            default:
                return null;
        }
    }

    /** AND (all parts) or OR (any part). */
    private static final class Junction extends PushedFilter {
        private final boolean and;
        private final PushedFilter[] parts;

        Junction(boolean and, List<PushedFilter> parts) {
            this.and = and;
            this.parts = parts.toArray(new PushedFilter[0]);
        }

        @Override
        boolean mayMatch(Stats stats) throws IOException {
            for (PushedFilter p : parts) {
                if (p.mayMatch(stats) != and) {
                    return !and;
                }
            }
            return and;
        }

        @Override
        boolean test(Row row) {
            for (PushedFilter p : parts) {
                if (p.test(row) != and) {
                    return !and;
                }
            }
            return and;
        }

        @Override
        void columns(BitSet out) {
            for (PushedFilter p : parts) {
                p.columns(out);
            }
        }
    }

    /** {@code column IS NULL} or {@code column IS NOT NULL}. */
    private static final class NullTest extends PushedFilter {
        private final int column;
        private final boolean isNull;

        NullTest(int column, boolean isNull) {
            this.column = column;
            this.isNull = isNull;
        }

        @Override
        boolean mayMatch(Stats stats) throws IOException {
            ChunkStats s = stats.of(column);
            return isNull ? s.nullCount() > 0 : s.nullCount() < s.rowCount();
        }

        @Override
        boolean test(Row row) {
            return (row.value(column) == null) == isNull;
        }

        @Override
        void columns(BitSet out) {
            out.set(column);
        }
    }

    /** {@code column op literal}. */
    private static final class Comparison extends PushedFilter {
        private static final long MICROS_PER_MILLI = 1000;
        private final int column;
        private final ColumnType type;
        private final SqlKind op;
        @SuppressWarnings("rawtypes")
        private final Comparable value;
        /** The literal's UTF-8 bytes for text columns whose statistics may be used, else null. */
        private final byte[] textBytes;
        /** TINYINT..BIGINT: row values (Byte, Short, Integer, Long) are widened to the literal's Long. */
        private final boolean integer;

        Comparison(int column, ColumnType type, SqlKind op, Comparable<?> value) {
            this.column = column;
            this.type = type;
            this.op = op;
            this.value = value;
            this.textBytes = type.kind().isText() && ((String) value).chars().allMatch(c -> c < 0xD800)
                    ? ((String) value).getBytes(StandardCharsets.UTF_8) : null;
            this.integer = value instanceof Long && (type.kind() == ColumnType.Kind.INT8 || type.kind() == ColumnType.Kind.INT16
                    || type.kind() == ColumnType.Kind.INT32 || type.kind() == ColumnType.Kind.INT64);
        }

        @Override
        boolean mayMatch(Stats stats) throws IOException {
            ChunkStats s = stats.of(column);
            if (s.nullCount() == s.rowCount()) {
                return false; // a comparison with NULL is never true
            }
            if (!s.hasMinMax()) {
                return true;
            }
            int minCmp;
            int maxCmp;
            if (type.kind().isText()) {
                if (textBytes == null) {
                    return true;
                }
                // min may be a prefix of the smallest value (<= it); max may be a bound above every value
                minCmp = Arrays.compareUnsigned(s.minBytes(), textBytes);
                maxCmp = Arrays.compareUnsigned(s.maxBytes(), textBytes);
                if (op == SqlKind.NOT_EQUALS) {
                    return true;
                }
            } else {
                minCmp = compare(statValue(s, true), value);
                maxCmp = compare(statValue(s, false), value);
            }
            switch (op) {
                case EQUALS: return minCmp <= 0 && maxCmp >= 0;
                case NOT_EQUALS: return !(minCmp == 0 && maxCmp == 0);
                case LESS_THAN: return minCmp < 0;
                case LESS_THAN_OR_EQUAL: return minCmp <= 0;
                case GREATER_THAN: return maxCmp > 0;
                case GREATER_THAN_OR_EQUAL: return maxCmp >= 0;
                default: throw new IllegalStateException("not a comparison: " + op);
            }
        }

        /** A chunk's min or max in the comparison domain (the mapping is monotone, so it stays the min or max). */
        private Comparable<?> statValue(ChunkStats s, boolean min) {
            long v = min ? s.min() : s.max();
            switch (type.kind()) {
                case INT8:
                case INT16:
                case INT32:
                case INT64: return v;
                case DECIMAL64: return BigDecimal.valueOf(v, type.scale());
                case DECIMAL128: return new BigDecimal(min ? s.minUnscaled() : s.maxUnscaled(), type.scale());
                case BOOLEAN: return v != 0;
                case DATE32: return (int) v;
                case TIME64: return (int) Math.floorDiv(v, MICROS_PER_MILLI);
                case TIMESTAMP:
                case TIMESTAMP_TZ: return Math.floorDiv(v, MICROS_PER_MILLI);
                default: throw new IllegalStateException("no statistics comparison for " + type);
            }
        }

        @Override
        boolean test(Row row) {
            Object v = row.value(column);
            if (v == null) {
                return false;
            }
            int c = compare(integer ? (Object) ((Number) v).longValue() : v, value);
            switch (op) {
                case EQUALS: return c == 0;
                case NOT_EQUALS: return c != 0;
                case LESS_THAN: return c < 0;
                case LESS_THAN_OR_EQUAL: return c <= 0;
                case GREATER_THAN: return c > 0;
                case GREATER_THAN_OR_EQUAL: return c >= 0;
                default: throw new IllegalStateException("not a comparison: " + op);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private static int compare(Object a, Comparable b) {
            return ((Comparable) a).compareTo(b);
        }

        @Override
        void columns(BitSet out) {
            out.set(column);
        }
    }
}
