package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * DECIMAL(p,s) fields, p &lt;= 38: {@code [+-]?[0-9]*(.[0-9]*)?} with at least one digit, at
 * most {@code s} fraction digits and at most {@code p - s} integer digits (leading zeros not
 * counted), stored as the unscaled value: 64-bit for p &lt;= 18 (cents for DECIMAL(15,2)),
 * computed digit by digit; 128-bit two's complement for p &gt; 18, computed through
 * {@link BigDecimal} once the text passed the same checks. No exponent, as in PostgreSQL's
 * numeric input for COPY of fixed-point text. Not thread-safe.
 */
final class DecimalValues extends NumberValues {
    private final int scale;
    private final int maxIntegerDigits;
    private final boolean wide;

    DecimalValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.scale = def.type().scale();
        this.maxIntegerDigits = def.type().precision() - def.type().scale();
        this.wide = def.type().precision() > ColumnType.MAX_DECIMAL64_PRECISION;
    }

    @Override
    byte kind() {
        return wide ? K_OTHER : K_DECIMAL;
    }

    /** {@link #scan} outcomes. */
    private static final int OK = 0;
    private static final int NO_DIGITS = 1;
    private static final int TOO_MANY_FRACTION_DIGITS = 2;
    private static final int OUT_OF_RANGE = 3;

    private int status;
    private long unscaled;

    @Override
    int scan(byte[] buf, int from, int limit) {
        // the sign without branches (1 or 0 from the first byte), so the first negative value of a
        // table does not deoptimize the parser's compiled code (as C2 prunes paths never taken so far)
        int first = from < limit ? buf[from] : 0;
        int minus = isZero(first ^ '-');
        int start = from + (minus | isZero(first ^ '+'));
        // Digits accumulate without per-digit bookkeeping: leading zeros add nothing, so the sum is
        // exact while at most 18 digits are significant; with more it may wrap, but then the value is
        // out of range (p <= 18) or not taken from here (p > 18, through BigDecimal). Likewise the
        // fraction, whose digits beyond 18 exceed every 64-bit scale.
        int i = digitsFrom(buf, start, limit);
        long intValue = digitsValue;
        int intDigits = i - start;
        int significant = intDigits;
        if (intDigits > maxIntegerDigits) { // leading zeros matter only to a value that may be out of range
            for (int z = start; z < i && buf[z] == '0'; z++) {
                significant--;
            }
        }
        // the point, if any, is stepped over without a branch: after an integer-only value (l_quantity)
        // the byte at i is no digit, so the fraction reads no digit either
        i += i < limit ? isZero(buf[i] ^ '.') : 0;
        int fractionStart = i;
        i = digitsFrom(buf, i, limit);
        long fraction = digitsValue;
        int fractionDigits = i - fractionStart;
        if (intDigits + fractionDigits == 0) {
            status = NO_DIGITS;
        } else if (fractionDigits > scale) {
            status = TOO_MANY_FRACTION_DIGITS;
        } else if (significant > maxIntegerDigits) {
            status = OUT_OF_RANGE;
        } else {
            status = OK;
            if (!wide) {
                long u = intValue * ColumnType.powerOfTen(scale) + fraction * ColumnType.powerOfTen(scale - fractionDigits);
                unscaled = (u ^ -minus) + minus; // -u when minus is 1
            }
        }
        return i;
    }

    /** The value of the digits the last {@link #digitsFrom} read. */
    private long digitsValue;

    /**
     * Reads the run of digits at {@code buf[i]} (before {@code limit}) into {@link #digitsValue}
     * and returns the index after it. Up to 7 digits with 8 bytes left are read as one word
     * ({@link AsciiDigits}); others one byte at a time. Leading zeros add nothing, so the value
     * is exact while at most 18 digits are significant; with more it may wrap (see {@link #scan}).
     */
    private int digitsFrom(byte[] buf, int i, int limit) {
        if (i + 8 <= limit) {
            long w = AsciiDigits.word(buf, i);
            int n = AsciiDigits.leadingDigits(w);
            if (n < 8) {
                digitsValue = AsciiDigits.valueOf(w, n);
                return i + n;
            }
        }
        long v = 0;
        for (; i < limit; i++) {
            int d = buf[i] - '0';
            if ((char) d > 9) { // one unsigned test: below '0' wraps to a large char
                break;
            }
            v = v * 10 + d;
        }
        digitsValue = v;
        return i;
    }

    /** 1 if {@code x} is 0, else 0, without a branch. */
    private static int isZero(int x) {
        return ((x | -x) >>> 31) ^ 1;
    }

    @Override
    boolean valid() {
        return status == OK;
    }

    @Override
    void store(BatchBuilder out, int row) {
        out.setDecimal(column, row, unscaled);
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        int i = scan(buf, from, to);
        if (i < to || status == NO_DIGITS) {
            throw invalidInput(buf, from, to, null);
        }
        if (status == TOO_MANY_FRACTION_DIGITS) {
            throw invalidInput(buf, from, to, "too many fraction digits for " + sqlType);
        }
        if (status == OUT_OF_RANGE) {
            throw outOfRange(buf, from, to);
        }
        if (wide) {
            BigInteger u = new BigDecimal(new String(buf, from, to - from, StandardCharsets.ISO_8859_1)).setScale(scale)
                    .unscaledValue();
            out.setDecimal128(column, row, u.longValue(), u.shiftRight(64).longValue());
            return;
        }
        store(out, row);
    }
}
