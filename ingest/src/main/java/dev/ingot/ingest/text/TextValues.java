package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.Utf8;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * CHAR(n), VARCHAR(n) and unbounded VARCHAR fields: UTF-8 (RFC 3629, no NUL) whose length in
 * characters (code points) is at most n; stored as given (CHAR is not blank-padded). An
 * all-ASCII field is checked with one comparison per byte. Not thread-safe.
 */
final class TextValues extends ValueParser {
    private final int maxChars;

    TextValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
        this.maxChars = def.type().maxLength();
    }

    @Override
    byte kind() {
        return K_TEXT;
    }

    @Override
    boolean isText() {
        return true;
    }

    /** n characters take at most 4n bytes (a UTF-8 character or a doubled or escaped quote takes at most 4). */
    @Override
    int maxFieldBytes() {
        return maxChars == ColumnType.UNBOUNDED ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE - 1, 4L * maxChars);
    }

    @Override
    long lineBytes() {
        return maxChars == ColumnType.UNBOUNDED ? Long.MAX_VALUE : 4L * maxChars + 2;
    }

    /** The most characters (code points) a value may have ({@link ColumnType#UNBOUNDED} for unbounded VARCHAR). */
    int maxChars() {
        return maxChars;
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        int i = from;
        while (i < to && buf[i] > 0) {
            i++;
        }
        int chars = to - from;
        if (i < to) {
            chars = Utf8.codePoints(buf, from, to);
            if (chars < 0) {
                throw error(buf, from, to, "invalid byte sequence for encoding UTF8 in column " + name + " ("
                        + sqlType + "): " + TextBytes.hexSequence(buf, -chars - 1, to));
            }
        }
        if (chars > maxChars) {
            throw tooLong(buf, from, to);
        }
        out.setTextBytes(column, row, buf, from, to - from);
    }
}
