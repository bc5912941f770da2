package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * TINYINT, SMALLINT, INTEGER and BIGINT fields: {@code [+-]?[0-9]+} within the type's
 * two's-complement range (-128..127, -32768..32767, 32 and 64 bits; overflow is detected digit
 * by digit, as {@link Long#parseLong} does). 1 to 7 digits without a sign, with 8 bytes to read,
 * are read as one word ({@link AsciiDigits}) and compared with the type's maximum. Not thread-safe.
 */
final class IntegerValues extends NumberValues {
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

    /** Outcome of the last {@link #scan}: the digits were a value in range. */
    private boolean valid;
    /** Outcome of the last {@link #scan}: there were digits but the value is out of range. */
    private boolean overflow;
    /** The value read by the last valid {@link #scan}. */
    private long value;

    @Override
    int scan(byte[] buf, int from, int limit) {
        if (from + 8 <= limit) {
            // 1 to 7 digits without a sign (every TPC-H key): one word, no loop (AsciiDigits); a value
            // of at most 7 digits is below every bound but TINYINT's and SMALLINT's, checked here
            long w = AsciiDigits.word(buf, from);
            int n = AsciiDigits.leadingDigits(w);
            if (n > 0 && n < 8) {
                long v = AsciiDigits.valueOf(w, n);
                boolean over = v > max;
                valid = !over;
                overflow = over;
                value = v;
                return from + n;
            }
        }
        return scanDigits(buf, from, limit);
    }

    /** {@link #scan} one byte at a time: signs, 8 digits or more, fields near the end of the bytes. */
    private int scanDigits(byte[] buf, int from, int limit) {
        boolean negative = from < limit && buf[from] == '-';
        int i = from + signBytes(buf, from, limit);
        int digitsFrom = i;
        long bound = negative ? min : -max;
        long multmin = bound / 10;
        long acc = 0;
        boolean over = false;
        while (i < limit) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (acc < multmin) {
                over = true;
            } else {
                acc *= 10;
                if (acc < bound + d) {
                    over = true;
                } else {
                    acc -= d;
                }
            }
            i++;
        }
        overflow = over && i > digitsFrom;
        valid = !over && i > digitsFrom;
        value = negative ? acc : -acc;
        return i;
    }

    @Override
    boolean valid() {
        return valid;
    }

    @Override
    void store(BatchBuilder out, int row) {
        long v = value;
        switch (width) {
            case INT32: out.setInt(column, row, (int) v); break;
            case INT64: out.setLong(column, row, v); break;
            case INT16: out.setShort(column, row, (short) v); break;
            default: out.setByte(column, row, (byte) v); break;
        }
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        int i = scan(buf, from, to);
        if (i < to || !valid && !overflow) {
            throw invalidInput(buf, from, to, null);
        }
        if (overflow) {
            throw outOfRange(buf, from, to);
        }
        store(out, row);
    }
}
