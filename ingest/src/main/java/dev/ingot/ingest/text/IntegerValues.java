package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * TINYINT, SMALLINT, INTEGER and BIGINT fields: {@code [+-]?[0-9]+} within the type's
 * two's-complement range (-128..127, -32768..32767, 32 and 64 bits; overflow is detected digit
 * by digit, as {@link Long#parseLong} does). Not thread-safe.
 */
final class IntegerValues extends ValueParser {
    private final ColumnType.Kind width;
    private final long min;
    private final long max;

    IntegerValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.width = def.type().kind();
        switch (width) {
            case INT8: min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; break;
            case INT16: min = Short.MIN_VALUE; max = Short.MAX_VALUE; break;
            case INT32: min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; break;
            default: min = Long.MIN_VALUE; max = Long.MAX_VALUE; break;
        }
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
        long limit = negative ? min : -max;
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
        switch (width) {
            case INT32: out.setInt(column, row, (int) v); break;
            case INT64: out.setLong(column, row, v); break;
            case INT16: out.setShort(column, row, (short) v); break;
            default: out.setByte(column, row, (byte) v); break;
        }
    }
}
