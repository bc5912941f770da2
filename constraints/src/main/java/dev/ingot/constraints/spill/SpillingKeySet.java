package dev.ingot.constraints.spill;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.KeySetKind;
import dev.ingot.memory.internal.Failures;
import dev.ingot.constraints.internal.KeyRowEncoder;
import dev.ingot.constraints.internal.KeySet;
import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.FieldVector;

/**
 * The key set of one PRIMARY KEY / UNIQUE constraint that starts in memory and, when that set
 * does not fit the constraint's share of the memory limit (its allocator refuses memory: a
 * {@link MemoryLimitException}), continues as an external check, without restarting the load:
 * <ol>
 *   <li>The switch: the in-memory set's keys are exported (row id -1: rows before the switch,
 *       unique among themselves) into {@link KeyRuns}, the set is freed, and the batch that did
 *       not fit is spilled from the first row the set had not taken. The set's
 *       {@link KeySet#size()} before and after the failed batch tells how many rows it took: on a
 *       {@code MemoryLimitException} every set is left as before the key that did not fit, and
 *       each row before that one was a new key.</li>
 *   <li>Every later row's key goes to the runs with its row id ({@link #addBatch(FieldVector[], int, int, long)}
 *       then returns -1: duplicates are not known yet). While the keys come strictly increasing
 *       (the exported keys of a set that was still sorted, then the rows: a TPC-H
 *       {@code (l_orderkey, l_linenumber)}), they go straight to one sorted file of distinct keys
 *       without a sort; the first key out of order sends it and every later key to sorted runs
 *       (see {@link KeyRuns}).</li>
 *   <li>{@link #firstDuplicate}: when every key came in order, none repeats and nothing is read;
 *       otherwise a k-way merge of the runs. In (key, row id) order the second entry of a key is
 *       the row that repeated it; the lowest such row is exactly the row the in-memory set would
 *       have reported (the first row whose key an earlier row holds).</li>
 *   <li>{@link #freeze}: if children probe it, the distinct keys are published as a sorted
 *       {@link SortedKeyFile} that {@link ExternalForeignKey} merge-joins against: the file of
 *       keys that came in order as it is, or else written once by the merge. A freeze that does
 *       not fit in memory switches to the external form the same way.</li>
 * </ol>
 *
 * <p>While in memory every call goes to the wrapped set; {@link #newProber()} and
 * {@link #firstMissing} work only then ({@link #isExternal()} says which).
 *
 * <p>Thread-safety: as {@link KeySet}: one loading thread; after {@link #freeze} any number of
 * threads may read {@link #publishedKeys()}. Ownership: {@link #close()} frees the wrapped set,
 * deletes every temporary file and closes the constraint's allocator; idempotent.
 */
public final class SpillingKeySet implements KeySet {
    private final List<ColumnType> types;
    private final NativeAllocator memory;
    private final SpillDirectory dir;
    private final KeyRowEncoder encoder;
    private KeySet inner;
    private KeyRuns runs;
    private SortedKeyFile keys;
    private volatile KeySetKind kind;
    private long peakBytes;
    private long nanos;
    private long spilledBytes;
    private long externalKeys;
    private boolean closed;
    /** Set once by the switch to the external check; never reset. */
    private volatile boolean spilled;

    /**
     * @param inMemory the set to start with, allocating from {@code memory}; owned from now on
     * @param types    the key's column types in key order
     * @param memory   the constraint's own allocator (its limit is the constraint's share); owned
     * @param dir      where runs go
     */
    public SpillingKeySet(KeySet inMemory, List<ColumnType> types, NativeAllocator memory, SpillDirectory dir) {
        this.inner = Objects.requireNonNull(inMemory, "inMemory");
        this.types = List.copyOf(types);
        this.memory = Objects.requireNonNull(memory, "memory");
        this.dir = Objects.requireNonNull(dir, "dir");
        this.encoder = new KeyRowEncoder(types);
        this.kind = inMemory.kind();
    }

    /** Whether the keys are checked externally now (spilled). */
    public boolean isExternal() {
        return spilled;
    }

    @Override
    public KeySetKind kind() {
        return spilled ? KeySetKind.EXTERNAL : inner != null ? inner.kind() : kind;
    }

