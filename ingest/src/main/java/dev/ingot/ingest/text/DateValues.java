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

    /** Bytes 4 and 7 of {@code YYYY-MM-} in a little-endian word: where the dashes are. */
    private static final long DASH_BYTES = 0xFF0000FF00000000L;
    /** {@code '-'} at bytes 4 and 7. */
    private static final long DASHES = 0x2D00002D00000000L;

    /**
     * Days since 1970-01-01 of the ISO date {@code YYYY-MM-DD} at {@code buf[p .. p+10)} (the
     * caller checked that 10 bytes are there), {@link #SYNTAX} or {@link #RANGE}. {@code YYYY-MM-}
     * is read as one word: the dashes compared at once, the dashes replaced by '0' so that all 8
     * bytes must be digits ({@link AsciiDigits#allDigits}), year and month summed from digit
     * pairs; the day from the last 2 bytes. The day number then comes from tables (the year's
     * first day and leap flag, the month's length and first day), without a division; the tables
     * are built once from {@link #epochDay} and {@link #daysInMonth}.
     */
    static long epochDayAt(byte[] buf, int p) {
        long w = AsciiDigits.word(buf, p);
        int d1 = buf[p + 8] - '0';
        int d2 = buf[p + 9] - '0';
        long digits = w & ~DASH_BYTES | AsciiDigits.ZEROS & DASH_BYTES;
        if ((w & DASH_BYTES) != DASHES || !AsciiDigits.allDigits(digits) || (char) d1 > 9 || (char) d2 > 9) {
            return SYNTAX;
        }
        long t = digits - AsciiDigits.ZEROS;
        t = t * 10 + (t >>> 8); // bytes 0, 2 and 5: the pairs YY, YY and MM (each at most 99, no carry)
        int y = (int) (t & 0xFF) * 100 + (int) (t >>> 16 & 0xFF);
        int m = (int) (t >>> 40 & 0xFF);
        int d = d1 * 10 + d2;
        int year = YEARS[y];
        int month = 2 * m + (year & 1); // months 0 and 13-99 have no days: RANGE below
        if (y == 0 || d < 1 || d > MONTH_DAYS[month]) {
            return RANGE;
        }
        return (year >> 1) + DAYS_BEFORE_MONTH[month] + d - 1;
    }

    /** Per year 0-9999: the epoch day of its January 1st times 2, plus 1 in a leap year (year 0 unused). */
    private static final int[] YEARS = new int[10000];
    /** Per {@code 2 * month + leap} (month 1-12): days in the month; 0 for the other indexes of two digits. */
    private static final int[] MONTH_DAYS = new int[200];
    /** Per {@code 2 * month + leap}: days of the year before the month's first day. */
    private static final int[] DAYS_BEFORE_MONTH = new int[200];

    static {
        for (int leap = 0; leap <= 1; leap++) {
            int before = 0;
            for (int m = 1; m <= 12; m++) {
                int days = daysInMonth(leap == 1 ? 2000 : 2001, m);
                MONTH_DAYS[2 * m + leap] = days;
                DAYS_BEFORE_MONTH[2 * m + leap] = before;
                before += days;
            }
        }
        int start = (int) epochDay(1, 1, 1);
        for (int y = 1; y < YEARS.length; y++) {
            int leap = daysInMonth(y, 2) - 28;
            YEARS[y] = start * 2 + leap;
            start += 365 + leap;
        }
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
