package dev.ingot.ingest;

import dev.ingot.ingest.cli.VerifyReportJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.text.TextParseException;
import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.TableProfile;
import dev.ingot.ingest.verify.VerifyReport;
import io.trino.tpch.Customer;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.Order;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.PartSupplier;
import io.trino.tpch.PartSupplierGenerator;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole loads through {@link BulkLoader}: SF0.01 from the generator checked against sums computed
 * independently from io.trino.tpch, the same data from .tbl files giving the identical verify
 * document, and failing loads (duplicate key, orphan foreign key, malformed line) that leave
 * earlier tables intact.
 */
class EndToEndTest {
    private static final double SF = 0.01;

    @TempDir
    Path tmp;

    @RegisterExtension
    final TestMemory mem = new TestMemory("test", 1L << 30);

    private LoadReport load(Path store, Path tblDir, List<TableDef> tables, LoadOptions options) throws IOException {
        try (ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            BulkLoader.SourceFactory sources = (def, batchRows, threads) -> tblDir == null
                    ? TpchGeneratorSource.open(mem.arrow(), def.name(), SF, batchRows, threads)
                    : TblFileSource.open(mem.arrow(), def, tblDir.resolve(def.name() + ".tbl"), batchRows, threads);
            LoadReport report = new BulkLoader(cs, mem.ingot(), options).load(tables, sources, t -> 0, new BulkLoader.Progress() {});
            KeySetAssertions.assertReleased(report);
            return report;
        }
    }

    private VerifyReport verify(Path store) throws IOException {
        try (ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            return StoreVerifier.verify(cs, mem.ingot());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ConstraintMode.class, names = {"IMMEDIATE", "DEFERRED"})
    void generatorLoadMatchesIndependentSums(ConstraintMode mode) throws IOException {
        Path store = tmp.resolve("gen");
        LoadReport report = load(store, null, TpchSchema.tables(), LoadOptions.defaults().withMode(mode));
        assertNull(report.failure(), () -> "load failed: " + report.failure());
        assertEquals(8, report.tables().size());
        assertTrue(report.constraintPeakBytes() > 0, "key sets were built: " + report.constraintPeakBytes());

        VerifyReport v = verify(store);
        assertTrue(v.ok(), () -> "verify found problems: " + v.problems());
        Map<String, Long> expectedRows = Map.of("region", 5L, "nation", 25L, "supplier", 100L, "customer", 1500L,
                "part", 2000L, "partsupp", 8000L, "orders", 15000L);
        for (Map.Entry<String, Long> e : expectedRows.entrySet()) {
            assertEquals(e.getValue(), v.table(e.getKey()).orElseThrow().rows(), e.getKey());
        }

        // independent sums straight from io.trino.tpch entities
        long liRows = 0;
        BigInteger extPrice = BigInteger.ZERO;
        BigInteger quantity = BigInteger.ZERO;
        BigInteger orderKeys = BigInteger.ZERO;
        long minShip = Long.MAX_VALUE;
        long maxShip = Long.MIN_VALUE;
        long commentBytes = 0;
        for (LineItem li : new LineItemGenerator(SF, 1, 1)) {
            liRows++;
            extPrice = extPrice.add(BigInteger.valueOf(li.getExtendedPriceInCents()));
            quantity = quantity.add(BigInteger.valueOf(li.getQuantity() * 100));
            orderKeys = orderKeys.add(BigInteger.valueOf(li.getOrderKey()));
            minShip = Math.min(minShip, li.getShipDate());
            maxShip = Math.max(maxShip, li.getShipDate());
            commentBytes += li.getComment().getBytes(StandardCharsets.UTF_8).length;
        }
        TableProfile lineitem = v.table("lineitem").orElseThrow();
        assertEquals(liRows, lineitem.rows());
        assertEquals(extPrice, lineitem.column("l_extendedprice").sum());
        try (ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults());
             dev.ingot.columnstore.TableReader reader = cs.openTable("lineitem")) {
            assertEquals(extPrice, StoreVerifier.profileColumn(reader, "l_extendedprice").sum(), "single-column profile");
            assertEquals(commentBytes, StoreVerifier.profileColumn(reader, "l_comment").textBytes());
        }
        assertEquals(quantity, lineitem.column("l_quantity").sum());
        assertEquals(orderKeys, lineitem.column("l_orderkey").sum());
        assertEquals(commentBytes, lineitem.column("l_comment").textBytes());
        assertEquals(0, lineitem.column("l_comment").nulls());
        // the generator's dates are days since 1970-01-01 (verified against toLine() by the source tests)
        assertEquals(minShip, lineitem.column("l_shipdate").min());
        assertEquals(maxShip, lineitem.column("l_shipdate").max());

        BigInteger totalPrice = BigInteger.ZERO;
        for (Order o : new OrderGenerator(SF, 1, 1)) {
            totalPrice = totalPrice.add(BigInteger.valueOf(o.getTotalPriceInCents()));
        }
        assertEquals(totalPrice, v.table("orders").orElseThrow().column("o_totalprice").sum());
        BigInteger acctbal = BigInteger.ZERO;
        for (Customer c : new CustomerGenerator(SF, 1, 1)) {
            acctbal = acctbal.add(BigInteger.valueOf(c.getAccountBalanceInCents()));
        }
        assertEquals(acctbal, v.table("customer").orElseThrow().column("c_acctbal").sum());
        BigInteger availQty = BigInteger.ZERO;
        for (PartSupplier ps : new PartSupplierGenerator(SF, 1, 1)) {
            availQty = availQty.add(BigInteger.valueOf(ps.getAvailableQuantity()));
        }
        assertEquals(availQty, v.table("partsupp").orElseThrow().column("ps_availqty").sum());

        // reopening shows the same store
        assertEquals(VerifyReportJson.toJson(v), VerifyReportJson.toJson(verify(store)));
    }

