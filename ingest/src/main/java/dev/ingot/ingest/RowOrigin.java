package dev.ingot.ingest;

/**
 * Where the rows of a batch came from: a source file and the 1-based line number of the
 * batch's first row (rows are consecutive lines), or {@link #NONE}. Immutable.
 *
 * @param file      the source file as given to the loader (e.g. {@code /data/lineitem.tbl}),
 *                  or null
 * @param firstLine 1-based line number of row 0 of the batch, or -1 if unknown
 */
public record RowOrigin(String file, long firstLine) {
    /** Origin of rows that do not come from a file (e.g. the in-process generator). */
    public static final RowOrigin NONE = new RowOrigin(null, -1);

    /** {@code "lineitem.tbl line 17"} for row {@code rowInBatch}, or null when unknown. */
    public String describe(int rowInBatch) {
        if (file == null) {
            return null;
        }
        return firstLine < 0 ? file : file + " line " + (firstLine + rowInBatch);
    }
}
