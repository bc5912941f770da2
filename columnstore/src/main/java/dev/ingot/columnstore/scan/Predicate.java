package dev.ingot.columnstore.scan;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.TableDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A predicate over a table's columns: the one predicate model of Ingot, used by the embedding
 * API's filters, deletes by predicate and SQL's filter pushdown. Comparisons of a column with a
 * value ({@code = <> < <= > >=}), ranges ({@link #between}), IN lists, {@code IS [NOT] NULL}, and
 * AND / OR / NOT of predicates, over columns of every type, with SQL's three-valued logic: a
 * comparison with a NULL column value is UNKNOWN, NOT UNKNOWN is UNKNOWN, and a row matches only
 * when the whole predicate is TRUE.
 *
 * <p>Values are Java objects, checked and converted to the column's stored units by
 * {@link #bind(TableDef)}: BOOLEAN a {@link Boolean}; TINYINT..BIGINT, DECIMAL, REAL and DOUBLE any
 * {@link Number} (compared by exact numeric value: {@code int_col < 2.5} is {@code int_col <= 2});
 * DATE a {@link java.time.LocalDate}; TIME a {@link java.time.LocalTime}; TIMESTAMP a
 * {@link java.time.LocalDateTime}; TIMESTAMP WITH TIME ZONE an {@link java.time.Instant} or
 * {@link java.time.OffsetDateTime}; CHAR/VARCHAR a {@link String} (ordered as
 * {@link String#compareTo}); VARBINARY a {@code byte[]} (unsigned lexicographic order); UUID a
 * {@link java.util.UUID} (ordered as {@link java.util.UUID#compareTo}). REAL/DOUBLE order NaN above
 * every number and {@code -0.0} equal to {@code 0.0}.
 *
 * <p>Immutable; thread-safe.
 */
public abstract sealed class Predicate permits Predicate.Comparison, Predicate.In, Predicate.NullTest, Predicate.Junction, Predicate.Not {
    /** Comparison operators. */
    public enum Op {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
        }

        /** The SQL spelling, e.g. {@code <=}. */
        public String sql() {
            return sql;
        }

        /** The operator with its operands swapped ({@code a < b} is {@code b > a}). */
        public Op reverse() {
            switch (this) {
                case LT: return GT;
                case LE: return GE;
                case GT: return LT;
                case GE: return LE;
                default: return this;
            }
        }

        boolean test(int cmp) {
            switch (this) {
                case EQ: return cmp == 0;
                case NE: return cmp != 0;
                case LT: return cmp < 0;
                case LE: return cmp <= 0;
                case GT: return cmp > 0;
                default: return cmp >= 0;
            }
        }
    }

    private Predicate() {}

    /** {@code column op value}. */
    public static Predicate compare(String column, Op op, Object value) {
        return new Comparison(column, op, value);
    }

    /** {@code column = value}. */
    public static Predicate eq(String column, Object value) {
        return compare(column, Op.EQ, value);
    }

    /** {@code column BETWEEN low AND high} (both ends included). */
    public static Predicate between(String column, Object low, Object high) {
        return and(compare(column, Op.GE, low), compare(column, Op.LE, high));
    }

    /**
     * {@code column IN (values)}: TRUE when the column equals one of them, UNKNOWN when it is NULL.
     *
     * @throws IllegalArgumentException if {@code values} is empty or holds a null
     */
    public static Predicate in(String column, List<?> values) {
        return new In(column, values);
    }

    /** {@code column IS NULL}. */
    public static Predicate isNull(String column) {
        return new NullTest(column, true);
    }

    /** {@code column IS NOT NULL}. */
    public static Predicate isNotNull(String column) {
        return new NullTest(column, false);
    }

    /** All of {@code parts}; @throws IllegalArgumentException if there is none. */
    public static Predicate and(Predicate... parts) {
        return and(List.of(parts));
    }

    /** All of {@code parts}; @throws IllegalArgumentException if there is none. */
    public static Predicate and(List<Predicate> parts) {
        return new Junction(true, parts);
    }

    /** Any of {@code parts}; @throws IllegalArgumentException if there is none. */
    public static Predicate or(Predicate... parts) {
        return or(List.of(parts));
    }

    /** Any of {@code parts}; @throws IllegalArgumentException if there is none. */
    public static Predicate or(List<Predicate> parts) {
        return new Junction(false, parts);
    }

    /** The negation of {@code p} (NOT UNKNOWN is UNKNOWN). */
    public static Predicate not(Predicate p) {
        return new Not(p);
    }

    /** The columns the predicate reads, in first-use order. */
    public final List<String> columns() {
        Set<String> out = new LinkedHashSet<>();
        collect(out);
        return List.copyOf(out);
    }

    abstract void collect(Set<String> out);

    /**
     * This predicate over the columns of {@code def}: names resolved, values checked against the
     * column types and converted to stored units, ready to evaluate.
     *
     * @throws IllegalArgumentException naming the table and column for an unknown column, and the
     *                                  column, its type and the value when a value cannot be
     *                                  compared with the column
     */
    public final BoundPredicate bind(TableDef def) {
        return new BoundPredicate(def, toNode(def));
    }

    abstract BoundPredicate.Node toNode(TableDef def);

    static int column(TableDef def, String name) {
        int c = def.columnIndex(name);
        if (c < 0) {
            throw new IllegalArgumentException("table " + def.name() + " has no column " + name);
        }
        return c;
    }

    /** A column compared with a value. */
    static final class Comparison extends Predicate {
        final String column;
        final Op op;
        final Object value;

        Comparison(String column, Op op, Object value) {
            this.column = Objects.requireNonNull(column, "column");
            this.op = Objects.requireNonNull(op, "op");
            this.value = Objects.requireNonNull(value, "value (use isNull/isNotNull for NULL)");
        }

        @Override
        void collect(Set<String> out) {
            out.add(column);
        }

        @Override
        BoundPredicate.Node toNode(TableDef def) {
            int c = column(def, column);
            ColumnDef cd = def.columns().get(c);
            return Literals.comparison(c, cd, op, value);
        }

        @Override
        public String toString() {
            return column + " " + op.sql + " " + Literals.sql(value);
        }
    }

    /** {@code column IN (values)}. */
    static final class In extends Predicate {
        final String column;
        final List<Object> values;

        In(String column, List<?> values) {
            this.column = Objects.requireNonNull(column, "column");
            if (values.isEmpty()) {
                throw new IllegalArgumentException("IN list of column " + column + " is empty");
            }
            List<Object> copy = new ArrayList<>();
            for (Object v : values) {
                copy.add(Objects.requireNonNull(v, "IN list value (use isNull for NULL)"));
            }
            this.values = copy;
        }

        @Override
        void collect(Set<String> out) {
            out.add(column);
        }

        @Override
        BoundPredicate.Node toNode(TableDef def) {
            int c = column(def, column);
            ColumnDef cd = def.columns().get(c);
            List<BoundPredicate.Node> eqs = new ArrayList<>();
            for (Object v : values) {
                eqs.add(Literals.comparison(c, cd, Op.EQ, v));
            }
            return eqs.size() == 1 ? eqs.get(0) : new BoundPredicate.Junction(false, eqs);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(column).append(" IN (");
            for (int i = 0; i < values.size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(Literals.sql(values.get(i)));
            }
            return sb.append(')').toString();
        }
    }

    /** {@code IS [NOT] NULL}. */
    static final class NullTest extends Predicate {
        final String column;
        final boolean isNull;

        NullTest(String column, boolean isNull) {
            this.column = Objects.requireNonNull(column, "column");
            this.isNull = isNull;
        }

        @Override
        void collect(Set<String> out) {
            out.add(column);
        }

        @Override
        BoundPredicate.Node toNode(TableDef def) {
            return new BoundPredicate.NullTest(column(def, column), isNull);
        }

        @Override
        public String toString() {
            return column + (isNull ? " IS NULL" : " IS NOT NULL");
        }
    }

    /** AND / OR. */
    static final class Junction extends Predicate {
        final boolean and;
        final List<Predicate> parts;

        Junction(boolean and, List<Predicate> parts) {
            if (parts.isEmpty()) {
                throw new IllegalArgumentException((and ? "and" : "or") + " needs at least one predicate");
            }
            this.and = and;
            this.parts = List.copyOf(parts);
        }

        @Override
        void collect(Set<String> out) {
            for (Predicate p : parts) {
                p.collect(out);
            }
        }

        @Override
        BoundPredicate.Node toNode(TableDef def) {
            List<BoundPredicate.Node> nodes = new ArrayList<>();
            for (Predicate p : parts) {
                BoundPredicate.Node n = p.toNode(def);
                if (and && n instanceof BoundPredicate.LongRange r && !r.negate) {
                    n = fuse(nodes, r);
                }
                if (n != null) {
                    nodes.add(n);
                }
            }
            return nodes.size() == 1 ? nodes.get(0) : new BoundPredicate.Junction(and, nodes);
        }

        /**
         * ANDs range {@code r} into an earlier range of the same column among {@code nodes} (one
         * pass over the column instead of two: {@code BETWEEN} is {@code >= AND <=}); returns null
         * when it was merged, else {@code r}.
         */
        private static BoundPredicate.Node fuse(List<BoundPredicate.Node> nodes, BoundPredicate.LongRange r) {
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i) instanceof BoundPredicate.LongRange q && !q.negate && q.column == r.column) {
                    long lo = Math.max(q.lo, r.lo);
                    long hi = Math.min(q.hi, r.hi);
                    nodes.set(i, lo <= hi ? new BoundPredicate.LongRange(r.column, lo, hi, false) : new BoundPredicate.Constant(r.column, false));
                    return null;
                }
            }
            return r;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < parts.size(); i++) {
                sb.append(i == 0 ? "" : and ? " AND " : " OR ").append(parts.get(i));
            }
            return sb.append(')').toString();
        }
    }

    /** NOT. */
    static final class Not extends Predicate {
        final Predicate inner;

        Not(Predicate inner) {
            this.inner = Objects.requireNonNull(inner, "predicate");
        }

        @Override
        void collect(Set<String> out) {
            inner.collect(out);
        }

        @Override
        BoundPredicate.Node toNode(TableDef def) {
            return new BoundPredicate.Not(inner.toNode(def));
        }

        @Override
        public String toString() {
            return "NOT " + inner;
        }
    }

    static String arrayText(byte[] b) {
        return Arrays.toString(b);
    }
}
