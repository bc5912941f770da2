package dev.ingot.constraints.internal;

import dev.ingot.constraints.hash.LongOpenHashSet;
import dev.ingot.constraints.hash.LongPairOpenHashSet;
import dev.ingot.memory.NativeAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * {@link KeySet} for a key of two integer-like columns {@code (a, b)}.
 *
 * <p>While every {@code a} and {@code b} added is in {@code [0, 2^32)} (always so for TPC-H), the
 * key is packed as {@code (a << 32) | b} into a {@link LongOpenHashSet}: 8 bytes per slot and one
 * mix per probe. The first batch holding a value outside that range migrates the set once to a
 * {@link LongPairOpenHashSet} (every packed key is re-inserted unpacked, the packed table freed)
 * and continues there. A probe of a packed set with a value outside the range is "absent": no
 * stored key has such a value.
 *
 * <p>Thread-safety: as {@link KeySet}; migration happens only in {@link #addBatch}.
 */
final class PairKeySet implements KeySet {
    private static final int WINDOW = LongKeySet.WINDOW;

    private final NativeAllocator allocator;
    private final long expectedKeys;
    private final float loadFactor;
    private LongOpenHashSet packed;
    private LongPairOpenHashSet pair;
    private int migratedResizes;
    private final PairProber own = new PairProber();

    PairKeySet(NativeAllocator allocator, long expectedKeys, float loadFactor) {
        this.allocator = allocator;
        this.expectedKeys = expectedKeys;
        this.loadFactor = loadFactor;
        this.packed = new LongOpenHashSet(allocator, expectedKeys, loadFactor);
    }

    /** Whether the set still packs keys into one long (false after migration). */
    boolean isPacked() {
        return packed != null;
    }

    private static boolean allFit(long[] a, long[] b, int n) {
        long bits = 0;
        for (int i = 0; i < n; i++) {
            bits |= a[i] | b[i];
        }
        return (bits >>> 32) == 0;
    }

    private void migrate() {
        LongOpenHashSet from = packed;
        LongPairOpenHashSet to = new LongPairOpenHashSet(allocator, Math.max(expectedKeys, from.size()), loadFactor);
        try {
            from.forEach(k -> to.add(k >>> 32, k & 0xFFFF_FFFFL));
        } catch (RuntimeException | Error e) {
            to.close();
            throw e;
        }
        pair = to;
        packed = null;
        migratedResizes = from.resizeCount();
        from.close();
    }

    @Override
    public int addBatch(FieldVector[] keyColumns, int offset, int length) {
        LongKeySet.checkColumns(keyColumns, 2);
        FieldVector va = keyColumns[0];
        FieldVector vb = keyColumns[1];
        KeyVectors.checkRange(va, offset, length);
        KeyVectors.checkRange(vb, offset, length);
        boolean nulls = KeyVectors.anyNulls(keyColumns);
        long[] a = own.a;
        long[] b = own.b;
        for (int base = 0; base < length; base += WINDOW) {
            int n = Math.min(WINDOW, length - base);
            KeyVectors.readLongs(va, offset + base, n, a);
            KeyVectors.readLongs(vb, offset + base, n, b);
            int m = nulls ? LongKeySet.compactNonNull(keyColumns, offset + base, n, a, b, own.rows) : n;
            int d = addWindow(a, b, m);
            if (d >= 0) {
                return base + (nulls ? own.rows[d] : d);
            }
        }
        return -1;
    }

    /**
     * Adds the keys {@code (a[i], b[i])} for {@code i < m} in order, stopping at the first one
     * already present; {@code a} may be overwritten.
     *
     * @return the index of that key, or -1
     */
    int addWindow(long[] a, long[] b, int m) {
        if (packed != null && allFit(a, b, m)) {
            for (int i = 0; i < m; i++) {
                a[i] = (a[i] << 32) | b[i];
            }
            return packed.addAll(a, m);
        }
        if (packed != null) {
            migrate();
        }
        return pair.addAll(a, b, m);
    }

    /** The index of the first of the keys {@code (a[i], b[i])}, {@code i < m}, not in the set, or -1. */
    int probeWindow(long[] a, long[] b, int m) {
        LongOpenHashSet p = packed;
        if (p != null) {
            for (int i = 0; i < m; i++) {
                long x = a[i];
                long y = b[i];
                if (((x | y) >>> 32) != 0 || !p.contains((x << 32) | y)) {
                    return i;
                }
            }
            return -1;
        }
        return pair.firstMissing(a, b, m);
    }

    @Override
    public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
        return own.firstMissing(keyColumns, offset, length);
    }

    @Override
    public Prober newProber() {
        return new PairProber();
    }

    private final class PairProber implements Prober {
        final long[] a = new long[WINDOW];
        final long[] b = new long[WINDOW];
        final int[] rows = new int[WINDOW];

        @Override
        public int firstMissing(FieldVector[] keyColumns, int offset, int length) {
            LongKeySet.checkColumns(keyColumns, 2);
            FieldVector va = keyColumns[0];
            FieldVector vb = keyColumns[1];
            KeyVectors.checkRange(va, offset, length);
            KeyVectors.checkRange(vb, offset, length);
            boolean nulls = KeyVectors.anyNulls(keyColumns);
            for (int base = 0; base < length; base += WINDOW) {
                int n = Math.min(WINDOW, length - base);
                KeyVectors.readLongs(va, offset + base, n, a);
                KeyVectors.readLongs(vb, offset + base, n, b);
                int m = nulls ? LongKeySet.compactNonNull(keyColumns, offset + base, n, a, b, rows) : n;
                int d = probeWindow(a, b, m);
                if (d >= 0) {
                    return base + (nulls ? rows[d] : d);
                }
            }
            return -1;
        }
    }

    @Override
    public void exportKeys(KeySink sink) {
        byte[] key = new byte[16];
        if (packed != null) {
            packed.forEach(k -> emitPair(sink, key, k >>> 32, k & 0xFFFF_FFFFL));
        } else {
            pair.forEach((h, l) -> emitPair(sink, key, h, l));
        }
    }

    /** Emits the pair key {@code (a, b)} as the encoder writes two integer columns. */
    static void emitPair(KeySink sink, byte[] key, long a, long b) {
        KeySet.putLongLE(key, 0, a);
        KeySet.putLongLE(key, 8, b);
        sink.accept(key, 16);
    }

    @Override
    public long size() {
        return packed != null ? packed.size() : pair.size();
    }

    @Override
    public long allocatedBytes() {
        return packed != null ? packed.allocatedBytes() : pair.allocatedBytes();
    }

    @Override
    public int resizeCount() {
        return packed != null ? packed.resizeCount() : migratedResizes + pair.resizeCount();
    }

    @Override
    public void close() {
        if (packed != null) {
            packed.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    @Override
    public String toString() {
        return "PairKeySet[" + (packed != null ? packed : pair) + "]";
    }
}
