package dev.ingot.ingest.ddl;

import java.io.IOException;

/**
 * A schema script ({@code CREATE TABLE} statements) that cannot be turned into table
 * definitions: a syntax error, an unknown type, an unsupported clause or a constraint naming a
 * column or table that does not exist. The message is the problem followed by where it is:
 * {@code unknown column type INTEGR for column b; statement 2 (CREATE TABLE x), file s.sql, line 3, column 4}.
 *
 * <p>Immutable.
 */
public final class SchemaParseException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int statement;
    private final int line;
    private final int column;

    /**
     * @param problem   what is wrong
     * @param source    the script's name (a file as given), or a description
     * @param statement 1-based index of the statement in the script
     * @param table     the statement's table, or null when it could not be parsed that far
     * @param line      1-based line in the script
     * @param column    1-based column in that line
     */
    public SchemaParseException(String problem, String source, int statement, String table, int line, int column) {
        super(problem + "; statement " + statement + (table == null ? "" : " (CREATE TABLE " + table + ")") + ", file " + source
                + ", line " + line + ", column " + column);
        this.statement = statement;
        this.line = line;
        this.column = column;
    }

    /** 1-based index of the statement in the script. */
    public int statement() {
        return statement;
    }

    /** 1-based line in the script. */
    public int line() {
        return line;
    }

    /** 1-based column in the line. */
    public int column() {
        return column;
    }
}
