package dev.ingot.ingest.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.text.TextParseException;
import dev.ingot.testing.ArrowPerTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TblFileSourceTest {
    /** The first lineitem row of dbgen SF0.01 (and every SF). */
    private static final String LINE = "1|1552|93|1|17|24710.35|0.04|0.02|N|O|1996-03-13|1996-02-12|1996-03-22|DELIVER IN PERSON|TRUCK|egular courts above the|";
    private static final TableDef LINEITEM = TpchSchema.table("lineitem");
    private static final TableDef ORDERS = TpchSchema.table("orders");
    /** A small table with one column of each kind, one nullable. */
    private static final TableDef MIXED = new TableDef("mixed", List.of(
            ColumnDef.notNull("k", ColumnType.int64()),
            ColumnDef.notNull("i", ColumnType.int32()),
            ColumnDef.notNull("d", ColumnType.decimal(15, 2)),
            ColumnDef.notNull("dt", ColumnType.date()),
            ColumnDef.notNull("t", ColumnType.varchar(5)),
            ColumnDef.nullable("n", ColumnType.int64())), List.of());

    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    private Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String name, byte[] content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    /** 16 good lines then {@code bad} as line 17. */
    private Path lineitemWithLine17(String bad) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            sb.append(LINE).append('\n');
        }
        sb.append(bad).append('\n');
        return write("lineitem.tbl", sb.toString());
    }

    private String lineitemError(String badLine, int threads) throws Exception {
        Path f = lineitemWithLine17(badLine);
        try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, f, 4, threads, 128, 64)) {
            TextParseException e = assertThrows(TextParseException.class, () -> TestRows.drainCount(s));
            assertEquals(17, e.line());
            assertEquals(f.toString(), e.file());
            // the same error again on the next call
            assertSame(e, assertThrows(TextParseException.class, s::next));
            return e.getMessage();
        }
    }

    private String ctx17() {
        return "; file " + dir.resolve("lineitem.tbl") + ", line 17";
    }

    private static String withField(int field, String value) {
        String[] f = LINE.split("\\|", -1);
        f[field] = value;
        return String.join("|", Arrays.copyOf(f, f.length));
    }

    @Test
    void tooFewAndTooManyFields() throws Exception {
        String fifteen = LINE.substring(0, LINE.lastIndexOf('|', LINE.length() - 2) + 1);
        assertEquals("expected 16 fields but found 15" + ctx17(), lineitemError(fifteen, 1));
        assertEquals("extra data after last expected column (found 17 fields, expected 16)" + ctx17(),
                lineitemError(LINE + "more|", 2));
        // a field-count error wins over a bad value on the same line
        assertEquals("expected 16 fields but found 15" + ctx17(), lineitemError("x" + fifteen, 1));
        assertEquals("expected 16 fields but found 0" + ctx17(), lineitemError("", 1));
    }

    @Test
    void invalidNumbers() throws Exception {
        String e = lineitemError(withField(4, "12x.5"), 2);
        assertEquals("invalid input for column l_quantity (DECIMAL(15,2)): \"12x.5\"" + ctx17(), e);
        assertEquals("invalid input for column l_linenumber (INTEGER): \"one\"" + ctx17(), lineitemError(withField(3, "one"), 1));
        assertEquals("invalid input for column l_orderkey (BIGINT): \"\"" + ctx17(), lineitemError(withField(0, ""), 1));
        assertEquals("invalid input for column l_orderkey (BIGINT): \"-\"" + ctx17(), lineitemError(withField(0, "-"), 1));
        assertEquals("invalid input for column l_orderkey (BIGINT): \" 1\"" + ctx17(), lineitemError(withField(0, " 1"), 1));
        assertEquals("value \"99999999999999999999\" is out of range for column l_orderkey (BIGINT)" + ctx17(),
                lineitemError(withField(0, "99999999999999999999"), 1));
        assertEquals("value \"2147483648\" is out of range for column l_linenumber (INTEGER)" + ctx17(),
                lineitemError(withField(3, "2147483648"), 1));
        assertEquals("invalid input for column l_tax (DECIMAL(15,2)): \"0.125\": too many fraction digits for DECIMAL(15,2)"
                + ctx17(), lineitemError(withField(7, "0.125"), 1));
        assertEquals("value \"1234567890123456.5\" is out of range for column l_extendedprice (DECIMAL(15,2))" + ctx17(),
                lineitemError(withField(5, "1234567890123456.5"), 1));
        assertEquals("invalid input for column l_tax (DECIMAL(15,2)): \".\"" + ctx17(), lineitemError(withField(7, "."), 1));
        assertEquals("invalid input for column l_tax (DECIMAL(15,2)): \"1e3\"" + ctx17(), lineitemError(withField(7, "1e3"), 1));
    }

    @Test
    void invalidDates() throws Exception {
        assertEquals("date/time field value out of range: \"1996-02-30\" for column l_shipdate" + ctx17(),
                lineitemError(withField(10, "1996-02-30"), 1));
        assertEquals("date/time field value out of range: \"1997-02-29\" for column l_shipdate" + ctx17(),
                lineitemError(withField(10, "1997-02-29"), 1));
        assertEquals("date/time field value out of range: \"1996-13-01\" for column l_commitdate" + ctx17(),
                lineitemError(withField(11, "1996-13-01"), 1));
        assertEquals("invalid input for column l_receiptdate (DATE): \"1996-3-13\"" + ctx17(),
                lineitemError(withField(12, "1996-3-13"), 1));
        assertEquals("invalid input for column l_receiptdate (DATE): \"1996-03-13x\"" + ctx17(),
                lineitemError(withField(12, "1996-03-13x"), 1));
    }

    @Test
    void textTooLongAndInvalidUtf8() throws Exception {
        assertEquals("value too long for column l_shipmode (CHAR(10)): \"TRUCKTRUCKX\"" + ctx17(),
                lineitemError(withField(14, "TRUCKTRUCKX"), 1));
        String comment45 = "x".repeat(45);
        assertEquals("value too long for column l_comment (VARCHAR(44)): \"" + comment45 + "\"" + ctx17(),
                lineitemError(withField(15, comment45), 2));
        // 44 two-byte characters fit VARCHAR(44): lengths are in characters
        Path ok = write("ok.tbl", withField(15, "\u00e9".repeat(44)) + "\n");
        try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, ok, 10, 1)) {
            assertEquals("\u00e9".repeat(44), TestRows.drainRows(s).get(0).get(15));
        }
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        for (int i = 0; i < 16; i++) {
            bad.writeBytes((LINE + "\n").getBytes(StandardCharsets.UTF_8));
        }
        bad.writeBytes(withField(15, "ab").getBytes(StandardCharsets.UTF_8));
        byte[] b = bad.toByteArray();
        String head = new String(b, StandardCharsets.ISO_8859_1);
        int at = head.lastIndexOf("ab|");
        b[at] = (byte) 0xc3;
        b[at + 1] = (byte) 0x28;
        Path f = write("lineitem.tbl", b);
        try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, f, 10, 1)) {
            TextParseException e = assertThrows(TextParseException.class, () -> TestRows.drainCount(s));
            assertEquals("invalid byte sequence for encoding UTF8 in column l_comment (VARCHAR(44)): 0xc3 0x28" + ctx17(),
                    e.getMessage());
            assertEquals("l_comment", e.column());
        }
    }

    @Test
    void exceptionAccessors() throws Exception {
        Path f = lineitemWithLine17(withField(4, "12x.5"));
        try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, f, 5, 2, 100, 50)) {
            TextParseException e = assertThrows(TextParseException.class, () -> TestRows.drainCount(s));
            assertEquals(f.toString(), e.file());
            assertEquals(17, e.line());
            assertEquals("l_quantity", e.column());
            assertEquals("12x.5", e.value());
            assertEquals("invalid input for column l_quantity (DECIMAL(15,2)): \"12x.5\"", e.problem());
        }
    }

    @Test
    void valuesOfEveryKind() throws Exception {
        String content = String.join("\n",
                "1|2|-123.45|1970-01-01|abc|7|",
                "-9223372036854775808|-2147483648|12|1969-12-31|||", // empty text, NULL last field: "||" before the final "|"
                "9223372036854775807|2147483647|0.05|2000-02-29|h\u00e9llo||",
                "+4|+0|.5|9999-12-31|a|b|".replace("|b|", "|-1|"),
                "5|0|12.|1600-02-29|x|0|") + "\n";
        Path f = write("mixed.tbl", content);
        try (TblFileSource s = TblFileSource.open(arrow.allocator(), MIXED, f, 2, 2, 20, 8)) {
            List<List<Object>> rows = TestRows.drainRows(s);
            assertEquals(5, rows.size());
            assertEquals(Arrays.asList(1L, 2, new BigDecimal("-123.45"), LocalDate.of(1970, 1, 1), "abc", 7L), rows.get(0));
            assertEquals(Arrays.asList(Long.MIN_VALUE, Integer.MIN_VALUE, new BigDecimal("12.00"), LocalDate.of(1969, 12, 31),
                    "", null), rows.get(1));
            assertEquals(Arrays.asList(Long.MAX_VALUE, Integer.MAX_VALUE, new BigDecimal("0.05"), LocalDate.of(2000, 2, 29),
                    "h\u00e9llo", null), rows.get(2));
            assertEquals(Arrays.asList(4L, 0, new BigDecimal("0.50"), LocalDate.of(9999, 12, 31), "a", -1L), rows.get(3));
            assertEquals(Arrays.asList(5L, 0, new BigDecimal("12.00"), LocalDate.of(1600, 2, 29), "x", 0L), rows.get(4));
        }
    }

    @Test
    void crlfMissingTrailingBarAndMissingFinalNewlineAreAccepted() throws Exception {
        String noBar = LINE.substring(0, LINE.length() - 1);
        String content = LINE + "\r\n" + noBar + "\n" + noBar + "\r\n" + LINE;
        Path f = write("lineitem.tbl", content);
        for (int threads : new int[] {1, 2}) {
            try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, f, 3, threads, 64, 16)) {
                List<List<Object>> rows = TestRows.drainRows(s);
                assertEquals(4, rows.size());
                for (List<Object> r : rows) {
                    assertEquals(rows.get(0), r);
                    assertEquals("egular courts above the", r.get(15));
                    assertEquals(new BigDecimal("17.00"), r.get(4));
                    assertEquals(LocalDate.of(1996, 3, 13), r.get(10));
                }
            }
        }
        Path oneNoNewline = write("one.tbl", noBar);
        try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, oneNoNewline, 3, 1)) {
            assertEquals(1, TestRows.drainCount(s));
        }
    }

    @Test
    void emptyFileHasNoRows() throws Exception {
        Path f = write("empty.tbl", "");
        for (int threads : new int[] {1, 2}) {
            try (TblFileSource s = TblFileSource.open(arrow.allocator(), LINEITEM, f, 3, threads)) {
                assertNull(s.next());
                assertNull(s.next());
            }
        }
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope").resolve("lineitem.tbl");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> TblFileSource.open(arrow.allocator(), LINEITEM, f, 3, 1));
        assertEquals(f + ": no such .tbl file", e.getMessage());
    }

    /** Orders rows whose key is their line number, of varying length, with CRLF on every third line. */
    private Path numberedOrders(int lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= lines; n++) {
            sb.append(n).append("|7|O|100.25|1996-01-02|5-LOW|Clerk#000000951|0|").append("c".repeat(n % 70)).append('|');
            sb.append(n % 3 == 0 ? "\r\n" : "\n");
        }
        return write("orders.tbl", sb.toString());
    }

    @Test
    void rowOriginLineNumbersAreExactWithParallelRanges() throws Exception {
        int lines = 2000;
        Path f = numberedOrders(lines);
        for (int threads : new int[] {1, 2, 3}) {
            for (int rangeBytes : new int[] {97, 1000, 1 << 20}) {
                long expectedLine = 1;
                int batches = 0;
                try (TblFileSource s = TblFileSource.open(arrow.allocator(), ORDERS, f, 13, threads, rangeBytes, 40)) {
                    InsertSource.ArrowBatch b;
                    while ((b = s.next()) != null) {
                        try (InsertSource.ArrowBatch batch = b) {
                            batches++;
                            assertEquals(f.toString(), batch.origin().file());
                            assertEquals(expectedLine, batch.origin().firstLine(), "threads " + threads + " range " + rangeBytes);
                            BigIntVector keys = (BigIntVector) batch.root().getVector(0);
                            for (int i = 0; i < batch.rowCount(); i++) {
                                assertEquals(expectedLine + i, keys.get(i));
                            }
                            if (batch.rowCount() > 2) {
                                assertEquals(f + " line " + (expectedLine + 2), batch.origin().describe(2));
                            }
                            expectedLine += batch.rowCount();
                        }
                    }
                }
                assertEquals(lines + 1, expectedLine);
                assertTrue(batches >= lines / 13);
            }
        }
    }

    @Test
    void parallelErrorsReportTheFirstBadLineExactly() throws Exception {
        int lines = 3000;
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= lines; n++) {
            String date = n == 2345 ? "1996-02-30" : n == 2900 ? "1996-02-31" : "1996-01-02";
            sb.append(n).append("|7|O|100.25|").append(date).append("|5-LOW|Clerk#000000951|0|c|\n");
        }
        Path f = write("orders.tbl", sb.toString());
        for (int threads : new int[] {1, 2}) {
            try (TblFileSource s = TblFileSource.open(arrow.allocator(), ORDERS, f, 50, threads, 333, 64)) {
                long rowsBefore = 0;
                TextParseException e = null;
                try {
                    InsertSource.ArrowBatch b;
                    while ((b = s.next()) != null) {
                        rowsBefore += b.rowCount();
                        b.close();
                    }
                } catch (TextParseException x) {
                    e = x;
                }
                assertTrue(e != null);
                assertEquals("date/time field value out of range: \"1996-02-30\" for column o_orderdate; file " + f + ", line 2345",
                        e.getMessage());
                assertEquals("o_orderdate", e.column());
                assertTrue(rowsBefore < 2345, "rows after the bad line must not be handed out: " + rowsBefore);
            }
        }
    }

    @Test
    void closeMidFileFreesEverything() throws Exception {
        Path f = numberedOrders(5000);
        TblFileSource s = TblFileSource.open(arrow.allocator(), ORDERS, f, 10, 2, 500, 100);
        s.next().close();
        TestRows.awaitTrue(() -> arrow.allocator().getAllocatedMemory() > 0, "parse workers produce batches beyond the one handed out");
        s.close();
        s.close();
        assertThrows(IllegalStateException.class, s::next);
        assertEquals(0, arrow.allocator().getAllocatedMemory());
    }
}
