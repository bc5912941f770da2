package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * TIMESTAMP and TIMESTAMP WITH TIME ZONE fields, ISO 8601: a date as {@link DateValues} reads
 * it, {@code T} or one space, a time as {@link TimeValues} reads it (up to 6 fraction digits).
 * WITH TIME ZONE then needs an offset, {@code Z} or {@code +HH:MM} / {@code -HH:MM} (hours up to
 * 18, as {@link java.time.ZoneOffset}), and stores the instant as microseconds since
 * 1970-01-01T00:00Z (UTC); TIMESTAMP takes no offset and stores the local date-time as
 * microseconds since 1970-01-01T00:00. Not thread-safe.
 */
final class TimestampValues extends ValueParser {
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private final boolean withZone;

    TimestampValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.withZone = def.type().kind() == ColumnType.Kind.TIMESTAMP_TZ;
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        int timeEnd = to;
        long offsetMicros = 0;
        if (withZone) {
            if (to - from > 0 && (buf[to - 1] == 'Z' || buf[to - 1] == 'z')) {
                timeEnd = to - 1;
            } else if (to - from >= 6 && (buf[to - 6] == '+' || buf[to - 6] == '-') && buf[to - 3] == ':') {
                int oh = DateValues.digits(buf, to - 5, 2);
                int om = DateValues.digits(buf, to - 2, 2);
                if (oh < 0 || om < 0) {
                    throw invalidInput(buf, from, to, null);
                }
                if (oh > 18 || om > 59 || oh == 18 && om > 0) {
                    throw fieldOutOfRange(buf, from, to);
                }
                offsetMicros = (oh * 60L + om) * 60_000_000L * (buf[to - 6] == '-' ? -1 : 1);
                timeEnd = to - 6;
            } else {
                throw invalidInput(buf, from, to, "a TIMESTAMP WITH TIME ZONE needs an offset (Z or +HH:MM)");
            }
        }
        if (timeEnd - from < 19 || buf[from + 10] != 'T' && buf[from + 10] != ' ') {
            throw invalidInput(buf, from, to, null);
        }
        long day = DateValues.epochDayAt(buf, from);
        long micros = TimeValues.microsAt(buf, from + 11, timeEnd);
        if (day == DateValues.SYNTAX || micros == DateValues.SYNTAX) {
            throw invalidInput(buf, from, to, null);
        }
        if (day == DateValues.RANGE || micros == DateValues.RANGE) {
            throw fieldOutOfRange(buf, from, to);
        }
        out.setLong(column, row, day * MICROS_PER_DAY + micros - offsetMicros);
    }
}
