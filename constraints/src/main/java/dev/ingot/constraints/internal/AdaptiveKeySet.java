package dev.ingot.constraints.internal;

import dev.ingot.constraints.KeySetKind;
import dev.ingot.constraints.hash.Hashing;
import dev.ingot.constraints.hash.LongOpenHashSet;
import dev.ingot.memory.NativeAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The {@link KeySet} of a key of one or two integer-like columns that picks its kind from the
 * keys it sees ({@link KeySetKind}):
 * <ol>
 *   <li>{@link KeySetKind#SORTED}: while every key is greater than the previous one (signed, column
 *       by column), uniqueness is proven by comparing with the last key alone. The keys go to a
 *       delta-encoded {@link SortedKeyLog} (1-2 bytes a key) so that a set can be rebuilt.</li>
 *   <li>The first key that is not greater breaks the order: a set is built from the log and that
 *       key and the rest are added to it, so the first duplicate reported is the same row as with
 *       a set from the start. One column: a {@link LongBitmap} over the observed range if its
 *       bytes do not exceed those of a hash set presized for the expected keys, else a
 *       {@link LongOpenHashSet}. Two columns: a {@link PairKeySet}.</li>
 *   <li>A bitmap grows to cover a key outside its range while it stays within that budget; the
 *       first key that would make it larger moves every key to a hash set (exact: the bits are
 *       re-inserted) and continues there.</li>
 *   <li>{@link #freeze}: a still sorted set that children probe becomes a bitmap (one column,
 *       if no larger than the keys' 8 bytes each), a {@link SortedLongArray} (one column), or a
 *       {@link PairKeySet} (two columns); one that nobody probes keeps no keys at all.</li>
 * </ol>
 *
 * <p>In deferred mode {@link #hintRange} gives the stored keys' range from the chunk statistics,
 * so a set that leaves the sorted kind takes a bitmap over the whole range at once if it fits.
 *
 * <p>Thread-safety: as {@link KeySet}; probers may run concurrently once the frozen set is published.
 * Ownership: the creator closes it; close frees every structure and is idempotent.
 */
final class AdaptiveKeySet implements KeySet {
    private static final int WINDOW = LongKeySet.WINDOW;

    private final NativeAllocator allocator;
    private final boolean pair;
    private final long expectedKeys;
    private final float loadFactor;
    private volatile KeySetKind kind = KeySetKind.SORTED;
    private SortedKeyLog log;
    private boolean hasLast;
    private long firstA;
    private long lastA;
    private long lastB;
    private long count;
    private LongBitmap bitmap;
    private LongOpenHashSet hash;
    private PairKeySet pairs;
    private SortedLongArray sorted;
    private boolean frozen;
    private long peakBytes;
    /** The key range told by {@link #hintRange}; valid when {@code hinted}. */
    private boolean hinted;
    private long hintMin;
    private long hintMax;
    private final long[] a = new long[WINDOW];
    private final long[] b = new long[WINDOW];
    private final int[] rows = new int[WINDOW];
    private final AdaptiveProber own = new AdaptiveProber();

    /**
     * @param pair true for a two-column key, false for one column
     */
    AdaptiveKeySet(NativeAllocator allocator, boolean pair, long expectedKeys, float loadFactor) {
        Hashing.validateLoadFactor(loadFactor);
        if (expectedKeys < 0) {
            throw new IllegalArgumentException("expectedKeys must be >= 0: " + expectedKeys);
        }
        this.allocator = allocator;
        this.pair = pair;
        this.expectedKeys = expectedKeys;
        this.loadFactor = loadFactor;
        this.log = new SortedKeyLog(allocator, pair);
    }

    @Override
    public KeySetKind kind() {
        return kind;
    }

    /**
     * Reads rows {@code [abs, abs + n)} into {@code a} (and {@code b}), keeping only rows without
     * a NULL key column at the front; {@code rows} maps each kept index to its window row.
     *
     * @return how many rows were kept
     */
    private static int readWindow(FieldVector[] cols, int abs, int n, boolean nulls, long[] a, long[] b, int[] rows) {
        KeyVectors.readLongs(cols[0], abs, n, a);
        if (cols.length == 2) {
            KeyVectors.readLongs(cols[1], abs, n, b);
        }
        return nulls ? LongKeySet.compactNonNull(cols, abs, n, a, cols.length == 2 ? b : null, rows) : n;
    }

    private void checkBatch(FieldVector[] cols, int offset, int length) {
        LongKeySet.checkColumns(cols, pair ? 2 : 1);
        for (FieldVector v : cols) {
            KeyVectors.checkRange(v, offset, length);
        }
    }

    @Override
    public int addBatch(FieldVector[] keyColumns, int offset, int length) {
        checkBatch(keyColumns, offset, length);
        if (frozen) {
            throw new IllegalStateException("key set is frozen (published); no more keys can be added");
        }
        if (kind == KeySetKind.HASH && pairs != null) {
            return pairs.addBatch(keyColumns, offset, length);
        }
        boolean nulls = KeyVectors.anyNulls(keyColumns);
        try {
            for (int base = 0; base < length; base += WINDOW) {
                int n = Math.min(WINDOW, length - base);
                int m = readWindow(keyColumns, offset + base, n, nulls, a, b, rows);
                int d = addWindow(m);
                if (d >= 0) {
                    return base + (nulls ? rows[d] : d);
                }
            }
            return -1;
        } finally {
            notePeak();
        }
    }

    private void notePeak() {
        peakBytes = Math.max(peakBytes, allocatedBytes());
    }

    /** Adds {@code a[0..m)} (and {@code b}); the index of the first duplicate, or -1. */
    private int addWindow(int m) {
        int i = 0;
        while (true) {
            switch (kind) {
                case SORTED:
                    for (; i < m; i++) {
                        long x = a[i];
                        long y = pair ? b[i] : 0;
                        if (hasLast && (x < lastA || (x == lastA && (!pair || y <= lastB)))) {
                            break;
                        }
                        log.append(x, y);
                        if (!hasLast) {
                            firstA = x;
                            hasLast = true;
                        }
                        lastA = x;
                        lastB = y;
                        count++;
                    }
                    if (i == m) {
                        return -1;
                    }
                    leaveSorted(a[i]);
                    break;
                case BITMAP:
                    for (; i < m; i++) {
                        long k = a[i];
                        if (!bitmap.covers(k) && !growBitmap(k)) {
                            break;
                        }
                        if (!bitmap.add(k)) {
                            return i;
                        }
                        count++;
                    }
                    if (i == m) {
                        return -1;
                    }
                    bitmapToHash();
                    break;
                case HASH:
                    if (pairs != null) {
                        if (i > 0) {
                            System.arraycopy(a, i, a, 0, m - i);
                            System.arraycopy(b, i, b, 0, m - i);
                        }
                        int d = pairs.addWindow(a, b, m - i);
                        return d < 0 ? -1 : i + d;
                    }
                    for (; i < m; i++) {
                        if (!hash.add(a[i])) {
                            return i;
                        }
                    }
                    return -1;
                default:
                    throw new IllegalStateException("key set of kind " + kind + " takes no keys");
            }
        }
    }

    @Override
    public void hintRange(long min, long max) {
        if (!pair && min <= max) {
            hinted = true;
            hintMin = min;
            hintMax = max;
        }
    }

    /** Hash-set bytes for {@code keys} keys at this set's load factor (8-byte slots). */
    private long hashBytes(long keys) {
        return 8L * Hashing.capacityFor(keys, loadFactor, LongOpenHashSet.MIN_CAPACITY, LongOpenHashSet.MAX_CAPACITY);
    }

    /** Whether a bitmap over {@code [min, max]} is no larger than a hash set for the expected keys. */
    private boolean bitmapFits(long min, long max) {
        return LongBitmap.bytesFor(min, max) <= hashBytes(Math.max(expectedKeys, count + 1));
    }

    /** The order broke at key {@code k} (first column): build the set from the log. */
    private void leaveSorted(long k) {
        long n = Math.max(expectedKeys, count + 1);
        if (pair) {
            toPairs(n);
        } else if (bitmapFits(Math.min(firstA, k), Math.max(lastA, k))) {
            long min = Math.min(firstA, k);
            long max = Math.max(lastA, k);
            if (hinted && bitmapFits(Math.min(min, hintMin), Math.max(max, hintMax))) {
                min = Math.min(min, hintMin); // the whole stored range at once: the bitmap never grows
                max = Math.max(max, hintMax);
            }
            toBitmap(min, max);
        } else {
            LongOpenHashSet h = new LongOpenHashSet(allocator, n, loadFactor);
            replayInto((xs, ys, c) -> h.addAll(xs, c), h);
            hash = h;
            kind = KeySetKind.HASH;
        }
        freeLog();
    }

    /** Moves the logged keys to a pair hash set presized for {@code n} keys (the log is freed by the caller). */
    private void toPairs(long n) {
        PairKeySet p = new PairKeySet(allocator, n, loadFactor);
        replayInto(p::addWindow, p);
        pairs = p;
        kind = KeySetKind.HASH;
    }

    /** Moves the logged keys to a bitmap covering {@code [min, max]} (the log is freed by the caller). */
    private void toBitmap(long min, long max) {
        LongBitmap bm = new LongBitmap(allocator, min, max);
        replayInto((xs, ys, c) -> {
            for (int j = 0; j < c; j++) {
                bm.add(xs[j]);
            }
            return -1;
        }, bm);
        bitmap = bm;
        kind = KeySetKind.BITMAP;
    }

    /** Adds a window of keys; the index of a duplicate or -1. */
    private interface WindowAdder {
        int add(long[] xs, long[] ys, int n);
    }

    /** Replays the log into a new structure; closes it if that fails. */
    private void replayInto(WindowAdder adder, AutoCloseable target) {
        try {
            long[] xs = new long[WINDOW];
            long[] ys = pair ? new long[WINDOW] : null;
            log.replay(xs, ys, (x, y, c) -> {
                if (adder.add(x, y, c) >= 0) {
                    throw new IllegalStateException("sorted key log replayed a duplicate");
                }
            });
            peakBytes = Math.max(peakBytes, allocatedBytes() + bytesOf(target));
        } catch (RuntimeException | Error e) {
            try {
                target.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static long bytesOf(AutoCloseable s) {
        if (s instanceof LongBitmap) {
            return ((LongBitmap) s).allocatedBytes();
        }
        if (s instanceof LongOpenHashSet) {
            return ((LongOpenHashSet) s).allocatedBytes();
        }
        if (s instanceof SortedLongArray) {
            return ((SortedLongArray) s).allocatedBytes();
        }
        return ((KeySet) s).allocatedBytes();
    }

    private void freeLog() {
        if (log != null) {
            log.close();
            log = null;
        }
    }

    /** Grows the bitmap to cover {@code k} if it stays within budget; false otherwise. */
    private boolean growBitmap(long k) {
        long min = Math.min(bitmap.lo(), k);
        long max = Math.max(bitmap.hi(), k);
        if (!bitmapFits(min, max)) {
            return false;
        }
        // headroom: grow by the current span again (if it still fits), so a climbing range grows O(log) times
        long span = bitmap.hi() - bitmap.lo() + 1;
        long wantMin = k < bitmap.lo() ? Math.max(Long.MIN_VALUE + span, min) - span : min;
        long wantMax = k > bitmap.hi() ? Math.min(Long.MAX_VALUE - span, max) + span : max;
        if (bitmapFits(wantMin, wantMax)) {
            min = wantMin;
            max = wantMax;
        }
        bitmap.growTo(min, max);
        notePeak();
        return true;
    }

    /** The bitmap's range stopped being dense: move every key to a hash set. */
    private void bitmapToHash() {
        LongOpenHashSet h = new LongOpenHashSet(allocator, Math.max(expectedKeys, count + 1), loadFactor);
        try {
            bitmap.forEach(h::add);
        } catch (RuntimeException | Error e) {
            h.close();
            throw e;
        }
        peakBytes = Math.max(peakBytes, allocatedBytes() + h.allocatedBytes());
        hash = h;
        kind = KeySetKind.HASH;
        bitmap.close();
        bitmap = null;
    }

    /**
     * Ends the additions. A set still {@link KeySetKind#SORTED} that {@code probed} becomes a
     * bitmap, a sorted array or a hash set (see the class comment); one that is not probed frees
     * its log and answers no probes. Idempotent.
     */
    @Override
    public void freeze(boolean probed) {
        if (frozen) {
            return;
        }
        try {
            if (kind == KeySetKind.SORTED && probed && count > 0) {
                if (pair) {
                    toPairs(count);
                } else if (LongBitmap.bytesFor(firstA, lastA) <= 8 * count) {
                    toBitmap(firstA, lastA);
                } else {
                    SortedLongArray s = new SortedLongArray(allocator, count);
                    replayInto((xs, ys, c) -> {
                        for (int j = 0; j < c; j++) {
                            s.append(xs[j]);
                        }
                        return -1;
                    }, s);
                    sorted = s;
                    kind = KeySetKind.SORTED_ARRAY;
                }
            }
            if (kind != KeySetKind.SORTED || !probed) {
                freeLog();
            }
        } finally {
            frozen = true;
            notePeak();
        }
    }

    @Override
    public void exportKeys(KeySink sink) {
        byte[] key = new byte[pair ? 16 : 8];
        if (pairs != null) {
            pairs.exportKeys(sink);
        } else if (hash != null) {
            hash.forEach(k -> {
                KeySet.putLongLE(key, 0, k);
                sink.accept(key, 8);
            });
        } else if (bitmap != null) {
            bitmap.forEach(k -> {
                KeySet.putLongLE(key, 0, k);
                sink.accept(key, 8);
            });
        } else if (log != null) {
            long[] xs = new long[WINDOW];
            long[] ys = pair ? new long[WINDOW] : null;
            log.replay(xs, ys, (x, y, c) -> {
                for (int j = 0; j < c; j++) {
                    if (pair) {
                        PairKeySet.emitPair(sink, key, x[j], y[j]);
                    } else {
                        KeySet.putLongLE(key, 0, x[j]);
                        sink.accept(key, 8);
                    }
                }
            });
        } else if (sorted != null) {
            throw new IllegalStateException("a frozen sorted-array key set is exported only before its freeze");
        } else if (count > 0) {
            throw new IllegalStateException("key set holds no keys any more (frozen, not probed)");
        }
    }

    @Override
    public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
        return own.firstMissing(keyColumns, offset, length);
    }

    @Override
    public Prober newProber() {
        return new AdaptiveProber();
    }

    private final class AdaptiveProber implements Prober {
        final long[] pa = new long[WINDOW];
        final long[] pb = new long[WINDOW];
        final int[] prow = new int[WINDOW];
        final SortedLongArray.Cursor cursor = new SortedLongArray.Cursor();

        @Override
        public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
            checkBatch(keyColumns, offset, length);
            KeySetKind k = kind;
            if (k == KeySetKind.SORTED && !(frozen && count == 0)) {
                throw new IllegalStateException("a " + (frozen ? "published key set that nothing referenced when it was built"
                        : "sorted key set still being built") + " answers no probes (" + count + " keys)");
            }
            boolean nulls = KeyVectors.anyNulls(keyColumns);
            for (int base = 0; base < length; base += WINDOW) {
                int n = Math.min(WINDOW, length - base);
                int m = readWindow(keyColumns, offset + base, n, nulls, pa, pb, prow);
                int d = probeWindow(k, m);
                if (d >= 0) {
                    return base + (nulls ? prow[d] : d);
                }
            }
            return -1;
        }

        private int probeWindow(KeySetKind k, int m) {
            switch (k) {
                case SORTED: // frozen and empty
                    return m > 0 ? 0 : -1;
                case BITMAP:
                    for (int i = 0; i < m; i++) {
                        if (!bitmap.contains(pa[i])) {
                            return i;
                        }
                    }
                    return -1;
                case SORTED_ARRAY:
                    for (int i = 0; i < m; i++) {
                        if (!sorted.contains(pa[i], cursor)) {
                            return i;
                        }
                    }
                    return -1;
                default:
                    return pairs != null ? pairs.probeWindow(pa, pb, m) : hash.firstMissing(pa, m);
            }
        }
    }

    @Override
    public long size() {
        if (kind == KeySetKind.HASH) {
            return pairs != null ? pairs.size() : hash.size();
        }
        return count;
    }

    @Override
    public long allocatedBytes() {
        long total = 0;
        if (log != null) {
            total += log.allocatedBytes();
        }
        if (bitmap != null) {
            total += bitmap.allocatedBytes();
        }
        if (hash != null) {
            total += hash.allocatedBytes();
        }
        if (pairs != null) {
            total += pairs.allocatedBytes();
        }
        if (sorted != null) {
            total += sorted.allocatedBytes();
        }
        return total;
    }

    @Override
    public long peakBytes() {
        return Math.max(peakBytes, allocatedBytes());
    }

    @Override
    public int resizeCount() {
        return hash != null ? hash.resizeCount() : pairs != null ? pairs.resizeCount() : 0;
    }

    @Override
    public void close() {
        freeLog();
        if (bitmap != null) {
            bitmap.close();
        }
        if (hash != null) {
            hash.close();
        }
        if (pairs != null) {
            pairs.close();
        }
        if (sorted != null) {
            sorted.close();
        }
    }

    @Override
    public String toString() {
        return "AdaptiveKeySet[" + kind.label() + ", keys=" + size() + ", bytes=" + allocatedBytes() + "]";
    }
}
