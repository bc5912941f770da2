package dev.ingot.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.ingest.cli.IngotCli;
import dev.ingot.ingest.text.DelimitedTextWriter;
import dev.ingot.ingest.text.TextDialect;
import dev.ingot.testing.TestSeed;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.calcite.jdbc.CalciteConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filter pushdown into Ingot scans: seeded random predicates (comparisons, BETWEEN, IN, IS
 * [NOT] NULL, AND/OR) over columns of every type Ingot evaluates, NULLs included, return exactly
 * the rows a three-valued evaluation of the same predicate over the generated rows returns; zone
 * maps skip the row groups they rule out; EXPLAIN shows the pushed filters.
 */
class PushdownTest {
    static final int ROWS = 4096;
    /** Rows per row group: the 8000-byte pad column makes the loader choose its smallest chunk (1024 rows). */
    static final int BATCH = 1024;
    static final String PAD = "p".repeat(8000);
    static final String DDL = "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY, b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INTEGER,"
            + " i64 BIGINT, d DECIMAL(9,2), dd DECIMAL(30,4), dt DATE, tm TIME, ts TIMESTAMP, vc VARCHAR(20), ch CHAR(3),"
            + " f DOUBLE, u UUID, pad VARCHAR(8000))";
    /** Column names in table order; index = position in a row of {@link #rows}. */
    static final String[] COLUMNS = {"id", "b", "i8", "i16", "i32", "i64", "d", "dd", "dt", "tm", "ts", "vc", "ch", "f", "u", "pad"};

    @TempDir
    Path tmp;

    /** A value drawn from a small domain so that literals hit stored values and chunk bounds. */
    static Object value(int column, Random rnd) {
        switch (COLUMNS[column]) {
            case "b": return rnd.nextBoolean();
            case "i8": return (long) (rnd.nextInt(11) - 5);
            case "i16": return (long) (rnd.nextInt(201) - 100);
            case "i32": return (long) (rnd.nextInt(2001) - 1000);
            case "i64": return rnd.nextLong() % 50 * 1_000_000_007L;
            case "d": return BigDecimal.valueOf(rnd.nextInt(2001) - 1000, 2);
            case "dd": return new BigDecimal(new java.math.BigInteger(90, rnd).subtract(java.math.BigInteger.ONE.shiftLeft(89)), 4);
            case "dt": return LocalDate.of(2020, 1, 1).plusDays(rnd.nextInt(60) - 30);
            case "tm": return LocalTime.of(rnd.nextInt(24), rnd.nextInt(2) * 30, 0, rnd.nextInt(3) * 250_000_000);
            case "ts": return LocalDateTime.of(2021, 6, 1 + rnd.nextInt(5), rnd.nextInt(3), 0, 0, rnd.nextInt(3) * 1_000_000);
            case "vc": return new String[] {"", "a", "ab", "abc", "b", "ba", "zz", "Ä", "é!"}[rnd.nextInt(9)];
            case "ch": return new String[] {"x", "xy", "xyz", "y"}[rnd.nextInt(4)];
            case "f": return (double) (rnd.nextInt(21) - 10) / 4;
            case "u": return new java.util.UUID(rnd.nextInt(4), rnd.nextInt(4)).toString();
            default: throw new IllegalArgumentException(COLUMNS[column]);
        }
    }

