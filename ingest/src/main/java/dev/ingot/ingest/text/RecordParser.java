package dev.ingot.ingest.text;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.internal.BatchBuilder;
import java.util.List;

/**
 * Splits one record of a delimited text file into fields ({@link #tokenize}) and parses the
 * fields into a row of an Arrow batch ({@link #fill}), following the grammar documented on
 * {@link DelimitedTextSource}. Tokenizing is one pass over the record's bytes with a 256-entry
 * byte class table per quote state; it enforces the line limit and the text columns' field
 * limits as it goes, so an over-long line or field is refused after reading at most the limit,
 * never the whole line.
 *
 * <p>Line numbers in errors are {@link #line} as set by the caller (relative to the range,
 * shifted later). Thread-safety: not thread-safe; one parser per thread and file.
 */
final class RecordParser {
    /** {@link #tokenize} result: the buffer ends inside the record and more bytes may follow. */
    static final int NEED_MORE = -1;
    /** {@link #parseSimple} result: the record needs the general path, {@link #tokenize} then {@link #fill}. */
    static final int GENERAL = -2;

    private static final byte STOP = 1;
    /** How a line-limit error says to raise the limit: the CLI option and the library setter. */
    static final String RAISE_LINE_LIMIT = "(raise it with --max-line-bytes or TextDialect.withMaxLineBytes)";
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;
    /** Bytes the numeric and date scans consume: the simple path needs a dialect whose special bytes are none of them. */
    private static final String VALUE_BYTES = "0123456789+-.";

    private final String file;
    private final int columnCount;
    private final ValueParser[] parsers;
    private final byte[] kinds;
    private final boolean[] nullable;
    private final boolean[] nullApplies;
    private final int[] fieldMax;
    private final byte delimiter;
    private final int quote;
    private final byte escape;
    private final boolean escapeDistinct;
    private final boolean trailingDelimiter;
    private final byte[] nullBytes;
    private final long maxLineBytes;
    private final byte[] unquotedStops = new byte[256];
    /** Whether {@link #parseSimple} may be used (the dialect's special bytes are not value bytes). */
    private final boolean simple;
    /** The delimiter, the quote and the escape byte, each repeated in the 8 bytes of a word (SWAR scans). */
    private final long delimiterWord;
    private final long quoteWord;
    private final long escapeWord;
    /** Characters a text column's value may have, per column (0 for other columns). */
    private final int[] maxChars;
    private final byte[] quotedStops = new byte[256];

    // the fields of the last record tokenized: the first columnCount + 1 are kept
    private final int[] fieldFrom;
    private final int[] fieldTo;
    private final boolean[] fieldQuoted;
    private final boolean[] fieldEscaped;
    private int fieldCount;
    private int innerNewlines;

    /** Line of the record being parsed, as reported in errors. */
    long line;

    RecordParser(TableDef table, TextDialect dialect, String file) {
        this.file = file;
        List<ColumnDef> cols = table.columns();
        columnCount = cols.size();
        parsers = new ValueParser[columnCount];
        kinds = new byte[columnCount];
        nullable = new boolean[columnCount];
        nullApplies = new boolean[columnCount];
        fieldMax = new int[columnCount];
        for (int c = 0; c < columnCount; c++) {
            ValueParser p = ValueParser.forColumn(c, cols.get(c), this);
            parsers[c] = p;
            kinds[c] = p.kind();
            nullable[c] = cols.get(c).nullable();
            nullApplies[c] = dialect.textNulls() || !p.isText();
            fieldMax[c] = p.maxFieldBytes();
        }
        delimiter = dialect.delimiter();
        quote = dialect.quote();
        escape = dialect.escape();
        escapeDistinct = quote >= 0 && escape != (byte) quote;
        trailingDelimiter = dialect.trailingDelimiter();
        nullBytes = dialect.nullBytes();
        maxLineBytes = lineLimit(parsers, dialect);
        unquotedStops[delimiter & 0xff] = STOP;
        unquotedStops['\n'] = STOP;
        unquotedStops['\r'] = STOP;
        if (quote >= 0) {
            unquotedStops[quote & 0xff] = STOP;
            quotedStops[quote & 0xff] = STOP;
            quotedStops[escape & 0xff] = STOP;
            quotedStops['\n'] = STOP;
        }
        simple = VALUE_BYTES.indexOf(delimiter) < 0
                && (quote < 0 || VALUE_BYTES.indexOf(quote) < 0 && VALUE_BYTES.indexOf(escape) < 0);
        delimiterWord = (delimiter & 0xffL) * ONES;
        quoteWord = quote < 0 ? delimiterWord : (quote & 0xffL) * ONES;
        escapeWord = quote < 0 ? delimiterWord : (escape & 0xffL) * ONES;
        maxChars = new int[columnCount];
        for (int c = 0; c < columnCount; c++) {
            maxChars[c] = parsers[c] instanceof TextValues ? ((TextValues) parsers[c]).maxChars() : 0;
        }
        fieldFrom = new int[columnCount + 1];
        fieldTo = new int[columnCount + 1];
        fieldQuoted = new boolean[columnCount + 1];
        fieldEscaped = new boolean[columnCount + 1];
    }

