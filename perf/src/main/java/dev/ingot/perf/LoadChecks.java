package dev.ingot.perf;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.ingest.verify.ColumnProfile;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The figures a benchmark compares across engines after each load, so that a fast wrong answer
 * cannot win: the row count of every TPC-H table and a few exact column aggregates (sums of
 * decimal columns in cents, of date columns in days since 1970-01-01, of key columns, and total
 * UTF-8 bytes of text columns). Values are decimal strings of exact integers. Immutable.
 *
 * <p>Check names: {@code rows.<table>}, {@code sum.<column>}, {@code bytes.<column>}.
 *
 * @param values check name to exact integer value, in {@link #CHECKS} order (rows first)
 */
public record LoadChecks(Map<String, String> values) {
    /** What a check aggregates. */
    public enum Kind {
        /** Sum of the stored integer: cents for DECIMAL(15,2), days for DATE, the value for integers. */
        SUM,
        /** Total UTF-8 bytes of a text column. */
        BYTES
    }

    /** One column aggregate. */
    public record Check(String table, String column, Kind kind) {
        /** The check's name, {@code sum.<column>} or {@code bytes.<column>}. */
        public String name() {
            return (kind == Kind.SUM ? "sum." : "bytes.") + column;
        }
    }

    /** The column aggregates compared after every load (rows of all 8 tables come on top). */
    public static final List<Check> CHECKS = List.of(
            new Check("lineitem", "l_orderkey", Kind.SUM),
            new Check("lineitem", "l_quantity", Kind.SUM),
            new Check("lineitem", "l_extendedprice", Kind.SUM),
            new Check("lineitem", "l_discount", Kind.SUM),
            new Check("lineitem", "l_shipdate", Kind.SUM),
            new Check("lineitem", "l_comment", Kind.BYTES),
            new Check("orders", "o_totalprice", Kind.SUM),
            new Check("orders", "o_orderdate", Kind.SUM),
            new Check("partsupp", "ps_supplycost", Kind.SUM),
            new Check("customer", "c_acctbal", Kind.SUM),
            new Check("part", "p_name", Kind.BYTES));

    public LoadChecks {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Differences between this (the engine under test) and {@code expected}: one message per check
     * present in {@code expected} whose value differs or is missing here. Empty when they agree.
     */
    public List<String> mismatches(LoadChecks expected, String thisName, String expectedName) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.values.entrySet()) {
            String mine = values.get(e.getKey());
            if (!Objects.equals(mine, e.getValue())) {
                out.add(e.getKey() + ": " + thisName + " " + mine + " != " + expectedName + " " + e.getValue());
            }
        }
        return out;
    }

    /** Only the {@code rows.*} checks. */
    public LoadChecks rowsOnly() {
        Map<String, String> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith("rows.")) {
                m.put(k, v);
            }
        });
        return new LoadChecks(m);
    }

    /** Checks holding only the given per-table row counts ({@code rows.<table>}). */
    public static LoadChecks ofRows(Map<String, Long> rowsPerTable) {
        Map<String, String> m = new LinkedHashMap<>();
        rowsPerTable.forEach((t, n) -> m.put("rows." + t, Long.toString(n)));
        return new LoadChecks(m);
    }

    /**
     * Computes the checks from an Ingot store by scanning only the checked columns.
     *
     * @throws IOException if the store cannot be opened or a chunk cannot be read
     */
    public static LoadChecks ofIngotStore(Path storeDir) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        try (ColumnStore cs = ColumnStore.openReadOnly(storeDir, ColumnStoreOptions.defaults())) {
            for (String t : TpchSchema.tableNames()) {
                m.put("rows." + t, cs.table(t).map(TableInfo::rowCount).map(String::valueOf).orElse("missing"));
            }
            for (Check c : CHECKS) {
                if (cs.table(c.table()).isEmpty()) {
                    m.put(c.name(), "missing");
                    continue;
                }
                try (TableReader reader = cs.openTable(c.table())) {
                    ColumnProfile p = StoreVerifier.profileColumn(reader, c.column());
                    m.put(c.name(), String.valueOf(c.kind() == Kind.SUM ? p.sum() : p.textBytes()));
                }
            }
        }
        return new LoadChecks(m);
    }

    /**
     * Computes the checks with SQL on a DuckDB connection holding the TPC-H tables.
     *
     * @throws SQLException if a query fails (a table is missing, for example)
     */
    public static LoadChecks ofDuckDb(Connection connection) throws SQLException {
        Map<String, String> m = new LinkedHashMap<>();
        try (Statement s = connection.createStatement()) {
            for (String t : TpchSchema.tableNames()) {
                m.put("rows." + t, single(s, "SELECT count(*) FROM " + t));
            }
            for (Check c : CHECKS) {
                m.put(c.name(), single(s, "SELECT " + duckDbAggregate(c) + " FROM " + c.table()));
            }
        }
        return new LoadChecks(m);
    }

    /** The DuckDB expression computing {@code c} exactly (DECIMAL sums stay exact DECIMAL(38,2)). */
    static String duckDbAggregate(Check c) {
        String type = TpchSchema.table(c.table()).column(c.column()).type().sqlName();
        if (c.kind() == Kind.BYTES) {
            return "CAST(COALESCE(SUM(strlen(" + c.column() + ")), 0) AS VARCHAR)";
        }
        if (type.startsWith("DECIMAL")) {
            int scale = Integer.parseInt(type.substring(type.indexOf(',') + 1, type.indexOf(')')));
            return "CAST(CAST(COALESCE(SUM(" + c.column() + "), 0) * " + BigInteger.TEN.pow(scale) + " AS HUGEINT) AS VARCHAR)";
        }
        if (type.equals("DATE")) {
            return "CAST(COALESCE(SUM(" + c.column() + " - DATE '1970-01-01'), 0) AS VARCHAR)";
        }
        return "CAST(COALESCE(SUM(" + c.column() + "), 0) AS VARCHAR)";
    }

    private static String single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
