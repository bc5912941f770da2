package dev.ingot;

import dev.ingot.ingest.keys.ArrowValues;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A predicate over a table's columns, for {@link Transaction#deleteWhere} and {@link Scan#where}:
 * comparisons of a column with a value ({@code =, <>, <, <=, >, >=}), {@code IS [NOT] NULL}, combined
 * with {@link #and}, {@link #or} and {@link #not}. Evaluated on the rows of each scanned row group,
 * with SQL's three-valued logic collapsed at the top: a comparison with a NULL column value is
 * unknown, and a row matches only when the whole filter is true ({@code NOT (x = 1)} does not match a
 * row where {@code x} is NULL, as in SQL).
 *
 * <p>Values are the Java types of {@link ArrowValues} (integers any {@link Number}, DECIMAL a
 * {@link BigDecimal}, DATE a {@link java.time.LocalDate}, text a {@link String} ...); numbers compare
 * by numeric value across types; text compares by code points of its UTF-8 bytes' characters (as
 * {@link String#compareTo}).
 *
 * <p>Immutable; thread-safe.
 */
public abstract sealed class RowFilter permits RowFilter.Compare, RowFilter.NullTest, RowFilter.Logic, RowFilter.Not {
    /** Comparison operators. */
    public enum Op {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String sql;

        Op(String sql) {
            this.sql = sql;
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

    private RowFilter() {}

    /** {@code column = value}. */
    public static RowFilter eq(String column, Object value) {
        return new Compare(column, Op.EQ, value);
    }

    /** {@code column <> value}. */
    public static RowFilter ne(String column, Object value) {
        return new Compare(column, Op.NE, value);
    }

    /** {@code column < value}. */
    public static RowFilter lt(String column, Object value) {
        return new Compare(column, Op.LT, value);
    }

    /** {@code column <= value}. */
    public static RowFilter le(String column, Object value) {
        return new Compare(column, Op.LE, value);
    }

    /** {@code column > value}. */
    public static RowFilter gt(String column, Object value) {
        return new Compare(column, Op.GT, value);
    }

    /** {@code column >= value}. */
    public static RowFilter ge(String column, Object value) {
        return new Compare(column, Op.GE, value);
    }

    /** {@code column IS NULL}. */
    public static RowFilter isNull(String column) {
        return new NullTest(column, true);
    }

    /** {@code column IS NOT NULL}. */
    public static RowFilter isNotNull(String column) {
        return new NullTest(column, false);
    }

    /** All of {@code filters} (at least one). */
    public static RowFilter and(RowFilter... filters) {
        return new Logic(true, List.of(filters));
    }

    /** Any of {@code filters} (at least one). */
    public static RowFilter or(RowFilter... filters) {
        return new Logic(false, List.of(filters));
    }

    /** The negation of {@code filter}. */
    public static RowFilter not(RowFilter filter) {
        return new Not(filter);
    }

    /** The columns the filter reads, in first-use order. */
    public final List<String> columns() {
        Set<String> out = new LinkedHashSet<>();
        collect(out);
        return List.copyOf(out);
    }

    abstract void collect(Set<String> out);

    /**
     * Evaluates the filter on rows {@code [0, rowCount)} of {@code rows} (which holds at least
     * {@link #columns()}): {@code TRUE}, {@code FALSE} or {@code null} (unknown) per row.
     *
     * @throws IllegalArgumentException if a column is missing or a value cannot be compared with it
     */
    abstract Boolean[] eval(VectorSchemaRoot rows);

    /** Whether each row matches (true only). */
    public final boolean[] matches(VectorSchemaRoot rows) {
        Boolean[] v = eval(rows);
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Boolean.TRUE.equals(v[i]);
        }
        return out;
    }

    static FieldVector column(VectorSchemaRoot rows, String name) {
        FieldVector v = rows.getVector(name);
        if (v == null) {
            throw new IllegalArgumentException("no column " + name);
        }
        return v;
    }

    /** A column compared with a value. */
    static final class Compare extends RowFilter {
        final String column;
        final Op op;
        final Object value;

        Compare(String column, Op op, Object value) {
            this.column = Objects.requireNonNull(column, "column");
            this.op = Objects.requireNonNull(op, "op");
            this.value = Objects.requireNonNull(value, "value (use isNull/isNotNull for NULL)");
        }

        @Override
        void collect(Set<String> out) {
            out.add(column);
        }

        @Override
        Boolean[] eval(VectorSchemaRoot rows) {
            FieldVector v = column(rows, column);
            Boolean[] out = new Boolean[rows.getRowCount()];
            for (int r = 0; r < out.length; r++) {
                Object x = ArrowValues.get(v, r);
                out[r] = x == null ? null : op.test(compare(x, value));
            }
            return out;
        }

        private int compare(Object x, Object y) {
            if (x instanceof Number && y instanceof Number) {
                return decimal((Number) x).compareTo(decimal((Number) y));
            }
            if (x instanceof byte[] && y instanceof byte[]) {
                return Arrays.compareUnsigned((byte[]) x, (byte[]) y);
            }
            if (x.getClass() == y.getClass() && x instanceof Comparable) {
                @SuppressWarnings("unchecked")
                Comparable<Object> c = (Comparable<Object>) x;
                return c.compareTo(y);
            }
            throw new IllegalArgumentException("cannot compare column " + column + " (" + x.getClass().getSimpleName()
                    + ") with " + y + " (" + y.getClass().getSimpleName() + ")");
        }

        private static BigDecimal decimal(Number n) {
            if (n instanceof BigDecimal) {
                return (BigDecimal) n;
            }
            if (n instanceof Double || n instanceof Float) {
                return new BigDecimal(n.doubleValue());
            }
            return BigDecimal.valueOf(n.longValue());
        }

        @Override
        public String toString() {
            return column + " " + op.sql + " " + (value instanceof String ? "'" + value + "'" : value);
        }
    }

    /** {@code IS [NOT] NULL}. */
    static final class NullTest extends RowFilter {
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
        Boolean[] eval(VectorSchemaRoot rows) {
            FieldVector v = column(rows, column);
            Boolean[] out = new Boolean[rows.getRowCount()];
            for (int r = 0; r < out.length; r++) {
                out[r] = v.isNull(r) == isNull;
            }
            return out;
        }

        @Override
        public String toString() {
            return column + (isNull ? " IS NULL" : " IS NOT NULL");
        }
    }

    /** AND / OR of filters, with SQL's three-valued logic. */
    static final class Logic extends RowFilter {
        final boolean and;
        final List<RowFilter> parts;

        Logic(boolean and, List<RowFilter> parts) {
            if (parts.isEmpty()) {
                throw new IllegalArgumentException((and ? "and" : "or") + " needs at least one filter");
            }
            this.and = and;
            this.parts = parts;
        }

        @Override
        void collect(Set<String> out) {
            for (RowFilter p : parts) {
                p.collect(out);
            }
        }

        @Override
        Boolean[] eval(VectorSchemaRoot rows) {
            Boolean[] acc = parts.get(0).eval(rows);
            for (int i = 1; i < parts.size(); i++) {
                Boolean[] next = parts.get(i).eval(rows);
                for (int r = 0; r < acc.length; r++) {
                    Boolean a = acc[r];
                    Boolean b = next[r];
                    if (and) {
                        acc[r] = Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b) ? Boolean.FALSE
                                : a == null || b == null ? null : Boolean.TRUE;
                    } else {
                        acc[r] = Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b) ? Boolean.TRUE
                                : a == null || b == null ? null : Boolean.FALSE;
                    }
                }
            }
            return acc;
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

    /** NOT, with SQL's three-valued logic. */
    static final class Not extends RowFilter {
        final RowFilter inner;

        Not(RowFilter inner) {
            this.inner = Objects.requireNonNull(inner, "filter");
        }

        @Override
        void collect(Set<String> out) {
            inner.collect(out);
        }

        @Override
        Boolean[] eval(VectorSchemaRoot rows) {
            Boolean[] v = inner.eval(rows);
            for (int r = 0; r < v.length; r++) {
                v[r] = v[r] == null ? null : !v[r];
            }
            return v;
        }

        @Override
        public String toString() {
            return "NOT " + inner;
        }
    }
}
