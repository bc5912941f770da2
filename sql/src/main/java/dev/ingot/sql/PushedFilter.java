package dev.ingot.sql;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.scan.Predicate;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * Translates the filter conditions an Ingot scan evaluates itself from Calcite's {@link RexNode}
 * into columnstore's {@link Predicate} (which skips row groups by their zone maps and selects
 * rows vectorized): comparisons ({@code = <> < <= > >=}) of a column with a literal,
 * {@code IS NULL}, {@code IS NOT NULL}, and AND/OR of these; ranges and IN lists arrive from
 * Calcite as {@code SEARCH} over a Sarg and are expanded into the same comparisons. Columns of
 * every type but REAL, DOUBLE, VARBINARY and UUID take part (NaN ordering and byte-string
 * collation are left to Calcite's own evaluation). Without NOT, SQL's three-valued AND/OR treats
 * UNKNOWN exactly as FALSE for a WHERE clause, so a scan that hands Calcite only the TRUE rows
 * lets Calcite drop the filter from its plan.
 *
 * <p>Literals arrive in Calcite's internal representation ({@link SqlTypes}) and are compared as
 * Calcite's executor compares them: integers and decimals by value, dates as days, text as
 * {@link String#compareTo}; times and timestamps in milliseconds, so a stored value in
 * microseconds is compared by its millisecond (floored): {@code ts = L} becomes
 * {@code ts BETWEEN L.000 AND L.999} (microseconds), {@code ts < L} becomes {@code ts < L.000}, and so on.
 *
 * <p>Stateless.
 */
final class PushedFilter {
    private static final long MICROS_PER_MILLI = 1000;

    private PushedFilter() {}

    /**
     * The predicate of {@code filter}, a Calcite expression over the table's columns, or null
     * when some part of it is not one Ingot evaluates (then Calcite keeps evaluating it).
     */
    static Predicate of(RexNode filter, TableDef def, RexBuilder rexBuilder) {
        switch (filter.getKind()) {
            case AND:
            case OR: {
                List<Predicate> parts = new ArrayList<>();
                for (RexNode operand : ((RexCall) filter).getOperands()) {
                    Predicate p = of(operand, def, rexBuilder);
                    if (p == null) {
                        return null;
                    }
                    parts.add(p);
                }
                return filter.getKind() == SqlKind.AND ? Predicate.and(parts) : Predicate.or(parts);
            }
            case SEARCH:
                return of(RexUtil.expandSearch(rexBuilder, null, filter), def, rexBuilder);
            case IS_NULL:
            case IS_NOT_NULL: {
                RexInputRef ref = column(((RexCall) filter).getOperands().get(0), def);
                if (ref == null) {
                    return null;
                }
                String name = def.columns().get(ref.getIndex()).name();
                return filter.getKind() == SqlKind.IS_NULL ? Predicate.isNull(name) : Predicate.isNotNull(name);
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

    private static Predicate.Op op(SqlKind kind) {
        switch (kind) {
            case EQUALS: return Predicate.Op.EQ;
            case NOT_EQUALS: return Predicate.Op.NE;
            case LESS_THAN: return Predicate.Op.LT;
            case LESS_THAN_OR_EQUAL: return Predicate.Op.LE;
            case GREATER_THAN: return Predicate.Op.GT;
            case GREATER_THAN_OR_EQUAL: return Predicate.Op.GE;
            default: throw new IllegalStateException("not a comparison: " + kind);
        }
    }

    private static Predicate comparison(RexCall call, TableDef def) {
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        Predicate.Op op = op(call.getKind());
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
        Object[] range = literalRange(column.type(), literal);
        if (range == null) {
            return null;
        }
        String name = column.name();
        if (range[0] == range[1]) {
            return Predicate.compare(name, op, range[0]);
        }
        // a millisecond literal: [range[0], range[1]] are the stored values whose millisecond it is
        switch (op) {
            case EQ: return Predicate.between(name, range[0], range[1]);
            case NE: return Predicate.not(Predicate.between(name, range[0], range[1]));
            case LT: return Predicate.compare(name, Predicate.Op.LT, range[0]);
            case LE: return Predicate.compare(name, Predicate.Op.LE, range[1]);
            case GT: return Predicate.compare(name, Predicate.Op.GT, range[1]);
            default: return Predicate.compare(name, Predicate.Op.GE, range[0]);
        }
    }

    /**
     * The literal as the smallest and largest value of {@link Predicate}'s Java type for a column
     * of {@code type} that Calcite sees as equal to it (the same object twice unless the column
     * is finer than the literal), or null when the pair is not evaluated here.
     */
    private static Object[] literalRange(ColumnType type, RexLiteral literal) {
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
                    return d == null ? null : same(d.longValueExact());
                } catch (ArithmeticException notAnInteger) {
                    return null;
                }
            }
            case DECIMAL64:
            case DECIMAL128:
                return SqlTypeUtil.isExactNumeric(literal.getType()) ? same(literal.getValueAs(BigDecimal.class)) : null;
            case BOOLEAN:
                return lt == SqlTypeName.BOOLEAN ? same(literal.getValueAs(Boolean.class)) : null;
            case DATE32:
                return lt == SqlTypeName.DATE ? same(LocalDate.ofEpochDay(literal.getValueAs(Integer.class))) : null;
            case TIME64: {
                if (lt != SqlTypeName.TIME) {
                    return null;
                }
                LocalTime lo = LocalTime.ofNanoOfDay(literal.getValueAs(Integer.class) * 1_000_000L);
                return new Object[] {lo, lo.plusNanos((MICROS_PER_MILLI - 1) * 1000)};
            }
            case TIMESTAMP: {
                if (lt != SqlTypeName.TIMESTAMP) {
                    return null;
                }
                long ms = literal.getValueAs(Long.class);
                LocalDateTime lo = LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), (int) Math.floorMod(ms, 1000) * 1_000_000, ZoneOffset.UTC);
                return new Object[] {lo, lo.plusNanos((MICROS_PER_MILLI - 1) * 1000)};
            }
            case TIMESTAMP_TZ: {
                if (lt != SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE) {
                    return null;
                }
                Instant lo = Instant.ofEpochMilli(literal.getValueAs(Long.class));
                return new Object[] {lo, lo.plusNanos((MICROS_PER_MILLI - 1) * 1000)};
            }
            case CHAR:
            case VARCHAR:
                return lt == SqlTypeName.CHAR || lt == SqlTypeName.VARCHAR ? same(literal.getValueAs(String.class)) : null;
            default:
                return null;
        }
    }

    private static Object[] same(Object v) {
        return v == null ? null : new Object[] {v, v};
    }
}
