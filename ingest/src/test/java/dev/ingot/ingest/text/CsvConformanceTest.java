package dev.ingot.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.Utf8;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.ingest.tpch.TestRows;
import dev.ingot.testing.ArrowPerTest;
import dev.ingot.testing.TestSeed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV conformance of {@link DelimitedTextSource}: exact rows (and their line numbers) or exact
 * messages for quoting, escapes, line breaks inside quotes across parallel range boundaries,
 * CRLF, BOM, header, NULL string, field counts and every bad value kind. Every input is parsed
 * with several thread counts, tiny ranges and tiny read buffers, and must give the same result.
 */
class CsvConformanceTest {
    /** id BIGINT NOT NULL, name VARCHAR(20), amount DECIMAL(10,2), day DATE, n INTEGER. */
    static final TableDef T = new TableDef("t", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("name", ColumnType.varchar(20)),
            ColumnDef.nullable("amount", ColumnType.decimal(10, 2)),
            ColumnDef.nullable("day", ColumnType.date()),
            ColumnDef.nullable("n", ColumnType.int32())), List.of());
    private static final TextDialect CSV = TextDialect.csv();
    /** (threads, rangeBytes, readBufferBytes): one sequential, and parallel ones with tiny ranges and buffers. */
    private static final int[][] CONFIGS = {{1, 1 << 20, 1 << 21}, {2, 7, 5}, {3, 13, 64}, {2, 64, 16}, {2, 1000, 40}, {1, 5, 2}};

    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    private Path write(String content) throws IOException {
        return write(content.getBytes(StandardCharsets.UTF_8));
    }

    private Path write(byte[] content) throws IOException {
        Path f = dir.resolve("t.csv");
        Files.write(f, content);
        return f;
    }

    private DelimitedTextSource source(TableDef table, TextDialect d, Path f, int[] config, int batchRows) throws IOException {
        return DelimitedTextSource.open(arrow.allocator(), table, d, List.of(f), batchRows, config[0], config[1], config[2],
                OrderedParts.ReadAhead.forThreads(config[0]));
    }

    /** A row: its cells then its 1-based line. */
    private static List<Object> row(Object... cells) {
        return Arrays.asList(cells);
    }

    /** Rows of {@code content} with each row's line appended, the same in every configuration. */
    private List<List<Object>> parse(TableDef table, TextDialect d, byte[] content) throws Exception {
        Path f = write(content);
        List<List<Object>> first = null;
        for (int[] config : CONFIGS) {
            for (int batchRows : new int[] {1, 3, 1000}) {
                List<List<Object>> rows;
                try (DelimitedTextSource s = source(table, d, f, config, batchRows)) {
                    rows = rowsWithLines(s, f);
                }
                if (first == null) {
                    first = rows;
                } else {
                    assertEquals(first, rows, "config " + Arrays.toString(config) + " batchRows " + batchRows);
                }
            }
        }
        return first;
    }

    /** Every row of {@code s} as its cells followed by its 1-based line; checks each batch names {@code file}. */
    static List<List<Object>> rowsWithLines(DelimitedTextSource s, Path file) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        InsertSource.ArrowBatch b;
        while ((b = s.next()) != null) {
            try (InsertSource.ArrowBatch batch = b) {
                assertEquals(file.toString(), batch.origin().file());
                for (int i = 0; i < batch.rowCount(); i++) {
                    List<Object> r = new ArrayList<>();
                    for (FieldVector v : batch.root().getFieldVectors()) {
                        r.add(TestRows.cell(v, i));
                    }
                    r.add(batch.origin().line(i));
                    rows.add(r);
                }
            }
        }
        return rows;
    }

    private List<List<Object>> parse(TextDialect d, String content) throws Exception {
        return parse(T, d, content.getBytes(StandardCharsets.UTF_8));
    }

    /** The message of the error {@code content} gives, the same in every configuration (without the file context). */
    private String error(TableDef table, TextDialect d, byte[] content, long line) throws Exception {
        Path f = write(content);
        String first = null;
        for (int[] config : CONFIGS) {
            try (DelimitedTextSource s = source(table, d, f, config, 2)) {
                TextParseException e = assertThrows(TextParseException.class, () -> TestRows.drainCount(s),
                        "config " + Arrays.toString(config));
                assertSame(e, assertThrows(TextParseException.class, s::next));
                assertEquals(line, e.line(), e.getMessage());
                assertEquals(f.toString(), e.file());
                assertEquals(e.problem() + "; file " + f + ", line " + line, e.getMessage());
                if (first == null) {
                    first = e.problem();
                } else {
                    assertEquals(first, e.problem(), "config " + Arrays.toString(config));
                }
            }
        }
        return first;
    }

    private String error(TextDialect d, String content, long line) throws Exception {
        return error(T, d, content.getBytes(StandardCharsets.UTF_8), line);
    }

    private static final LocalDate JAN1 = LocalDate.of(2024, 1, 1);

    @Test
    void plainQuotedDoubledQuotesLineBreaksCrlfAndNoFinalNewline() throws Exception {
        String csv = "1,abc,12.50,2024-02-29,7\n"
                + "2,\"a,b\",1,2024-01-01,-1\r\n"
                + "3,\"say \"\"hi\"\"\",.5,,\n"
                + "4,\"line1\nline2\r\nline3\",3,2024-01-01,\n"
                + "5,\"\",,,\n"
                + "6,,-0.01,,2147483647";
        assertEquals(List.of(
                row(1L, "abc", new BigDecimal("12.50"), LocalDate.of(2024, 2, 29), 7, 1L),
                row(2L, "a,b", new BigDecimal("1.00"), JAN1, -1, 2L),
                row(3L, "say \"hi\"", new BigDecimal("0.50"), null, null, 3L),
                row(4L, "line1\nline2\r\nline3", new BigDecimal("3.00"), JAN1, null, 4L),
                row(5L, "", null, null, null, 7L),
                row(6L, null, new BigDecimal("-0.01"), null, Integer.MAX_VALUE, 8L)), parse(CSV, csv));
    }

    @Test
    void headerBomAndTab() throws Exception {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bom);
        b.writeBytes("\"id\",\"the\nname\",amount,day,n\n1,x,1,2024-01-01,1\n2,y,2,2024-01-01,2\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(row(1L, "x", new BigDecimal("1.00"), JAN1, 1, 3L), row(2L, "y", new BigDecimal("2.00"), JAN1, 2, 4L)),
                parse(T, CSV.withHeader(true), b.toByteArray()));
        // without a header option the BOM is skipped and the first line is data
        b.reset();
        b.writeBytes(bom);
        b.writeBytes("1,x,1,2024-01-01,1\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(row(1L, "x", new BigDecimal("1.00"), JAN1, 1, 1L)), parse(T, CSV, b.toByteArray()));
        assertEquals(List.of(row(1L, "a b,c", null, null, 5, 1L)), parse(TextDialect.tsv(), "1\ta b,c\t\t\t5\n"));
        // header fields are names: the columns' field bounds do not apply to them
        TableDef flags = new TableDef("f", List.of(ColumnDef.notNull("flag", ColumnType.charOf(1))), List.of());
        assertEquals(List.of(row("A", 2L), row("B", 3L)), parse(flags, CSV.withHeader(true),
                "\"a_long_column_name_for_a_char_1\"\nA\nB\n".getBytes(StandardCharsets.UTF_8)));
        // a file that is only a BOM has no rows
        assertEquals(List.of(), parse(T, CSV, bom));
    }

    @Test
    void nullStringAndQuotedNulls() throws Exception {
        TextDialect d = CSV.withNullString("\\N");
        assertEquals(List.of(
                row(1L, null, null, null, null, 1L),
                row(2L, "\\N", new BigDecimal("1.00"), JAN1, 1, 2L),
                row(3L, "", new BigDecimal("1.00"), JAN1, 1, 3L)),
                parse(d, "1,\\N,\\N,\\N,\\N\n2,\"\\N\",1,2024-01-01,1\n3,,1,2024-01-01,1\n"));
        // with \N as the NULL string an empty numeric field is not NULL but bad input
        assertEquals("invalid input for column amount (DECIMAL(10,2)): \"\"", error(d, "1,a,,2024-01-01,1\n", 1));
        assertEquals("null value in column id violates not-null constraint", error(d, "\\N,a,1,2024-01-01,1\n", 1));
        assertEquals("invalid input for column id (BIGINT): \"\"", error(CSV, "1,a,1,,\n,a,1,,\n", 2));
        // a quoted empty field is never NULL: in a numeric column it is bad input
        assertEquals("invalid input for column n (INTEGER): \"\"", error(CSV, "1,a,1,,\"\"\n", 1));
    }

    @Test
    void escapeDistinctFromQuote() throws Exception {
        TextDialect d = CSV.withEscape('\\');
        assertEquals(List.of(row(1L, "a\"b\\c\\d", null, null, null, 1L), row(2L, "x\"\"y", null, null, null, 2L),
                        row(3L, "q\"\n", null, null, null, 3L)),
                parse(d, "1,\"a\\\"b\\\\c\\d\",,,\n2,\"x\\\"\"\"y\",,,\n3,\"q\\\"\n\",,,\n"));
    }

    /** A full-length VARBINARY whose leading backslash is escaped (as a CSV writer with escape \\ writes it) fits its column. */
    @Test
    void escapedBackslashOfAFullLengthBinaryValue() throws Exception {
        TableDef b = new TableDef("b", List.of(ColumnDef.notNull("id", ColumnType.int64()),
                ColumnDef.nullable("bin", ColumnType.varbinary(2))), List.of());
        TextDialect d = CSV.withEscape('\\');
        List<List<Object>> rows = parse(b, d, "1,\"\\\\x01ff\"\n2,\\x0102\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(row(1L, "01ff", 1L), row(2L, "0102", 2L)), rows);
        assertEquals("value too long for column bin (VARBINARY(2)): \"\\\\x01020\"",
                error(b, d, "1,\"\\\\x010203\"\n".getBytes(StandardCharsets.UTF_8), 1));
        assertEquals("value too long for column bin (VARBINARY(2)): \"\\x010203\"",
                error(b, d, "1,\\x010203\n".getBytes(StandardCharsets.UTF_8), 1));
    }

    @Test
    void tblDialectThroughTheGenericSource() throws Exception {
        assertEquals(List.of(row(1L, "a\"b", new BigDecimal("1.00"), JAN1, null, 1L), row(2L, "", null, null, 3, 2L)),
                parse(TextDialect.tbl(), "1|a\"b|1|2024-01-01||\n2||||3|\n"));
    }

    @Test
    void decimalsCountOnlySignificantIntegerDigits() throws Exception {
        // 24 integer digits, 8 of them significant, fit DECIMAL(10,2); so do a bare fraction and a bare point's neighbours
        assertEquals(List.of(row(1L, "a", new BigDecimal("12345678.90"), null, null, 1L),
                        row(2L, "b", new BigDecimal("-0.05"), null, null, 2L), row(3L, "c", new BigDecimal("7.00"), null, null, 3L),
                        row(4L, "d", new BigDecimal("0.50"), null, null, 4L), row(5L, "e", new BigDecimal("3.25"), null, null, 5L),
                        row(6L, "f", new BigDecimal("-12.00"), null, null, 6L)),
                parse(CSV, "1,a,0000000000000000012345678.9,,\n2,b,-000.05,,\n3,c,7.,,\n4,d,.5,,\n5,e,+3.25,,\n6,f,-12,,\n"));
        // 9 significant integer digits do not fit, however many leading zeros stand before them
        assertEquals("value \"00000000000000000000123456789\" is out of range for column amount (DECIMAL(10,2))",
                error(CSV, "1,a,00000000000000000000123456789,,\n", 1));
        // 19 fraction digits: too many for the scale, never wrapped into an accepted value
        assertEquals("invalid input for column amount (DECIMAL(10,2)): \"1.0000000000000000001\": too many fraction digits for DECIMAL(10,2)",
                error(CSV, "1,a,1.0000000000000000001,,\n", 1));
        assertEquals("invalid input for column amount (DECIMAL(10,2)): \".\"", error(CSV, "1,a,.,,\n", 1));
    }

    @Test
    void wrongFieldCounts() throws Exception {
        assertEquals("expected 5 fields but found 2", error(CSV, "1,a,1,2024-01-01,1\n1,a\n", 2));
        assertEquals("extra data after last expected column (found 6 fields, expected 5)", error(CSV, "1,a,1,2024-01-01,1,x\n", 1));
        assertEquals("expected 5 fields but found 0", error(CSV, "1,a,1,2024-01-01,1\n\n", 2));
        // a field-count error wins over a bad value on the same line
        assertEquals("expected 5 fields but found 4", error(CSV, "x,a,1,2024-01-01\n", 1));
        String many = "1" + ",2".repeat(4999) + "\n";
        assertEquals("extra data after last expected column (found 5000 fields, expected 5)", error(CSV, many, 1));
    }

    @Test
    void everyBadValueKind() throws Exception {
        assertEquals("invalid input for column id (BIGINT): \"x1\"", error(CSV, "x1,a,1,2024-01-01,1\n", 1));
        assertEquals("value \"9223372036854775808\" is out of range for column id (BIGINT)",
                error(CSV, "9223372036854775808,a,1,2024-01-01,1\n", 1));
        assertEquals("value \"2147483648\" is out of range for column n (INTEGER)", error(CSV, "1,a,1,2024-01-01,2147483648\n", 1));
        assertEquals("invalid input for column amount (DECIMAL(10,2)): \"1.234\": too many fraction digits for DECIMAL(10,2)",
                error(CSV, "1,a,1.234,2024-01-01,1\n", 1));
        assertEquals("value \"123456789\" is out of range for column amount (DECIMAL(10,2))", error(CSV, "1,a,123456789,,\n", 1));
        assertEquals("invalid input for column amount (DECIMAL(10,2)): \"1e3\"", error(CSV, "1,a,1e3,,\n", 1));
        assertEquals("invalid input for column day (DATE): \"2024-1-01\"", error(CSV, "1,a,1,2024-1-01,1\n", 1));
        assertEquals("date/time field value out of range: \"2023-02-29\" for column day", error(CSV, "1,a,1,2023-02-29,1\n", 1));
        assertEquals("value too long for column name (VARCHAR(20)): \"" + "x".repeat(21) + "\"",
                error(CSV, "1," + "x".repeat(21) + ",1,,\n", 1));
        // 20 four-byte characters fit VARCHAR(20): lengths are in characters
        assertEquals(List.of(row(1L, "\ud83d\ude00".repeat(20), null, null, null, 1L)), parse(CSV, "1," + "\ud83d\ude00".repeat(20) + ",,,\n"));
        byte[] badUtf8 = "1,\"a\nXY\",1,,\n".getBytes(StandardCharsets.UTF_8);
        badUtf8[5] = (byte) 0xc3;
        badUtf8[6] = (byte) 0x28;
        assertEquals("invalid byte sequence for encoding UTF8 in column name (VARCHAR(20)): 0xc3 0x28", error(T, CSV, badUtf8, 1));
        byte[] nul = "1,a?b,1,,\n".getBytes(StandardCharsets.UTF_8);
        nul[3] = 0;
        assertEquals("invalid byte sequence for encoding UTF8 in column name (VARCHAR(20)): 0x00", error(T, CSV, nul, 1));
        nul = "1?,a,1,,\n".getBytes(StandardCharsets.UTF_8);
        nul[1] = 0;
        assertEquals("invalid input for column id (BIGINT): \"1\\x00\"", error(T, CSV, nul, 1));
    }

    @Test
    void brokenQuotesAndLineEnds() throws Exception {
        assertEquals("unterminated quoted field in column name at the end of the file", error(CSV, "1,a,1,,\n2,\"abc\n,1,,\n", 2));
        assertEquals("quote character in an unquoted field of column name after \"ab\" (quote the whole field and double its quotes)",
                error(CSV, "1,ab\"c,1,,\n", 1));
        assertEquals("unexpected character 'x' after the closing quote of column name", error(CSV, "1,\"ab\"x,1,,\n", 1));
        assertEquals("literal carriage return found in data at the end of column n (line ends must be LF or CRLF; quote a"
                + " field that holds a carriage return)", error(CSV, "1,a,1,,1\r2,b,1,,1\r", 1));
        // inside quotes a CR is data
        assertEquals(List.of(row(1L, "a\rb", null, null, null, 1L)), parse(CSV, "1,\"a\rb\",,,\n"));
    }

    @Test
    void lineAndFieldLimits() throws Exception {
        TextDialect small = CSV.withMaxLineBytes(64);
        assertEquals("line longer than the maximum line length of 64 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes), in column n",
                error(T, small, ("1,a,1,2024-01-01," + "1".repeat(60) + "\n").getBytes(StandardCharsets.UTF_8), 1));
        assertEquals("quoted field of column name not closed within the maximum line length of 64 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes)",
                error(T, small, ("1,\"" + "\n".repeat(70) + "\",,,\n").getBytes(StandardCharsets.UTF_8), 1));
        assertEquals("line longer than the maximum line length of 64 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes), in field 7 (past the last column)",
                error(T, small, ("1,a,1,,1,x," + "y".repeat(60) + "\n").getBytes(StandardCharsets.UTF_8), 1));
        // a line of exactly the limit (line end included) is fine
        String exact = "1,a,1,2024-01-01," + "0".repeat(64 - 18) + "\n";
        assertEquals(64, exact.length());
        assertEquals(List.of(row(1L, "a", new BigDecimal("1.00"), JAN1, 0, 1L)), parse(small, exact));
        // a text field over 4n bytes is refused before the rest of its line is looked at
        String huge = "1," + "x".repeat(81) + "," + ",".repeat(100) + "\n";
        assertEquals("value too long for column name (VARCHAR(20)): \"" + "x".repeat(81) + "\"", error(CSV, huge, 1));
        try (DelimitedTextSource s = DelimitedTextSource.open(arrow.allocator(), T, CSV, List.of(write("")), 1, 1)) {
            assertEquals(1 << 20, s.maxLineBytes()); // the schema needs far less: the 1 MiB floor
        }
    }

    /** Random records with quotes, delimiters, CR and LF inside quoted text, parsed across tiny ranges: exact rows and lines. */
    @Test
    void quotedLineBreaksAcrossParallelRangeBoundaries() throws Exception {
        long seed = TestSeed.seed("CsvConformanceTest.quotedLineBreaksAcrossParallelRangeBoundaries");
        Random random = new Random(seed);
        for (TextDialect d : new TextDialect[] {CSV, CSV.withEscape('\\'), CSV.withDelimiter(';').withQuote('\'')}) {
            char q = (char) d.quote();
            char e = (char) d.escape();
            StringBuilder sb = new StringBuilder();
            List<List<Object>> expected = new ArrayList<>();
            long line = 1;
            String alphabet = "ab,;\n\r\"'\\ \u00e9";
            for (int r = 0; r < 300; r++) {
                StringBuilder value = new StringBuilder();
                int len = random.nextInt(12);
                for (int i = 0; i < len; i++) {
                    value.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                String v = value.toString();
                StringBuilder quoted = new StringBuilder().append(q);
                long lines = 0;
                for (char c : v.toCharArray()) {
                    if (c == q) {
                        quoted.append(e == q || random.nextBoolean() ? q : e).append(q);
                    } else if (c == e && e != q) {
                        quoted.append(e).append(e);
                    } else {
                        quoted.append(c);
                    }
                    if (c == '\n') {
                        lines++;
                    }
                }
                quoted.append(q);
                char delim = (char) d.delimiter();
                sb.append(r).append(delim).append(quoted).append(delim).append(delim).append(delim).append(r % 7)
                        .append(random.nextInt(4) == 0 ? "\r\n" : "\n");
                expected.add(row((long) r, v, null, null, r % 7, line));
                line += 1 + lines;
            }
            assertEquals(expected, parse(T, d, sb.toString().getBytes(StandardCharsets.UTF_8)), TestSeed.describe(seed) + " dialect " + d);
        }
    }

    @Test
    void errorAfterMultiLineRecordsNamesItsExactLine() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 50; r++) {
            sb.append(r).append(",\"x\ny\nz\",1,,\n");
        }
        sb.append("50,a,1,2024-02-30,\n");
        assertEquals("date/time field value out of range: \"2024-02-30\" for column day", error(CSV, sb.toString(), 151));
    }

    @Test
    void dialectArgumentsAreChecked() {
        assertEquals("quote and escape must differ from the delimiter ','",
                assertThrows(IllegalArgumentException.class, () -> CSV.withQuote(',')).getMessage());
        assertEquals("delimiter must be one ASCII character other than NUL, CR and LF: 0x0a",
                assertThrows(IllegalArgumentException.class, () -> CSV.withDelimiter('\n')).getMessage());
        assertEquals("maxLineBytes must be 0 (default) or 1 .. 1073741824: 1073741825",
                assertThrows(IllegalArgumentException.class, () -> CSV.withMaxLineBytes((1L << 30) + 1)).getMessage());
    }

    @Test
    void emptyFileAndMultipleFiles() throws Exception {
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        Path empty = dir.resolve("empty.csv");
        Files.writeString(a, "id,name,amount,day,n\n1,a,,,\n2,b,,,\n");
        Files.writeString(b, "id,name,amount,day,n\n3,c,,,");
        Files.writeString(empty, "");
        try (DelimitedTextSource s = DelimitedTextSource.open(arrow.allocator(), T, CSV.withHeader(true), List.of(a, empty, b), 10, 2)) {
            List<String> where = new ArrayList<>();
            InsertSource.ArrowBatch batch;
            while ((batch = s.next()) != null) {
                try (InsertSource.ArrowBatch x = batch) {
                    for (int i = 0; i < x.rowCount(); i++) {
                        where.add(x.origin().describe(i));
                    }
                }
            }
            assertEquals(List.of(a + " line 2", a + " line 3", b + " line 2"), where);
            assertNull(s.next());
        }
    }

    /**
     * Records the one-pass path of {@link RecordParser#parseSimple} must hand to the general
     * path: a delimiter that numbers may contain, a dropped trailing delimiter before an empty
     * last field, doubled quotes and quoted line ends next to plain records, a NULL string that
     * reads as a number.
     */
    @Test
    void recordsTheOnePassPathLeavesToTheGeneralOne() throws Exception {
        TableDef three = new TableDef("d", List.of(
                ColumnDef.notNull("d", ColumnType.decimal(5, 1)),
                ColumnDef.notNull("i", ColumnType.int32()),
                ColumnDef.notNull("j", ColumnType.int32())), List.of());
        TextDialect dots = CSV.withDelimiter('.');
        assertEquals(List.of(row(new BigDecimal("7.0"), 3, 4, 1L)), parse(three, dots, "7.3.4\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("extra data after last expected column (found 4 fields, expected 3)",
                error(three, dots, "7.3.4\n7.3.4.5\n".getBytes(StandardCharsets.UTF_8), 2));
        TableDef two = new TableDef("p", List.of(
                ColumnDef.notNull("k", ColumnType.int64()),
                ColumnDef.notNull("v", ColumnType.varchar(10))), List.of());
        TextDialect tbl = TextDialect.tbl();
        assertEquals(List.of(row(1L, "x", 1L), row(2L, "", 2L), row(3L, "y", 3L)),
                parse(two, tbl, "1|x|\n2||\n3|y\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("expected 2 fields but found 1", error(two, tbl, "1|x|\n2|\n".getBytes(StandardCharsets.UTF_8), 2));
        assertEquals(List.of(
                row(1L, "plain", null, null, null, 1L),
                row(2L, "a \"b\"", null, null, null, 2L),
                row(3L, "c\nd", null, null, null, 3L),
                row(4L, "plain", null, null, 0, 5L)), parse(CSV.withNullString("0"), "1,\"plain\",0,0,0\n2,\"a \"\"b\"\"\",0,0,0\n"
                        + "3,\"c\nd\",0,0,0\n4,plain,0,0,\"0\"\n"));
    }

    @Test
    void valueHelpers() {
        for (LocalDate d = LocalDate.of(1599, 1, 1); d.isBefore(LocalDate.of(2401, 1, 1)); d = d.plusDays(1)) {
            assertEquals(d.toEpochDay(), DateValues.epochDay(d.getYear(), d.getMonthValue(), d.getDayOfMonth()), d.toString());
            assertEquals(d.lengthOfMonth(), DateValues.daysInMonth(d.getYear(), d.getMonthValue()));
        }
        String[] valid = {"", "abc", "\u00e9", "\u20ac", "\ud83d\ude00", "a\u07ffb\uffff"};
        for (String v : valid) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            assertEquals(v.codePointCount(0, v.length()), Utf8.codePoints(b, 0, b.length), v);
        }
        int[][] invalid = {{0x80}, {0xc0, 0x80}, {0xc3}, {0xe0, 0x80, 0x80}, {0xed, 0xa0, 0x80}, {0xf4, 0x90, 0x80, 0x80},
            {0xf5, 0x80, 0x80, 0x80}, {0x61, 0xe2, 0x82}, {0xc3, 0x28}, {0x61, 0x00}};
        for (int[] inv : invalid) {
            byte[] b = new byte[inv.length];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) inv[i];
            }
            assertTrue(Utf8.codePoints(b, 0, b.length) < 0, Arrays.toString(inv));
        }
    }
}