    private static long lineLimit(ValueParser[] parsers, TextDialect dialect) {
        long[] bytes = new long[parsers.length];
        for (int c = 0; c < parsers.length; c++) {
            bytes[c] = parsers[c].lineBytes();
        }
        return dialect.lineLimitFor(bytes);
    }

    /** The line limit in effect (the dialect's, or the one derived from the schema). */
    long maxLineBytes() {
        return maxLineBytes;
    }

    /** Line ends inside the quoted fields of the last record tokenized. */
    int innerNewlines() {
        return innerNewlines;
    }

    /**
     * Finds the fields of the record starting at {@code buf[p]}.
     *
     * @param dataEnd end of the valid bytes in {@code buf}
     * @param eof     whether {@code dataEnd} is the end of the input
     * @param header  whether this is a header line (its fields are names: no field bounds)
     * @return the index after the record's line end (or {@code dataEnd} for a last line
     *         without one), or {@link #NEED_MORE}
     * @throws TextParseException for a line over the limit, a text field over its column's
     *                            bound, a broken quote or a carriage return outside quotes
     */
    int tokenize(byte[] buf, int p, int dataEnd, boolean eof, boolean header) throws TextParseException {
        long lineEnd = (long) p + maxLineBytes;
        int limitEnd = lineEnd >= dataEnd ? Integer.MAX_VALUE : (int) lineEnd;
        int end = Math.min(dataEnd, limitEnd);
        int i = p;
        int f = 0;
        int newlines = 0;
        boolean lastEmptyUnquoted;
        while (true) {
            int fs = i;
            int bound = f < columnCount && !header ? fieldMax[f] : Integer.MAX_VALUE;
            int cs;
            int ce;
            boolean quoted = false;
            boolean escaped = false;
            if (quote >= 0 && i < end && buf[i] == (byte) quote) {
                quoted = true;
                cs = ++i;
                int fieldLim = bound == Integer.MAX_VALUE ? end : (int) Math.min(end, (long) cs + bound + 1);
                while (true) {
                    while (i < fieldLim && quotedStops[buf[i] & 0xff] == 0) {
                        i++;
                    }
                    if (i >= fieldLim) {
                        if ((long) i - cs > bound) {
                            throw parsers[f].tooLong(buf, cs, i);
                        }
                        if (i >= limitEnd) {
                            throw structural(f, "quoted field of " + label(f) + " not closed within the maximum line length of "
                                    + maxLineBytes + " bytes " + RAISE_LINE_LIMIT);
                        }
                        if (eof) {
                            throw structural(f, "unterminated quoted field in " + label(f) + " at the end of the file");
                        }
                        return NEED_MORE;
                    }
                    byte b = buf[i];
                    if (b == '\n') {
                        newlines++;
                        i++;
                        continue;
                    }
                    if (escapeDistinct && b == escape) {
                        if (i + 1 >= end) {
                            return moreOrFail(i + 1, dataEnd, limitEnd, eof, f, true);
                        }
                        if (buf[i + 1] == '\n') {
                            newlines++;
                        }
                        escaped = true;
                        i += 2;
                        continue;
                    }
                    // a quote: closing, or the first of a doubled quote
                    if (i + 1 >= end) {
                        if (eof && i + 1 >= dataEnd) {
                            ce = i;
                            i++;
                            break;
                        }
                        return moreOrFail(i + 1, dataEnd, limitEnd, eof, f, true);
                    }
                    if (buf[i + 1] == (byte) quote) {
                        escaped = true;
                        i += 2;
                        continue;
                    }
                    ce = i;
                    i++;
                    break;
                }
            } else {
                int fieldLim = bound == Integer.MAX_VALUE ? end : (int) Math.min(end, (long) fs + bound + 1);
                while (i < fieldLim && unquotedStops[buf[i] & 0xff] == 0) {
                    i++;
                }
                if (i >= fieldLim) {
                    if ((long) i - fs > bound) {
                        throw parsers[f].tooLong(buf, fs, i);
                    }
                    if (i >= limitEnd) {
                        throw lineTooLong(f);
                    }
                    if (!eof) {
                        return NEED_MORE;
                    }
                } else if (quote >= 0 && buf[i] == (byte) quote) {
                    throw structural(f, "quote character in an unquoted field of " + label(f) + " after \""
                            + TextBytes.shown(buf, fs, i) + "\" (quote the whole field and double its quotes)");
                }
                cs = fs;
                ce = i;
            }
            if (f <= columnCount) {
                fieldFrom[f] = cs;
                fieldTo[f] = ce;
                fieldQuoted[f] = quoted;
                fieldEscaped[f] = escaped;
            }
            lastEmptyUnquoted = !quoted && ce == cs;
            f++;
            if (i >= end) {
                if (eof && i >= dataEnd) {
                    return finish(p, i, i, f, newlines, lastEmptyUnquoted);
                }
                if (i >= limitEnd) {
                    throw lineTooLong(f - 1);
                }
                return NEED_MORE;
            }
            byte t = buf[i];
            if (t == delimiter) {
                i++;
                continue;
            }
            if (t == '\n') {
                return finish(p, i, i + 1, f, newlines, lastEmptyUnquoted);
            }
            if (t == '\r') {
                if (i + 1 < end) {
                    if (buf[i + 1] == '\n') {
                        return finish(p, i, i + 2, f, newlines, lastEmptyUnquoted);
                    }
                } else if (!(eof && i + 1 >= dataEnd)) {
                    return moreOrFail(i + 1, dataEnd, limitEnd, eof, f - 1, false);
                }
                throw structural(f - 1, "literal carriage return found in data at the end of " + label(f - 1)
                        + " (line ends must be LF or CRLF; quote a field that holds a carriage return)");
            }
            throw structural(f - 1, "unexpected character " + shownByte(t) + " after the closing quote of " + label(f - 1));
        }
    }

