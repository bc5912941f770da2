package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * DATE fields: ISO 8601 {@code YYYY-MM-DD} (valid proleptic Gregorian dates, leap years
 * included, years 0001-9999), stored as days since 1970-01-01. Not thread-safe.
 */
final class DateValues extends ValueParser {
    DateValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
    }

    @Override
    byte kind() {
        return K_DATE;
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        long day = to - from == 10 ? epochDayAt(buf, from) : SYNTAX;
        if (day == SYNTAX) {
            throw invalidInput(buf, from, to, null);
        }
        if (day == RANGE) {
            throw fieldOutOfRange(buf, from, to);
        }
        out.setInt(column, row, (int) day);
    }

    /** Result of the {@code *At} helpers: the text is not of the form. */
    static final long SYNTAX = Long.MIN_VALUE;
    /** Result of the {@code *At} helpers: a field (month, day, hour ...) is out of its range. */
    static final long RANGE = Long.MIN_VALUE + 1;

    /**
     * Days since 1970-01-01 of the ISO date {@code YYYY-MM-DD} at {@code buf[p .. p+10)} (the
     * caller checked that 10 bytes are there), {@link #SYNTAX} or {@link #RANGE}.
     */
    static long epochDayAt(byte[] buf, int p) {
        if (buf[p + 4] != '-' || buf[p + 7] != '-') {
            return SYNTAX;
        }
        int y = digits(buf, p, 4);
        int m = digits(buf, p + 5, 2);
        int d = digits(buf, p + 8, 2);
        if (y < 0 || m < 0 || d < 0) {
            return SYNTAX;
        }
        if (y == 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
            return RANGE;
        }
        return epochDay(y, m, d);
    }


    /** Value of {@code n} ASCII digits, or -1 if one is not a digit. */
    static int digits(byte[] buf, int p, int n) {
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
}
