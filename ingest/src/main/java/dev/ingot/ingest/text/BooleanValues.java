package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * BOOLEAN fields: {@code true}, {@code false}, {@code t}, {@code f}, {@code 1}, {@code 0}, in
 * any case (a subset of PostgreSQL's boolean input, without {@code yes}/{@code no}/{@code on}/
 * {@code off}). Not thread-safe.
 */
final class BooleanValues extends ValueParser {
    BooleanValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        int n = to - from;
        int first = n == 0 ? 0 : buf[from] | 0x20; // ASCII lower case (digits keep their value)
        boolean value;
        if (n == 1 && (first == 't' || buf[from] == '1')) {
            value = true;
        } else if (n == 1 && (first == 'f' || buf[from] == '0')) {
            value = false;
        } else if (n == 4 && first == 't' && lower(buf, from, "true")) {
            value = true;
        } else if (n == 5 && first == 'f' && lower(buf, from, "false")) {
            value = false;
        } else {
            throw invalidInput(buf, from, to, "expected true, false, t, f, 1 or 0");
        }
        out.setBoolean(column, row, value);
    }

    /** Whether the bytes at {@code buf[from..)} are {@code word} ignoring ASCII case. */
    private static boolean lower(byte[] buf, int from, String word) {
        for (int i = 0; i < word.length(); i++) {
            if ((buf[from + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
