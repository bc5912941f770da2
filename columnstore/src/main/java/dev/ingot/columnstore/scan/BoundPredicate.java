package dev.ingot.columnstore.scan;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.scan.Predicate.Op;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;

/**
 * A {@link Predicate} bound to a table's columns ({@link Predicate#bind}): evaluated (a) against
 * the zone maps (chunk statistics: min, max, null count) of one row group, deciding whether none,
 * all or some of its rows can match ({@link #zone}), and (b) vectorized over a batch of rows
 * ({@link Evaluator}), giving a selection of the rows where it is TRUE.
 *
 * <p>The zone decision tracks which of TRUE, FALSE and UNKNOWN each part can yield on some row of
 * the group and combines those sets through AND/OR/NOT with SQL's three-valued truth tables (a
 * sound over-approximation: {@link ZoneMatch#NONE} and {@link ZoneMatch#ALL} are never wrong).
 * Statistics used: exact min/max of fixed-width kinds (not REAL/DOUBLE, whose NaN and -0.0 the
 * statistics order differently, and not UUID); for CHAR/VARCHAR the bounded min (a prefix of the
 * smallest value) and max (a bound above the largest) with literals whose characters are all
 * below U+D800 (where UTF-8 byte order and {@link String} order agree); null counts for every kind.
 *
 * <p>Vectorized evaluation computes, per 64 rows, one word of TRUE bits and one of UNKNOWN bits
 * for every part (tight loops over Java arrays read with {@link Vectors}, one per column and batch,
 * shared by the parts reading the same column) and combines the words.
 *
 * <p>Immutable and thread-safe; an {@link Evaluator} (its reused arrays) belongs to one thread.
 */
public final class BoundPredicate {
    /** Whether none, all or some rows of a row group can satisfy the predicate. */
    public enum ZoneMatch {
        /** No row can be TRUE: the row group is skipped. */
        NONE,
        /** Every row is TRUE (no NULL, no FALSE possible): no row needs evaluating. */
        ALL,
        /** Some rows may be TRUE: evaluate them. */
        SOME
    }

    /** The chunk statistics of one row group, by table column index. */
    @FunctionalInterface
    public interface StatsSource {
        /** The statistics of column {@code column}'s chunk. */
        ChunkStats stats(int column) throws IOException;
    }

    static final int T = 1;
    static final int F = 2;
    static final int U = 4;

    private final TableDef table;
    private final Node root;
    private final int[] columns;

    BoundPredicate(TableDef table, Node root) {
        this.table = table;
        this.root = root;
        BitSet b = new BitSet();
        root.columns(b);
        this.columns = b.stream().toArray();
    }

    /** The table the predicate is bound to. */
    public TableDef table() {
        return table;
    }

    /** The table column indexes the predicate reads, ascending (a new array). */
    public int[] columns() {
        return columns.clone();
    }

    /**
     * Decides from a row group's chunk statistics whether none, all or some of its rows can match.
     *
     * @throws IOException from {@code stats}
     */
    public ZoneMatch zone(StatsSource stats) throws IOException {
        int p = root.possible(stats);
        if ((p & T) == 0) {
            return ZoneMatch.NONE;
        }
        return p == T ? ZoneMatch.ALL : ZoneMatch.SOME;
    }

    /** A new evaluator (one per thread). */
    public Evaluator evaluator() {
        return new Evaluator(this);
    }

    @Override
    public String toString() {
        return root.toString();
    }

    /**
     * Vectorized evaluation of a {@link BoundPredicate} over batches of rows; reuses its arrays
     * from batch to batch.
     *
     * <p>Thread-safety: not thread-safe; one per thread.
     */
    public static final class Evaluator {
        private final BoundPredicate predicate;
        final BatchValues values;
        private long[] t = new long[0];
        private long[] u = new long[0];

        Evaluator(BoundPredicate predicate) {
            this.predicate = predicate;
            this.values = new BatchValues(predicate.table.columns().size());
        }