    /**
     * Parses simple records ({@link #parseSimple}) one after the other from {@code buf[p]} into
     * the next rows of {@code out}, ending each row, until a record would start at or after
     * {@code stop}, the batch is full, or a record is not simple (its row is discarded; the
     * general path parses it). Every record parsed has one line.
     *
     * @param linesEnd the index after the last line end in {@code buf} (what parseSimple may read)
     * @return the index where parsing stopped: the start of the first record not parsed
     */
    int parseSimpleRun(byte[] buf, int p, int stop, int linesEnd, BatchBuilder out) {
        while (p < stop && !out.isFull()) {
            int row = out.rowCount();
            int next = parseSimple(buf, p, linesEnd, out, row);
            if (next < 0) {
                out.discardRow(row);
                break;
            }
            out.endRow();
            p = next;
        }
        return p;
    }

    /**
     * Parses the record starting at {@code buf[p]} into row {@code row} of {@code out} in one pass
     * if it is a simple one, else returns {@link #GENERAL} (what it wrote into the row must then
     * be discarded, {@link BatchBuilder#discardRow}, before the general path parses the record).
     * Simple: it lies whole in {@code buf[p .. dataEnd)} within the line limit, has one line (no
     * quoted line end), exactly the table's fields (the trailing delimiter, if the dialect has
     * one, present or absent), no doubled or escaped quote, and every value is accepted. For
     * such a record the result equals {@link #tokenize} followed by {@link #fill}; every other
     * record (every error included) goes the general way, so errors and their order are those of
     * the general path.
     *
     * <p>Numbers and dates are read straight from the field's first byte to the first byte that
     * cannot belong to them, which must then be the delimiter or the line end (this is why the
     * dialect's special bytes must not be digits, signs or points); text is scanned 8 bytes at a
     * time (SWAR: a word is tested for the delimiter, the quote, bytes below 0x20 and bytes above
     * 0x7f at once, as in Lemire's and Langdale's simdjson, here on 64-bit words).
     *
     * @return the index after the record's line end, or {@link #GENERAL}
     */
    int parseSimple(byte[] buf, int p, int dataEnd, BatchBuilder out, int row) {
        if (!simple) {
            return GENERAL;
        }
        int end = (int) Math.min(dataEnd, (long) p + maxLineBytes);
        int last = columnCount - 1;
        int i = p;
        for (int c = 0; ; c++) {
            int e = simpleField(buf, i, end, c, out, row);
            if (e < 0 || e >= end) {
                return GENERAL;
            }
            byte t = buf[e];
            if (c < last) {
                if (t != delimiter) {
                    return GENERAL;
                }
                i = e + 1;
                continue;
            }
            if (trailingDelimiter) {
                if (t == delimiter) {
                    if (++e >= end) {
                        return GENERAL;
                    }
                    t = buf[e];
                } else if (e == i) {
                    return GENERAL; // an empty last field at the line end is the dropped trailing one (see finish)
                }
            }
            if (t == '\n') {
                return e + 1;
            }
            if (t == '\r' && e + 1 < end && buf[e + 1] == '\n') {
                return e + 2;
            }
            return GENERAL;
        }
    }

