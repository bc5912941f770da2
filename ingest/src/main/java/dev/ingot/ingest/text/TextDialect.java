package dev.ingot.ingest.text;

import java.nio.charset.StandardCharsets;

/**
 * How a delimited text file is written: the delimiter, quote and escape characters, whether the
 * first line is a header, the NULL string, whether lines end with a delimiter (dbgen), and the
 * largest line the reader accepts. Defaults ({@link #csv()}) are those of PostgreSQL's and
 * DuckDB's CSV: delimiter {@code ,}, quote {@code "}, escape = quote, no header, an unquoted
 * empty field is NULL.
 *
 * <p>Characters are single bytes (ASCII, 0x01-0x7f), so every UTF-8 file can be split on them
 * without decoding. The line end is {@code \n} or {@code \r\n}; a carriage return that does not
 * precede {@code \n} is an error outside quotes (CR-only line ends are not accepted) and data
 * inside them.
 *
 * <p>Immutable; the {@code with...} methods return changed copies. Thread-safe.
 *
 * @param delimiter          byte between fields ({@code ,} {@code |} {@code \t} ...)
 * @param quote              byte that opens and closes a quoted field, or -1 for no quoting
 *                           (dbgen {@code .tbl})
 * @param escape             byte that, inside a quoted field, makes the next quote or escape
 *                           byte literal; equal to {@code quote} for RFC 4180's doubled quotes
 *                           (inside quotes a doubled quote always stands for one quote)
 * @param header             whether the first line of each file is a header (skipped)
 * @param nullString         an unquoted field equal to this is NULL (a quoted one never is)
 * @param textNulls          whether the NULL string makes text columns NULL too; false in the
 *                           {@code .tbl} dialect, where an empty text field is the empty string
 * @param trailingDelimiter  whether one delimiter ending a line is dropped (dbgen ends every line
 *                           with {@code |}), so {@code 1|2|} and {@code 1|2} are both two fields
 * @param maxLineBytes       the most bytes one line (one record, line end included) may have, or
 *                           0 for the default derived from the table's schema (see
 *                           {@link #lineLimitFor})
 */