        /**
         * Evaluates the predicate on rows {@code [0, rows)} whose columns are {@code vectors}
         * (indexed by table column; those the predicate reads must be present, of the column's
         * Arrow type) and returns the TRUE rows as bits (bit {@code i % 64} of word {@code i / 64};
         * bits past {@code rows} clear); the array is reused by the next call.
         *
         * @throws IllegalArgumentException if a vector the predicate reads is missing or has fewer than {@code rows} values
         */
        public long[] evaluate(org.apache.arrow.vector.FieldVector[] vectors, int rows) {
            for (int c : predicate.columns) {
                if (c >= vectors.length || vectors[c] == null) {
                    throw new IllegalArgumentException("no vector for column " + predicate.table.columns().get(c).name()
                            + " of table " + predicate.table.name());
                }
                if (vectors[c].getValueCount() < rows) {
                    throw new IllegalArgumentException("vector of column " + predicate.table.columns().get(c).name() + " has "
                            + vectors[c].getValueCount() + " values, fewer than " + rows + " rows");
                }
            }
            values.reset(vectors, rows);
            return evaluate(rows);
        }

        /** Like {@link #evaluate(org.apache.arrow.vector.FieldVector[], int)} over columns {@code source} reads when asked. */
        long[] evaluate(BatchValues.Source source, int rows) {
            values.reset(source, rows);
            return evaluate(rows);
        }

        private long[] evaluate(int rows) {
            int n = Vectors.words(rows);
            if (t.length < n) {
                t = new long[n];
                u = new long[n];
            }
            predicate.root.eval(values, t, u, 0, null);
            int tail = rows & 63;
            if (tail != 0) {
                t[n - 1] &= (1L << tail) - 1;
            }
            return t;
        }

        /**
         * Like {@link #evaluate(org.apache.arrow.vector.FieldVector[], int)} with the vectors of
         * {@code rows} found by column name.
         *
         * @throws IllegalArgumentException if {@code rows} lacks a column the predicate reads
         */
        public long[] evaluate(org.apache.arrow.vector.VectorSchemaRoot rows) {
            org.apache.arrow.vector.FieldVector[] byColumn = new org.apache.arrow.vector.FieldVector[predicate.table.columns().size()];
            for (int c : predicate.columns) {
                String name = predicate.table.columns().get(c).name();
                byColumn[c] = rows.getVector(name);
                if (byColumn[c] == null) {
                    throw new IllegalArgumentException("no column " + name);
                }
            }
            return evaluate(byColumn, rows.getRowCount());
        }
    }

    /** A node of the bound predicate. */
    abstract static class Node {
        /** The outcomes (bits {@link #T}, {@link #F}, {@link #U}) some row of the row group may have. */
        abstract int possible(StatsSource s) throws IOException;

        /**
         * Writes the TRUE and UNKNOWN bits of the batch's rows into {@code t} and {@code u};
         * {@code depth} picks scratch arrays. Only the rows of {@code mask} (bits as {@code t}; null:
         * every row) need correct bits: the others are FALSE in an enclosing AND already, so a node
         * may leave any bits there (every word is written).
         */
        abstract void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask);