    static List<Object[]> rows(long seed) {
        Random rnd = new Random(seed);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            Object[] r = new Object[COLUMNS.length];
            r[0] = (long) i;
            r[COLUMNS.length - 1] = PAD;
            for (int c = 1; c < COLUMNS.length - 1; c++) {
                // NULLs clustered in some row groups (one group without any), spread in others
                boolean nullHere = i / BATCH == 2 ? c % 2 == 0 : i / BATCH != 3 && rnd.nextInt(6) == 0;
                r[c] = nullHere ? null : value(c, rnd);
            }
            rows.add(r);
        }
        return rows;
    }

    private static String text(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof LocalTime t) {
            return java.time.format.DateTimeFormatter.ISO_LOCAL_TIME.format(t);
        }
        if (v instanceof LocalDateTime t) {
            return java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
        }
        return v.toString();
    }

    private Connection load(List<Object[]> rows) throws Exception {
        Path ddl = tmp.resolve("t.sql");
        Files.writeString(ddl, DDL);
        StringWriter csv = new StringWriter();
        DelimitedTextWriter w = new DelimitedTextWriter(csv, TextDialect.csv());
        for (Object[] r : rows) {
            List<String> fields = new ArrayList<>();
            for (Object v : r) {
                fields.add(text(v));
            }
            w.writeRecord(fields);
        }
        Path data = tmp.resolve("t.csv");
        Files.writeString(data, csv.toString(), StandardCharsets.UTF_8);
        Path store = tmp.resolve("store");
        assertEquals(0, IngotCli.run("create", "--store", store.toString(), ddl.toString()));
        assertEquals(0, IngotCli.run("load", "--store", store.toString(), "--table", "t", "--no-progress", "--batch-size",
                Integer.toString(BATCH), data.toString()));
        return DriverManager.getConnection("jdbc:ingot:" + store);
    }

    /** A random predicate as SQL and as a three-valued function of a row (null = UNKNOWN). */
    record Pred(String sql, java.util.function.Function<Object[], Boolean> eval) {}

    /** Columns in predicates: every type Ingot evaluates, and DOUBLE (left to Calcite, zone maps unused). */
    private static final int[] PUSHABLE = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};

    static Pred atom(Random rnd) {
        int c = PUSHABLE[rnd.nextInt(PUSHABLE.length)];
        String col = COLUMNS[c];
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            return new Pred(col + " IS NULL", r -> r[c] == null);
        }
        if (kind == 1) {
            return new Pred(col + " IS NOT NULL", r -> r[c] != null);
        }
        Object lit = c == 0 ? (Object) (long) (rnd.nextInt(ROWS + 10) - 5) : value(c, rnd);
        if (kind == 2 && !(lit instanceof Boolean)) {
            Object hi = c == 0 ? (Object) ((Long) lit + rnd.nextInt(700)) : value(c, rnd);
            return new Pred(col + " BETWEEN " + sql(lit) + " AND " + sql(hi), r -> r[c] == null ? null
                    : compare(r[c], lit) >= 0 && compare(r[c], hi) <= 0);
        }
        if (kind == 3) {
            Object b = c == 0 ? (Object) (long) rnd.nextInt(ROWS) : value(c, rnd);
            return new Pred(col + " IN (" + sql(lit) + ", " + sql(b) + ")", r -> r[c] == null ? null
                    : compare(r[c], lit) == 0 || compare(r[c], b) == 0);
        }
        String[] ops = {"=", "<>", "<", "<=", ">", ">="};
        String op = ops[rnd.nextInt(ops.length)];
        return new Pred(rnd.nextBoolean() ? col + " " + op + " " + sql(lit) : sql(lit) + " " + flip(op) + " " + col, r -> {
            if (r[c] == null) {
                return null;
            }
            int x = compare(r[c], lit);
            switch (op) {
                case "=": return x == 0;
                case "<>": return x != 0;
                case "<": return x < 0;
                case "<=": return x <= 0;
                case ">": return x > 0;
                default: return x >= 0;
            }
        });
    }

    private static String flip(String op) {
        switch (op) {
            case "<": return ">";
            case "<=": return ">=";
            case ">": return "<";
            case ">=": return "<=";
            default: return op;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    static String sql(Object v) {
        if (v instanceof String s) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (v instanceof LocalDate d) {
            return "DATE '" + d + "'";
        }
        if (v instanceof LocalTime t) {
            return "TIME '" + text(t) + "'";
        }
        if (v instanceof LocalDateTime t) {
            return "TIMESTAMP '" + text(t).replace('T', ' ') + "'";
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v.toString();
    }

    static Pred predicate(Random rnd, int depth) {
        if (depth == 0 || rnd.nextInt(3) == 0) {
            return atom(rnd);
        }
        Pred a = predicate(rnd, depth - 1);
        Pred b = predicate(rnd, depth - 1);
        if (rnd.nextBoolean()) {
            return new Pred("(" + a.sql + " AND " + b.sql + ")", r -> {
                Boolean x = a.eval.apply(r);
                Boolean y = b.eval.apply(r);
                return Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y) ? Boolean.FALSE : x == null || y == null ? null : Boolean.TRUE;
            });
        }
        return new Pred("(" + a.sql + " OR " + b.sql + ")", r -> {
            Boolean x = a.eval.apply(r);
            Boolean y = b.eval.apply(r);
            return Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y) ? Boolean.TRUE : x == null || y == null ? null : Boolean.FALSE;
        });
    }

    private static List<Long> ids(Connection c, String sql) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    @Test
    void randomPredicatesReturnExactlyTheRowsOfAFullScanFilter() throws Exception {
        long seed = TestSeed.seed("PushdownTest");
        List<Object[]> rows = rows(seed);
        try (Connection c = load(rows)) {
            Random rnd = new Random(seed ^ 0x5DEECE66DL);
            for (int i = 0; i < 150; i++) {
                Pred p = predicate(rnd, 2);
                List<Long> expected = new ArrayList<>();
                for (Object[] r : rows) {
                    if (Boolean.TRUE.equals(p.eval.apply(r))) {
                        expected.add((Long) r[0]);
                    }
                }
                assertEquals(expected, ids(c, "select id from t where " + p.sql + " order by id"), "seed " + seed + ": " + p.sql);
            }
        }
    }

    @Test
    void zoneMapsSkipRowGroupsAndExplainShowsTheFilters() throws Exception {
        try (Connection c = load(rows(1))) {
            IngotTable t = (IngotTable) c.unwrap(CalciteConnection.class).getRootSchema().subSchemas().get("ingot").tables().get("t");
            assertEquals(ROWS / BATCH, t.info().rowGroups().size());
            assertEquals(List.of(1023L, 1024L, 1025L), ids(c, "select id from t where id between 1023 and 1025 order by id"));
            assertEquals(2, t.rowGroupsRead());
            assertEquals(ROWS / BATCH - 2, t.rowGroupsSkipped());
            // row group 3 (ids 3072..4095) holds no NULL; row group 2 (2048..3071) only NULLs in even columns (i8 is column 2)
            assertEquals(List.of(), ids(c, "select id from t where i8 is null and id >= 3072"));
            assertEquals(2, t.rowGroupsRead(), "IS NULL skips a row group without NULLs");
            assertEquals(2 * (ROWS / BATCH) - 2, t.rowGroupsSkipped());
            assertEquals(List.of(), ids(c, "select id from t where i8 = 3 and id >= 2048 and id < 3072"));
            assertEquals(2, t.rowGroupsRead(), "a comparison skips a row group of NULLs only");
            assertEquals(3 * (ROWS / BATCH) - 2, t.rowGroupsSkipped());
            String plan;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("explain plan for select vc from t where dt >= date '2020-01-10' and vc like 'a%'")) {
                rs.next();
                plan = rs.getString(1);
            }
            assertTrue(plan.contains("BindableTableScan(table=[[ingot, t]], filters=[[AND(>=($8, 2020-01-10), LIKE($11, 'a%'))]], projects=[[11]])"),
                    plan);
        }
    }
}
