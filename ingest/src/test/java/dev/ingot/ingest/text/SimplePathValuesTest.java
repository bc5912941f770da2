package dev.ingot.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.internal.BatchBuilder;
import dev.ingot.testing.ArrowPerTest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The word-at-a-time number and date parsing ({@link AsciiDigits}, used by {@link IntegerValues},
 * {@link DecimalValues} and {@link DateValues}) against independent oracles ({@link BigInteger},
 * {@link BigDecimal}, {@link LocalDate}): every field goes through the one-pass path
 * ({@link RecordParser#parseSimple}) and, where that hands the record on, through the general path
 * ({@code tokenize} + {@code fill}), and the stored value or the exact error must be the oracle's.
 * Each field is parsed with 0 to 15 bytes of further records after it (so the last word of a
 * field is sometimes readable and sometimes not: the byte-at-a-time fallback), and as the last
 * bytes of a file without a line end; digits follow the end of the data (a read past it would
 * take them as part of the number).
 */
class SimplePathValuesTest {
    @RegisterExtension
    final ArrowPerTest arrow = new ArrowPerTest();

    /** The outcome of one field: the stored value (a {@link BigInteger}, {@link BigDecimal} unscaled or epoch day), or the error's problem. */
    private record Outcome(Object value, String problem, boolean simple) {
        @Override
        public String toString() {
            return (problem != null ? "error: " + problem : "value " + value) + (simple ? " (simple path)" : "");
        }
    }

    /**
     * Parses {@code field|\n} followed by {@code tailBytes} bytes of further records; with
     * {@code tailBytes} -1, {@code field} alone as the end of the file (no delimiter, no line end:
     * the general path, the field's end being the data's end).
     */
    private Outcome parse(ColumnType type, String field, int tailBytes) {
        TableDef t = new TableDef("t", List.of(ColumnDef.notNull("v", type)), List.of());
        RecordParser parser = new RecordParser(t, TextDialect.tbl(), "f.tbl");
        parser.line = 1;
        byte[] record = (tailBytes < 0 ? field : field + "|\n").getBytes(StandardCharsets.ISO_8859_1);
        int dataEnd = record.length + Math.max(0, tailBytes);
        byte[] buf = new byte[dataEnd + 16];
        for (int i = 0; i < buf.length; i++) {
            buf[i] = (byte) (i % 2 == 0 ? '9' : '|'); // a digit after the data: a read past dataEnd would take it
        }
        System.arraycopy(record, 0, buf, 0, record.length);
        for (int i = record.length; i < dataEnd; i++) {
            buf[i] = (i - record.length) % 3 == 2 ? (byte) '\n' : (i - record.length) % 3 == 1 ? (byte) '|' : (byte) '1';
        }
        try (BatchBuilder out = new BatchBuilder(arrow.allocator(), t, 4)) {
            int next = tailBytes < 0 ? RecordParser.GENERAL : parser.parseSimple(buf, 0, dataEnd, out, 0);
            boolean simple = next != RecordParser.GENERAL;
            if (simple) {
                assertEquals(record.length, next, field);
            } else {
                out.discardRow(0);
                try {
                    assertEquals(record.length, parser.tokenize(buf, 0, dataEnd, true, false), field);
                    parser.fill(buf, out, 0);
                } catch (TextParseException e) {
                    assertEquals("f.tbl", e.file());
                    assertEquals(1, e.line());
                    assertEquals("v", e.column());
                    assertEquals(field, e.value());
                    return new Outcome(null, e.problem(), false);
                }
            }
            out.endRow();
            try (VectorSchemaRoot root = out.finish()) {
                FieldVector v = root.getVector(0);
                Object value;
                if (v instanceof DecimalVector) {
                    value = ((DecimalVector) v).getObject(0).unscaledValue();
                } else if (v instanceof DateDayVector) {
                    value = (long) ((DateDayVector) v).get(0);
                } else {
                    value = BigInteger.valueOf(((Number) v.getObject(0)).longValue());
                }
                return new Outcome(value, null, simple);
            }
        }
    }

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]*)(?:\\.([0-9]*))?");

    private static Outcome integerOracle(ColumnType type, String field) {
        String prefix = "invalid input for column v (" + type.sqlName() + "): \"" + field + "\"";
        if (!INTEGER.matcher(field).matches()) {
            return new Outcome(null, prefix, false);
        }
        BigInteger v = new BigInteger(field);
        int bits = type.kind() == ColumnType.Kind.INT8 ? 8 : type.kind() == ColumnType.Kind.INT16 ? 16
                : type.kind() == ColumnType.Kind.INT32 ? 32 : 64;
        if (v.bitLength() > bits - 1) {
            return new Outcome(null, "value \"" + field + "\" is out of range for column v (" + type.sqlName() + ")", false);
        }
        return new Outcome(v, null, true);
    }

    private static Outcome decimalOracle(ColumnType type, String field) {
        String prefix = "invalid input for column v (" + type.sqlName() + "): \"" + field + "\"";
        Matcher m = DECIMAL.matcher(field);
        if (!m.matches()) {
            return new Outcome(null, prefix, false);
        }
        String intPart = m.group(1);
        String fraction = m.group(2) == null ? "" : m.group(2);
        if (intPart.isEmpty() && fraction.isEmpty()) {
            return new Outcome(null, prefix, false);
        }
        if (fraction.length() > type.scale()) {
            return new Outcome(null, prefix + ": too many fraction digits for " + type.sqlName(), false);
        }
        if (intPart.replaceFirst("^0+", "").length() > type.precision() - type.scale()) {
            return new Outcome(null, "value \"" + field + "\" is out of range for column v (" + type.sqlName() + ")", false);
        }
        String plain = (field.startsWith("-") ? "-" : "") + (intPart.isEmpty() ? "0" : intPart)
                + (fraction.isEmpty() ? "" : "." + fraction);
        return new Outcome(new BigDecimal(plain).setScale(type.scale()).unscaledValue(), null, true);
    }

    private void check(ColumnType type, String field, Outcome expected) {
        for (int t = field.isEmpty() ? 0 : -1; t <= 15; t += t < 0 ? 1 : 3) {
            int tail = t;
            Outcome got = parse(type, field, tail);
            assertEquals(expected.value(), got.value(), () -> type.sqlName() + " \"" + field + "\" tail " + tail + ": " + got);
            assertEquals(expected.problem(), got.problem(), () -> type.sqlName() + " \"" + field + "\" tail " + tail);
            if (expected.simple() && tail >= 0) {
                assertTrue(got.simple(), () -> type.sqlName() + " \"" + field + "\" tail " + tail + " left the one-pass path");
            }
        }
    }

    private static List<String> edgeNumbers() {
        List<String> s = new ArrayList<>(List.of("0", "-0", "+0", "00", "000000000000000000000000000000007", "-", "+", "",
                ".", ".5", "5.", "-.5", "+5.", "-.", "1.2.3", "1..2", "1-2", "--1", "+-1", "1 ", " 1", "1e5", "0x1f",
                "12a", "a12", "1:2", "1/2", "0.00", "00.50", "-000.01"));
        for (int digits = 1; digits <= 20; digits++) {
            String nines = "9".repeat(digits);
            String ones = "1" + "0".repeat(digits - 1);
            for (String d : List.of(nines, ones, "1234567890123456789012".substring(0, digits))) {
                s.add(d);
                s.add("-" + d);
                s.add("+" + d);
                s.add("0" + d);
                s.add(d + ".5");
                s.add(d + ".");
                s.add("." + d);
                s.add(d + "." + d);
                s.add("-" + d + ".01");
            }
        }
        for (long bound : new long[] {Byte.MAX_VALUE, Byte.MIN_VALUE, Short.MAX_VALUE, Short.MIN_VALUE, Integer.MAX_VALUE,
                Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE}) {
            BigInteger b = BigInteger.valueOf(bound);
            for (int d = -1; d <= 1; d++) {
                s.add(b.add(BigInteger.valueOf(d)).toString());
                s.add("00" + b.add(BigInteger.valueOf(d)).abs());
            }
        }
        return s;
    }

    private static final List<ColumnType> INTEGERS = List.of(ColumnType.int8(), ColumnType.int16(), ColumnType.int32(),
            ColumnType.int64());
    private static final List<ColumnType> DECIMALS = List.of(ColumnType.decimal(15, 2), ColumnType.decimal(18, 0),
            ColumnType.decimal(18, 18), ColumnType.decimal(3, 2), ColumnType.decimal(12, 4));

    @Test
    void integerEdgesAgreeWithBigInteger() {
        for (ColumnType type : INTEGERS) {
            for (String f : edgeNumbers()) {
                check(type, f, integerOracle(type, f));
            }
        }
    }

    @Test
    void decimalEdgesAgreeWithBigDecimal() {
        for (ColumnType type : DECIMALS) {
            for (String f : edgeNumbers()) {
                check(type, f, decimalOracle(type, f));
            }
        }
    }

    /** Random fields: mostly digits of every count, with signs, points and stray bytes. */
    private static String randomNumber(Random r) {
        StringBuilder sb = new StringBuilder();
        int kind = r.nextInt(10);
        if (kind == 0) {
            sb.append(r.nextBoolean() ? '-' : '+');
        }
        int digits = r.nextInt(kind < 7 ? 10 : 21);
        for (int i = 0; i < digits; i++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        if (r.nextInt(3) == 0) {
            sb.append('.');
            int fraction = r.nextInt(r.nextInt(5) == 0 ? 20 : 4);
            for (int i = 0; i < fraction; i++) {
                sb.append((char) ('0' + r.nextInt(10)));
            }
        }
        if (r.nextInt(20) == 0 && sb.length() > 0) {
            String stray = " .-+a:/;#~";
            sb.setCharAt(r.nextInt(sb.length()), stray.charAt(r.nextInt(stray.length())));
        }
        return sb.toString();
    }

    @Test
    void seededRandomNumbersAgreeWithOracles() {
        Random r = new Random(20261127);
        for (int k = 0; k < 4000; k++) {
            String f = randomNumber(r);
            ColumnType it = INTEGERS.get(r.nextInt(INTEGERS.size()));
            check(it, f, integerOracle(it, f));
            ColumnType dt = DECIMALS.get(r.nextInt(DECIMALS.size()));
            check(dt, f, decimalOracle(dt, f));
        }
    }

    @Test
    void everyDateOfYears1To9999MatchesLocalDate() {
        byte[] buf = new byte[10];
        for (LocalDate d = LocalDate.of(1, 1, 1); d.getYear() <= 9999; d = d.plusDays(1)) {
            int y = d.getYear();
            int[] digits = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -3, d.getMonthValue() / 10, d.getMonthValue() % 10, -3,
                d.getDayOfMonth() / 10, d.getDayOfMonth() % 10};
            for (int i = 0; i < 10; i++) {
                buf[i] = (byte) ('0' + digits[i]); // '0' - 3 is '-'
            }
            long day = d.toEpochDay();
            if (DateValues.epochDayAt(buf, 0) != day) {
                assertEquals(day, DateValues.epochDayAt(buf, 0), new String(buf, StandardCharsets.ISO_8859_1));
            }
        }
    }

    private static Outcome dateOracle(String field) {
        if (!field.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
            return new Outcome(null, "invalid input for column v (" + ColumnType.date().sqlName() + "): \"" + field + "\"", false);
        }
        try {
            int y = Integer.parseInt(field.substring(0, 4));
            if (y == 0) {
                throw new DateTimeException("year 0");
            }
            return new Outcome(LocalDate.parse(field).toEpochDay(), null, true);
        } catch (DateTimeException e) {
            return new Outcome(null, "date/time field value out of range: \"" + field + "\" for column v", false);
        }
    }

    @Test
    void monthAndLeapBoundariesAndBrokenDatesAgreeWithLocalDate() {
        List<String> fields = new ArrayList<>();
        for (String y : List.of("0000", "0001", "0004", "1900", "1992", "1996", "1998", "2000", "2100", "2400", "9999")) {
            for (int m = 0; m <= 13; m++) {
                for (int d : new int[] {0, 1, 27, 28, 29, 30, 31, 32, 39, 99}) {
                    fields.add(String.format("%s-%02d-%02d", y, m, d));
                }
            }
            fields.add(y + "-99-01");
            fields.add(y + "-20-10");
        }
        String good = "1996-02-29";
        for (int i = 0; i < good.length(); i++) {
            for (char c : " /:-+.a0".toCharArray()) {
                fields.add(good.substring(0, i) + c + good.substring(i + 1));
            }
        }
        fields.addAll(List.of("", "1996-2-29", "1996-02-2", "96-02-29", "1996-02-299", "19960-02-29", "+996-02-29"));
        for (String f : fields) {
            check(ColumnType.date(), f, dateOracle(f));
        }
        assertNotEquals(0, fields.size());
    }
}