        abstract void columns(BitSet out);
    }

    /** Outcomes of a comparison leaf from its null count, given the outcomes of its non-NULL rows. */
    static int withNulls(ChunkStats s, int nonNull) {
        if (s.nullCount() == s.rowCount()) {
            return U;
        }
        return s.nullCount() > 0 ? nonNull | U : nonNull;
    }

    /** Sets {@code u} to the NULL rows of {@code column} and returns its validity words. */
    static long[] nulls(BatchValues b, int column, long[] u) {
        long[] valid = b.validity(column);
        int n = Vectors.words(b.rows);
        for (int w = 0; w < n; w++) {
            u[w] = ~valid[w];
        }
        return valid;
    }

    /** AND / OR with three-valued logic. */
    static final class Junction extends Node {
        final boolean and;
        final Node[] parts;

        Junction(boolean and, List<Node> parts) {
            this.and = and;
            this.parts = parts.toArray(new Node[0]);
        }

        @Override
        int possible(StatsSource s) throws IOException {
            int acc = parts[0].possible(s);
            for (int i = 1; i < parts.length; i++) {
                int b = parts[i].possible(s);
                int out = 0;
                if (and) {
                    if ((acc & T) != 0 && (b & T) != 0) {
                        out |= T;
                    }
                    if ((acc & F) != 0 || (b & F) != 0) {
                        out |= F;
                    }
                    if ((acc & U) != 0 && (b & (T | U)) != 0 || (b & U) != 0 && (acc & (T | U)) != 0) {
                        out |= U;
                    }
                } else {
                    if ((acc & T) != 0 || (b & T) != 0) {
                        out |= T;
                    }
                    if ((acc & F) != 0 && (b & F) != 0) {
                        out |= F;
                    }
                    if ((acc & U) != 0 && (b & (F | U)) != 0 || (b & U) != 0 && (acc & (F | U)) != 0) {
                        out |= U;
                    }
                }
                acc = out;
            }
            return acc;
        }

        @Override
        void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask) {
            parts[0].eval(b, t, u, depth + 1, mask);
            long[] t2 = b.scratch(3 * depth);
            long[] u2 = b.scratch(3 * depth + 1);
            long[] candidates = and ? b.scratch(3 * depth + 2) : mask;
            int n = Vectors.words(b.rows);
            for (int i = 1; i < parts.length; i++) {
                if (and) { // later parts are evaluated only where the conjunction is not FALSE yet
                    long any = 0;
                    for (int w = 0; w < n; w++) {
                        long c = (t[w] | u[w]) & (mask == null ? -1L : mask[w]);
                        if (w == n - 1 && (b.rows & 63) != 0) {
                            c &= (1L << b.rows) - 1; // NOT leaves bits past the rows
                        }
                        candidates[w] = c;
                        any |= c;
                    }
                    if (any == 0) {
                        return; // FALSE wherever it matters
                    }
                }
                parts[i].eval(b, t2, u2, depth + 1, candidates);
                for (int w = 0; w < n; w++) {
                    long notFalseA = t[w] | u[w];
                    long notFalseB = t2[w] | u2[w];
                    long tt;
                    long nf;
                    if (and) {
                        tt = t[w] & t2[w];
                        nf = notFalseA & notFalseB;
                    } else {
                        tt = t[w] | t2[w];
                        nf = notFalseA | notFalseB;
                    }
                    t[w] = tt;
                    u[w] = nf & ~tt;
                }
            }
        }

        @Override
        void columns(BitSet out) {
            for (Node p : parts) {
                p.columns(out);
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("(");
            for (int i = 0; i < parts.length; i++) {
                sb.append(i == 0 ? "" : and ? " AND " : " OR ").append(parts[i]);
            }
            return sb.append(')').toString();
        }
    }

    /** NOT: TRUE and FALSE swap, UNKNOWN stays. */
    static final class Not extends Node {
        final Node inner;

        Not(Node inner) {
            this.inner = inner;
        }

        @Override
        int possible(StatsSource s) throws IOException {
            int p = inner.possible(s);
            return (p & U) | ((p & T) != 0 ? F : 0) | ((p & F) != 0 ? T : 0);
        }

        @Override
        void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask) {
            inner.eval(b, t, u, depth, mask);
            int n = Vectors.words(b.rows);
            for (int w = 0; w < n; w++) {
                t[w] = ~(t[w] | u[w]);
            }
        }

        @Override
        void columns(BitSet out) {
            inner.columns(out);
        }

        @Override
        public String toString() {
            return "NOT " + inner;
        }
    }

    /** {@code IS [NOT] NULL}: never UNKNOWN. */
    static final class NullTest extends Node {
        final int column;
        final boolean isNull;

        NullTest(int column, boolean isNull) {
            this.column = column;
            this.isNull = isNull;
        }

        @Override
        int possible(StatsSource s) throws IOException {
            ChunkStats st = s.stats(column);
            int out = 0;
            if (st.nullCount() > 0) {
                out |= isNull ? T : F;
            }
            if (st.nullCount() < st.rowCount()) {
                out |= isNull ? F : T;
            }
            return out;
        }

        @Override
        void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask) {
            long[] valid = b.validity(column);
            int n = Vectors.words(b.rows);
            for (int w = 0; w < n; w++) {
                t[w] = isNull ? ~valid[w] : valid[w];
                u[w] = 0;
            }
        }

        @Override
        void columns(BitSet out) {
            out.set(column);
        }

        @Override
        public String toString() {
            return "$" + column + (isNull ? " IS NULL" : " IS NOT NULL");
        }
    }

    /** A comparison whose outcome on non-NULL rows is known ({@code int_col = 2.5} is FALSE): NULL rows are UNKNOWN. */
    static final class Constant extends Node {
        final int column;
        final boolean value;

        Constant(int column, boolean value) {
            this.column = column;
            this.value = value;
        }

        @Override
        int possible(StatsSource s) throws IOException {
            return withNulls(s.stats(column), value ? T : F);
        }

        @Override
        void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask) {
            long[] valid = nulls(b, column, u);
            int n = Vectors.words(b.rows);
            for (int w = 0; w < n; w++) {
                t[w] = value ? valid[w] : 0;
            }
        }

        @Override
        void columns(BitSet out) {
            out.set(column);
        }

        @Override
        public String toString() {
            return "$" + column + " IS NOT NULL AND " + value;
        }
    }

    /** {@code lo <= column <= hi} (or its negation) over a column of long-valued kinds (see {@link Vectors#longs}). */
    static final class LongRange extends Node {
        final int column;
        final long lo;
        final long hi;
        final boolean negate;

        LongRange(int column, long lo, long hi, boolean negate) {
            this.column = column;
            this.lo = lo;
            this.hi = hi;
            this.negate = negate;
        }

        @Override
        int possible(StatsSource s) throws IOException {
            ChunkStats st = s.stats(column);
            if (!st.hasMinMax()) {
                return withNulls(st, T | F);
            }
            boolean someIn = st.max() >= lo && st.min() <= hi;
            boolean allIn = st.min() >= lo && st.max() <= hi;
            int in = (someIn ? T : 0) | (allIn ? 0 : F);
            int out = negate ? (in & U) | ((in & T) != 0 ? F : 0) | ((in & F) != 0 ? T : 0) : in;
            return withNulls(st, out);
        }

        @Override
        void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask) {
            if (mask != null && sparse(b, t, u, mask)) {
                return;
            }
            long[] valid = nulls(b, column, u);
            long[] a = b.longs(column);
            int rows = b.rows;
            long flip = negate ? -1L : 0L;
            long lo = this.lo;
            long hi = this.hi;
            for (int w = 0, base = 0; base < rows; w++, base += 64) {
                int end = Math.min(64, rows - base);
                long bits = 0;
                for (int j = 0; j < end; j++) {
                    long x = a[base + j];
                    bits |= (x >= lo & x <= hi ? 1L : 0L) << j;
                }
                t[w] = (bits ^ flip) & valid[w];
            }
        }

        /**
         * Evaluates only the rows of {@code mask} when they are fewer than a quarter of the batch
         * (and the column's values were not read whole already): their values are read by random
         * access ({@link BatchValues#gather}); false, having done nothing, otherwise.
         */
        private boolean sparse(BatchValues b, long[] t, long[] u, long[] mask) {
            int n = Vectors.words(b.rows);
            int count = 0;
            for (int w = 0; w < n; w++) {
                count += Long.bitCount(mask[w]);
            }
            if (count >= b.rows / 4 || b.hasLongs(column)) {
                return false;
            }
            int[] positions = b.positions(mask, count);
            long[] valid = b.validity(column);
            long[] x = b.gather(column, positions, count);
            java.util.Arrays.fill(t, 0, n, 0L);
            java.util.Arrays.fill(u, 0, n, 0L);
            long lo = this.lo;
            long hi = this.hi;
            boolean negate = this.negate;
            for (int k = 0; k < count; k++) {
                int p = positions[k];
                long bit = 1L << p;
                if ((valid[p >>> 6] & bit) == 0) {
                    u[p >>> 6] |= bit;
                } else if ((x[k] >= lo && x[k] <= hi) != negate) {
                    t[p >>> 6] |= bit;
                }
            }
            return true;
        }

        @Override
        void columns(BitSet out) {
            out.set(column);
        }

        @Override
        public String toString() {
            return (negate ? "NOT " : "") + "$" + column + " BETWEEN " + lo + " AND " + hi;
        }
    }

    /**
     * A comparison of one column with a value, evaluated row by row from arrays read once per batch
     * ({@link #load}); the fixed-width integer kinds have their own loop ({@link LongRange}).
     */
    abstract static class RowCompare extends Node {
        final int column;
        final Op op;

        RowCompare(int column, Op op) {
            this.column = column;
            this.op = op;
        }

        /** Without usable zone maps for the kind: only the chunk's null count decides (TRUE and FALSE both possible otherwise). */
        @Override
        int possible(StatsSource s) throws IOException {
            return withNulls(s.stats(column), T | F);
        }

        /** Reads the batch's values of {@link #column} into fields of this node's evaluation (see {@link BatchValues}). */
        abstract Object load(BatchValues b);

        /** Compares row {@code row}'s value (not NULL) in {@code values} with the literal. */
        abstract int compare(Object values, int row);

        @Override
        void eval(BatchValues b, long[] t, long[] u, int depth, long[] mask) {
            long[] valid = nulls(b, column, u);
            Object values = load(b);
            int rows = b.rows;
            for (int w = 0, base = 0; base < rows; w++, base += 64) {
                int end = Math.min(64, rows - base);
                long bits = 0;
                for (int j = 0; j < end; j++) {
                    bits |= (op.test(compare(values, base + j)) ? 1L : 0L) << j;
                }
                t[w] = bits & valid[w];
            }
        }

        @Override
        void columns(BitSet out) {
            out.set(column);
        }

        /** The literal for {@link #toString()}. */
        abstract String literal();

        @Override
        public String toString() {
            return "$" + column + " " + op.sql() + " " + literal();
        }
    }

    /** A comparison over 16-byte DECIMAL values (two's complement, low word first). */
    static final class WideCompare extends RowCompare {
        final BigInteger value;
        final long lo;
        final long hi;

        WideCompare(int column, Op op, BigInteger value) {
            super(column, op);
            this.value = value;
            this.lo = value.longValue();
            this.hi = value.shiftRight(64).longValue();
        }

        @Override
        int possible(StatsSource s) throws IOException {
            ChunkStats st = s.stats(column);
            if (!st.hasMinMax()) {
                return withNulls(st, T | F);
            }
            return withNulls(st, exactRange(op, st.minUnscaled().compareTo(value), st.maxUnscaled().compareTo(value)));
        }

        @Override
        Object load(BatchValues b) {
            return b.words(column);
        }

        @Override
        int compare(Object values, int row) {
            long[] a = (long[]) values;
            int i = 2 * row;
            return a[i + 1] != hi ? Long.compare(a[i + 1], hi) : Long.compareUnsigned(a[i], lo);
        }

        @Override
        String literal() {
            return value.toString();
        }
    }

    /**
     * Outcomes of non-NULL rows of {@code x op v} given exact {@code min} and {@code max}:
     * {@code minCmp = compare(min, v)}, {@code maxCmp = compare(max, v)}.
     */
    static int exactRange(Op op, int minCmp, int maxCmp) {
        boolean allEqual = minCmp == 0 && maxCmp == 0;
        boolean someEqual = minCmp <= 0 && maxCmp >= 0;
        switch (op) {
            case EQ: return (someEqual ? T : 0) | (allEqual ? 0 : F);
            case NE: return (allEqual ? 0 : T) | (someEqual ? F : 0);
            case LT: return (minCmp < 0 ? T : 0) | (maxCmp >= 0 ? F : 0);
            case LE: return (minCmp <= 0 ? T : 0) | (maxCmp > 0 ? F : 0);
            case GT: return (maxCmp > 0 ? T : 0) | (minCmp <= 0 ? F : 0);
            default: return (maxCmp >= 0 ? T : 0) | (minCmp < 0 ? F : 0);
        }
    }

    /** A comparison over REAL/DOUBLE values: numeric order, {@code -0.0 = 0.0}, NaN above every number and equal to itself. */
    static final class DoubleCompare extends RowCompare {
        final double value;

        DoubleCompare(int column, Op op, double value) {
            super(column, op);
            this.value = value;
        }

        static int compare(double x, double y) {
            return x < y ? -1 : x > y ? 1 : x == y ? 0 : Double.compare(x, y);
        }

        @Override
        Object load(BatchValues b) {
            return b.doubles(column);
        }

        @Override
        int compare(Object values, int row) {
            return compare(((double[]) values)[row], value);
        }

        @Override
        String literal() {
            return Double.toString(value);
        }
    }

    /** A comparison over UUIDs in {@link UUID#compareTo} order (signed high half, then signed low half). */
    static final class UuidCompare extends RowCompare {
        final long msb;
        final long lsb;

        UuidCompare(int column, Op op, UUID value) {
            super(column, op);
            this.msb = value.getMostSignificantBits();
            this.lsb = value.getLeastSignificantBits();
        }

        @Override
        Object load(BatchValues b) {
            return b.words(column);
        }

        @Override
        int compare(Object values, int row) {
            long[] a = (long[]) values;
            long m = Long.reverseBytes(a[2 * row]);
            return m != msb ? Long.compare(m, msb) : Long.compare(Long.reverseBytes(a[2 * row + 1]), lsb);
        }

        @Override
        String literal() {
            return new UUID(msb, lsb).toString();
        }
    }

    /**
     * A comparison over byte strings: VARBINARY in unsigned byte order; CHAR/VARCHAR (UTF-8) in
     * {@link String#compareTo} order, which is unsigned byte order except where a character of
     * U+E000..U+FFFF meets one above U+FFFF (a surrogate pair in UTF-16 sorts below it).
     */
    static final class BytesCompare extends RowCompare {
        final byte[] value;
        final boolean text;
        final boolean statsUsable;

        BytesCompare(int column, Op op, byte[] value, boolean text, boolean statsUsable) {
            super(column, op);
            this.value = value;
            this.text = text;
            this.statsUsable = statsUsable;
        }

        @Override
        int possible(StatsSource s) throws IOException {
            ChunkStats st = s.stats(column);
            if (!statsUsable || !st.hasMinMax()) {
                return withNulls(st, T | F);
            }
            // min <= the smallest value (a prefix of it when not exact); max >= the largest value
            int minCmp = Arrays.compareUnsigned(st.minBytes(), value);
            int maxCmp = Arrays.compareUnsigned(st.maxBytes(), value);
            int out;
            switch (op) {
                case EQ: out = (minCmp <= 0 && maxCmp >= 0 ? T : 0) | F; break;
                case NE: out = T | (minCmp <= 0 && maxCmp >= 0 ? F : 0); break;
                case LT: out = (minCmp < 0 ? T : 0) | (maxCmp >= 0 ? F : 0); break;
                case LE: out = (minCmp <= 0 ? T : 0) | (maxCmp > 0 ? F : 0); break;
                case GT: out = (maxCmp > 0 ? T : 0) | (minCmp <= 0 ? F : 0); break;
                default: out = (maxCmp >= 0 ? T : 0) | (minCmp < 0 ? F : 0); break;
            }
            return withNulls(st, out);
        }

        @Override
        Object load(BatchValues b) {
            b.bytes(column); // reads the offsets too
            return b;
        }

        @Override
        int compare(Object values, int row) {
            BatchValues b = (BatchValues) values;
            long[] off = b.offsets(column);
            int from = (int) off[row];
            int len = (int) off[row + 1] - from;
            byte[] data = b.bytes(column);
            if ((op == Op.EQ || op == Op.NE) && len != value.length) {
                return 1; // unequal, and for = / <> the order does not matter
            }
            return compare(data, from, len, value, text);
        }

        static int compare(byte[] data, int from, int len, byte[] v, boolean text) {
            int i = Arrays.mismatch(data, from, from + len, v, 0, v.length);
            if (i < 0) {
                return 0;
            }
            if (i >= len || i >= v.length) {
                return len - v.length;
            }
            int x = data[from + i] & 0xFF;
            int y = v[i] & 0xFF;
            if (text) {
                if (x >= 0xEE && x <= 0xEF && y >= 0xF0) {
                    return 1;
                }
                if (y >= 0xEE && y <= 0xEF && x >= 0xF0) {
                    return -1;
                }
            }
            return x - y;
        }

        @Override
        String literal() {
            return text ? "'" + new String(value, java.nio.charset.StandardCharsets.UTF_8) + "'" : java.util.HexFormat.of().formatHex(value);
        }
    }
}
