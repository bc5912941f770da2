package dev.ingot.ingest.tpch;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Parses one line of a {@code .tbl} file from bytes into a {@link BatchBuilder} row, checking
 * each value against its column type. The grammar and the error messages are documented on
 * {@link TblFileSource}.
 *
 * <p>Line numbers passed in are reported as given (the caller may shift them later, see
 * {@link TblParseException#shiftLines}). Thread-safety: not thread-safe; one parser per thread.
 */
final class TblLineParser {
    private static final byte INT32 = 0;
    private static final byte INT64 = 1;
    private static final byte DECIMAL = 2;
    private static final byte DATE = 3;
    private static final byte TEXT = 4;

    private static final long[] POW10 = new long[19];
    private static final int MAX_SHOWN_CHARS = 200;

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private final String file;
    private final int columnCount;
    private final byte[] kinds;
    private final String[] names;
    private final String[] sqlTypes;
    private final int[] scales;
    private final int[] maxIntegerDigits;
    private final int[] maxLengths;
    private final boolean[] nullable;

    // the line being parsed, for field counting on errors
    private byte[] lineBuf;
    private int lineFrom;
    private int lineTo;
    private long lineNumber;

    TblLineParser(TableDef table, String file) {
        this.file = file;
        List<ColumnDef> cols = table.columns();
        columnCount = cols.size();
        kinds = new byte[columnCount];
        names = new String[columnCount];
        sqlTypes = new String[columnCount];
        scales = new int[columnCount];
        maxIntegerDigits = new int[columnCount];
        maxLengths = new int[columnCount];
        nullable = new boolean[columnCount];
        for (int c = 0; c < columnCount; c++) {
            ColumnDef col = cols.get(c);
            ColumnType t = col.type();
            names[c] = col.name();
            sqlTypes[c] = t.sqlName();
            nullable[c] = col.nullable();
            switch (t.kind()) {
                case INT32: kinds[c] = INT32; break;
                case INT64: kinds[c] = INT64; break;
                case DECIMAL64:
                    kinds[c] = DECIMAL;
                    scales[c] = t.scale();
                    maxIntegerDigits[c] = t.precision() - t.scale();
                    break;
                case DATE32: kinds[c] = DATE; break;
                case CHAR:
                case VARCHAR:
                    kinds[c] = TEXT;
                    maxLengths[c] = t.maxLength();
                    break;
                default:
                    throw new IllegalArgumentException("the .tbl parser reads INTEGER, BIGINT, DECIMAL(p <= 18), DATE, CHAR and VARCHAR"
                            + " columns; column " + table.name() + "." + col.name() + " is " + t);
            }
        }
    }

    /**
     * Parses the line {@code buf[from .. to)} (without its {@code \n} or {@code \r\n}) into row
     * {@code row} of {@code b}; does not call {@link BatchBuilder#endRow()}.
     *
     * @param line line number used in errors
     * @throws TblParseException if the line has the wrong field count or a value is rejected
     */
    void parseLine(byte[] buf, int from, int to, BatchBuilder b, int row, long line) throws TblParseException {
        lineBuf = buf;
        lineFrom = from;
        lineTo = to;
        lineNumber = line;
        if (from == to) {
            throw fieldCountError(0);
        }
        int end = buf[to - 1] == '|' ? to - 1 : to;
        int p = from;
        for (int c = 0; c < columnCount; c++) {
            if (p > end) {
                throw fieldCountError(c);
            }
            int q;
            switch (kinds[c]) {
                case INT64:
                case INT32:
                    q = parseInteger(buf, p, end, b, c, row);
                    break;
                case DECIMAL:
                    q = parseDecimal(buf, p, end, b, c, row);
                    break;
                case DATE:
                    q = parseDate(buf, p, end, b, c, row);
                    break;
                default:
                    q = parseText(buf, p, end, b, c, row);
                    break;
            }
            p = q + 1;
        }
        if (p <= end) {
            throw fieldCountError(countFields());
        }
    }

    private static int fieldEnd(byte[] buf, int p, int end) {
        while (p < end && buf[p] != '|') {
            p++;
        }
        return p;
    }

    private int parseInteger(byte[] buf, int p, int end, BatchBuilder b, int c, int row) throws TblParseException {
        if (p == end || buf[p] == '|') {
            return emptyField(buf, p, b, c, row);
        }
        int i = p;
        boolean negative = false;
        byte first = buf[i];
        if (first == '-') {
            negative = true;
            i++;
        } else if (first == '+') {
            i++;
        }
        int digitsFrom = i;
        boolean int32 = kinds[c] == INT32;
        long limit = int32 ? (negative ? Integer.MIN_VALUE : -Integer.MAX_VALUE) : (negative ? Long.MIN_VALUE : -Long.MAX_VALUE);
        long multmin = limit / 10;
        long acc = 0;
        boolean overflow = false;
        while (i < end) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (acc < multmin) {
                overflow = true;
            } else {
                acc *= 10;
                if (acc < limit + d) {
                    overflow = true;
                } else {
                    acc -= d;
                }
            }
            i++;
        }
        if ((i < end && buf[i] != '|') || i == digitsFrom) {
            throw invalidInput(buf, p, fieldEnd(buf, i, end), c, null);
        }
        if (overflow) {
            throw outOfRange(buf, p, i, c);
        }
        long v = negative ? acc : -acc;
        if (int32) {
            b.setInt(c, row, (int) v);
        } else {
            b.setLong(c, row, v);
        }
        return i;
    }

    private int parseDecimal(byte[] buf, int p, int end, BatchBuilder b, int c, int row) throws TblParseException {
        if (p == end || buf[p] == '|') {
            return emptyField(buf, p, b, c, row);
        }
        int i = p;
        boolean negative = false;
        byte first = buf[i];
        if (first == '-') {
            negative = true;
            i++;
        } else if (first == '+') {
            i++;
        }
        long intValue = 0;
        int intDigits = 0;
        int significant = 0;
        while (i < end) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            intDigits++;
            if (significant > 0 || d != 0) {
                significant++;
                if (significant <= 18) {
                    intValue = intValue * 10 + d;
                }
            }
            i++;
        }
        long fraction = 0;
        int fractionDigits = 0;
        if (i < end && buf[i] == '.') {
            i++;
            while (i < end) {
                int d = buf[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                fractionDigits++;
                if (fractionDigits <= 18) {
                    fraction = fraction * 10 + d;
                }
                i++;
            }
        }
        if ((i < end && buf[i] != '|') || intDigits + fractionDigits == 0) {
            throw invalidInput(buf, p, fieldEnd(buf, i, end), c, null);
        }
        int scale = scales[c];
        if (fractionDigits > scale) {
            throw invalidInput(buf, p, i, c, "too many fraction digits for " + sqlTypes[c]);
        }
        if (significant > maxIntegerDigits[c]) {
            throw outOfRange(buf, p, i, c);
        }
        long unscaled = intValue * POW10[scale] + fraction * POW10[scale - fractionDigits];
        b.setDecimal(c, row, negative ? -unscaled : unscaled);
        return i;
    }

    private int parseDate(byte[] buf, int p, int end, BatchBuilder b, int c, int row) throws TblParseException {
        if (p == end || buf[p] == '|') {
            return emptyField(buf, p, b, c, row);
        }
        int q = p + 10;
        if (q > end || (q < end && buf[q] != '|') || buf[p + 4] != '-' || buf[p + 7] != '-') {
            throw invalidInput(buf, p, fieldEnd(buf, p, end), c, null);
        }
        int y = digits(buf, p, 4);
        int m = digits(buf, p + 5, 2);
        int d = digits(buf, p + 8, 2);
        if (y < 0 || m < 0 || d < 0) {
            throw invalidInput(buf, p, q, c, null);
        }
        if (y == 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
            throw error(c, buf, p, q, "date/time field value out of range: \"" + shown(buf, p, q) + "\" for column " + names[c]);
        }
        b.setInt(c, row, (int) epochDay(y, m, d));
        return q;
    }

    private int parseText(byte[] buf, int p, int end, BatchBuilder b, int c, int row) throws TblParseException {
        int i = p;
        int high = 0;
        while (i < end) {
            byte x = buf[i];
            if (x == '|') {
                break;
            }
            high |= x;
            i++;
        }
        int length = i - p;
        int chars = length;
        if (high < 0) {
            chars = utf8CodePoints(buf, p, i);
            if (chars < 0) {
                int bad = -chars - 1;
                throw error(c, buf, p, i, "invalid byte sequence for encoding UTF8 in column " + names[c] + " ("
                        + sqlTypes[c] + "): " + hexSequence(buf, bad, i));
            }
        }
        if (chars > maxLengths[c]) {
            throw error(c, buf, p, i, "value too long for column " + names[c] + " (" + sqlTypes[c] + "): \""
                    + shown(buf, p, i) + "\"");
        }
        b.setTextBytes(c, row, buf, p, length);
        return i;
    }

    private int emptyField(byte[] buf, int p, BatchBuilder b, int c, int row) throws TblParseException {
        if (!nullable[c]) {
            throw invalidInput(buf, p, p, c, null);
        }
        b.setNull(c, row);
        return p;
    }

    /** Value of {@code n} ASCII digits, or -1 if one is not a digit. */
    private static int digits(byte[] buf, int p, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int d = buf[p + i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    static int daysInMonth(int year, int month) {
        switch (month) {
            case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4: case 6: case 9: case 11: return 30;
            default: return 31;
        }
    }

    /**
     * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
     * {@code days_from_civil}, as in {@code java.time.LocalDate.toEpochDay}).
     */
    static long epochDay(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yoe = y - era * 400;
        int mp = (month + 9) % 12;
        int doy = (153 * mp + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return (long) era * 146097 + doe - 719468;
    }

    /**
     * Code points in the UTF-8 bytes {@code buf[from .. to)}, or {@code -(i + 1)} where
     * {@code i} is the index of the first byte of an invalid sequence (RFC 3629: no overlong
     * forms, no surrogates, nothing above U+10FFFF).
     */
    static int utf8CodePoints(byte[] buf, int from, int to) {
        int count = 0;
        int i = from;
        while (i < to) {
            int b0 = buf[i] & 0xff;
            int need;
            int min2 = 0x80;
            int max2 = 0xbf;
            if (b0 < 0x80) {
                i++;
                count++;
                continue;
            } else if (b0 < 0xc2) {
                return -(i + 1);
            } else if (b0 < 0xe0) {
                need = 1;
            } else if (b0 < 0xf0) {
                need = 2;
                if (b0 == 0xe0) {
                    min2 = 0xa0;
                } else if (b0 == 0xed) {
                    max2 = 0x9f;
                }
            } else if (b0 < 0xf5) {
                need = 3;
                if (b0 == 0xf0) {
                    min2 = 0x90;
                } else if (b0 == 0xf4) {
                    max2 = 0x8f;
                }
            } else {
                return -(i + 1);
            }
            if (i + need >= to) {
                return -(i + 1);
            }
            int b1 = buf[i + 1] & 0xff;
            if (b1 < min2 || b1 > max2) {
                return -(i + 1);
            }
            for (int k = 2; k <= need; k++) {
                int bk = buf[i + k] & 0xff;
                if (bk < 0x80 || bk > 0xbf) {
                    return -(i + 1);
                }
            }
            i += need + 1;
            count++;
        }
        return count;
    }

    /** The bytes of the invalid sequence starting at {@code at}, PostgreSQL style: {@code 0xc3 0x28}. */
    private static String hexSequence(byte[] buf, int at, int to) {
        int b0 = buf[at] & 0xff;
        int len = b0 >= 0xf0 ? 4 : b0 >= 0xe0 ? 3 : b0 >= 0xc0 ? 2 : 1;
        StringBuilder sb = new StringBuilder();
        for (int i = at; i < Math.min(to, at + len); i++) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("0x%02x", buf[i] & 0xff));
        }
        return sb.toString();
    }

    private static String text(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, StandardCharsets.UTF_8);
    }

    /** The field as shown in a message: at most 200 characters, then {@code ...}. */
    private static String shown(byte[] buf, int from, int to) {
        String s = text(buf, from, to);
        return s.length() <= MAX_SHOWN_CHARS ? s : s.substring(0, MAX_SHOWN_CHARS) + "...";
    }

    /** Fields in the current line: {@code |}-separated, one trailing {@code |} dropped; an empty line has 0. */
    private int countFields() {
        if (lineFrom == lineTo) {
            return 0;
        }
        int end = lineBuf[lineTo - 1] == '|' ? lineTo - 1 : lineTo;
        int n = 1;
        for (int i = lineFrom; i < end; i++) {
            if (lineBuf[i] == '|') {
                n++;
            }
        }
        return n;
    }

    private TblParseException fieldCountError(int found) {
        String problem = found < columnCount
                ? "expected " + columnCount + " fields but found " + found
                : "extra data after last expected column (found " + found + " fields, expected " + columnCount + ")";
        return new TblParseException(file, lineNumber, null, null, problem);
    }

    /** A value error, unless the line's field count is wrong, which is reported first (as COPY does). */
    private TblParseException error(int c, byte[] buf, int from, int to, String problem) {
        int found = countFields();
        if (found != columnCount) {
            return fieldCountError(found);
        }
        return new TblParseException(file, lineNumber, names[c], text(buf, from, to), problem);
    }

    private TblParseException invalidInput(byte[] buf, int from, int to, int c, String detail) {
        String problem = "invalid input for column " + names[c] + " (" + sqlTypes[c] + "): \"" + shown(buf, from, to) + "\"";
        return error(c, buf, from, to, detail == null ? problem : problem + ": " + detail);
    }

    private TblParseException outOfRange(byte[] buf, int from, int to, int c) {
        return error(c, buf, from, to, "value \"" + shown(buf, from, to) + "\" is out of range for column " + names[c]
                + " (" + sqlTypes[c] + ")");
    }
}