    @Test
    void tblFilesGiveTheSameVerifyDocumentAsTheGenerator() throws IOException {
        Path tbl = tmp.resolve("tbl");
        Files.createDirectories(tbl);
        TblWriter.write(tbl, SF, 2, TpchSchema.tables().stream().map(TableDef::name).toList());
        LoadReport fromFiles = load(tmp.resolve("files"), tbl, TpchSchema.tables(), LoadOptions.defaults());
        assertNull(fromFiles.failure());
        LoadReport fromGen = load(tmp.resolve("gen"), null, TpchSchema.tables(), LoadOptions.defaults().withBatchRows(1000));
        assertNull(fromGen.failure());
        VerifyReport a = verify(tmp.resolve("files"));
        VerifyReport b = verify(tmp.resolve("gen"));
        assertTrue(a.ok(), () -> a.problems().toString());
        assertEquals(VerifyReportJson.toJson(b), VerifyReportJson.toJson(a));
    }

    /** Writes the TPC-H .tbl files at SF0.01 and lets the test damage one of them. */
    private Path tblFiles() throws IOException {
        Path tbl = tmp.resolve("tbl");
        Files.createDirectories(tbl);
        TblWriter.write(tbl, SF, 1, List.of("region", "nation", "supplier", "customer", "part", "partsupp", "orders"));
        return tbl;
    }

    private static List<TableDef> tables(String... names) {
        return java.util.Arrays.stream(names).map(TpchSchema::table).toList();
    }

    @ParameterizedTest
    @EnumSource(value = ConstraintMode.class, names = {"IMMEDIATE", "DEFERRED"})
    void duplicatePrimaryKeyFailsTheTableAndKeepsEarlierTables(ConstraintMode mode) throws IOException {
        Path tbl = tblFiles();
        Path nation = tbl.resolve("nation.tbl");
        List<String> lines = Files.readAllLines(nation);
        lines.set(7, "3|DUPLICATE|1|a nation that repeats key 3|");
        Files.write(nation, lines);
        Path store = tmp.resolve("store");
        LoadReport report = load(store, tbl, tables("region", "nation", "supplier"),
                LoadOptions.defaults().withParallelism(1, 1).withMode(mode));
        TableLoadException e = assertInstanceOf(TableLoadException.class, report.failure());
        assertInstanceOf(ConstraintViolationException.class, e.getCause());
        assertEquals("duplicate key value violates PRIMARY KEY constraint \"nation_pk\" on table nation: key (n_nationkey)=(3)"
                + " already exists; row 7 (" + nation + " line 8)", e.getMessage());
        assertEquals(List.of("supplier"), report.skipped());
        try (ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            assertEquals(5, cs.table("region").orElseThrow().rowCount());
            assertTrue(cs.table("nation").isEmpty());
            assertTrue(cs.table("supplier").isEmpty());
        }
        assertTrue(verify(store).ok());
    }

