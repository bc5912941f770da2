package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.ingest.text.DelimitedTextWriter;
import dev.ingot.ingest.text.TextDialect;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ingot export} round trips: a seeded random table of every column type with NULLs (and
 * text that needs quoting, empty strings, NaN, infinities and -0.0) exported to Parquet, Arrow
 * IPC and CSV (plain and in a changed dialect), loaded back into a new store with the same DDL,
 * verifies to the same {@code verify --json} profile; and the guards of the command.
 */
class ExportRoundTripTest {
    static final String DDL = "CREATE TABLE t (\n"
            + "  id BIGINT NOT NULL PRIMARY KEY, b BOOLEAN, i8 TINYINT, i16 SMALLINT, i32 INTEGER, i64 BIGINT,\n"
            + "  f32 REAL, f64 DOUBLE PRECISION, d9 DECIMAL(9,3), d38 DECIMAL(38,5), dt DATE, tm TIME, ts TIMESTAMP,\n"
            + "  tz TIMESTAMPTZ, c CHAR(5), vc VARCHAR(40), vb VARBINARY(16), u UUID NOT NULL UNIQUE\n"
            + ");\n";
    static final int ROWS = 2500;

    @TempDir
    Path tmp;

    /** The rows as the text {@code ingot load} reads, NULL as null; a few values per type chosen to be awkward. */
    static List<List<String>> rows(long seed) {
        Random rnd = new Random(seed);
        List<List<String>> rows = new ArrayList<>();
        String[] texts = {"", "a,b", "say \"hi\"", "it's", "two\nlines", " lead", "x", "ümlaut", "back\\slash", "NULL"};
        for (int i = 0; i < ROWS; i++) {
            final int n = i;
            List<String> r = new ArrayList<>();
            r.add(Long.toString(i * 7L - 9000));
            r.add(maybe(rnd, () -> Boolean.toString(rnd.nextBoolean())));
            r.add(maybe(rnd, () -> Integer.toString(rnd.nextInt(256) - 128)));
            r.add(maybe(rnd, () -> Integer.toString(rnd.nextInt(65536) - 32768)));
            r.add(maybe(rnd, () -> Integer.toString(rnd.nextInt())));
            r.add(maybe(rnd, () -> Long.toString(rnd.nextLong())));
            r.add(maybe(rnd, () -> n % 97 == 1 ? "NaN" : n % 97 == 2 ? "-0.0" : n % 97 == 3 ? "-Infinity" : Float.toString(rnd.nextFloat() * 1e6f - 5e5f)));
            r.add(maybe(rnd, () -> n % 89 == 1 ? "Infinity" : Double.toString(rnd.nextGaussian() * 1e12)));
            r.add(maybe(rnd, () -> BigDecimal.valueOf(rnd.nextInt(1_999_999_999) - 999_999_999L, 3).toPlainString()));
            r.add(maybe(rnd, () -> new BigDecimal(new BigInteger(125, rnd).subtract(BigInteger.ONE.shiftLeft(124)), 5).toPlainString()));
            r.add(maybe(rnd, () -> LocalDate.ofEpochDay(rnd.nextInt(200_000) - 100_000).toString()));
            r.add(maybe(rnd, () -> LocalTime.ofNanoOfDay((rnd.nextLong() & Long.MAX_VALUE) % 86_400_000_000L * 1000).toString()));
            r.add(maybe(rnd, () -> LocalDateTime.of(1900 + rnd.nextInt(300), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28), rnd.nextInt(24),
                    rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1_000_000) * 1000).toString()));
            r.add(maybe(rnd, () -> LocalDateTime.of(1960 + rnd.nextInt(100), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28), rnd.nextInt(24),
                    rnd.nextInt(60), rnd.nextInt(60), rnd.nextInt(1_000_000) * 1000) + "Z"));
            r.add(maybe(rnd, () -> {
                String t = texts[rnd.nextInt(texts.length)];
                return t.substring(0, Math.min(5, t.length()));
            }));
            r.add(maybe(rnd, () -> texts[rnd.nextInt(texts.length)] + (rnd.nextBoolean() ? "" : Integer.toString(rnd.nextInt(1000)))));
            r.add(maybe(rnd, () -> {
                byte[] b = new byte[rnd.nextInt(9)];
                rnd.nextBytes(b);
                StringBuilder sb = new StringBuilder("\\x");
                for (byte x : b) {
                    sb.append(String.format("%02x", x & 0xff));
                }
                return sb.toString();
            }));
            r.add(new UUID(rnd.nextLong(), i).toString());
            rows.add(r);
        }
        return rows;
    }

    private static String maybe(Random rnd, java.util.function.Supplier<String> value) {
        return rnd.nextInt(8) == 0 ? null : value.get();
    }

    /** A store holding table t with {@link #rows}; returns its directory. */
    private Path sourceStore(long seed) throws IOException {
        Path ddl = tmp.resolve("t.sql");
        Files.writeString(ddl, DDL, StandardCharsets.UTF_8);
        StringWriter csv = new StringWriter();
        DelimitedTextWriter w = new DelimitedTextWriter(csv, TextDialect.csv());
        for (List<String> r : rows(seed)) {
            w.writeRecord(r);
        }
        Path data = tmp.resolve("t.csv");
        Files.writeString(data, csv.toString(), StandardCharsets.UTF_8);
        Path store = tmp.resolve("source");
        ok(Fixtures.cli("create", "--store", store.toString(), ddl.toString()));
        ok(Fixtures.cli("load", "--store", store.toString(), "--table", "t", "--no-progress", data.toString()));
        return store;
    }

    private static Fixtures.CliRun ok(Fixtures.CliRun run) {
        assertEquals(0, run.exit(), run.err());
        return run;
    }

    /** The verify --json profile of a store, with the store's own path taken out. */
    private static String profile(Path store) {
        return ok(Fixtures.cli("verify", "--store", store.toString(), "--json")).out().replace(store.toString(), "STORE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"parquet", "arrow", "csv", "csv-dialect"})
    void everyTypeWithNullsLoadsBackIdentical(String variant) throws IOException {
        long seed = TestSeed.seed("ExportRoundTripTest " + variant);
        Path source = sourceStore(seed);
        String format = variant.startsWith("csv") ? "csv" : variant;
        String[] dialect = variant.equals("csv-dialect")
                ? new String[] {"--delimiter", "|", "--quote", "'", "--escape", "\\", "--null", "\\N", "--header"} : new String[0];
        Path out = tmp.resolve("exported." + format);
        List<String> export = new ArrayList<>(List.of("export", "--store", source.toString(), "--table", "t", "--format", format,
                "--out", out.toString()));
        export.addAll(Arrays.asList(dialect));
        Fixtures.CliRun run = ok(Fixtures.cli(export.toArray(new String[0])));
        assertTrue(run.err().contains("exported 2,500 rows of t to " + out), run.err());
        assertFalse(Files.exists(tmp.resolve("exported." + format + ".ingot-export-tmp")));

        Path copy = tmp.resolve("copy");
        ok(Fixtures.cli("create", "--store", copy.toString(), tmp.resolve("t.sql").toString()));
        List<String> load = new ArrayList<>(List.of("load", "--store", copy.toString(), "--table", "t", "--no-progress",
                "--format", format, out.toString()));
        load.addAll(Arrays.asList(dialect));
        ok(Fixtures.cli(load.toArray(new String[0])));
        String expected = profile(source);
        assertTrue(expected.contains("\"rows\":2500") || expected.contains("\"rows\" : 2500"), expected);
        assertEquals(expected, profile(copy.toAbsolutePath()).replace(copy.toAbsolutePath().toString(), "STORE"),
                "seed " + seed);
        assertEquals(ok(Fixtures.cli("scan", "--store", source.toString(), "--table", "t")).out(),
                ok(Fixtures.cli("scan", "--store", copy.toString(), "--table", "t")).out(), "seed " + seed);
    }

    @Test
    void columnsAreChosenAndOrdered() throws IOException {
        Path source = sourceStore(7);
        Path out = tmp.resolve("some.csv");
        ok(Fixtures.cli("export", "--store", source.toString(), "--table", "t", "--format", "csv", "--out", out.toString(),
                "--columns", "vc,id", "--header"));
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals("vc,id", lines.get(0));
        List<List<String>> rows = rows(7);
        StringWriter expected = new StringWriter();
        DelimitedTextWriter w = new DelimitedTextWriter(expected, TextDialect.csv());
        w.writeRecord(List.of("vc", "id"));
        for (List<String> r : rows) {
            w.writeRecord(Arrays.asList(r.get(15), r.get(0)));
        }
        assertEquals(expected.toString(), Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void refusesAnExistingOutputAndKeepsIt() throws IOException {
        Path source = sourceStore(3);
        Path out = tmp.resolve("mine.parquet");
        Files.writeString(out, "not Ingot's", StandardCharsets.UTF_8);
        Fixtures.CliRun run = Fixtures.cli("export", "--store", source.toString(), "--table", "t", "--format", "parquet", "--out", out.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: export output " + out + " already exists (Ingot does not overwrite files; remove it or choose another path)\n",
                run.err());
        assertEquals("not Ingot's", Files.readString(out, StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsNameTheValue() throws IOException {
        Path source = sourceStore(5);
        Path out = tmp.resolve("x.csv");
        Fixtures.CliRun run = Fixtures.cli("export", "--store", source.toString(), "--table", "t", "--format", "orc", "--out", out.toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("--format must be parquet, arrow or csv: orc\n"), run.err());
        run = Fixtures.cli("export", "--store", source.toString(), "--table", "nope", "--format", "csv", "--out", out.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: table nope does not exist in store " + source + "\n", run.err());
        run = Fixtures.cli("export", "--store", source.toString(), "--table", "t", "--format", "csv", "--out", out.toString(), "--columns", "id,zz");
        assertEquals("ingot: error: table t has no column zz\n", run.err());
        run = Fixtures.cli("export", "--store", source.toString(), "--table", "t", "--format", "csv", "--out", out.toString(), "--columns", "id,id");
        assertEquals("ingot: error: column id of table t is named twice\n", run.err());
        run = Fixtures.cli("export", "--store", source.toString(), "--table", "t", "--format", "arrow", "--out", out.toString(), "--header");
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("--header, --delimiter, --quote, --escape and --null apply to --format csv only\n"), run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aValueThatNeedsQuotesInADialectWithoutThemFailsAndLeavesNoFile() throws Exception {
        Path source = sourceStore(11);
        Path out = tmp.resolve("x.tbl");
        IllegalArgumentException e;
        try (dev.ingot.columnstore.ColumnStore cs = dev.ingot.columnstore.ColumnStore.openReadOnly(source)) {
            e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                    dev.ingot.ingest.export.TableExporter.export(cs, "t", List.of("id", "vc"), dev.ingot.ingest.export.TableExporter.Format.CSV,
                            TextDialect.tbl(), out));
        }
        int row = 0;
        List<List<String>> rows = rows(11);
        while (rows.get(row).get(15) == null || !(rows.get(row).get(15).isEmpty() || rows.get(row).get(15).contains("|")
                || rows.get(row).get(15).contains("\n"))) {
            row++;
        }
        String bad = rows.get(row).get(15);
        assertEquals("table t row " + (row + 1) + ": field 2 value \"" + bad + "\" needs quotes (it is empty, equals the NULL string or"
                + " holds the delimiter, CR or LF), but the dialect has no quote character", e.getMessage());
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(tmp.resolve("x.tbl.ingot-export-tmp")));
    }
}
