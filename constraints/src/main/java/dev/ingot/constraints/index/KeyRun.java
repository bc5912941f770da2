package dev.ingot.constraints.index;

import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.format.FormatCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * The implicit sorted run of a persisted key index segment: the fact that the keys of the rows
 * {@code [firstRowId, firstRowId + rows)} of a table, one or two integer-like columns compared as
 * signed {@code long}s (lexicographically for two), are strictly increasing in row id order. The
 * keys themselves are not persisted: the table's stored key columns are the run, searched by
 * binary search (row groups by their chunk min/max, then inside the chunk) through a
 * {@link KeyRunSearch}. This is the LSM idea of an immutable sorted run, applied to a table whose
 * keys arrive in order (TPC-H's {@code orders}, {@code lineitem}, ... do), so such a key costs no
 * index bytes at all.
 *
 * <p>Blob layout (little-endian; framed by {@link FormatCodec}: magic {@code "INGOTKSR"}, version 1,
 * CRC32C footer over every byte before it):
 * <pre>
 * offset  size  field
 * 0       8     magic "INGOTKSR"
 * 8       2     format version (1)
 * 10      1     key columns (1 or 2)
 * 11      5     reserved, 0
 * 16      8     first row id of the run
 * 24      8     rows in the run (&gt;= 1)
 * 32      8     first key, column 0
 * 40      8     first key, column 1 (0 for one column)
 * 48      8     last key, column 0
 * 56      8     last key, column 1 (0 for one column)
 * 64      4     CRC32C of bytes [0, 64)
 * </pre>
 * A segment whose first blob has this magic holds the run first and its hash partitions
 * ({@link KeyIndexPartition}) after it, for the rows after the run.
 *
 * <p>Thread-safety: immutable.
 */
final class KeyRun {
    static final FormatCodec CODEC = FormatCodec.of("key index sorted run", "INGOTKSR", 2, 1, 1);
    static final int BYTES = 64 + FormatCodec.FOOTER_BYTES;

    final int columns;
    final long firstRowId;
    final long rows;
    final long firstA;
    final long firstB;
    final long lastA;
    final long lastB;

    KeyRun(int columns, long firstRowId, long rows, long firstA, long firstB, long lastA, long lastB) {
        this.columns = columns;
        this.firstRowId = firstRowId;
        this.rows = rows;
        this.firstA = firstA;
        this.firstB = firstB;
        this.lastA = lastA;
        this.lastB = lastB;
    }

    /** Compares two keys of one or two columns (signed, column 0 first). */
    static int compare(long a1, long b1, long a2, long b2) {
        int c = Long.compare(a1, a2);
        return c != 0 ? c : Long.compare(b1, b2);
    }

    /** Whether the key {@code (a, b)} lies within the run's first and last key (a cheap miss test). */
    boolean mayHold(long a, long b) {
        return compare(a, b, firstA, firstB) >= 0 && compare(a, b, lastA, lastB) <= 0;
    }

    /** The row after the run. */
    long endRowId() {
        return firstRowId + rows;
    }

    /** Whether {@code blob} (position 0 .. limit) starts with this format's magic. */
    static boolean isRun(ByteBuffer blob) {
        return blob.remaining() >= 8 && blob.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(blob.position()) == CODEC.magic();
    }

    /** Writes the run's blob into {@code b} ({@link #BYTES} bytes from 0). */
    void write(ByteBuffer b) {
        ByteBuffer le = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 64; i++) {
            le.put(i, (byte) 0);
        }
        CODEC.writeHeader(le);
        le.put(10, (byte) columns);
        le.putLong(16, firstRowId);
        le.putLong(24, rows);
        le.putLong(32, firstA);
        le.putLong(40, firstB);
        le.putLong(48, lastA);
        le.putLong(56, lastB);
        CODEC.writeFooter(le, 64);
    }

    /**
     * Validates a run blob (magic, CRC32C, version, then every field) before any field is used.
     *
     * @param columns the key's column count (1 or 2), which the blob must repeat
     * @throws StoreCorruptedException naming the file, {@code where} and the offset of the bad field
     * @throws dev.ingot.pager.UnsupportedFormatException for an intact run of another version
     */
    static KeyRun open(ByteBuffer blob, int columns, Path file, String where) throws IOException {
        return open(blob, columns, file, where, true);
    }

    /** As {@link #open(ByteBuffer, int, Path, String)}; without {@code checksum} the CRC32C is not recomputed (checked before). */
    static KeyRun open(ByteBuffer blob, int columns, Path file, String where, boolean checksum) throws IOException {
        ByteBuffer b = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.remaining();
        FormatCodec.Corruption corruption = (offset, detail) -> corrupt(file, where, offset, detail);
        if (length != BYTES) {
            throw corrupt(file, where, 0, "key index sorted run of " + length + " bytes, expected " + BYTES);
        }
        FormatCodec.Checksum footer = () -> CODEC.checkFooter(b, 64, corruption);
        if (checksum) {
            CODEC.checkHeader(b, file, -1, where, corruption, footer);
        } else {
            CODEC.checkHeaderUnverified(b, file, -1, where, corruption, footer);
        }
        int cols = b.get(10);
        if (cols != columns) {
            throw corrupt(file, where, 10, "sorted run of " + cols + " key columns, the key has " + columns);
        }
        long first = b.getLong(16);
        long rows = b.getLong(24);
        if (first < 0 || rows < 1 || first + rows < 0) {
            throw corrupt(file, where, 16, "sorted run of " + rows + " rows from row id " + first);
        }
        KeyRun run = new KeyRun(cols, first, rows, b.getLong(32), b.getLong(40), b.getLong(48), b.getLong(56));
        int order = compare(run.firstA, run.firstB, run.lastA, run.lastB);
        if ((rows == 1 && order != 0) || (rows > 1 && order >= 0) || (cols == 1 && (run.firstB != 0 || run.lastB != 0))) {
            throw corrupt(file, where, 32, "sorted run of " + rows + " rows from key " + run.describeFirst() + " to "
                    + run.describeLast());
        }
        return run;
    }

    private static StoreCorruptedException corrupt(Path file, String where, long offset, String detail) {
        return new StoreCorruptedException(file, -1, where + " at offset " + offset + ": " + detail);
    }

    String describeFirst() {
        return columns == 1 ? "(" + firstA + ")" : "(" + firstA + ", " + firstB + ")";
    }

    String describeLast() {
        return columns == 1 ? "(" + lastA + ")" : "(" + lastA + ", " + lastB + ")";
    }

    @Override
    public String toString() {
        return "KeyRun[rows " + firstRowId + ".." + endRowId() + ", keys " + describeFirst() + ".." + describeLast() + "]";
    }
}
