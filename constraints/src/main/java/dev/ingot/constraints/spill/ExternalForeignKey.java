package dev.ingot.constraints.spill;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyRowEncoder;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * The external check of one FOREIGN KEY whose referenced key set was spilled: the child rows'
 * keys (rows with a NULL key column are exempt, MATCH SIMPLE) go with their row ids to sorted
 * {@link KeyRuns}; {@link #firstOrphan} merge-joins them with the referenced constraint's sorted
 * distinct keys and returns the lowest row whose key is not there: the row the in-memory probe
 * would have reported.
 *
 * <p>Thread-safety: not thread-safe; the child table's loading thread. Ownership:
 * {@link #close()} deletes the runs; idempotent.
 */
public final class ExternalForeignKey implements AutoCloseable {
    private final List<ColumnType> types;
    private final KeyRowEncoder encoder;
    private final KeyRuns runs;
    private long nanos;

    /**
     * @param childTypes the child's FOREIGN KEY column types, in the referenced key's column order
     * @param dir        where runs go
     */
    public ExternalForeignKey(List<ColumnType> childTypes, SpillDirectory dir) {
        this.types = List.copyOf(childTypes);
        this.encoder = new KeyRowEncoder(childTypes);
        this.runs = new KeyRuns(dir);
    }

    /**
     * Adds the keys of rows {@code [offset, offset + length)} of the child's key columns (in the
     * referenced key's order); batch row {@code offset + i} is row id {@code firstRowId + i}.
     */
    public void addBatch(FieldVector[] keyColumns, int offset, int length, long firstRowId) {
        long t = System.nanoTime();
        try {
            runs.addRows(encoder, keyColumns, offset, length, firstRowId, 0);
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    /**
     * The lowest row below {@code belowRowId} whose key is not among the referenced keys, or null.
     *
     * @param parent the referenced constraint's set; external and frozen (published)
     * @throws IllegalStateException if the parent has no published keys
     * @throws java.io.UncheckedIOException naming the spill directory if a file cannot be read
     */
    public SpilledViolation firstOrphan(SpillingKeySet parent, long belowRowId) {
        SortedKeyFile published = parent.publishedKeys();
        if (published == null) {
            throw new IllegalStateException("the referenced key set has no published spilled keys");
        }
        long t = System.nanoTime();
        long bestRow = Long.MAX_VALUE;
        byte[] bestKey = null;
        try (KeyRuns.Cursor c = runs.merge(); SortedKeyFile.Reader p = published.reader()) {
            boolean more = p.next();
            byte[] prev = new byte[32];
            int prevLength = -1;
            while (c.next()) {
                byte[] k = c.key();
                int n = c.length();
                if (prevLength == n && Arrays.equals(prev, 0, n, k, 0, n)) {
                    continue; // a key's lowest row came first
                }
                if (n > prev.length) {
                    prev = new byte[Math.max(n, prev.length * 2)];
                }
                System.arraycopy(k, 0, prev, 0, n);
                prevLength = n;
                int cmp = 1;
                while (more && (cmp = p.compareTo(k, n)) < 0) {
                    more = p.next();
                }
                boolean found = more && cmp == 0;
                long r = c.rowId();
                if (!found && r < belowRowId && r < bestRow) {
                    bestRow = r;
                    bestKey = Arrays.copyOf(k, n);
                }
            }
        } finally {
            nanos += System.nanoTime() - t;
        }
        return bestKey == null ? null : new SpilledViolation(bestRow, KeyDecoder.decode(types, bestKey, bestKey.length));
    }

    /** Keys added. */
    public long keys() {
        return runs.entries();
    }

    /** Bytes written to runs. */
    public long spilledBytes() {
        return runs.spilledBytes();
    }

    /** Nanoseconds spent (spilling and merging). */
    public long nanos() {
        return nanos;
    }

    @Override
    public void close() {
        runs.close();
    }
}