public record TextDialect(byte delimiter, int quote, byte escape, boolean header, String nullString, boolean textNulls,
                          boolean trailingDelimiter, long maxLineBytes) {
    /** The most a line limit may be (lines are buffered in one byte array). */
    public static final long MAX_LINE_BYTES_LIMIT = 1L << 30;
    /** The smallest default line limit, so that over-long values are reported as such first. */
    public static final long MIN_DEFAULT_LINE_BYTES = 1L << 20;
    /** What an unbounded VARCHAR adds to the default line limit. */
    public static final long UNBOUNDED_TEXT_LINE_BYTES = 8L << 20;

    public TextDialect {
        checkChar("delimiter", delimiter);
        if (quote != -1) {
            checkChar("quote", quote);
            checkChar("escape", escape);
            if (quote == delimiter || escape == delimiter) {
                throw new IllegalArgumentException("quote and escape must differ from the delimiter "
                        + shownChar(delimiter));
            }
        }
        if (nullString == null) {
            throw new IllegalArgumentException("nullString is null (use \"\" for empty fields)");
        }
        if (maxLineBytes < 0 || maxLineBytes > MAX_LINE_BYTES_LIMIT) {
            throw new IllegalArgumentException("maxLineBytes must be 0 (default) or 1 .. " + MAX_LINE_BYTES_LIMIT + ": "
                    + maxLineBytes);
        }
    }

    private static void checkChar(String what, int c) {
        if (c < 1 || c > 0x7f || c == '\n' || c == '\r') {
            throw new IllegalArgumentException(what + " must be one ASCII character other than NUL, CR and LF: " + shownChar(c));
        }
    }

    private static String shownChar(int c) {
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c & 0xff);
    }

    /** RFC 4180 CSV with PostgreSQL's and DuckDB's defaults: {@code ,}, {@code "}, escape = quote, no header, empty = NULL. */
    public static TextDialect csv() {
        return new TextDialect((byte) ',', '"', (byte) '"', false, "", true, false, 0);
    }

    /** Tab-separated values: {@link #csv()} with a tab delimiter. */
    public static TextDialect tsv() {
        return csv().withDelimiter('\t');
    }

    /**
     * dbgen {@code .tbl}: {@code |}-delimited, no quoting, no header, every line ends with a
     * {@code |} (dropped), an empty field is NULL in non-text columns and the empty string in text
     * columns.
     */
    public static TextDialect tbl() {
        return new TextDialect((byte) '|', -1, (byte) '|', false, "", false, true, 0);
    }

    public TextDialect withDelimiter(char c) {
        return new TextDialect(asByte(c), quote, escape, header, nullString, textNulls, trailingDelimiter, maxLineBytes);
    }

    /** This dialect with quote {@code c}; the escape becomes {@code c} too if it was the old quote. */
    public TextDialect withQuote(char c) {
        byte q = asByte(c);
        byte e = quote == -1 || escape == (byte) quote ? q : escape;
        return new TextDialect(delimiter, q, e, header, nullString, textNulls, trailingDelimiter, maxLineBytes);
    }

    /** This dialect without quoting (every quote byte is data). */
    public TextDialect withoutQuote() {
        return new TextDialect(delimiter, -1, delimiter, header, nullString, textNulls, trailingDelimiter, maxLineBytes);
    }

    public TextDialect withEscape(char c) {
        if (quote == -1) {
            throw new IllegalArgumentException("an escape character needs a quote character");
        }
        return new TextDialect(delimiter, quote, asByte(c), header, nullString, textNulls, trailingDelimiter, maxLineBytes);
    }

    public TextDialect withHeader(boolean h) {
        return new TextDialect(delimiter, quote, escape, h, nullString, textNulls, trailingDelimiter, maxLineBytes);
    }

    public TextDialect withNullString(String s) {
        return new TextDialect(delimiter, quote, escape, header, s, textNulls, trailingDelimiter, maxLineBytes);
    }

    public TextDialect withTrailingDelimiter(boolean t) {
        return new TextDialect(delimiter, quote, escape, header, nullString, textNulls, t, maxLineBytes);
    }

    /** This dialect with a line limit of {@code bytes} (1 .. 2^30), or 0 for the schema-derived default. */
    public TextDialect withMaxLineBytes(long bytes) {
        return new TextDialect(delimiter, quote, escape, header, nullString, textNulls, trailingDelimiter, bytes);
    }

    private static byte asByte(char c) {
        if (c > 0x7f) {
            throw new IllegalArgumentException("dialect characters must be ASCII: U+" + Integer.toHexString(c));
        }
        return (byte) c;
    }

    /** Whether fields may be quoted. */
    public boolean quoting() {
        return quote != -1;
    }

    byte[] nullBytes() {
        return nullString.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The line limit used for a table whose fields may hold at most {@code fieldBytes} bytes each
     * ({@link Long#MAX_VALUE} for unbounded text): {@link #maxLineBytes()} if set, else the sum of
     * the field bounds (an unbounded text column counts {@value #UNBOUNDED_TEXT_LINE_BYTES} bytes),
     * quotes, delimiters and a CRLF, at least {@value #MIN_DEFAULT_LINE_BYTES} bytes and at most
     * {@value #MAX_LINE_BYTES_LIMIT}.
     */
    long lineLimitFor(long[] fieldBytes) {
        if (maxLineBytes > 0) {
            return maxLineBytes;
        }
        long sum = 2;
        for (long b : fieldBytes) {
            sum += (b == Long.MAX_VALUE ? UNBOUNDED_TEXT_LINE_BYTES : b) + 3;
        }
        return Math.min(MAX_LINE_BYTES_LIMIT, Math.max(MIN_DEFAULT_LINE_BYTES, sum));
    }
}
