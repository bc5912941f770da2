package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.ingest.internal.BatchBuilder;

/**
 * Parses the text of one column's fields straight into an Arrow batch: one subclass per column
 * type, each holding the checks its type needs (range, scale and precision, calendar, length,
 * encoding). A new column type is one more subclass and one more case in {@link #forColumn}.
 *
 * <p>Fields arrive unquoted and unescaped as UTF-8 bytes {@code buf[from .. to)}; NULL has been
 * handled by the caller. Errors go through the {@link RecordParser} that owns the parser, which
 * adds file and line. Thread-safety: not thread-safe; one instance per parsing thread.
 */
abstract class ValueParser {
    /** Kinds the record parser dispatches on without a virtual call (the hot ones). */
    static final byte K_INTEGER = 0;
    static final byte K_DECIMAL = 1;
    static final byte K_DATE = 2;
    static final byte K_TEXT = 3;
    static final byte K_OTHER = 4;

    /** Bytes a non-text field may need (sign, digits, point): counted for the default line limit. */
    static final long NUMERIC_FIELD_BYTES = 64;

    final int column;
    final String name;
    final String sqlType;
    final RecordParser record;

    ValueParser(int column, ColumnDef def, RecordParser record) {
        this.column = column;
        this.name = def.name();
        this.sqlType = def.type().sqlName();
        this.record = record;
    }

    /** The parser for column {@code c}, reporting through {@code record}. */
    static ValueParser forColumn(int c, ColumnDef def, RecordParser record) {
        ColumnType t = def.type();
        switch (t.kind()) {
            case INT8:
            case INT16:
            case INT32:
            case INT64:
                return new IntegerValues(c, def, record);
            case DECIMAL64:
            case DECIMAL128:
                return new DecimalValues(c, def, record);
            case DATE32:
                return new DateValues(c, def, record);
            case CHAR:
            case VARCHAR:
                return new TextValues(c, def, record);
            case BOOLEAN:
                return new BooleanValues(c, def, record);
            case FLOAT32:
            case FLOAT64:
                return new FloatValues(c, def, record);
            case TIME64:
                return new TimeValues(c, def, record);
            case TIMESTAMP:
            case TIMESTAMP_TZ:
                return new TimestampValues(c, def, record);
            case VARBINARY:
                return new BinaryValues(c, def, record);
            case UUID:
                return new UuidValues(c, def, record);
            default:
                throw new IllegalArgumentException("no text parser for column " + def.name() + " of type " + t.sqlName());
        }
    }

    /** One of the {@code K_*} kinds; {@link #K_OTHER} for types dispatched by a virtual call. */
    byte kind() {
        return K_OTHER;
    }

    /** Whether the column holds text (the dialect decides whether the NULL string applies to it). */
    boolean isText() {
        return false;
    }

    /**
     * The most bytes a field of this column may hold between its quotes (escapes included), or
     * {@link Integer#MAX_VALUE} when only the line limit bounds it. A longer field is rejected as
     * soon as it is seen, before the rest of its line is read.
     */
    int maxFieldBytes() {
        return Integer.MAX_VALUE;
    }

    /** Bytes this column adds to the default line limit ({@link Long#MAX_VALUE}: unbounded). */
    long lineBytes() {
        return NUMERIC_FIELD_BYTES;
    }

    /**
     * Parses {@code buf[from .. to)} into row {@code row} of {@code out}.
     *
     * @throws TextParseException if the type rejects the text
     */
    abstract void parse(byte[] buf, int from, int to, BatchBuilder out, int row) throws TextParseException;

    /** 1 if the field starts with a sign ({@code +} or {@code -}), else 0. */
    static int signBytes(byte[] buf, int from, int to) {
        return from < to && (buf[from] == '-' || buf[from] == '+') ? 1 : 0;
    }

    final TextParseException invalidInput(byte[] buf, int from, int to, String detail) {
        String problem = "invalid input for column " + name + " (" + sqlType + "): \"" + TextBytes.shown(buf, from, to) + "\"";
        return error(buf, from, to, detail == null ? problem : problem + ": " + detail);
    }

    /** The error of a field longer than {@link #maxFieldBytes()} (text: more characters than the column allows). */
    TextParseException tooLong(byte[] buf, int from, int to) {
        return error(buf, from, to, "value too long for column " + name + " (" + sqlType + "): \""
                + TextBytes.shown(buf, from, to) + "\"");
    }

    final TextParseException outOfRange(byte[] buf, int from, int to) {
        return error(buf, from, to, "value \"" + TextBytes.shown(buf, from, to) + "\" is out of range for column " + name
                + " (" + sqlType + ")");
    }

    /** The error of a date/time field out of range (PostgreSQL's wording). */
    final TextParseException fieldOutOfRange(byte[] buf, int from, int to) {
        return error(buf, from, to, "date/time field value out of range: \"" + TextBytes.shown(buf, from, to)
                + "\" for column " + name);
    }

    final TextParseException error(byte[] buf, int from, int to, String problem) {
        return record.error(name, TextBytes.text(buf, from, to), problem);
    }
}
