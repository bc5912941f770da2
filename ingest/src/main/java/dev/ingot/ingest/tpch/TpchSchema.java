package dev.ingot.ingest.tpch;

import static dev.ingot.columnstore.ColumnDef.notNull;
import static dev.ingot.columnstore.ColumnType.charOf;
import static dev.ingot.columnstore.ColumnType.date;
import static dev.ingot.columnstore.ColumnType.decimal;
import static dev.ingot.columnstore.ColumnType.int32;
import static dev.ingot.columnstore.ColumnType.int64;
import static dev.ingot.columnstore.ColumnType.varchar;
import static dev.ingot.columnstore.ConstraintSpec.foreignKey;
import static dev.ingot.columnstore.ConstraintSpec.primaryKey;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The eight TPC-H tables as {@link TableDef}s: columns in the order of dbgen's {@code .tbl}
 * files, types and lengths from TPC-H specification clause 1.4.1, every column NOT NULL, the
 * primary keys of clause 1.4.2 and the eight foreign keys of dbgen's {@code dss.ri}.
 *
 * <table>
 *   <caption>type mapping</caption>
 *   <tr><th>spec datatype</th><th>Ingot type</th></tr>
 *   <tr><td>identifier (every {@code *key} column)</td><td>BIGINT</td></tr>
 *   <tr><td>integer (p_size, ps_availqty, o_shippriority, l_linenumber)</td><td>INTEGER</td></tr>
 *   <tr><td>decimal (money and l_quantity)</td><td>DECIMAL(15,2)</td></tr>
 *   <tr><td>date</td><td>DATE (days since 1970-01-01)</td></tr>
 *   <tr><td>fixed text, size N</td><td>CHAR(N)</td></tr>
 *   <tr><td>variable text, size N</td><td>VARCHAR(N)</td></tr>
 * </table>
 *
 * <p>Constraint names: {@code <table>_pk} and {@code <table>_<referenced>_fk}
 * (e.g. {@code lineitem_partsupp_fk}: {@code (l_partkey, l_suppkey)} references
 * {@code partsupp (ps_partkey, ps_suppkey)}).
 *
 * <p>Thread-safety: immutable; all methods are static and thread-safe.
 */
public final class TpchSchema {
    /** Scale-independent row count of nation. */
    public static final long NATION_ROWS = 25;
    /** Scale-independent row count of region. */
    public static final long REGION_ROWS = 5;

    private static final ColumnType MONEY = decimal(15, 2);
    private static final Map<String, TableDef> TABLES = buildTables();

    private TpchSchema() {
    }

    /** The 8 tables in foreign-key order: region, nation, supplier, customer, part, partsupp, orders, lineitem. */
    public static List<TableDef> tables() {
        return List.copyOf(TABLES.values());
    }

    /** The table names in foreign-key order (lower case, as the {@code .tbl} file names). */
    public static List<String> tableNames() {
        return List.copyOf(TABLES.keySet());
    }

    /**
     * The table named {@code name} (lower case, e.g. {@code lineitem}).
     *
     * @throws IllegalArgumentException if TPC-H has no such table
     */
    public static TableDef table(String name) {
        TableDef t = TABLES.get(name);
        if (t == null) {
            throw new IllegalArgumentException("not a TPC-H table: " + name + " (expected one of " + TABLES.keySet() + ")");
        }
        return t;
    }

    /**
     * The exact number of rows dbgen (and io.trino.tpch) generates for {@code table} at
     * {@code scaleFactor}, or -1 for {@code lineitem}, whose count (1 to 7 lines per order, drawn
     * by the generator) has no closed formula: 6,001,215 at SF1. See
     * {@link #estimatedRowCount(String, double)} for a lineitem estimate.
     *
     * <p>Counts: region 5 and nation 25 at every scale; otherwise
     * {@code floor(base * scaleFactor)} with base supplier 10,000, customer 150,000,
     * part 200,000, orders 1,500,000, and partsupp = 4 * part (spec clause 4.2.5.2).
     *
     * @param table       a TPC-H table name
     * @param scaleFactor TPC-H scale factor, &gt; 0 (fractions such as 0.01 are allowed)
     * @throws IllegalArgumentException for an unknown table or a scale factor that is not &gt; 0
     */
    public static long rowCount(String table, double scaleFactor) {
        table(table);
        checkScale(scaleFactor);
        switch (table) {
            case "region": return REGION_ROWS;
            case "nation": return NATION_ROWS;
            case "supplier": return baseRows(SUPPLIER_BASE, scaleFactor);
            case "customer": return baseRows(CUSTOMER_BASE, scaleFactor);
            case "part": return baseRows(PART_BASE, scaleFactor);
            case "partsupp": return 4 * baseRows(PART_BASE, scaleFactor);
            case "orders": return baseRows(ORDERS_BASE, scaleFactor);
            default: return -1;
        }
    }

