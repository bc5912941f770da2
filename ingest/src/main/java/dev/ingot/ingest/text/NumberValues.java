package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * A column type whose fields the record parser reads straight from the field's first byte,
 * without looking for the field's end first ({@link RecordParser#parseSimple}): integers and
 * 64-bit decimals. Not thread-safe.
 */
abstract class NumberValues extends ValueParser {
    NumberValues(int column, ColumnDef def, RecordParser record) {
        super(column, def, record);
    }

    /**
     * Reads the longest run of bytes from {@code buf[from]} (before {@code limit}) that the
     * type's syntax allows, and returns the index where it stopped; {@link #valid()} tells
     * whether those bytes are a value of the column (which {@link #store} then writes).
     */
    abstract int scan(byte[] buf, int from, int limit);

    /** Whether the last {@link #scan} read a value of the column. */
    abstract boolean valid();

    /** Writes the value of the last valid {@link #scan} into row {@code row} of {@code out}. */
    abstract void store(BatchBuilder out, int row);
}
