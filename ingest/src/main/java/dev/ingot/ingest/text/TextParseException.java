package dev.ingot.ingest.text;

import java.io.IOException;

/**
 * A line of a delimited text file (CSV, TSV, dbgen {@code .tbl}) that cannot be loaded into its
 * table: a line or field over its limit, a broken quote, a wrong field count or a value its
 * column's type rejects. The message is the problem followed by the context, in the style of
 * PostgreSQL's COPY:
 * {@code invalid input for column l_quantity (DECIMAL(15,2)): "12x.5"; file lineitem.tbl, line 17}.
 * {@link DelimitedTextSource} lists every message shape.
 *
 * <p>Immutable.
 */
public final class TextParseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;
    private final String value;
    private final String problem;

    /**
     * @param file    the file as given to the source
     * @param line    1-based line number (of the first line of a record that spans several)
     * @param column  the column whose value is rejected, or null when no column is at fault
     * @param value   the rejected field text (invalid UTF-8 replaced by U+FFFD; at most the
     *                first 200 characters of a field over a length limit), or null
     * @param problem the message without the file/line context
     */
    public TextParseException(String file, long line, String column, String value, String problem) {
        super(problem + "; file " + file + ", line " + line);
        this.file = file;
        this.line = line;
        this.column = column;
        this.value = value;
        this.problem = problem;
    }

    /** The file as given to the source (e.g. {@code /data/lineitem.tbl}). */
    public String file() {
        return file;
    }

    /** 1-based line number of the rejected line. */
    public long line() {
        return line;
    }

    /** The rejected column, or null when no column is at fault (e.g. a field-count error). */
    public String column() {
        return column;
    }

    /** The rejected field text, or null when no field is at fault. */
    public String value() {
        return value;
    }

    /** The message without the {@code ; file F, line N} context. */
    public String problem() {
        return problem;
    }

    /** The same error at line {@code line() + lineOffset} (parallel parsing numbers lines per range). */
    TextParseException shiftLines(long lineOffset) {
        TextParseException e = new TextParseException(file, line + lineOffset, column, value, problem);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