    /**
     * Parses the field of column {@code c} starting at {@code buf[i]} into the row; returns the
     * index of the byte after it (after its closing quote) or {@link #GENERAL}.
     */
    private int simpleField(byte[] buf, int i, int end, int c, BatchBuilder out, int row) {
        if (quote >= 0 && i < end && buf[i] == (byte) quote) {
            return simpleQuoted(buf, i + 1, end, c, out, row);
        }
        switch (kinds[c]) {
            case ValueParser.K_INTEGER:
                return simpleNumber((IntegerValues) parsers[c], buf, i, end, c, out, row);
            case ValueParser.K_DECIMAL:
                return simpleNumber((DecimalValues) parsers[c], buf, i, end, c, out, row);
            case ValueParser.K_DATE: {
                long day = end - i > 10 ? DateValues.epochDayAt(buf, i) : DateValues.SYNTAX;
                if (day == DateValues.SYNTAX || day == DateValues.RANGE || isNullString(buf, i, i + 10)) {
                    return simpleUnparsed(buf, i, end, c, out, row);
                }
                out.setInt(c, row, (int) day);
                return i + 10;
            }
            default:
                return simpleText(buf, i, end, c, out, row);
        }
    }

    /**
     * An unquoted field of another kind (text and the types without a one-pass scan) starting at
     * {@code buf[i]}: scanned to its end, then stored; returns the index after it or
     * {@link #GENERAL}. A method of its own so that {@link #simpleField} stays small enough for
     * the JIT compiler to inline into {@link #parseSimple} (HotSpot's 325-bytecode limit for hot
     * methods).
     */
    private int simpleText(byte[] buf, int i, int end, int c, BatchBuilder out, int row) {
        int e = i;
        boolean plain = true;
        while (true) {
            e = scan(buf, e, end, delimiterWord, quoteWord);
            if (e >= end) {
                return GENERAL;
            }
            byte b = buf[e];
            if (b == delimiter || b == '\n' || b == '\r' || b == (byte) quote && quote >= 0) {
                break;
            }
            plain = false; // a control byte or a non-ASCII one: the value parser checks the field
            e++;
        }
        if (nullApplies[c] && isNullString(buf, i, e)) {
            return simpleNull(c, out, row, e);
        }
        return simpleValue(buf, i, e, plain, c, out, row) ? e : GENERAL;
    }

    /**
     * A number field: scanned and stored, else {@link #simpleUnparsed}. Called with the parser cast
     * to its final class, so that the compiled code calls it without a type check per field.
     */
    private int simpleNumber(NumberValues v, byte[] buf, int i, int end, int c, BatchBuilder out, int row) {
        int e = v.scan(buf, i, end);
        if (!v.valid() || isNullString(buf, i, e)) {
            return simpleUnparsed(buf, i, end, c, out, row);
        }
        v.store(out, row);
        return e;
    }

