package dev.ingot.ingest.text;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a load with {@code --max-errors N} puts the lines it skips: a CSV file (RFC 4180, header
 * {@code file,line,column,reason}; column empty when no column is at fault, e.g. a wrong field
 * count) and a count shared by every file and table of the load. The (N+1)th rejected line fails
 * the load with a {@link TextParseException} naming it and the limit.
 *
 * <p>Only lines whose records could be delimited are skipped: a value a column rejects, a NOT
 * NULL column given NULL, a wrong field count. Input that cannot be split into records (a quote
 * that never closes, a line over the line limit, a bare carriage return) still fails the load,
 * and so does every constraint violation (PRIMARY KEY, UNIQUE, FOREIGN KEY): skipping those would
 * need a second pass over rows already appended, so tables stay all-or-nothing for keys.
 *
 * <p>Thread-safety: thread-safe (tables loading in parallel share it). Ownership: the caller
 * closes it, which flushes and closes the file.
 */
public final class RejectedLines implements AutoCloseable {
    private final Path file;
    private final long maxErrors;
    private final BufferedWriter out;
    private long count;

    /**
     * Creates (or truncates) {@code file} and writes the header.
     *
     * @param maxErrors lines that may be skipped, &gt;= 1
     * @throws IllegalArgumentException if {@code maxErrors < 1}
     * @throws IOException              if the file cannot be written
     */
    public RejectedLines(Path file, long maxErrors) throws IOException {
        if (maxErrors < 1) {
            throw new IllegalArgumentException("maxErrors must be >= 1: " + maxErrors);
        }
        this.file = file;
        this.maxErrors = maxErrors;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        out.write("file,line,column,reason\n");
    }

    /**
     * Records a skipped line.
     *
     * @throws TextParseException if this is more than {@code maxErrors} skipped lines: the error
     *                            of this line, its problem prefixed with the limit
     * @throws IOException        if the rejects file cannot be written
     */
    public synchronized void reject(TextParseException e) throws IOException {
        if (++count > maxErrors) {
            TextParseException over = new TextParseException(e.file(), e.line(), e.column(), e.value(),
                    "more than " + maxErrors + " rejected lines (--max-errors " + maxErrors + "), the next one: " + e.problem());
            over.initCause(e);
            throw over;
        }
        out.write(field(e.file()) + "," + e.line() + "," + (e.column() == null ? "" : field(e.column())) + "," + field(e.problem()) + "\n");
    }

    /** Lines skipped so far. */
    public synchronized long count() {
        return count;
    }

    /** The rejects file. */
    public Path file() {
        return file;
    }

    /** A CSV field: quoted (quotes doubled) when it holds a comma, quote or line break. */
    private static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return "\"" + s.replace("\"", "\"\"") + "\"";
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