    /**
     * Like {@link #rowCount(String, double)}, but for {@code lineitem} an estimate of 4 lines
     * per order (the mean of the generator's uniform 1..7; SF1 gives 6,000,000 against the
     * exact 6,001,215). Exact for the other tables.
     */
    public static long estimatedRowCount(String table, double scaleFactor) {
        long n = rowCount(table, scaleFactor);
        return n >= 0 ? n : 4 * baseRows(ORDERS_BASE, scaleFactor);
    }

    /** The largest scale factor the TPC-H specification defines (and the generator is used at). */
    public static final double MAX_SCALE = 100_000;

    /**
     * Checks that the generator can run at {@code scaleFactor}: a finite number, at most
     * {@link #MAX_SCALE}, with at least one {@code supplier} row (the table with the smallest
     * base, 10,000 rows; without one the generator divides by zero, so the smallest scale factor
     * is 0.0001).
     *
     * @throws IllegalArgumentException naming the scale factor and the limit it breaks
     */
    public static void checkScale(double scaleFactor) {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor) || scaleFactor > MAX_SCALE) {
            throw new IllegalArgumentException("scale factor must be a finite number > 0 and <= " + (long) MAX_SCALE + ": " + scaleFactor);
        }
        if (baseRows(SUPPLIER_BASE, scaleFactor) < 1) {
            throw new IllegalArgumentException("scale factor " + scaleFactor + " is too small: the TPC-H generator would make no "
                    + "supplier rows (the smallest scale factor is 0.0001)");
        }
    }

    /**
     * {@link #checkScale}, and that the generator honours {@code scaleFactor} for every table:
     * at its supplier count {@code S}, {@code partsupp} keys are unique. The generator gives part
     * {@code p} the suppliers {@code (p + i * k) mod S + 1}, {@code i = 0..3}, with
     * {@code k = S / 4 + (p - 1) / S} (TPC-H 4.2.3, as io.trino.tpch's
     * {@code PartSupplierGenerator}); they are distinct unless {@code d * k mod S == 0} for some
     * {@code d} in 1..3, which happens for some small supplier counts (e.g. scale factors 0.0001
     * to 0.0028, 0.003, 0.0228), never from 229 suppliers (scale factor 0.0229) on.
     *
     * @throws IllegalArgumentException naming the scale factor and why it cannot be generated
     */
    public static void checkScaleForAllTables(double scaleFactor) {
        checkScale(scaleFactor);
        long suppliers = baseRows(SUPPLIER_BASE, scaleFactor);
        long parts = baseRows(PART_BASE, scaleFactor);
        for (long j = 0; j <= Math.max(0, parts - 1) / suppliers; j++) {
            long k = suppliers / 4 + j;
            for (int d = 1; d <= 3; d++) {
                if (d * k % suppliers == 0) {
                    throw new IllegalArgumentException("scale factor " + scaleFactor + " cannot be generated: with " + suppliers
                            + " suppliers the TPC-H generator gives a part the same supplier twice (duplicate partsupp keys)");
                }
            }
        }
    }

    /** Rows of {@code supplier} at scale factor 1 (TPC-H clause 4.2.5.2; io.trino.tpch's {@code SupplierGenerator.SCALE_BASE}). */
    public static final int SUPPLIER_BASE = 10_000;
    /** Rows of {@code customer} at scale factor 1 (TPC-H clause 4.2.5.2; io.trino.tpch's {@code CustomerGenerator.SCALE_BASE}). */
    public static final int CUSTOMER_BASE = 150_000;
    /** Rows of {@code part} at scale factor 1 (TPC-H clause 4.2.5.2; io.trino.tpch's {@code PartGenerator.SCALE_BASE}). */
    public static final int PART_BASE = 200_000;
    /** Rows of {@code orders} at scale factor 1 (TPC-H clause 4.2.5.2; io.trino.tpch's {@code OrderGenerator.SCALE_BASE}). */
    public static final int ORDERS_BASE = 1_500_000;

    /**
     * The rows a table with {@code scaleBase} rows at scale factor 1 has at {@code scaleFactor}:
     * {@code floor(scaleBase * scaleFactor)}, computed as dbgen and io.trino.tpch's
     * {@code GenerateUtils.calculateRowCount} do (the product in double precision, then truncated).
     *
     * @param scaleBase   rows at scale factor 1, e.g. {@link #SUPPLIER_BASE}
     * @param scaleFactor a TPC-H scale factor; not checked here (see {@link #checkScale})
     */
    public static long baseRows(int scaleBase, double scaleFactor) {
        return (long) (scaleBase * scaleFactor);
    }

    private static Map<String, TableDef> buildTables() {
        Map<String, TableDef> m = new LinkedHashMap<>();
        add(m, "region", List.of(
                notNull("r_regionkey", int64()),
                notNull("r_name", charOf(25)),
                notNull("r_comment", varchar(152))),
                primaryKey("region_pk", "r_regionkey"));
        add(m, "nation", List.of(
                notNull("n_nationkey", int64()),
                notNull("n_name", charOf(25)),
                notNull("n_regionkey", int64()),
                notNull("n_comment", varchar(152))),
                primaryKey("nation_pk", "n_nationkey"),
                fk("nation_region_fk", "region", "n_regionkey", "r_regionkey"));
        add(m, "supplier", List.of(
                notNull("s_suppkey", int64()),
                notNull("s_name", charOf(25)),
                notNull("s_address", varchar(40)),
                notNull("s_nationkey", int64()),
                notNull("s_phone", charOf(15)),
                notNull("s_acctbal", MONEY),
                notNull("s_comment", varchar(101))),
                primaryKey("supplier_pk", "s_suppkey"),
                fk("supplier_nation_fk", "nation", "s_nationkey", "n_nationkey"));
        add(m, "customer", List.of(
                notNull("c_custkey", int64()),
                notNull("c_name", varchar(25)),
                notNull("c_address", varchar(40)),
                notNull("c_nationkey", int64()),
                notNull("c_phone", charOf(15)),
                notNull("c_acctbal", MONEY),
                notNull("c_mktsegment", charOf(10)),
                notNull("c_comment", varchar(117))),
                primaryKey("customer_pk", "c_custkey"),
                fk("customer_nation_fk", "nation", "c_nationkey", "n_nationkey"));
        add(m, "part", List.of(
                notNull("p_partkey", int64()),
                notNull("p_name", varchar(55)),
                notNull("p_mfgr", charOf(25)),
                notNull("p_brand", charOf(10)),
                notNull("p_type", varchar(25)),
                notNull("p_size", int32()),
                notNull("p_container", charOf(10)),
                notNull("p_retailprice", MONEY),
                notNull("p_comment", varchar(23))),
                primaryKey("part_pk", "p_partkey"));
        add(m, "partsupp", List.of(
                notNull("ps_partkey", int64()),
                notNull("ps_suppkey", int64()),
                notNull("ps_availqty", int32()),
                notNull("ps_supplycost", MONEY),
                notNull("ps_comment", varchar(199))),
                primaryKey("partsupp_pk", "ps_partkey", "ps_suppkey"),
                fk("partsupp_part_fk", "part", "ps_partkey", "p_partkey"),
                fk("partsupp_supplier_fk", "supplier", "ps_suppkey", "s_suppkey"));
        add(m, "orders", List.of(
                notNull("o_orderkey", int64()),
                notNull("o_custkey", int64()),
                notNull("o_orderstatus", charOf(1)),
                notNull("o_totalprice", MONEY),
                notNull("o_orderdate", date()),
                notNull("o_orderpriority", charOf(15)),
                notNull("o_clerk", charOf(15)),
                notNull("o_shippriority", int32()),
                notNull("o_comment", varchar(79))),
                primaryKey("orders_pk", "o_orderkey"),
                fk("orders_customer_fk", "customer", "o_custkey", "c_custkey"));
        add(m, "lineitem", List.of(
                notNull("l_orderkey", int64()),
                notNull("l_partkey", int64()),
                notNull("l_suppkey", int64()),
                notNull("l_linenumber", int32()),
                notNull("l_quantity", MONEY),
                notNull("l_extendedprice", MONEY),
                notNull("l_discount", MONEY),
                notNull("l_tax", MONEY),
                notNull("l_returnflag", charOf(1)),
                notNull("l_linestatus", charOf(1)),
                notNull("l_shipdate", date()),
                notNull("l_commitdate", date()),
                notNull("l_receiptdate", date()),
                notNull("l_shipinstruct", charOf(25)),
                notNull("l_shipmode", charOf(10)),
                notNull("l_comment", varchar(44))),
                primaryKey("lineitem_pk", "l_orderkey", "l_linenumber"),
                fk("lineitem_orders_fk", "orders", "l_orderkey", "o_orderkey"),
                foreignKey("lineitem_partsupp_fk", List.of("l_partkey", "l_suppkey"), "partsupp",
                        List.of("ps_partkey", "ps_suppkey")));
        return m;
    }

    private static ConstraintSpec fk(String name, String referencedTable, String column, String referencedColumn) {
        return foreignKey(name, List.of(column), referencedTable, List.of(referencedColumn));
    }

    private static void add(Map<String, TableDef> m, String name, List<ColumnDef> columns, ConstraintSpec... constraints) {
        m.put(name, new TableDef(name, columns, List.of(constraints)));
    }
}