    /**
     * A quoted field whose content starts at {@code buf[cs]}: never NULL. Returns the index after
     * the closing quote; a field with a doubled quote (unescaping is the general path's) returns
     * the index of the second quote, which is no delimiter, so the record goes the general way.
     */
    private int simpleQuoted(byte[] buf, int cs, int end, int c, BatchBuilder out, int row) {
        int j = cs;
        boolean plain = true;
        while (true) {
            j = scan(buf, j, end, quoteWord, escapeWord);
            if (j >= end) {
                return GENERAL;
            }
            byte b = buf[j];
            if (b == (byte) quote) {
                break; // closing, or the first of a doubled quote: then a quote follows, which the caller refuses
            }
            if (b == escape || b == '\n') {
                return GENERAL; // an escape, or a record of several lines
            }
            plain = false;
            j++;
        }
        return simpleValue(buf, cs, j, plain, c, out, row) ? j + 1 : GENERAL;
    }

    /**
     * A number or date field that did not scan as a value: NULL if it is the NULL string, else
     * {@link #GENERAL} (the general path reports it).
     */
    private int simpleUnparsed(byte[] buf, int i, int end, int c, BatchBuilder out, int row) {
        int e = scan(buf, i, end, delimiterWord, quoteWord);
        if (e < end && isNullString(buf, i, e)) {
            byte b = buf[e];
            if (b == delimiter || b == '\n' || b == '\r') {
                return simpleNull(c, out, row, e);
            }
        }
        return GENERAL;
    }

    private int simpleNull(int c, BatchBuilder out, int row, int e) {
        if (!nullable[c]) {
            return GENERAL;
        }
        out.setNull(c, row);
        return e;
    }

    /** Stores the field {@code buf[from .. to)} (not NULL); false if the general path must parse it. */
    private boolean simpleValue(byte[] buf, int from, int to, boolean plain, int c, BatchBuilder out, int row) {
        if (kinds[c] == ValueParser.K_TEXT && plain) {
            if (to - from > maxChars[c]) {
                return false;
            }
            out.setTextBytes(c, row, buf, from, to - from);
            return true;
        }
        if (to - from > fieldMax[c]) {
            return false;
        }
        try {
            parseValue(buf, from, to, c, out, row);
            return true;
        } catch (TextParseException e) {
            return false; // reported by the general path, after any field-count error of the line
        }
    }

    /**
     * Index of the first byte of {@code buf[i .. end)} that is {@code a} or {@code b} (each given
     * repeated in a word), below 0x20 or above 0x7f; {@code end} if there is none. Reads 8 bytes
     * at a time: a byte equal to x makes {@code (w ^ x) - 0x01..} borrow into its high bit; a
     * borrow only runs upward from a true match, so the lowest flagged byte is exact.
     */
    private static int scan(byte[] buf, int i, int end, long a, long b) {
        while (i + 8 <= end) {
            long w = AsciiDigits.word(buf, i);
            long xa = w ^ a;
            long xb = w ^ b;
            long m = ((xa - ONES) & ~xa | (xb - ONES) & ~xb | (w - SPACES) & ~w | w) & HIGHS;
            if (m != 0) {
                return i + (Long.numberOfTrailingZeros(m) >>> 3);
            }
            i += 8;
        }
        byte ab = (byte) a;
        byte bb = (byte) b;
        while (i < end) {
            byte x = buf[i];
            if (x < 0x20 || x == ab || x == bb) {
                return i;
            }
            i++;
        }
        return end;
    }

    /** At {@code need} the buffer (or the line limit) ends inside field {@code f}: more bytes or an error. */
    private int moreOrFail(int need, int dataEnd, int limitEnd, boolean eof, int f, boolean inQuotes)
            throws TextParseException {
        if (need >= limitEnd) {
            if (inQuotes) {
                throw structural(f, "quoted field of " + label(f) + " not closed within the maximum line length of "
                        + maxLineBytes + " bytes " + RAISE_LINE_LIMIT);
            }
            throw lineTooLong(f);
        }
        if (eof && need >= dataEnd) {
            throw structural(f, "unterminated quoted field in " + label(f) + " at the end of the file");
        }
        return NEED_MORE;
    }

    private int finish(int p, int contentEnd, int next, int f, int newlines, boolean lastEmptyUnquoted) {
        int n = f;
        if (contentEnd == p && columnCount != 1) {
            n = 0; // an empty line: no fields (one empty field only for a one-column table)
        } else if (trailingDelimiter && n >= 2 && lastEmptyUnquoted) {
            n--;
        }
        fieldCount = n;
        innerNewlines = newlines;
        return next;
    }

