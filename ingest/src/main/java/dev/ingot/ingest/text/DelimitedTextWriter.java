package dev.ingot.ingest.text;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes records of delimited text in a {@link TextDialect}, so that {@link DelimitedTextSource}
 * reads them back to the same fields: fields separated by the delimiter, lines ended by
 * {@code \n}; a NULL is the dialect's NULL string, unquoted; a value is quoted when it is empty,
 * equals the NULL string, or holds the delimiter, the quote, the
 * escape, CR or LF; inside quotes the quote and the escape characters are preceded by the escape
 * character (RFC 4180's doubled quote when escape = quote).
 *
 * <p>Not thread-safe. Ownership: the caller owns and closes the {@link Writer}.
 */
public final class DelimitedTextWriter {
    private final Writer out;
    private final TextDialect dialect;
    private final char delimiter;
    private final char quote;
    private final char escape;

    /** A writer of {@code dialect}'s records to {@code out}. */
    public DelimitedTextWriter(Writer out, TextDialect dialect) {
        this.out = out;
        this.dialect = dialect;
        this.delimiter = (char) dialect.delimiter();
        this.quote = dialect.quoting() ? (char) dialect.quote() : 0;
        this.escape = dialect.quoting() ? (char) dialect.escape() : 0;
    }

    /**
     * Writes one record; a null element is NULL.
     *
     * @throws IllegalArgumentException if a value needs quoting in a dialect without quoting
     *                                  (the message names the field's position and value)
     */
    public void writeRecord(List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(delimiter);
            }
            writeField(i, fields.get(i));
        }
        out.write('\n');
    }

    private void writeField(int position, String value) throws IOException {
        if (value == null) {
            out.write(dialect.nullString());
            return;
        }
        if (!needsQuotes(value)) {
            out.write(value);
            return;
        }
        if (!dialect.quoting()) {
            throw new IllegalArgumentException("field " + (position + 1) + " value \"" + abbreviate(value)
                    + "\" needs quotes (it is empty, equals the NULL string or holds the delimiter, CR or LF), but the dialect has no quote character");
        }
        out.write(quote);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == quote || c == escape) {
                out.write(escape);
            }
            out.write(c);
        }
        out.write(quote);
    }

    private boolean needsQuotes(String value) {
        if (value.isEmpty() || value.equals(dialect.nullString())) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == delimiter || c == '\n' || c == '\r' || (quote != 0 && (c == quote || c == escape))) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
