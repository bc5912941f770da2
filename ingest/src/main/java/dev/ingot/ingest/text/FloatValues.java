package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;
import java.nio.charset.StandardCharsets;

/**
 * REAL and DOUBLE fields: exactly the strings {@link Double#parseDouble} accepts (for REAL,
 * {@link Float#parseFloat}, the same grammar): decimal or hexadecimal significands, exponents,
 * {@code NaN}, {@code Infinity} with a sign, an optional {@code f}/{@code d} suffix, and leading
 * or trailing ASCII whitespace, which those methods trim. The value is rounded to the nearest
 * REAL/DOUBLE; a finite literal too large for the type (rounding to infinity, e.g.
 * {@code 1e39} for REAL) is out of range. Bytes outside ASCII are invalid input. Not thread-safe.
 */
final class FloatValues extends ValueParser {
    private final boolean single;

    FloatValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.single = def.type().kind() == ColumnType.Kind.FLOAT32;
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        for (int i = from; i < to; i++) {
            if (buf[i] < 0) {
                throw invalidInput(buf, from, to, null);
            }
        }
        String s = new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
        double d;
        try {
            d = single ? Float.parseFloat(s) : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw invalidInput(buf, from, to, null);
        }
        if (Double.isInfinite(d) && !s.contains("Infinity")) {
            throw outOfRange(buf, from, to);
        }
        if (single) {
            out.setFloat(column, row, (float) d);
        } else {
            out.setDouble(column, row, d);
        }
    }
}