    /**
     * Parses the fields of the last record tokenized into row {@code row} of {@code out}
     * (quoted fields are unescaped in place in {@code buf}); does not end the row.
     *
     * @throws TextParseException for a wrong field count (reported before any value error of
     *                            the line) or a value its column rejects
     */
    void fill(byte[] buf, BatchBuilder out, int row) throws TextParseException {
        if (fieldCount != columnCount) {
            throw fieldCountError(fieldCount);
        }
        for (int c = 0; c < columnCount; c++) {
            int from = fieldFrom[c];
            int to = fieldTo[c];
            if (fieldEscaped[c]) {
                to = unescape(buf, from, to);
            }
            if (!fieldQuoted[c] && nullApplies[c] && isNullString(buf, from, to)) {
                if (nullable[c]) {
                    out.setNull(c, row);
                    continue;
                }
                if (from == to && !parsers[c].isText()) {
                    throw parsers[c].invalidInput(buf, from, to, null);
                }
                throw error(parsers[c].name, TextBytes.text(buf, from, to), "null value in column " + parsers[c].name
                        + " violates not-null constraint");
            }
            parseValue(buf, from, to, c, out, row);
        }
    }

    /** Parses {@code buf[from .. to)}, a field that is not NULL, into column {@code c} of row {@code row}. */
    private void parseValue(byte[] buf, int from, int to, int c, BatchBuilder out, int row) throws TextParseException {
        ValueParser p = parsers[c];
        switch (kinds[c]) {
            case ValueParser.K_INTEGER:
                ((IntegerValues) p).parse(buf, from, to, out, row);
                break;
            case ValueParser.K_DECIMAL:
                ((DecimalValues) p).parse(buf, from, to, out, row);
                break;
            case ValueParser.K_DATE:
                ((DateValues) p).parse(buf, from, to, out, row);
                break;
            case ValueParser.K_TEXT:
                ((TextValues) p).parse(buf, from, to, out, row);
                break;
            default:
                p.parse(buf, from, to, out, row);
                break;
        }
    }

    private boolean isNullString(byte[] buf, int from, int to) {
        byte[] n = nullBytes;
        if (to - from != n.length) {
            return false;
        }
        for (int i = 0; i < n.length; i++) {
            if (buf[from + i] != n[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the quoting of {@code buf[from .. to)} in place: a doubled quote becomes one; with
     * an escape byte distinct from the quote, escape + quote and escape + escape become the second
     * byte (escape + anything else stays as it is, as in PostgreSQL). Returns the new end.
     */
    private int unescape(byte[] buf, int from, int to) {
        byte q = (byte) quote;
        int w = from;
        int r = from;
        while (r < to) {
            byte b = buf[r];
            if (b == q && r + 1 < to && buf[r + 1] == q) {
                buf[w++] = q;
                r += 2;
            } else if (escapeDistinct && b == escape && r + 1 < to && (buf[r + 1] == q || buf[r + 1] == escape)) {
                buf[w++] = buf[r + 1];
                r += 2;
            } else {
                buf[w++] = b;
                r++;
            }
        }
        return w;
    }

    /** {@code column l_comment}, or {@code field 17 (past the last column)}. */
    private String label(int f) {
        return f < columnCount ? "column " + parsers[f].name : "field " + (f + 1) + " (past the last column)";
    }

    private static String shownByte(byte b) {
        int c = b & 0xff;
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
    }

    private TextParseException lineTooLong(int f) {
        return structural(f, "line longer than the maximum line length of " + maxLineBytes + " bytes " + RAISE_LINE_LIMIT + ", in "
                + label(f));
    }

    private TextParseException structural(int f, String problem) {
        return error(f < columnCount ? parsers[f].name : null, null, problem);
    }

    private TextParseException fieldCountError(int found) {
        String problem = found < columnCount
                ? "expected " + columnCount + " fields but found " + found
                : "extra data after last expected column (found " + found + " fields, expected " + columnCount + ")";
        return error(null, null, problem);
    }

    /** An error on the current line. */
    TextParseException error(String column, String value, String problem) {
        return new TextParseException(file, line, column, value, problem);
    }
}
