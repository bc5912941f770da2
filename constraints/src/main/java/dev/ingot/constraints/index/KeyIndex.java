package dev.ingot.constraints.index;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.internal.KeyRowEncoder;
import dev.ingot.constraints.internal.KeyVectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.arrow.vector.FieldVector;

/**
 * The persisted key index of one PRIMARY KEY or UNIQUE constraint as a reader sees it: the stored
 * segments of its snapshot (one per append, merged by compaction, LSM-like: an append writes an
 * index of its own rows only) plus, inside a unit of work, the writers of rows not yet committed.
 * Maps a key to the row id of the live row holding it.
 *
 * <p>Liveness: a segment records every row it indexed; rows deleted since are filtered by the
 * caller's deletion test ({@code deleted.test(rowId)}: the snapshot's deletion vectors). A key
 * whose row was deleted may have been inserted again by a later append, so sources are probed
 * newest first and a deleted hit moves on to the older sources.
 *
 * <p>Thread-safety: immutable; probe through one {@link #newFinder()} per thread.
 */
public final class KeyIndex {
    private final List<ColumnType> keyTypes;
    /** Newest first. */
    private final List<KeyIndexSource> sources;

    private KeyIndex(List<ColumnType> keyTypes, List<KeyIndexSource> newestFirst) {
        this.keyTypes = List.copyOf(keyTypes);
        this.sources = List.copyOf(newestFirst);
    }

    /**
     * An index over stored segments (oldest first, as appended) and pending writers (oldest first).
     *
     * @throws IllegalArgumentException if a writer's key types differ from {@code keyTypes}
     */
    public static KeyIndex of(List<ColumnType> keyTypes, List<KeyIndexSegment> segments, List<KeyIndexWriter> pending) {
        List<KeyIndexSource> all = new ArrayList<>(segments);
        for (KeyIndexWriter w : pending) {
            if (!w.keyTypes().equals(keyTypes)) {
                throw new IllegalArgumentException("key index writer of " + w.keyTypes() + " cannot serve a key of " + keyTypes);
            }
            all.add(w);
        }
        Collections.reverse(all);
        return new KeyIndex(keyTypes, all);
    }

    /** The key's column types, in key order. */
    public List<ColumnType> keyTypes() {
        return keyTypes;
    }

    /** When a probe over a batch stops. */
    private enum Stop { NEVER, AT_HIT, AT_MISS }

    /** A probe handle with its own scratch; one per thread. */
    public Finder newFinder() {
        return new Finder();
    }

    /** Probes the index with batches of key columns; not thread-safe. */
    public final class Finder {
        private final IndexKeys probe = new IndexKeys(keyTypes);

        private Finder() {}

        /**
         * For each row {@code r} of {@code [offset, offset + length)}, sets {@code rowIds[r - offset]}
         * to the row id of the live row with that key, or -1 when no live row has it or the key has a
         * NULL column.
         *
         * @param cols    one vector per key column, in key order (types as {@link #keyTypes()})
         * @param deleted whether a row id is deleted in the reader's snapshot
         * @throws IllegalArgumentException  if the columns do not fit the key
         * @throws IndexOutOfBoundsException if the rows are outside a vector or {@code rowIds}
         */
        public void find(FieldVector[] cols, int offset, int length, LongPredicate deleted, long[] rowIds) {
            if (rowIds.length < length) {
                throw new IndexOutOfBoundsException("rowIds holds " + rowIds.length + " entries, " + length + " rows asked");
            }
            scan(cols, offset, length, deleted, rowIds, Stop.NEVER);
        }

        /**
         * The first row of {@code [offset, offset + length)} (relative to {@code offset}) whose key a
         * live row has, or -1; rows with a NULL key column never match.
         */
        public int firstPresent(FieldVector[] cols, int offset, int length, LongPredicate deleted) {
            return scan(cols, offset, length, deleted, null, Stop.AT_HIT);
        }

        /**
         * The first row of {@code [offset, offset + length)} (relative to {@code offset}) whose key
         * no live row has, skipping rows with a NULL key column (MATCH SIMPLE), or -1.
         */
        public int firstMissing(FieldVector[] cols, int offset, int length, LongPredicate deleted) {
            return scan(cols, offset, length, deleted, null, Stop.AT_MISS);
        }

        /** Probes every row (NULL keys give -1), filling {@code rowIds} or stopping at the first hit / miss. */
        private int scan(FieldVector[] cols, int offset, int length, LongPredicate deleted, long[] rowIds, Stop stop) {
            probe.checkBatch(cols, offset, length);
            try {
                boolean nulls = KeyVectors.anyNulls(cols);
                for (int base = 0; base < length; base += KeyRowEncoder.WINDOW) {
                    int n = Math.min(KeyRowEncoder.WINDOW, length - base);
                    probe.prepare(cols, offset + base, n);
                    for (int i = 0; i < n; i++) {
                        if (nulls && KeyVectors.anyNullAt(cols, offset + base + i)) {
                            if (rowIds != null) {
                                rowIds[base + i] = -1;
                            }
                            continue; // never a hit, never a miss
                        }
                        probe.select(i);
                        long r = live(deleted);
                        if ((stop == Stop.AT_HIT && r >= 0) || (stop == Stop.AT_MISS && r < 0)) {
                            return base + i;
                        }
                        if (rowIds != null) {
                            rowIds[base + i] = r;
                        }
                    }
                }
                return -1;
            } finally {
                probe.release();
            }
        }

        private long live(LongPredicate deleted) {
            for (KeyIndexSource s : sources) {
                long r = s.find(probe);
                if (r >= 0 && !deleted.test(r)) {
                    return r;
                }
            }
            return -1;
        }
    }

    @Override
    public String toString() {
        return "KeyIndex[" + keyTypes + ", " + sources.size() + " sources]";
    }
}
