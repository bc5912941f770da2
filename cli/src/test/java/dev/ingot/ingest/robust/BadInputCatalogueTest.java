package dev.ingot.ingest.robust;

import dev.ingot.ingest.cli.VerifyReportJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnValueException;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.ConstraintViolationException;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.ConstraintMode;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.KeySetAssertions;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.ingest.TableInserter;
import dev.ingot.ingest.TableLoadException;
import dev.ingot.ingest.TestMemory;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.text.TextParseException;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input catalogue, end to end: each case damages a copy of TPC-H SF0.01 .tbl files (or
 * builds a bad Arrow batch) and loads it through {@link BulkLoader} (or {@code ingot load-tpch}),
 * asserting the exact message of the failure, that the failing table was rolled back, that the
 * tables committed before it are intact and that the store verifies OK. The message shapes are
 * unit-tested in {@code TblFileSourceTest} and {@code ConstraintServiceTest}; here they must
 * survive the whole load path ({@link TableLoadException}, the CLI's one-line error).
 */
class BadInputCatalogueTest {
    private static final double SCALE = 0.01;
    private static final AtomicInteger PARSE_CASES = new AtomicInteger();
    private static final AtomicInteger ACCEPTED_CASES = new AtomicInteger();
    private static final AtomicInteger CONSTRAINT_CASES = new AtomicInteger();

    @TempDir
    static Path shared;
    private static Path tblSf001;
    private static Map<String, Long> rows;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("bad-input", 1L << 30);

    @BeforeAll
    static void writeTblOnce() throws IOException {
        tblSf001 = Fixtures.writeTbl(shared.resolve("tbl"), SCALE);
        rows = Fixtures.lineCounts(tblSf001);
    }

    @AfterAll
    static void summary() {
        System.out.printf("bad input catalogue: %d cases end to end (%d rejected input, %d accepted input, %d constraint)%n",
                PARSE_CASES.get() + ACCEPTED_CASES.get() + CONSTRAINT_CASES.get(), PARSE_CASES.get(), ACCEPTED_CASES.get(),
                CONSTRAINT_CASES.get());
    }

    // ---------------------------------------------------------------- helpers

    /** A private copy of the SF0.01 .tbl files of {@code tables}. */
    private Path tbl(String... tables) throws IOException {
        Path dir = tmp.resolve("tbl");
        Files.createDirectories(dir);
        for (String t : tables) {
            Files.copy(tblSf001.resolve(t + ".tbl"), dir.resolve(t + ".tbl"));
        }
        return dir;
    }

    private static List<String> lines(Path file) throws IOException {
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** Line {@code lineNo} (1-based) with field {@code field} (0-based) replaced. */
    private static void setField(Path file, int lineNo, int field, String value) throws IOException {
        List<String> ls = lines(file);
        String[] f = ls.get(lineNo - 1).split("\\|");
        f[field] = value;
        ls.set(lineNo - 1, String.join("|", f) + "|");
        writeLines(file, ls);
    }

    private static String field(Path file, int lineNo, int field) throws IOException {
        return lines(file).get(lineNo - 1).split("\\|")[field];
    }

    private Path store() {
        return tmp.resolve("store");
    }

    private LoadReport load(Path tblDir, LoadOptions options, String... tables) throws IOException {
        List<TableDef> defs = Arrays.stream(tables).map(TpchSchema::table).toList();
        try (ColumnStore cs = ColumnStore.openOrCreate(store(), Fixtures.NO_SYNC)) {
            BulkLoader.SourceFactory sources = (def, batchRows, threads) ->
                    TblFileSource.open(mem.arrow(), def, tblDir.resolve(def.name() + ".tbl"), batchRows, threads);
            LoadReport r = new BulkLoader(cs, mem.ingot(), options).load(defs, sources, t -> 0, new BulkLoader.Progress() {});
            KeySetAssertions.assertReleased(r);
            return r;
        }
    }

    private LoadReport load(Path tblDir, String... tables) throws IOException {
        return load(tblDir, LoadOptions.defaults(), tables);
    }

    /** The load failed in {@code table} with exactly {@code message}; returns the cause. */
    private static Throwable assertFailed(LoadReport r, String table, String message) {
        TableLoadException e = assertInstanceOf(TableLoadException.class, r.failure(), () -> "load did not fail: " + r.failure());
        assertEquals(table, e.table());
        assertEquals(message, e.getMessage());
        return e.getCause();
    }

    /**
     * The store holds exactly {@code committed} (with their SF0.01 row counts), not
     * {@code failed}, and verifies OK.
     */
    private void assertStore(String failed, String... committed) throws IOException {
        try (ColumnStore cs = ColumnStore.openOrCreate(store(), Fixtures.NO_SYNC)) {
            assertTrue(cs.table(failed).isEmpty(), () -> "failed table " + failed + " was not rolled back");
            Map<String, Long> actual = Fixtures.tableRows(cs);
            for (String t : committed) {
                assertEquals(rows.get(t), actual.get(t), "earlier table " + t + " must be intact");
            }
            assertEquals(committed.length, actual.size(), () -> "unexpected tables: " + actual);
            VerifyReport v = StoreVerifier.verify(cs, mem.ingot());
            assertTrue(v.ok(), () -> "store does not verify: " + v.problems());
        }
    }

    private String verifyJson(Path store) throws IOException {
        try (ColumnStore cs = ColumnStore.openOrCreate(store, Fixtures.NO_SYNC)) {
            VerifyReport v = StoreVerifier.verify(cs, mem.ingot());
            assertTrue(v.ok(), () -> v.problems().toString());
            return VerifyReportJson.toJson(v);
        }
    }

    /** Loads region, nation, supplier from pristine files into another store: the reference document. */
    private String referenceJson(String... tables) throws IOException {
        Path ref = tmp.resolve("reference");
        List<TableDef> defs = Arrays.stream(tables).map(TpchSchema::table).toList();
        try (ColumnStore cs = ColumnStore.openOrCreate(ref, Fixtures.NO_SYNC)) {
            LoadReport r = new BulkLoader(cs, mem.ingot(), LoadOptions.defaults()).load(defs, (def, batchRows, threads) ->
                    TblFileSource.open(mem.arrow(), def, tblSf001.resolve(def.name() + ".tbl"), batchRows, threads),
                    t -> 0, new BulkLoader.Progress() {});
            assertNull(r.failure());
            KeySetAssertions.assertReleased(r);
        }
        return verifyJson(ref);
    }

    // ---------------------------------------------------------------- rejected .tbl input

    @Test
    void tooFewFields() throws IOException {
        Path dir = tbl("region", "nation", "supplier");
        Path f = dir.resolve("supplier.tbl");
        List<String> ls = lines(f);
        String line = ls.get(41);
        ls.set(41, line.substring(0, line.lastIndexOf('|', line.length() - 2) + 1)); // drop s_comment
        writeLines(f, ls);
        Throwable cause = assertFailed(load(dir, "region", "nation", "supplier"), "supplier",
                "expected 7 fields but found 6; file " + f + ", line 42");
        TextParseException p = assertInstanceOf(TextParseException.class, cause);
        assertNull(p.column());
        assertStore("supplier", "region", "nation");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void tooManyFields() throws IOException {
        Path dir = tbl("region", "nation", "customer");
        Path f = dir.resolve("customer.tbl");
        List<String> ls = lines(f);
        ls.set(9, ls.get(9) + "surplus|");
        writeLines(f, ls);
        assertFailed(load(dir, "region", "nation", "customer"), "customer",
                "extra data after last expected column (found 9 fields, expected 8); file " + f + ", line 10");
        assertStore("customer", "region", "nation");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void nonNumericInteger() throws IOException {
        Path dir = tbl("region", "nation", "supplier", "part", "partsupp");
        Path f = dir.resolve("partsupp.tbl");
        setField(f, 5000, 2, "12a");
        Throwable cause = assertFailed(load(dir, "region", "nation", "supplier", "part", "partsupp"), "partsupp",
                "invalid input for column ps_availqty (INTEGER): \"12a\"; file " + f + ", line 5000");
        TextParseException p = assertInstanceOf(TextParseException.class, cause);
        assertEquals("ps_availqty", p.column());
        assertEquals("12a", p.value());
        assertEquals(5000, p.line());
        assertStore("partsupp", "region", "nation", "supplier", "part");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void integerOverflow() throws IOException {
        Path dir = tbl("part");
        Path f = dir.resolve("part.tbl");
        setField(f, 1999, 5, "2147483648");
        assertFailed(load(dir, "part"), "part",
                "value \"2147483648\" is out of range for column p_size (INTEGER); file " + f + ", line 1999");
        assertStore("part");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void bigintOverflowInAKeyColumn() throws IOException {
        Path dir = tbl("region", "nation");
        Path f = dir.resolve("nation.tbl");
        setField(f, 25, 0, "9223372036854775808");
        assertFailed(load(dir, "region", "nation"), "nation",
                "value \"9223372036854775808\" is out of range for column n_nationkey (BIGINT); file " + f + ", line 25");
        assertStore("nation", "region");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void decimalWithTooManyDigits() throws IOException {
        Path dir = tbl("region", "nation", "customer");
        Path f = dir.resolve("customer.tbl");
        setField(f, 777, 5, "12345678901234.00");
        assertFailed(load(dir, "region", "nation", "customer"), "customer",
                "value \"12345678901234.00\" is out of range for column c_acctbal (DECIMAL(15,2)); file " + f + ", line 777");
        assertStore("customer", "region", "nation");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void decimalWithBadScale() throws IOException {
        Path dir = tbl("part");
        Path f = dir.resolve("part.tbl");
        setField(f, 3, 7, "901.001");
        assertFailed(load(dir, "part"), "part", "invalid input for column p_retailprice (DECIMAL(15,2)): \"901.001\":"
                + " too many fraction digits for DECIMAL(15,2); file " + f + ", line 3");
        assertStore("part");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void impossibleDate() throws IOException {
        Path dir = tbl("region", "nation", "customer", "orders");
        Path f = dir.resolve("orders.tbl");
        setField(f, 12345, 4, "1996-02-30");
        Throwable cause = assertFailed(load(dir, "region", "nation", "customer", "orders"), "orders",
                "date/time field value out of range: \"1996-02-30\" for column o_orderdate; file " + f + ", line 12345");
        assertEquals("o_orderdate", ((TextParseException) cause).column());
        assertStore("orders", "region", "nation", "customer");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void textLongerThanDeclared() throws IOException {
        Path dir = tbl("region", "nation");
        Path f = dir.resolve("nation.tbl");
        String name = "THE UNITED KINGDOM OF GB+N"; // 26 characters, CHAR(25)
        setField(f, 24, 1, name);
        assertFailed(load(dir, "region", "nation"), "nation",
                "value too long for column n_name (CHAR(25)): \"" + name + "\"; file " + f + ", line 24");
        assertStore("nation", "region");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void invalidUtf8() throws IOException {
        Path dir = tbl("region", "nation", "supplier");
        Path f = dir.resolve("supplier.tbl");
        byte[] bytes = Files.readAllBytes(f);
        // line 3: make the first byte of s_comment an invalid two-byte sequence (0xc3 0x28)
        int at = 0;
        for (int line = 1; line < 3; at++) {
            if (bytes[at] == '\n') {
                line++;
            }
        }
        int commentStart = at;
        for (int bars = 0; bars < 6; commentStart++) {
            if (bytes[commentStart] == '|') {
                bars++;
            }
        }
        bytes[commentStart] = (byte) 0xc3;
        bytes[commentStart + 1] = (byte) 0x28;
        Files.write(f, bytes);
        Throwable cause = assertFailed(load(dir, "region", "nation", "supplier"), "supplier",
                "invalid byte sequence for encoding UTF8 in column s_comment (VARCHAR(101)): 0xc3 0x28; file " + f + ", line 3");
        assertEquals("s_comment", ((TextParseException) cause).column());
        assertStore("supplier", "region", "nation");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void emptyFieldInANotNullKeyColumn() throws IOException {
        Path dir = tbl("region", "nation");
        Path f = dir.resolve("nation.tbl");
        List<String> ls = lines(f);
        ls.set(2, ls.get(2).substring(ls.get(2).indexOf('|'))); // "" as n_nationkey
        writeLines(f, ls);
        assertFailed(load(dir, "region", "nation"), "nation",
                "invalid input for column n_nationkey (BIGINT): \"\"; file " + f + ", line 3");
        assertStore("nation", "region");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void missingFile() throws IOException {
        Path dir = tbl("region", "nation");
        Path f = dir.resolve("supplier.tbl");
        Throwable cause = assertFailed(load(dir, "region", "nation", "supplier"), "supplier", f + ": no such .tbl file");
        assertInstanceOf(NoSuchFileException.class, cause);
        assertStore("supplier", "region", "nation");
        PARSE_CASES.incrementAndGet();
    }

    @Test
    void badLineThroughTheCliNamesFileLineColumnAndValue() throws IOException {
        Path dir = tbl(TpchSchema.tableNames().toArray(new String[0]));
        Path f = dir.resolve("supplier.tbl");
        setField(f, 42, 3, "3x");
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", dir.toString(), "--store", store().toString(), "--no-progress");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("ingot: error: invalid input for column s_nationkey (BIGINT): \"3x\"; file " + f + ", line 42\n"),
                run.err());
        // supplier and everything referencing it is out; region, nation, customer, part, orders committed
        assertStore("supplier", "region", "nation", "customer", "part", "orders");
        PARSE_CASES.incrementAndGet();
    }

    // ---------------------------------------------------------------- accepted .tbl variants

    @Test
    void crlfLineEndingsAreAccepted() throws IOException {
        Path dir = tbl("region", "nation", "supplier");
        for (String t : List.of("region", "nation", "supplier")) {
            Path f = dir.resolve(t + ".tbl");
            Files.writeString(f, String.join("\r\n", lines(f)) + "\r\n", StandardCharsets.UTF_8);
        }
        assertNull(load(dir, "region", "nation", "supplier").failure());
        assertEquals(referenceJson("region", "nation", "supplier"), verifyJson(store()), "CR must not end up in the data");
        ACCEPTED_CASES.incrementAndGet();
    }

    @Test
    void missingTrailingDelimiterIsAccepted() throws IOException {
        Path dir = tbl("region", "nation", "supplier");
        for (String t : List.of("region", "nation", "supplier")) {
            Path f = dir.resolve(t + ".tbl");
            List<String> ls = lines(f);
            ls.replaceAll(l -> l.substring(0, l.length() - 1));
            writeLines(f, ls);
        }
        assertNull(load(dir, "region", "nation", "supplier").failure());
        assertEquals(referenceJson("region", "nation", "supplier"), verifyJson(store()));
        ACCEPTED_CASES.incrementAndGet();
    }

    @Test
    void missingFinalNewlineIsAccepted() throws IOException {
        Path dir = tbl("region", "nation", "supplier");
        for (String t : List.of("region", "nation", "supplier")) {
            Path f = dir.resolve(t + ".tbl");
            Files.writeString(f, String.join("\n", lines(f)), StandardCharsets.UTF_8);
        }
        assertNull(load(dir, "region", "nation", "supplier").failure());
        assertEquals(referenceJson("region", "nation", "supplier"), verifyJson(store()));
        ACCEPTED_CASES.incrementAndGet();
    }

    @Test
    void emptyFileLoadsAnEmptyTable() throws IOException {
        Path dir = tbl("region", "nation");
        Files.write(dir.resolve("supplier.tbl"), new byte[0]);
        assertNull(load(dir, "region", "nation", "supplier").failure());
        try (ColumnStore cs = ColumnStore.openOrCreate(store(), Fixtures.NO_SYNC)) {
            assertEquals(0, cs.table("supplier").orElseThrow().rowCount());
            assertEquals(25, cs.table("nation").orElseThrow().rowCount());
            assertTrue(StoreVerifier.verify(cs, mem.ingot()).ok());
        }
        ACCEPTED_CASES.incrementAndGet();
    }

    // ---------------------------------------------------------------- constraints

    @Test
    void duplicatePrimaryKeyThroughTheCli() throws IOException {
        Path dir = tbl(TpchSchema.tableNames().toArray(new String[0]));
        Path f = dir.resolve("nation.tbl");
        List<String> ls = lines(f);
        ls.set(7, "3|DUPLICATE|1|a nation that repeats key 3|");
        writeLines(f, ls);
        Path reportJson = tmp.resolve("report.json");
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", dir.toString(), "--store", store().toString(),
                "--no-progress", "--report-json", reportJson.toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("ingot: error: duplicate key value violates PRIMARY KEY constraint \"nation_pk\" on table nation:"
                + " key (n_nationkey)=(3) already exists; row 7 (" + f + " line 8)\n"), run.err());
        assertStore("nation", "region", "part"); // part references nothing and loads anyway
        // the report, written for the failed load too, shows every key set released before the service closed
        JsonNode report = new ObjectMapper().readTree(reportJson.toFile());
        assertEquals(0, report.get("constraintOutstandingBytes").asLong(-1), report::toString);
        assertTrue(report.get("constraintPeakBytes").asLong() > 0, report::toString);
        assertEquals(2, report.get("tables").size(), report::toString);
        for (JsonNode t : report.get("tables")) {
            assertTrue(t.get("keySetBytes").asLong() > 0, report::toString);
        }
        CONSTRAINT_CASES.incrementAndGet();
    }

    @Test
    void duplicateCompositePrimaryKey() throws IOException {
        Path dir = tbl("region", "nation", "supplier", "part", "partsupp");
        Path f = dir.resolve("partsupp.tbl");
        String partKey = field(f, 5, 0);
        String suppKey = field(f, 5, 1);
        setField(f, 6000, 0, partKey);
        setField(f, 6000, 1, suppKey);
        Throwable cause = assertFailed(load(dir, "region", "nation", "supplier", "part", "partsupp"), "partsupp",
                "duplicate key value violates PRIMARY KEY constraint \"partsupp_pk\" on table partsupp: key (ps_partkey, ps_suppkey)=("
                        + partKey + ", " + suppKey + ") already exists; row 5999 (" + f + " line 6000)");
        ConstraintViolationException v = assertInstanceOf(ConstraintViolationException.class, cause);
        assertEquals(ConstraintViolationException.Reason.DUPLICATE_KEY, v.reason());
        assertStore("partsupp", "region", "nation", "supplier", "part");
        CONSTRAINT_CASES.incrementAndGet();
    }

    @Test
    void duplicateAcrossBatches() throws IOException {
        Path dir = tbl("region", "nation", "customer");
        Path f = dir.resolve("customer.tbl");
        String key = field(f, 7, 0);
        setField(f, 1234, 0, key);
        // 100-row batches: line 7 is in batch 0, line 1234 in batch 12
        Throwable cause = assertFailed(load(dir, LoadOptions.defaults().withParallelism(1, 1).withBatchRows(100),
                        "region", "nation", "customer"), "customer",
                "duplicate key value violates PRIMARY KEY constraint \"customer_pk\" on table customer: key (c_custkey)=("
                        + key + ") already exists; row 1233 (" + f + " line 1234)");
        assertInstanceOf(ConstraintViolationException.class, cause);
        assertStore("customer", "region", "nation");
        CONSTRAINT_CASES.incrementAndGet();
    }

    /**
     * A duplicate whose first occurrence is parsed by another worker: a nation file of 40,000
     * rows (about 6.5 MB, so two 4 MiB parse ranges) parsed by two threads.
     */
    @Test
    void duplicateAcrossParseRangesAndThreads() throws IOException {
        Path dir = tbl("region");
        Path f = dir.resolve("nation.tbl");
        StringBuilder sb = new StringBuilder();
        String comment = "x".repeat(140);
        int n = 40_000;
        long duplicateOffset = -1;
        for (int i = 0; i < n; i++) {
            long key = i == 38_999 ? 9 : i; // line 39000 repeats the key of line 10
            if (i == 38_999) {
                duplicateOffset = sb.length(); // ASCII: chars = bytes
            }
            sb.append(key).append("|NATION ").append(i).append('|').append(i % 5).append('|').append(comment).append(i % 10).append("|\n");
        }
        Files.writeString(f, sb, StandardCharsets.UTF_8);
        assertTrue(duplicateOffset > (4 << 20), "line 39000 must lie in the second 4 MiB parse range: offset " + duplicateOffset);
        Throwable cause = assertFailed(load(dir, LoadOptions.defaults().withParallelism(1, 2), "region", "nation"), "nation",
                "duplicate key value violates PRIMARY KEY constraint \"nation_pk\" on table nation: key (n_nationkey)=(9)"
                        + " already exists; row 38999 (" + f + " line 39000)");
        assertInstanceOf(ConstraintViolationException.class, cause);
        assertStore("nation", "region");
        CONSTRAINT_CASES.incrementAndGet();
    }

    @Test
    void orphanForeignKey() throws IOException {
        Path dir = tbl("region", "nation", "supplier", "part", "partsupp");
        Path f = dir.resolve("partsupp.tbl");
        setField(f, 321, 1, "999");
        Throwable cause = assertFailed(load(dir, "region", "nation", "supplier", "part", "partsupp"), "partsupp",
                "insert into table partsupp violates FOREIGN KEY constraint \"partsupp_supplier_fk\": key (ps_suppkey)=(999)"
                        + " is not present in table supplier; row 320 (" + f + " line 321)");
        ConstraintViolationException v = assertInstanceOf(ConstraintViolationException.class, cause);
        assertEquals(ConstraintViolationException.Reason.MISSING_REFERENCE, v.reason());
        assertStore("partsupp", "region", "nation", "supplier", "part");
        CONSTRAINT_CASES.incrementAndGet();
    }

    @Test
    void orphanCompositeForeignKey() throws IOException {
        String[] all = TpchSchema.tableNames().toArray(new String[0]);
        Path dir = tbl(all);
        // a (part, supplier) pair where both exist but partsupp does not pair them
        Set<String> suppliersOfPart1 = new HashSet<>();
        for (String l : lines(dir.resolve("partsupp.tbl"))) {
            String[] fs = l.split("\\|");
            if (fs[0].equals("1")) {
                suppliersOfPart1.add(fs[1]);
            }
        }
        String supp = null;
        for (int s = 1; supp == null; s++) {
            if (!suppliersOfPart1.contains(Integer.toString(s))) {
                supp = Integer.toString(s);
            }
        }
        Path f = dir.resolve("lineitem.tbl");
        setField(f, 4321, 1, "1");
        setField(f, 4321, 2, supp);
        Throwable cause = assertFailed(load(dir, all), "lineitem",
                "insert into table lineitem violates FOREIGN KEY constraint \"lineitem_partsupp_fk\": key (l_partkey, l_suppkey)=(1, "
                        + supp + ") is not present in table partsupp; row 4320 (" + f + " line 4321)");
        assertInstanceOf(ConstraintViolationException.class, cause);
        assertStore("lineitem", "region", "nation", "supplier", "customer", "part", "partsupp", "orders");
        CONSTRAINT_CASES.incrementAndGet();
    }

    /** A NULL primary key through the library API: an Arrow batch inserted with {@link TableInserter}. */
    @Test
    void nullPrimaryKeyThroughTheInserter() throws IOException {
        TableDef region = TpchSchema.table("region");
        try (ColumnStore cs = ColumnStore.openOrCreate(store(), Fixtures.NO_SYNC);
             ConstraintService constraints = new ConstraintService(mem.ingot())) {
            constraints.planLoad(List.of(region));
            VectorSchemaRoot root = VectorSchemaRoot.create(region.arrowSchema(), mem.arrow());
            try (InsertSource.ArrowBatch batch = new InsertSource.ArrowBatch(root, RowOrigin.NONE);
                 TableInserter inserter = TableInserter.begin(cs, constraints, region, ColumnStoreWriteHints.estimate(region),
                         ConstraintMode.IMMEDIATE, 3)) {
                root.allocateNew();
                BigIntVector key = (BigIntVector) root.getVector("r_regionkey");
                VarCharVector name = (VarCharVector) root.getVector("r_name");
                VarCharVector comment = (VarCharVector) root.getVector("r_comment");
                for (int i = 0; i < 3; i++) {
                    if (i == 1) {
                        key.setNull(i);
                    } else {
                        key.set(i, i);
                    }
                    name.setSafe(i, ("R" + i).getBytes(StandardCharsets.UTF_8));
                    comment.setSafe(i, "c".getBytes(StandardCharsets.UTF_8));
                }
                root.setRowCount(3);
                TableLoadException e = assertThrows(TableLoadException.class, () -> inserter.insert(batch));
                // first-error rule: a row's value errors (here NOT NULL of the key column) come before its constraints
                assertEquals("null value in column r_regionkey violates not-null constraint; row 1", e.getMessage());
                ColumnValueException v = assertInstanceOf(ColumnValueException.class, e.getCause());
                assertEquals(ColumnValueException.Reason.NOT_NULL, v.reason());
                assertFalse(inserter.isCommitted());
            }
            KeySetAssertions.assertReleased(constraints); // the aborted table freed its set before the service closes
        }
        try (ColumnStore cs = ColumnStore.openOrCreate(store(), Fixtures.NO_SYNC)) {
            assertTrue(cs.tables().isEmpty(), "the failed table must be rolled back");
            assertTrue(StoreVerifier.verify(cs, mem.ingot()).ok());
        }
        CONSTRAINT_CASES.incrementAndGet();
    }
}
