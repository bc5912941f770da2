package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.ingest.cli.IngotCli;
import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.memory.NativeAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DuckDB COPY of SF0.01 .tbl files with real DuckDB, checked against an Ingot load of the same files. */
class DuckDbLoadTest {
    static final double SF = 0.01;

    @TempDir
    static Path tmp;
    static Path tbl;
    static DuckDbLoad.Result duck;
    static LoadChecks ingot;
    static VerifyReport verify;

    @BeforeAll
    static void loadBoth() throws Exception {
        tbl = Files.createDirectories(tmp.resolve("tbl"));
        TblWriter.write(tbl, SF, 2, TpchSchema.tableNames());
        duck = DuckDbLoad.load(tbl, tmp.resolve("tpch.duckdb"), true);
        Path store = tmp.resolve("store");
        assertEquals(0, IngotCli.run("load-tpch", "--scale", "0.01", "--source", tbl.toString(), "--store", store.toString(),
                "--no-progress"));
        ingot = LoadChecks.ofIngotStore(store);
        try (NativeAllocator memory = NativeAllocator.root("test", 1L << 30); ColumnStore cs = ColumnStore.openOrCreate(store)) {
            verify = StoreVerifier.verify(cs, memory);
        }
    }

    @Test
    void rowCountsMatchTpch() {
        for (String t : TpchSchema.tableNames()) {
            long expected = TpchSchema.rowCount(t, SF);
            String duckRows = duck.checks().values().get("rows." + t);
            if (expected >= 0) {
                assertEquals(Long.toString(expected), duckRows, t);
            }
            assertEquals(duckRows, ingot.values().get("rows." + t), t);
        }
        assertEquals(duck.tables().stream().mapToLong(DuckDbLoad.TableTime::rows).sum(), duck.rows());
        assertEquals(8, duck.tables().size());
    }

    @Test
    void everyCheckAgreesWithIngot() {
        assertEquals(List.of(), ingot.mismatches(duck.checks(), "ingot", "duckdb"));
        assertEquals(LoadChecks.CHECKS.size() + 8, duck.checks().values().size());
    }

    @Test
    void sumsEqualIngotVerify() {
        assertTrue(verify.ok(), () -> verify.problems().toString());
        String verified = verify.table("lineitem").orElseThrow().column("l_extendedprice").sum().toString();
        assertEquals(verified, duck.checks().values().get("sum.l_extendedprice"));
        String totalprice = verify.table("orders").orElseThrow().column("o_totalprice").sum().toString();
        assertEquals(totalprice, duck.checks().values().get("sum.o_totalprice"));
        long commentBytes = verify.table("lineitem").orElseThrow().column("l_comment").textBytes();
        assertEquals(Long.toString(commentBytes), duck.checks().values().get("bytes.l_comment"));
    }

    @Test
    void resultJsonHasTablesStagesAndChecks() throws Exception {
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(DuckDbLoad.toJson(duck, 123));
        assertEquals(8, doc.path("tables").size());
        assertEquals(123, doc.path("peakRssBytes").asLong());
        assertTrue(doc.path("stages").has("copy"));
        assertEquals(duck.checks().values().get("rows.lineitem"), doc.path("checks").path("rows.lineitem").asText());
        assertTrue(duck.dbBytes() > 0);
    }

    @Test
    void declaredForeignKeysAreEnforced() throws Exception {
        Path bad = Files.createDirectories(tmp.resolve("bad"));
        for (String t : TpchSchema.tableNames()) {
            Files.copy(tbl.resolve(t + ".tbl"), bad.resolve(t + ".tbl"));
        }
        // a nation in region 99, which does not exist
        Files.writeString(bad.resolve("nation.tbl"), "25|ATLANTIS|99|sunk|\n", StandardOpenOption.APPEND);
        assertThrows(SQLException.class, () -> DuckDbLoad.load(bad, tmp.resolve("bad.duckdb"), true));
        DuckDbLoad.Result noKeys = DuckDbLoad.load(bad, tmp.resolve("nokeys.duckdb"), false);
        assertEquals("26", noKeys.checks().values().get("rows.nation"));
    }

    @Test
    void createTableDeclaresKeys() {
        String sql = DuckDbLoad.createTableSql(TpchSchema.table("lineitem"), true);
        assertTrue(sql.contains("PRIMARY KEY (l_orderkey, l_linenumber)"), sql);
        assertTrue(sql.contains("FOREIGN KEY (l_partkey, l_suppkey) REFERENCES partsupp (ps_partkey, ps_suppkey)"), sql);
        assertTrue(sql.contains("l_extendedprice DECIMAL(15,2) NOT NULL"), sql);
        assertTrue(!DuckDbLoad.createTableSql(TpchSchema.table("lineitem"), false).contains("KEY"));
    }
}
