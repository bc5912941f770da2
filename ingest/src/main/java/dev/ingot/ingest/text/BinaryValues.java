package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * VARBINARY(n) and unbounded VARBINARY fields in PostgreSQL's {@code bytea} hex format:
 * {@code \x} followed by two hexadecimal digits (either case) per byte, e.g. {@code \x00ff10}
 * for the bytes 0x00 0xff 0x10; {@code \x} alone is the empty value. Base64 is not accepted (one
 * rule: the hex form is unambiguous, and is what PostgreSQL's COPY writes). At most n bytes:
 * the field may hold at most {@code 2 + 2n} bytes, a bound the record parser enforces as it reads
 * ({@code value too long}). Decoded in place in the read buffer. Not thread-safe.
 */
final class BinaryValues extends ValueParser {
    private final int maxBytes;

    BinaryValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.maxBytes = def.type().maxLength();
    }

    /**
     * {@code \\x} and two hex digits per byte, plus one byte for the escape of the leading backslash
     * where the dialect's escape character is {@code \\} (a quoted {@code "\\\\x0102"}, as a CSV
     * writer with that escape writes it). A field of that length decodes to an odd digit count, so the
     * value never exceeds the column's bytes.
     */
    @Override
    int maxFieldBytes() {
        return maxBytes == ColumnType.UNBOUNDED ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE - 1, 3L + 2L * maxBytes);
    }

    @Override
    long lineBytes() {
        return maxBytes == ColumnType.UNBOUNDED ? Long.MAX_VALUE : 2L * maxBytes + 5;
    }

    /** The bytes of the last value decoded (grown as needed). */
    private byte[] decoded = new byte[64];

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        int n = to - from;
        if (n < 2 || buf[from] != '\\' || buf[from + 1] != 'x') {
            throw invalidInput(buf, from, to, "VARBINARY is written as \\x followed by two hex digits per byte");
        }
        if ((n & 1) != 0) {
            throw invalidInput(buf, from, to, "odd number of hex digits");
        }
        for (int i = from + 2; i < to; i++) {
            if (hex(buf[i]) < 0) {
                throw invalidInput(buf, from, to, "invalid hexadecimal digit " + TextBytes.shown(buf, i, i + 1));
            }
        }
        int bytes = (n - 2) / 2; // at most maxBytes: the record parser refused a field over maxFieldBytes(), and n is even
        byte[] d = decoded;
        if (d.length < bytes) {
            d = decoded = new byte[Math.max(bytes, 2 * d.length)];
        }
        for (int k = 0; k < bytes; k++) {
            d[k] = (byte) (hex(buf[from + 2 + 2 * k]) << 4 | hex(buf[from + 3 + 2 * k]));
        }
        out.setTextBytes(column, row, d, 0, bytes); // the field itself is left as read: the record may be parsed again
    }

    /** Value of a hexadecimal digit, or -1. */
    static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int l = b | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }
}