    /**
     * Not supported: use {@link #addBatch(FieldVector[], int, int, long)}, which knows the rows' ids.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public int addBatch(FieldVector[] keyColumns, int offset, int length) {
        throw new UnsupportedOperationException("a spilling key set needs the rows' ids: addBatch(columns, offset, length, firstRowId)");
    }

    /**
     * Adds the keys of rows {@code [offset, offset + length)} (rows with a NULL key column are
     * skipped); batch row {@code offset + i} is row id {@code firstRowId + i}.
     *
     * @return in memory: the index (from {@code offset}) of the first row whose key is already in
     *         the set, or -1; external: always -1 (see {@link #firstDuplicate})
     * @throws java.io.UncheckedIOException naming the spill directory if a run cannot be written
     */
    public int addBatch(FieldVector[] keyColumns, int offset, int length, long firstRowId) {
        ensureOpen();
        long t = System.nanoTime();
        try {
            if (!isExternal()) {
                long before = inner.size();
                try {
                    return inner.addBatch(keyColumns, offset, length);
                } catch (MemoryLimitException e) {
                    long taken = inner.size() - before; // each of those rows was a new key
                    switchToExternal(e);
                    runs.addRows(encoder, keyColumns, offset, length, firstRowId, taken);
                    return -1;
                }
            }
            if (runs == null) {
                throw new IllegalStateException("key set is frozen (published); no more keys can be added");
            }
            runs.addRows(encoder, keyColumns, offset, length, firstRowId, 0);
            return -1;
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    /** Moves the in-memory set's keys to runs and frees it; {@code cause} is attached if that fails. */
    private void switchToExternal(MemoryLimitException cause) {
        KeyRuns r = new KeyRuns(dir, types, true);
        try {
            inner.exportKeys((k, n) -> r.add(k, n, -1));
        } catch (RuntimeException | Error e) {
            e.addSuppressed(cause);
            r.close();
            throw e;
        }
        peakBytes = Math.max(peakBytes, inner.peakBytes());
        inner.close();
        inner = null;
        runs = r;
        spilled = true;
    }

    /**
     * The lowest row below {@code belowRowId} whose key an earlier row of the load holds, found by
     * merging the runs; null if none or if the set is in memory (which reports duplicates at once).
     * With {@code keepKeys}, and when no row repeats a key, the distinct keys are also written to
     * the file that {@link #freeze} publishes (one pass for both).
     *
     * @throws java.io.UncheckedIOException naming the spill directory if a file cannot be read or written
     */
    public SpilledViolation firstDuplicate(long belowRowId, boolean keepKeys) {
        ensureOpen();
        if (runs == null) {
            return null;
        }
        long t = System.nanoTime();
        if (runs.isOrdered()) {
            // every key came strictly increasing: none repeats, and the file they went to is already
            // the sorted distinct keys
            if (keepKeys && keys == null) {
                keys = runs.takeOrderedKeys();
            }
            externalKeys = runs.entries();
            spilledBytes = runs.spilledBytes() + (keys != null ? keys.bytes() : 0);
            nanos += System.nanoTime() - t;
            return null;
        }
        SortedKeyFile.Writer out = keepKeys && keys == null ? SortedKeyFile.create(dir) : null;
        long bestRow = Long.MAX_VALUE;
        byte[] bestKey = null;
        int bestLength = 0;
        try (KeyRuns.Cursor c = runs.merge()) {
            byte[] prev = new byte[32];
            int prevLength = -1;
            int inGroup = 0;
            while (c.next()) {
                byte[] k = c.key();
                int n = c.length();
                if (prevLength == n && Arrays.equals(prev, 0, n, k, 0, n)) {
                    inGroup++;
                    long r = c.rowId();
                    if (inGroup == 2 && r < belowRowId && r < bestRow) {
                        bestRow = r;
                        bestKey = Arrays.copyOf(k, n);
                        bestLength = n;
                    }
                    continue;
                }
                inGroup = 1;
                if (n > prev.length) {
                    prev = new byte[Math.max(n, prev.length * 2)];
                }
                System.arraycopy(k, 0, prev, 0, n);
                prevLength = n;
                if (out != null) {
                    out.add(k, n);
                }
            }
        } catch (RuntimeException | Error e) {
            if (out != null) {
                out.abandon();
            }
            throw e;
        } finally {
            nanos += System.nanoTime() - t;
        }
        externalKeys = runs.entries();
        spilledBytes = runs.spilledBytes();
        if (bestKey != null) {
            if (out != null) {
                out.abandon();
            }
            return new SpilledViolation(bestRow, KeyDecoder.decode(types, runs.rowEncoding(bestKey, bestLength), bestLength));
        }
        if (out != null) {
            keys = out.finish();
            spilledBytes += keys.bytes();
        }
        return null;
    }

    /**
     * Ends the additions: in memory, freezes the wrapped set (switching to the external form if
     * the probe structure does not fit); external and {@code probed}, writes the sorted distinct
     * keys unless {@link #firstDuplicate} already did, and deletes the runs. Idempotent.
     */
    @Override
    public void freeze(boolean probed) {
        ensureOpen();
        long t = System.nanoTime();
        try {
            if (!isExternal()) {
                try {
                    inner.freeze(probed);
                    return;
                } catch (MemoryLimitException e) {
                    if (!probed) {
                        throw e;
                    }
                    switchToExternal(e);
                }
            }
            if (runs != null) {
                if (probed && keys == null) {
                    SpilledViolation v = firstDuplicate(Long.MAX_VALUE, true);
                    if (v != null) {
                        throw new IllegalStateException("spilled keys hold a duplicate at row " + v.rowId() + " after the checks passed");
                    }
                }
                externalKeys = keys != null ? keys.keys() : runs.entries();
                spilledBytes = runs.spilledBytes() + (keys != null ? keys.bytes() : 0);
                peakBytes = Math.max(peakBytes, runs.bufferedBytes());
                runs.close();
                runs = null;
            }
        } finally {
            nanos += System.nanoTime() - t;
        }
    }

    /**
     * Whether the set is external and every key since the switch (the exported ones first) came
     * strictly increasing, so that none repeats and no run was sorted (tests).
     */
    boolean keysInOrder() {
        return runs != null && runs.isOrdered();
    }

    /** The published distinct keys (external and probed, after {@link #freeze}); null otherwise. */
    SortedKeyFile publishedKeys() {
        return keys;
    }

    /** Bytes written to temporary files for this constraint so far. */
    public long spilledBytes() {
        return runs != null ? runs.spilledBytes() + (keys != null ? keys.bytes() : 0) : spilledBytes;
    }

    /** Nanoseconds spent in this set (adding, spilling, merging, freezing). */
    public long nanos() {
        return nanos;
    }

    /**
     * @throws IllegalStateException if the set is external (use an {@link ExternalForeignKey})
     */
    @Override
    public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
        return inMemory().firstMissing(keyColumns, offset, length);
    }

    /**
     * @throws IllegalStateException if the set is external (use an {@link ExternalForeignKey})
     */
    @Override
    public Prober newProber() {
        return inMemory().newProber();
    }

    private KeySet inMemory() {
        ensureOpen();
        if (inner == null) {
            throw new IllegalStateException("the key set was spilled: probe it with an external foreign key check");
        }
        return inner;
    }

    @Override
    public long size() {
        if (inner != null) {
            return inner.size();
        }
        if (runs != null) {
            return runs.entries();
        }
        return externalKeys;
    }

    @Override
    public long allocatedBytes() {
        return inner != null ? inner.allocatedBytes() : 0;
    }

    @Override
    public long peakBytes() {
        return Math.max(peakBytes, Math.max(inner != null ? inner.peakBytes() : 0, runs != null ? runs.bufferedBytes() : 0));
    }

    @Override
    public int resizeCount() {
        return inner != null ? inner.resizeCount() : 0;
    }

    @Override
    public void hintRange(long min, long max) {
        if (inner != null) {
            inner.hintRange(min, max);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("key set is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        kind = kind();
        peakBytes = peakBytes();
        externalKeys = size();
        spilledBytes = spilledBytes();
        closed = true;
        RuntimeException failure = null;
        try {
            if (inner != null) {
                inner.close();
                inner = null;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        for (AutoCloseable c : new AutoCloseable[] {runs, keys}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e);
                failure = Failures.chain(failure, r);
            }
        }
        runs = null;
        keys = null;
        try {
            memory.close();
        } catch (RuntimeException e) {
            failure = Failures.chain(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "SpillingKeySet[" + kind().label() + ", keys=" + size() + ", spilled=" + spilledBytes() + "]";
    }
}
