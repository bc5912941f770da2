package dev.ingot.constraints.internal;

import dev.ingot.constraints.hash.LongOpenHashSet;
import dev.ingot.memory.NativeAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * {@link KeySet} for a key of one integer-like column: the value itself in a
 * {@link LongOpenHashSet}. Batches are read in windows of {@value #WINDOW} rows into a reusable
 * {@code long[]} (one bulk copy for BigIntVector), then added or probed with the set's batch calls.
 *
 * <p>Thread-safety: as {@link KeySet}.
 */
final class LongKeySet implements KeySet {
    /** Rows read into scratch at a time (32 KiB of longs). */
    static final int WINDOW = 4096;

    private final LongOpenHashSet set;
    private final LongProber own = new LongProber();

    LongKeySet(NativeAllocator allocator, long expectedKeys, float loadFactor) {
        this.set = new LongOpenHashSet(allocator, expectedKeys, loadFactor);
    }

    static void checkColumns(FieldVector[] keyColumns, int expected) {
        if (keyColumns.length != expected) {
            throw new IllegalArgumentException("key has " + expected + " columns, got " + keyColumns.length);
        }
    }

    /**
     * Moves the values of non-null rows to the front of {@code a} (and {@code b} if not null),
     * recording each kept row's window index in {@code rows}.
     *
     * @return how many rows were kept
     */
    static int compactNonNull(FieldVector[] columns, int absStart, int n, long[] a, long[] b, int[] rows) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (!KeyVectors.anyNullAt(columns, absStart + i)) {
                a[kept] = a[i];
                if (b != null) {
                    b[kept] = b[i];
                }
                rows[kept++] = i;
            }
        }
        return kept;
    }

    @Override
    public int addBatch(FieldVector[] keyColumns, int offset, int length) {
        checkColumns(keyColumns, 1);
        FieldVector v = keyColumns[0];
        KeyVectors.checkRange(v, offset, length);
        boolean nulls = v.getNullCount() > 0;
        long[] keys = own.keys;
        for (int base = 0; base < length; base += WINDOW) {
            int n = Math.min(WINDOW, length - base);
            KeyVectors.readLongs(v, offset + base, n, keys);
            if (!nulls) {
                int d = set.addAll(keys, n);
                if (d >= 0) {
                    return base + d;
                }
            } else {
                int m = compactNonNull(keyColumns, offset + base, n, keys, null, own.rows);
                int d = set.addAll(keys, m);
                if (d >= 0) {
                    return base + own.rows[d];
                }
            }
        }
        return -1;
    }

    @Override
    public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
        return own.firstMissing(keyColumns, offset, length);
    }

    @Override
    public Prober newProber() {
        return new LongProber();
    }

    private final class LongProber implements Prober {
        final long[] keys = new long[WINDOW];
        final int[] rows = new int[WINDOW];

        @Override
        public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
            checkColumns(keyColumns, 1);
            FieldVector v = keyColumns[0];
            KeyVectors.checkRange(v, offset, length);
            boolean nulls = v.getNullCount() > 0;
            for (int base = 0; base < length; base += WINDOW) {
                int n = Math.min(WINDOW, length - base);
                KeyVectors.readLongs(v, offset + base, n, keys);
                if (!nulls) {
                    int d = set.firstMissing(keys, n);
                    if (d >= 0) {
                        return base + d;
                    }
                } else {
                    int m = compactNonNull(keyColumns, offset + base, n, keys, null, rows);
                    int d = set.firstMissing(keys, m);
                    if (d >= 0) {
                        return base + rows[d];
                    }
                }
            }
            return -1;
        }
    }

    @Override
    public void exportKeys(KeySink sink) {
        byte[] key = new byte[8];
        set.forEach(k -> {
            KeySet.putLongLE(key, 0, k);
            sink.accept(key, 8);
        });
    }

    @Override
    public long size() {
        return set.size();
    }

    @Override
    public long allocatedBytes() {
        return set.allocatedBytes();
    }

    @Override
    public int resizeCount() {
        return set.resizeCount();
    }

    @Override
    public void close() {
        set.close();
    }

    @Override
    public String toString() {
        return "LongKeySet[" + set + "]";
    }
}
