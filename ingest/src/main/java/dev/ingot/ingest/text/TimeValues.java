package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * TIME fields: ISO 8601 {@code HH:MM:SS} with an optional fraction of 1 to 6 digits
 * ({@code HH:MM:SS.ffffff}), hours 00-23, minutes and seconds 00-59 (no leap second, no
 * {@code 24:00:00}), stored as microseconds since midnight. More than 6 fraction digits is
 * invalid input (TIME holds microseconds; nothing is rounded). Not thread-safe.
 */
final class TimeValues extends ValueParser {
    private static final long[] FRACTION_SCALE = {0, 100_000, 10_000, 1_000, 100, 10, 1};

    TimeValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        long micros = microsAt(buf, from, to);
        if (micros == DateValues.SYNTAX) {
            throw invalidInput(buf, from, to, null);
        }
        if (micros == DateValues.RANGE) {
            throw fieldOutOfRange(buf, from, to);
        }
        out.setLong(column, row, micros);
    }

    /**
     * Microseconds since midnight of the time that is exactly {@code buf[p .. to)},
     * {@link DateValues#SYNTAX} or {@link DateValues#RANGE}.
     */
    static long microsAt(byte[] buf, int p, int to) {
        int n = to - p;
        if (n < 8 || buf[p + 2] != ':' || buf[p + 5] != ':' || n == 9 || n > 15 || n > 8 && buf[p + 8] != '.') {
            return DateValues.SYNTAX;
        }
        int h = DateValues.digits(buf, p, 2);
        int m = DateValues.digits(buf, p + 3, 2);
        int s = DateValues.digits(buf, p + 6, 2);
        int fractionDigits = Math.max(0, n - 9);
        int f = fractionDigits == 0 ? 0 : DateValues.digits(buf, p + 9, fractionDigits);
        if (h < 0 || m < 0 || s < 0 || f < 0) {
            return DateValues.SYNTAX;
        }
        if (h > 23 || m > 59 || s > 59) {
            return DateValues.RANGE;
        }
        return ((h * 60L + m) * 60 + s) * 1_000_000 + f * FRACTION_SCALE[fractionDigits];
    }
}
