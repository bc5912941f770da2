package dev.ingot.ingest;

/**
 * Where the rows of a batch came from: a source file and the 1-based line number of the
 * batch's first row, or {@link #NONE}. Rows are consecutive lines unless {@code lineJumps} says
 * otherwise (a CSV record with quoted line breaks spans several lines). Immutable (the caller
 * must not change the array it hands in).
 *
 * @param file      the source file as given to the loader (e.g. {@code /data/lineitem.tbl}),
 *                  or null
 * @param firstLine 1-based line number of row 0 of the batch, or -1 if unknown
 * @param lineJumps null when row r is on line {@code firstLine + r}; else pairs
 *                  {@code (row, line)} in increasing row order: from that row on, rows are
 *                  consecutive lines again starting at that line
 */
public record RowOrigin(String file, long firstLine, long[] lineJumps) {
    /** Origin of rows that do not come from a file (e.g. the in-process generator). */
    public static final RowOrigin NONE = new RowOrigin(null, -1);

    public RowOrigin {
        if (lineJumps != null && (lineJumps.length % 2 != 0)) {
            throw new IllegalArgumentException("lineJumps must hold (row, line) pairs: " + lineJumps.length + " values");
        }
    }

    /** Rows on consecutive lines from {@code firstLine} on. */
    public RowOrigin(String file, long firstLine) {
        this(file, firstLine, null);
    }

    /** 1-based line of row {@code rowInBatch}, or -1 when unknown. */
    public long line(int rowInBatch) {
        if (firstLine < 0) {
            return -1;
        }
        long row0 = 0;
        long line0 = firstLine;
        if (lineJumps != null) {
            for (int i = 0; i < lineJumps.length && lineJumps[i] <= rowInBatch; i += 2) {
                row0 = lineJumps[i];
                line0 = lineJumps[i + 1];
            }
        }
        return line0 + (rowInBatch - row0);
    }

    /** {@code "lineitem.tbl line 17"} for row {@code rowInBatch}, or null when unknown. */
    public String describe(int rowInBatch) {
        if (file == null) {
            return null;
        }
        return firstLine < 0 ? file : file + " line " + line(rowInBatch);
    }
}
