package dev.ingot.constraints.spill;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyRowEncoder;
import dev.ingot.constraints.internal.KeyVectors;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * The external check of one FOREIGN KEY whose referenced key set was spilled: the child rows'
 * keys (rows with a NULL key column are exempt, MATCH SIMPLE) are merge-joined with the referenced
 * constraint's sorted distinct keys, and {@link #firstOrphan} returns the lowest row whose key is
 * not there: the row the in-memory probe would have reported. Two ways, chosen per row:
 * <ol>
 *   <li>Streamed: while the referenced keys are already published when this check starts and
 *       the child keys arrive in order (non-decreasing keys in the {@link SortableKeys} order,
 *       increasing row ids, as a TPC-H {@code l_orderkey}), each key is joined at once with a
 *       reader of the referenced keys that only moves forward: nothing is written. The first key
 *       not found is the lowest orphan among them (rows increase), so later keys in order are
 *       not even joined.</li>
 *   <li>From the first key out of order on (or for every key when the referenced keys are not
 *       published yet: a self-reference), keys go with their row ids to {@link KeyRuns} (which
 *       writes keys that come in order as one run, without sorting), and {@link #firstOrphan}
 *       merge-joins them.</li>
 * </ol>
 *
 * <p>Thread-safety: not thread-safe; the child table's loading thread. Ownership:
 * {@link #close()} closes the referenced keys' reader and deletes the runs; idempotent.
 */
public final class ExternalForeignKey implements AutoCloseable {
    private final List<ColumnType> types;
    private final KeyRowEncoder encoder;
    private final KeyRuns runs;
    private long nanos;
    /** The streamed join's reader of the referenced keys; null once the order broke (or never streamed). */
    private SortedKeyFile.Reader parent;
    private boolean parentMore;
    private final KeyRuns.KeyOrder order = new KeyRuns.KeyOrder(false);
    private long streamed;
    /** The lowest orphan the streamed join found; {@code Long.MAX_VALUE} if none. */
    private long orphanRow = Long.MAX_VALUE;
    private byte[] orphanKey;

    /**
     * @param childTypes the child's FOREIGN KEY column types, in the referenced key's column order
     * @param dir        where runs go
     * @param referenced the referenced constraint's external set: if its sorted keys are published
     *                   already, keys that arrive in order are joined with them as they come
     */
    public ExternalForeignKey(List<ColumnType> childTypes, SpillDirectory dir, SpillingKeySet referenced) {
        this.types = List.copyOf(childTypes);
        this.encoder = new KeyRowEncoder(childTypes);
        this.runs = new KeyRuns(dir, childTypes, false);
        SortedKeyFile published = referenced == null ? null : referenced.publishedKeys();
        if (published != null) {
            parent = published.reader();
            parentMore = parent.next();
        }
    }

    /**
     * Adds the keys of rows {@code [offset, offset + length)} of the child's key columns (in the
     * referenced key's order); batch row {@code offset + i} is row id {@code firstRowId + i}.
     */
    public void addBatch(FieldVector[] keyColumns, int offset, int length, long firstRowId) {
        long t = System.nanoTime();
        try {
            encoder.checkBatch(keyColumns, offset, length);
            boolean nulls = KeyVectors.anyNulls(keyColumns);
            for (int base = 0; base < length; base += KeyRowEncoder.WINDOW) {
                int w = Math.min(KeyRowEncoder.WINDOW, length - base);
                encoder.prepare(keyColumns, offset + base, w);
                for (int i = 0; i < w; i++) {
                    if (nulls && KeyVectors.anyNullAt(keyColumns, offset + base + i)) {
                        continue;
                    }
                    int n = encoder.encode(i);
                    byte[] key = runs.sortable(encoder.key(), n);
                    long row = firstRowId + base + i;
                    if (parent != null && order.accept(key, n, row)) {
                        join(key, n, row);
                    } else {
                        endStream();
                        runs.addSortable(key, n, row);
                    }
                }
            }
        } finally {
            encoder.release();
            nanos += System.nanoTime() - t;
        }
    }

    /** Joins one key that came in order with the referenced keys. */
    private void join(byte[] key, int n, long row) {
        streamed++;
        if (orphanKey != null) {
            return; // a lower orphan is known; rows only grow while in order
        }
        int cmp = 1;
        while (parentMore && (cmp = parent.compareTo(key, n)) < 0) {
            parentMore = parent.next();
        }
        if (!parentMore || cmp != 0) {
            orphanRow = row;
            orphanKey = Arrays.copyOf(key, n);
        }
    }

    /** The order broke (or the check ends): no more streamed joins. */
    private void endStream() {
        if (parent != null) {
            SortedKeyFile.Reader p = parent;
            parent = null;
            p.close();
        }
    }

    /**
     * The lowest row below {@code belowRowId} whose key is not among the referenced keys, or null.
     *
     * @param referenced the referenced constraint's set; external and frozen (published)
     * @throws IllegalStateException if the referenced set has no published keys
     * @throws java.io.UncheckedIOException naming the spill directory if a file cannot be read
     */
    public SpilledViolation firstOrphan(SpillingKeySet referenced, long belowRowId) {
        SortedKeyFile published = referenced.publishedKeys();
        if (published == null) {
            throw new IllegalStateException("the referenced key set has no published spilled keys");
        }
        long t = System.nanoTime();
        long bestRow = Long.MAX_VALUE;
        byte[] bestKey = null;
        if (orphanRow < belowRowId) {
            bestRow = orphanRow;
            bestKey = orphanKey;
        }
        try {
            if (runs.entries() > 0) {
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
                }
            }
        } finally {
            nanos += System.nanoTime() - t;
        }
        return bestKey == null ? null
                : new SpilledViolation(bestRow, KeyDecoder.decode(types, runs.rowEncoding(bestKey, bestKey.length), bestKey.length));
    }

    /** Keys added. */
    public long keys() {
        return streamed + runs.entries();
    }

    /** Keys joined as they came, in order, without being written (tests and reports). */
    long streamedKeys() {
        return streamed;
    }

    /** Bytes written to runs. */
    public long spilledBytes() {
        return runs.spilledBytes();
    }

    /** Nanoseconds spent (joining, spilling and merging). */
    public long nanos() {
        return nanos;
    }

    @Override
    public void close() {
        try {
            endStream();
        } finally {
            runs.close();
        }
    }
}
