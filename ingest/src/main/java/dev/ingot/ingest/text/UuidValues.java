package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * UUID fields in the canonical RFC 9562 form, 32 hexadecimal digits (either case) grouped
 * 8-4-4-4-12 by hyphens ({@code 123e4567-e89b-12d3-a456-426614174000}), stored as the 16 bytes
 * in that order (most significant first). Not thread-safe.
 */
final class UuidValues extends ValueParser {
    private final byte[] value = new byte[16];

    UuidValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
    }

    @Override
    void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException {
        if (to - from != 36) {
            throw invalidInput(buf, from, to, null);
        }
        int k = 0;
        for (int i = from; i < to; ) {
            int at = i - from;
            if (at == 8 || at == 13 || at == 18 || at == 23) {
                if (buf[i] != '-') {
                    throw invalidInput(buf, from, to, null);
                }
                i++;
                continue;
            }
            int hi = BinaryValues.hex(buf[i]);
            int lo = BinaryValues.hex(buf[i + 1]);
            if (hi < 0 || lo < 0) {
                throw invalidInput(buf, from, to, null);
            }
            value[k++] = (byte) (hi << 4 | lo);
            i += 2;
        }
        out.setFixedBytes(column, row, value, 0, 16);
    }
}
