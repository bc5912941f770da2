package dev.ingot;

import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.scan.Predicate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A predicate over a table's columns, for {@link Transaction#deleteWhere} and {@link Scan#where}:
 * comparisons of a column with a value ({@code =, <>, <, <=, >, >=}), ranges, IN lists,
 * {@code IS [NOT] NULL}, combined with {@link #and}, {@link #or} and {@link #not}: the embedding
 * API's builder of columnstore's {@link Predicate} (the one predicate model, which scans push down:
 * row groups are skipped by their zone maps and the rest evaluated vectorized). SQL's three-valued
 * logic, collapsed at the top: a comparison with a NULL column value is unknown, and a row matches
 * only when the whole filter is true ({@code NOT (x = 1)} does not match a row where {@code x} is
 * NULL, as in SQL).
 *
 * <p>Values are the Java types of {@link dev.ingot.ingest.keys.ArrowValues} (integers any
 * {@link Number}, DECIMAL a {@link BigDecimal}, DATE a {@link java.time.LocalDate}, text a
 * {@link String} ...); numbers compare by exact numeric value across types; text compares as
 * {@link String#compareTo} (see {@link Predicate} for every type).
 *
 * <p>Immutable; thread-safe.
 */
public final class RowFilter {
    /** Comparison operators. */
    public enum Op {
        EQ(Predicate.Op.EQ), NE(Predicate.Op.NE), LT(Predicate.Op.LT), LE(Predicate.Op.LE), GT(Predicate.Op.GT), GE(Predicate.Op.GE);

        private final Predicate.Op op;

        Op(Predicate.Op op) {
            this.op = op;
        }
    }

    private final Predicate predicate;

    private RowFilter(Predicate predicate) {
        this.predicate = predicate;
    }

    /** {@code column op value}. */
    public static RowFilter compare(String column, Op op, Object value) {
        return new RowFilter(Predicate.compare(column, Objects.requireNonNull(op, "op").op, value));
    }

    /** {@code column = value}. */
    public static RowFilter eq(String column, Object value) {
        return compare(column, Op.EQ, value);
    }

    /** {@code column <> value}. */
    public static RowFilter ne(String column, Object value) {
        return compare(column, Op.NE, value);
    }

    /** {@code column < value}. */
    public static RowFilter lt(String column, Object value) {
        return compare(column, Op.LT, value);
    }

    /** {@code column <= value}. */
    public static RowFilter le(String column, Object value) {
        return compare(column, Op.LE, value);
    }

    /** {@code column > value}. */
    public static RowFilter gt(String column, Object value) {
        return compare(column, Op.GT, value);
    }

    /** {@code column >= value}. */
    public static RowFilter ge(String column, Object value) {
        return compare(column, Op.GE, value);
    }

    /** {@code column BETWEEN low AND high} (both included). */
    public static RowFilter between(String column, Object low, Object high) {
        return new RowFilter(Predicate.between(column, low, high));
    }

    /** {@code column IN (values)}; @throws IllegalArgumentException if {@code values} is empty. */
    public static RowFilter in(String column, Object... values) {
        return new RowFilter(Predicate.in(column, List.of(values)));
    }

    /** {@code column IS NULL}. */
    public static RowFilter isNull(String column) {
        return new RowFilter(Predicate.isNull(column));
    }

    /** {@code column IS NOT NULL}. */
    public static RowFilter isNotNull(String column) {
        return new RowFilter(Predicate.isNotNull(column));
    }

    /** All of {@code filters} (at least one). */
    public static RowFilter and(RowFilter... filters) {
        return new RowFilter(Predicate.and(predicates(filters)));
    }

    /** Any of {@code filters} (at least one). */
    public static RowFilter or(RowFilter... filters) {
        return new RowFilter(Predicate.or(predicates(filters)));
    }

    /** The negation of {@code filter}. */
    public static RowFilter not(RowFilter filter) {
        return new RowFilter(Predicate.not(Objects.requireNonNull(filter, "filter").predicate));
    }

    private static List<Predicate> predicates(RowFilter[] filters) {
        List<Predicate> out = new ArrayList<>();
        for (RowFilter f : filters) {
            out.add(Objects.requireNonNull(f, "filter").predicate);
        }
        return out;
    }

    /** The columnstore predicate this filter stands for. */
    public Predicate predicate() {
        return predicate;
    }

    /** The columns the filter reads, in first-use order. */
    public List<String> columns() {
        return predicate.columns();
    }

    /**
     * Whether each row of {@code rows} (which holds at least {@link #columns()}) matches (true only).
     *
     * @throws IllegalArgumentException if a column is missing or a value cannot be compared with it
     */
    public boolean[] matches(VectorSchemaRoot rows) {
        for (String c : columns()) {
            if (rows.getVector(c) == null) {
                throw new IllegalArgumentException("no column " + c);
            }
        }
        long[] words = predicate.bind(TableDef.fromArrow("rows", rows.getSchema(), List.of())).evaluator().evaluate(rows);
        boolean[] out = new boolean[rows.getRowCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (words[i >>> 6] >>> i & 1L) != 0;
        }
        return out;
    }

    @Override
    public String toString() {
        return predicate.toString();
    }
}
