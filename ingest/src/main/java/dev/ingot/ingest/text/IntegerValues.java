package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * INTEGER and BIGINT fields: {@code [+-]?[0-9]+} within the type's two's-complement range
 * (overflow is detected digit by digit, as {@link Long#parseLong} does). Not thread-safe.
 */
final class IntegerValues extends ValueParser {
    private final boolean int32;

    IntegerValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.int32 = def.type().kind() == ColumnType.Kind.INT32;
    }

    @Override
    byte kind() {
        return K_INTEGER;
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        boolean negative = from < to && buf[from] == '-';
        int i = from + signBytes(buf, from, to);
        int digitsFrom = i;
        long limit = int32 ? (negative ? Integer.MIN_VALUE : -Integer.MAX_VALUE) : (negative ? Long.MIN_VALUE : -Long.MAX_VALUE);
        long multmin = limit / 10;
        long acc = 0;
        boolean overflow = false;
        while (i < to) {
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
        if (i < to || i == digitsFrom) {
            throw invalidInput(buf, from, to, null);
        }
        if (overflow) {
            throw outOfRange(buf, from, to);
        }
        long v = negative ? acc : -acc;
        if (int32) {
            out.setInt(column, row, (int) v);
        } else {
            out.setLong(column, row, v);
        }
    }
}
