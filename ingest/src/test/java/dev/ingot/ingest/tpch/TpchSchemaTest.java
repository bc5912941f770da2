package dev.ingot.ingest.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.GenerateUtils;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.SupplierGenerator;
import io.trino.tpch.TpchTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TpchSchemaTest {
    @Test
    void eightTablesSixtyOneNotNullColumnsInForeignKeyOrder() {
        List<TableDef> tables = TpchSchema.tables();
        assertEquals(List.of("region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"),
                tables.stream().map(TableDef::name).toList());
        assertEquals(61, tables.stream().mapToInt(t -> t.columns().size()).sum());
        Set<String> seen = new HashSet<>();
        for (TableDef t : tables) {
            for (ColumnDef c : t.columns()) {
                assertTrue(!c.nullable(), c.name() + " must be NOT NULL");
            }
            for (String parent : t.referencedTables()) {
                assertTrue(seen.contains(parent), t.name() + " references " + parent + " which comes later");
            }
            seen.add(t.name());
        }
    }

    @Test
    void columnOrderMatchesTheGeneratorsColumns() {
        for (TableDef t : TpchSchema.tables()) {
            List<String> expected = TpchTable.getTable(t.name()).getColumns().stream().map(c -> c.getColumnName()).toList();
            assertEquals(expected, t.columns().stream().map(ColumnDef::name).toList(), t.name());
        }
    }

    @Test
    void rowCountBasesAndRoundingAreTheGenerators() {
        assertEquals(SupplierGenerator.SCALE_BASE, TpchSchema.SUPPLIER_BASE);
        assertEquals(CustomerGenerator.SCALE_BASE, TpchSchema.CUSTOMER_BASE);
        assertEquals(PartGenerator.SCALE_BASE, TpchSchema.PART_BASE);
        assertEquals(OrderGenerator.SCALE_BASE, TpchSchema.ORDERS_BASE);
        for (double sf : new double[] {0.0001, 0.00015, 0.01, 0.0229, 0.1, 0.3, 1.0 / 3, 1, 3.7, 10, 100, 30000}) {
            for (int base : new int[] {10_000, 150_000, 200_000, 1_500_000}) {
                assertEquals(GenerateUtils.calculateRowCount(base, sf, 1, 1), TpchSchema.baseRows(base, sf), base + " at SF " + sf);
            }
        }
        assertEquals(10_000, TpchSchema.rowCount("supplier", 1));
        assertEquals(1_500_000 * 3L, TpchSchema.rowCount("orders", 3));
        assertEquals(4 * 20_000L, TpchSchema.rowCount("partsupp", 0.1));
        assertEquals(1, TpchSchema.rowCount("supplier", 0.00015), "1.5 suppliers truncate to 1");
    }

    @Test
    void eightPrimaryKeysAndTheEightForeignKeysOfDssRi() {
        List<ConstraintSpec> all = TpchSchema.tables().stream().flatMap(t -> t.constraints().stream()).toList();
        List<ConstraintSpec> pks = all.stream().filter(c -> c.kind() == ConstraintSpec.Kind.PRIMARY_KEY).toList();
        List<ConstraintSpec> fks = all.stream().filter(c -> c.kind() == ConstraintSpec.Kind.FOREIGN_KEY).toList();
        assertEquals(8, pks.size());
        assertEquals(8, fks.size());
        assertEquals(List.of("region_pk", "nation_pk", "supplier_pk", "customer_pk", "part_pk", "partsupp_pk", "orders_pk",
                "lineitem_pk"), pks.stream().map(ConstraintSpec::name).toList());
        assertEquals(Set.of("nation_region_fk", "supplier_nation_fk", "customer_nation_fk", "partsupp_part_fk",
                "partsupp_supplier_fk", "orders_customer_fk", "lineitem_orders_fk", "lineitem_partsupp_fk"),
                new HashSet<>(fks.stream().map(ConstraintSpec::name).toList()));
        assertEquals(List.of("l_orderkey", "l_linenumber"), TpchSchema.table("lineitem").primaryKey().orElseThrow().columns());
        assertEquals(List.of("ps_partkey", "ps_suppkey"), TpchSchema.table("partsupp").primaryKey().orElseThrow().columns());
        ConstraintSpec lps = fks.stream().filter(c -> c.name().equals("lineitem_partsupp_fk")).findFirst().orElseThrow();
        assertEquals("FOREIGN KEY (l_partkey, l_suppkey) REFERENCES partsupp (ps_partkey, ps_suppkey)", lps.describe());
        // every FK references the parent's primary key columns
        for (ConstraintSpec fk : fks) {
            TableDef parent = TpchSchema.table(fk.referencedTable());
            assertEquals(parent.primaryKey().orElseThrow().columns(), fk.referencedColumns(), fk.name());
        }
    }

    @Test
    void typesFollowTheSpec() {
        TableDef l = TpchSchema.table("lineitem");
        assertEquals(ColumnType.int64(), l.column("l_orderkey").type());
        assertEquals(ColumnType.int32(), l.column("l_linenumber").type());
        assertEquals(ColumnType.decimal(15, 2), l.column("l_quantity").type());
        assertEquals(ColumnType.date(), l.column("l_shipdate").type());
        assertEquals(ColumnType.charOf(1), l.column("l_returnflag").type());
        assertEquals(ColumnType.charOf(25), l.column("l_shipinstruct").type());
        assertEquals(ColumnType.charOf(10), l.column("l_shipmode").type());
        assertEquals(ColumnType.varchar(44), l.column("l_comment").type());
        assertEquals(ColumnType.varchar(55), TpchSchema.table("part").column("p_name").type());
        assertEquals(ColumnType.varchar(199), TpchSchema.table("partsupp").column("ps_comment").type());
        assertEquals(ColumnType.varchar(152), TpchSchema.table("nation").column("n_comment").type());
        assertEquals(ColumnType.int32(), TpchSchema.table("part").column("p_size").type());
        assertEquals(ColumnType.int32(), TpchSchema.table("partsupp").column("ps_availqty").type());
        assertEquals(ColumnType.int32(), TpchSchema.table("orders").column("o_shippriority").type());
        assertThrows(IllegalArgumentException.class, () -> TpchSchema.table("lineitems"));
    }

    @Test
    void rowCounts() {
        assertEquals(5, TpchSchema.rowCount("region", 0.01));
        assertEquals(25, TpchSchema.rowCount("nation", 100));
        assertEquals(10_000, TpchSchema.rowCount("supplier", 1));
        assertEquals(150_000, TpchSchema.rowCount("customer", 1));
        assertEquals(200_000, TpchSchema.rowCount("part", 1));
        assertEquals(800_000, TpchSchema.rowCount("partsupp", 1));
        assertEquals(1_500_000, TpchSchema.rowCount("orders", 1));
        assertEquals(15_000, TpchSchema.rowCount("orders", 0.01));
        assertEquals(-1, TpchSchema.rowCount("lineitem", 1));
        assertEquals(6_000_000, TpchSchema.estimatedRowCount("lineitem", 1));
        assertEquals(800_000, TpchSchema.estimatedRowCount("partsupp", 1));
        assertThrows(IllegalArgumentException.class, () -> TpchSchema.rowCount("orders", 0));
        assertThrows(IllegalArgumentException.class, () -> TpchSchema.rowCount("orders", Double.NaN));
    }
}
