package dev.ingot.ingest.tpch;

import java.io.IOException;

/**
 * A line of a delimited text ({@code .tbl}) file that cannot be loaded into its table: wrong
 * field count or a value its column's type rejects. The message is the problem followed by
 * the context, in the style of PostgreSQL's COPY:
 * {@code invalid input for column l_quantity (DECIMAL(15,2)): "12x.5"; file lineitem.tbl, line 17}.
 * {@link TblFileSource} lists every message shape.
 *
 * <p>Immutable.
 */
public final class TblParseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;
    private final String value;
    private final String problem;

    /**
     * @param file    the file as given to the source
     * @param line    1-based line number
     * @param column  the column whose value is rejected, or null for a field-count error
     * @param value   the rejected field text (invalid UTF-8 replaced by U+FFFD), or null
     * @param problem the message without the file/line context
     */
    public TblParseException(String file, long line, String column, String value, String problem) {
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

    /** The rejected column, or null for a field-count error. */
    public String column() {
        return column;
    }

    /** The rejected field text, or null for a field-count error. */
    public String value() {
        return value;
    }

    /** The message without the {@code ; file F, line N} context. */
    public String problem() {
        return problem;
    }

    /** The same error at line {@code line() + lineOffset} (parallel parsing numbers lines per range). */
    TblParseException shiftLines(long lineOffset) {
        TblParseException e = new TblParseException(file, line + lineOffset, column, value, problem);
        e.setStackTrace(getStackTrace());
        return e;
    }
}