    @ParameterizedTest
    @EnumSource(value = ConstraintMode.class, names = {"IMMEDIATE", "DEFERRED"})
    void orphanForeignKeyFailsTheTableAndKeepsEarlierTables(ConstraintMode mode) throws IOException {
        Path tbl = tblFiles();
        Path orders = tbl.resolve("orders.tbl");
        List<String> lines = Files.readAllLines(orders);
        String[] f = lines.get(99).split("\\|");
        f[1] = "999999"; // o_custkey with no customer
        lines.set(99, String.join("|", f) + "|");
        Files.write(orders, lines);
        Path store = tmp.resolve("store");
        LoadReport report = load(store, tbl, tables("region", "nation", "customer", "orders"), LoadOptions.defaults().withMode(mode));
        TableLoadException e = assertInstanceOf(TableLoadException.class, report.failure());
        assertEquals("insert into table orders violates FOREIGN KEY constraint \"orders_customer_fk\": key (o_custkey)=(999999)"
                + " is not present in table customer; row 99 (" + orders + " line 100)", e.getMessage());
        try (ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            assertEquals(1500, cs.table("customer").orElseThrow().rowCount());
            assertTrue(cs.table("orders").isEmpty());
        }
        VerifyReport v = verify(store);
        assertTrue(v.ok(), () -> v.problems().toString());
        assertEquals(3, v.tables().size());
    }

    @Test
    void malformedLineFailsTheTableWithFileLineAndColumn() throws IOException {
        Path tbl = tblFiles();
        Path supplier = tbl.resolve("supplier.tbl");
        List<String> lines = Files.readAllLines(supplier);
        String[] f = lines.get(41).split("\\|");
        f[5] = "12x.50"; // s_acctbal
        lines.set(41, String.join("|", f) + "|");
        Files.write(supplier, lines);
        Path store = tmp.resolve("store");
        LoadReport report = load(store, tbl, tables("region", "nation", "supplier"), LoadOptions.defaults());
        TableLoadException e = assertInstanceOf(TableLoadException.class, report.failure());
        assertInstanceOf(TextParseException.class, e.getCause());
        assertEquals("invalid input for column s_acctbal (DECIMAL(15,2)): \"12x.50\"; file " + supplier + ", line 42", e.getMessage());
        try (ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            assertEquals(25, cs.table("nation").orElseThrow().rowCount());
            assertFalse(cs.table("supplier").isPresent());
        }
    }

    /** The rule a load applies to the bytes its key sets still hold when every table has ended. */
    @Test
    void keySetsStillHeldAtTheEndFailTheLoad() {
        assertNull(BulkLoader.unreleasedKeySets(0));
        assertEquals("constraint key sets still hold 4096 bytes after every table of the load finished (a key set was never released)",
                BulkLoader.unreleasedKeySets(4096).getMessage());
    }

    @Test
    void uncheckedModeLoadsWithoutKeySetsAndVerifyStillChecks() throws IOException {
        Path tbl = tblFiles();
        Path nation = tbl.resolve("nation.tbl");
        List<String> lines = Files.readAllLines(nation);
        lines.set(7, "3|DUPLICATE|1|a nation that repeats key 3|");
        Files.write(nation, lines);
        Path store = tmp.resolve("store");
        LoadReport report = load(store, tbl, tables("region", "nation"), LoadOptions.defaults().withMode(ConstraintMode.UNCHECKED));
        assertNull(report.failure());
        assertEquals(0, report.constraintPeakBytes());
        assertEquals(0, report.constraintOutstandingBytes());
        assertEquals(List.of(0L, 0L), report.tables().stream().map(TableLoadReport::keySetBytes).toList());
        VerifyReport v = verify(store);
        assertEquals(List.of("table nation: duplicate key value violates PRIMARY KEY constraint \"nation_pk\" on table nation:"
                + " key (n_nationkey)=(3) already exists; row 7"), v.problems());
    }
}
