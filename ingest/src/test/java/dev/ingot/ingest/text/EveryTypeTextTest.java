package dev.ingot.ingest.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.testing.ArrowPerTest;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text in for every column type the reader parses beyond INTEGER/BIGINT/DECIMAL(p&lt;=18)/DATE/text:
 * exact stored values (worked out with java.time and BigDecimal, not with the reader's code), the
 * text form written back ({@link TextForm}) equal to a canonical input, NULLs in every column,
 * and the exact message of each bad value kind.
 */
class EveryTypeTextTest {
    static final TableDef T = new TableDef("every", List.of(
            ColumnDef.notNull("id", ColumnType.int32()),
            ColumnDef.nullable("b", ColumnType.bool()),
            ColumnDef.nullable("i8", ColumnType.int8()),
            ColumnDef.nullable("i16", ColumnType.int16()),
            ColumnDef.nullable("f4", ColumnType.float32()),
            ColumnDef.nullable("f8", ColumnType.float64()),
            ColumnDef.nullable("d38", ColumnType.decimal(38, 4)),
            ColumnDef.nullable("t", ColumnType.time()),
            ColumnDef.nullable("ts", ColumnType.timestamp()),
            ColumnDef.nullable("tz", ColumnType.timestampTz()),
            ColumnDef.nullable("bin", ColumnType.varbinary(4)),
            ColumnDef.nullable("u", ColumnType.uuid())), List.of());

    @TempDir
    Path dir;
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    private List<List<String>> parse(String csv, int threads, int rangeBytes) throws IOException, InterruptedException {
        Path f = dir.resolve("every.csv");
        Files.write(f, csv.getBytes(StandardCharsets.UTF_8));
        List<List<String>> rows = new ArrayList<>();
        try (DelimitedTextSource src = DelimitedTextSource.open(arrow.allocator(), T, TextDialect.csv(), List.of(f), 3, threads,
                rangeBytes, Math.max(2, rangeBytes), OrderedParts.ReadAhead.forThreads(threads))) {
            InsertSource.ArrowBatch b;
            while ((b = src.next()) != null) {
                try (VectorSchemaRoot root = b.root()) {
                    for (int r = 0; r < root.getRowCount(); r++) {
                        List<String> row = new ArrayList<>();
                        for (int c = 0; c < T.columns().size(); c++) {
                            row.add(TextForm.of(T.columns().get(c).type(), root.getVector(c), r));
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    private VectorSchemaRoot single(String line) throws IOException, InterruptedException {
        Path f = dir.resolve("one.csv");
        Files.write(f, line.getBytes(StandardCharsets.UTF_8));
        try (DelimitedTextSource src = DelimitedTextSource.open(arrow.allocator(), T, TextDialect.csv(), List.of(f), 10, 1)) {
            VectorSchemaRoot root = src.next().root();
            assertNull(src.next());
            return root;
        }
    }

    @Test
    void storedValuesAreExact() throws Exception {
        try (VectorSchemaRoot root = single("1,TRUE,-128,32767,3.5e2,-0x1p-3,-12345678901234567890123456789012.3456,"
                + "23:59:59.000001,1969-12-31 23:59:59.5,2024-02-29T01:30:00+02:30,\\x00Ff10,123E4567-e89b-12d3-a456-426614174000\n")) {
            assertEquals(1, ((BitVector) root.getVector("b")).get(0));
            assertEquals(-128, ((TinyIntVector) root.getVector("i8")).get(0));
            assertEquals(32767, ((SmallIntVector) root.getVector("i16")).get(0));
            assertEquals(350f, ((Float4Vector) root.getVector("f4")).get(0));
            assertEquals(-0.125, ((Float8Vector) root.getVector("f8")).get(0));
            assertEquals(new BigDecimal("-12345678901234567890123456789012.3456"), ((DecimalVector) root.getVector("d38")).getObject(0));
            assertEquals(86_399_000_001L, ((TimeMicroVector) root.getVector("t")).get(0));
            long ts = LocalDateTime.parse("1969-12-31T23:59:59.5").toEpochSecond(ZoneOffset.UTC) * 1_000_000 + 500_000;
            assertEquals(ts, ((TimeStampVector) root.getVector("ts")).get(0));
            Instant tz = Instant.parse("2024-02-28T23:00:00Z");
            assertEquals(tz.getEpochSecond() * 1_000_000, ((TimeStampVector) root.getVector("tz")).get(0));
            assertArrayEquals(new byte[] {0, (byte) 0xff, 0x10}, ((VarBinaryVector) root.getVector("bin")).get(0));
            java.util.UUID u = java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
            java.nio.ByteBuffer ub = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            assertArrayEquals(ub.array(), ((FixedSizeBinaryVector) root.getVector("u")).get(0));
        }
    }

    @Test
    void textFormRoundTripsWithNullsAcrossParallelRanges() throws Exception {
        String canonical = ""
                + "1,true,127,-32768,1.5,-2.5E-300,99999999999999999999999999999999.9999,00:00:00,0001-01-01T00:00:00,1970-01-01T00:00:00Z,\\x,00000000-0000-0000-0000-000000000000\n"
                + "2,false,-1,0,-0.0,1.7976931348623157E308,0.0001,12:34:56.789000,9999-12-31T23:59:59.999999,2000-02-29T12:00:00.000001Z,\\xdeadbeef,ffffffff-ffff-ffff-ffff-ffffffffffff\n"
                + "3,,,,,,,,,,,\n"
                + "4,false,0,1,NaN,-Infinity,-0.5000,08:00:00.000001,1970-01-01T00:00:00.000001,1969-12-31T23:59:59.999999Z,\\x00,0123abcd-0000-4000-8000-00000000000a\n";
        List<List<String>> expected = new ArrayList<>();
        for (String line : canonical.split("\n")) {
            List<String> row = new ArrayList<>();
            for (String field : line.split(",", -1)) {
                row.add(field.isEmpty() ? null : field);
            }
            expected.add(row);
        }
        for (int[] cfg : new int[][] {{1, 1 << 20}, {2, 17}, {3, 5}}) {
            assertEquals(expected, parse(canonical, cfg[0], cfg[1]), "threads " + cfg[0] + ", range " + cfg[1]);
        }
    }

    @Test
    void acceptedSpellings() throws Exception {
        List<List<String>> rows = parse("1,T,+5,-0,1e1,+.5d,1.,01:02:03,2020-01-01 00:00:00.1,2020-01-01T00:00:00-00:30,\\xAB,"
                + "ABCDEF00-0000-0000-0000-000000000000\n", 1, 1 << 20);
        assertEquals(List.of("1", "true", "5", "0", "10.0", "0.5", "1.0000", "01:02:03", "2020-01-01T00:00:00.100000",
                "2020-01-01T00:30:00Z", "\\xab", "abcdef00-0000-0000-0000-000000000000"), rows.get(0));
    }

    private String error(String fields) throws Exception {
        return assertThrows(TextParseException.class, () -> parse(fields + "\n", 1, 1 << 20)).getMessage();
    }

    private static String row(int column, String value) {
        String[] f = {"1", "", "", "", "", "", "", "", "", "", "", ""};
        f[column] = value;
        return String.join(",", f);
    }

    @Test
    void badValuesHaveExactMessages() throws Exception {
        String ctx = "; file " + dir.resolve("every.csv") + ", line 1";
        assertEquals("invalid input for column b (BOOLEAN): \"yes\": expected true, false, t, f, 1 or 0" + ctx, error(row(1, "yes")));
        assertEquals("value \"128\" is out of range for column i8 (TINYINT)" + ctx, error(row(2, "128")));
        assertEquals("value \"-129\" is out of range for column i8 (TINYINT)" + ctx, error(row(2, "-129")));
        assertEquals("value \"32768\" is out of range for column i16 (SMALLINT)" + ctx, error(row(3, "32768")));
        assertEquals("invalid input for column i16 (SMALLINT): \"1.0\"" + ctx, error(row(3, "1.0")));
        assertEquals("value \"1e39\" is out of range for column f4 (REAL)" + ctx, error(row(4, "1e39")));
        assertEquals("invalid input for column f8 (DOUBLE): \"1,5\"" + ctx, error(row(5, "\"1,5\"")));
        assertEquals("value \"1e309\" is out of range for column f8 (DOUBLE)" + ctx, error(row(5, "1e309")));
        assertEquals("invalid input for column d38 (DECIMAL(38,4)): \"1.23456\": too many fraction digits for DECIMAL(38,4)" + ctx,
                error(row(6, "1.23456")));
        assertEquals("value \"10000000000000000000000000000000000\" is out of range for column d38 (DECIMAL(38,4))" + ctx,
                error(row(6, "10000000000000000000000000000000000")));
        assertEquals("date/time field value out of range: \"24:00:00\" for column t" + ctx, error(row(7, "24:00:00")));
        assertEquals("invalid input for column t (TIME): \"12:00\"" + ctx, error(row(7, "12:00")));
        assertEquals("invalid input for column t (TIME): \"12:00:00.1234567\"" + ctx, error(row(7, "12:00:00.1234567")));
        assertEquals("date/time field value out of range: \"2023-02-29 00:00:00\" for column ts" + ctx, error(row(8, "2023-02-29 00:00:00")));
        assertEquals("invalid input for column ts (TIMESTAMP): \"2023-01-01T00:00:00Z\"" + ctx, error(row(8, "2023-01-01T00:00:00Z")));
        assertEquals("invalid input for column tz (TIMESTAMP WITH TIME ZONE): \"2023-01-01 00:00:00\": a TIMESTAMP WITH TIME ZONE"
                + " needs an offset (Z or +HH:MM)" + ctx, error(row(9, "2023-01-01 00:00:00")));
        assertEquals("date/time field value out of range: \"2023-01-01T00:00:00+19:00\" for column tz" + ctx,
                error(row(9, "2023-01-01T00:00:00+19:00")));
        assertEquals("invalid input for column bin (VARBINARY(4)): \"00ff\": VARBINARY is written as \\x followed by two hex"
                + " digits per byte" + ctx, error(row(10, "00ff")));
        assertEquals("invalid input for column bin (VARBINARY(4)): \"\\x0g\": invalid hexadecimal digit g" + ctx, error(row(10, "\\x0g")));
        assertEquals("invalid input for column bin (VARBINARY(4)): \"\\x012\": odd number of hex digits" + ctx, error(row(10, "\\x012")));
        assertEquals("value too long for column bin (VARBINARY(4)): \"\\x0102030405\"" + ctx, error(row(10, "\\x0102030405")));
        assertEquals("invalid input for column u (UUID): \"123e4567e89b12d3a456426614174000\"" + ctx,
                error(row(11, "123e4567e89b12d3a456426614174000")));
        assertEquals("invalid input for column u (UUID): \"123e4567-e89b-12d3-a456-42661417400g\"" + ctx,
                error(row(11, "123e4567-e89b-12d3-a456-42661417400g")));
    }
}
