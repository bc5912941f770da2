package dev.ingot.constraints.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.KeySetKind;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link AdaptiveKeySet} (and {@link KeySet#create} with {@code adaptive}): every kind it can take
 * against a {@link java.util.HashSet} model on seeded key streams (first duplicate, size, probes
 * after the freeze), and the choice of kind on crafted key distributions: sorted, dense, sparse,
 * adversarial for a hash, order breaking late, density breaking late; composite and text keys
 * never take an integer kind.
 */
class AdaptiveKeySetTest {
    private static final int N = 20_000;

    private NativeAllocator allocator;
    private BufferAllocator arrow;
    private final List<FieldVector> vectors = new ArrayList<>();

    @BeforeEach
    void open() {
        allocator = NativeAllocator.root("test", 1L << 32);
        arrow = TestAllocators.arrow();
    }

    @AfterEach
    void close() {
        vectors.forEach(FieldVector::close);
        arrow.close();
        allocator.close(); // throws if a key set left blocks behind
    }

    private BigIntVector column(Long[] values) {
        BigIntVector v = new BigIntVector("k", arrow);
        vectors.add(v);
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                v.setNull(i);
            } else {
                v.set(i, values[i]);
            }
        }
        v.setValueCount(values.length);
        return v;
    }

    private static Long[] boxed(long[] keys) {
        Long[] out = new Long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = keys[i];
        }
        return out;
    }

    private AdaptiveKeySet longSet(long expected) {
        return (AdaptiveKeySet) KeySet.create(List.of(ColumnType.int64()), allocator, expected, 0.75f, true);
    }

    private AdaptiveKeySet pairSet(long expected) {
        return (AdaptiveKeySet) KeySet.create(List.of(ColumnType.int64(), ColumnType.int32()), allocator, expected, 0.75f, true);
    }

    /** Adds the columns in random slices; the row of the first duplicate or -1. */
    private static int addInSlices(KeySet set, FieldVector[] cols, int rows, Random rnd) {
        int at = 0;
        while (at < rows) {
            int len = Math.min(rows - at, rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3 * LongKeySet.WINDOW) : 1 + rnd.nextInt(300));
            int d = set.addBatch(cols, at, len);
            if (d >= 0) {
                return at + d;
            }
            at += len;
        }
        return -1;
    }

    /** The model: the first row whose non-null key repeats an earlier one; fills {@code seen} with the keys before it. */
    private static int modelFirstDuplicate(List<List<Long>> keys, Set<List<Long>> seen) {
        for (int i = 0; i < keys.size(); i++) {
            List<Long> k = keys.get(i);
            if (k.contains(null)) {
                continue;
            }
            if (!seen.add(k)) {
                return i;
            }
        }
        return -1;
    }

    enum Shape { SORTED, SORTED_BREAK_LATE, DENSE_SHUFFLED, SPARSE_RANDOM, ADVERSARIAL_STRIDE, DENSITY_BREAK_LATE }

    private static long[] keys(Shape shape, Random rnd) {
        long[] k = new long[N];
        long base = rnd.nextInt(1000) - 500;
        for (int i = 0; i < N; i++) {
            k[i] = switch (shape) {
                case SORTED, SORTED_BREAK_LATE -> (i == 0 ? base : k[i - 1]) + 1 + rnd.nextInt(3); // gaps of 0-2
                case DENSE_SHUFFLED, DENSITY_BREAK_LATE -> base + i;
                case SPARSE_RANDOM -> rnd.nextLong();
                case ADVERSARIAL_STRIDE -> (long) i << 32; // identical low 32 bits: bad for an identity hash
            };
        }
        if (shape != Shape.SORTED && shape != Shape.SORTED_BREAK_LATE) {
            shuffle(k, rnd);
        }
        if (shape == Shape.SORTED_BREAK_LATE) {
            int at = N - 1 - rnd.nextInt(N / 10);
            k[at] = k[at - 1] - rnd.nextInt(5); // not above its predecessor, often a key seen before
        }
        if (shape == Shape.DENSITY_BREAK_LATE) {
            k[N - 1 - rnd.nextInt(N / 10)] = 1L << 40;
        }
        return k;
    }

    private static void shuffle(long[] k, Random rnd) {
        for (int i = k.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = k[i];
            k[i] = k[j];
            k[j] = t;
        }
    }

    private static KeySetKind expectedKind(Shape shape) {
        return switch (shape) {
            case SORTED -> KeySetKind.SORTED;
            case SORTED_BREAK_LATE, DENSE_SHUFFLED -> KeySetKind.BITMAP;
            default -> KeySetKind.HASH;
        };
    }

    @Test
    void eachKindMatchesAHashSetModel() {
        long seed = TestSeed.seed("AdaptiveKeySetTest.eachKindMatchesAHashSetModel");
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            for (Shape shape : Shape.values()) {
                for (int round = 0; round < 3; round++) {
                    long[] raw = keys(shape, rnd);
                    Long[] values = boxed(raw);
                    if (round == 1) { // a duplicate somewhere
                        int to = 1 + rnd.nextInt(N - 1);
                        values[to] = values[rnd.nextInt(to)];
                    }
                    if (round == 2) { // NULLs are exempt
                        for (int i = 0; i < 50; i++) {
                            values[rnd.nextInt(N)] = null;
                        }
                    }
                    List<List<Long>> model = new ArrayList<>();
                    for (Long v : values) {
                        model.add(java.util.Collections.singletonList(v));
                    }
                    // the kind is asserted where the row count is known (the loader's hint); without it a
                    // shuffled dense range looks sparse at first and takes a hash set
                    boolean hinted = round != 1 || rnd.nextBoolean();
                    checkAgainstModel(longSet(hinted ? N : 0), new FieldVector[] {column(values)}, model, rnd,
                            round == 1 ? null : expectedKind(shape), shape + " round " + round);
                }
            }
        });
    }

    @Test
    void pairKindsMatchAHashSetModel() {
        long seed = TestSeed.seed("AdaptiveKeySetTest.pairKindsMatchAHashSetModel");
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            for (int round = 0; round < 4; round++) {
                // lineitem-like: order keys with gaps, line numbers 1..7 in order
                List<Long> as = new ArrayList<>();
                List<Long> bs = new ArrayList<>();
                long order = rnd.nextInt(10) - 5;
                while (as.size() < N) {
                    order += 1 + rnd.nextInt(4);
                    int lines = 1 + rnd.nextInt(7);
                    for (int l = 1; l <= lines; l++) {
                        as.add(order);
                        // round 3: second column outside the packed range and falling within an order
                        bs.add(round == 3 ? -l * (1L << 40) : (long) l);
                    }
                }
                Long[] a = as.subList(0, N).toArray(new Long[0]);
                Long[] b = bs.subList(0, N).toArray(new Long[0]);
                KeySetKind expected = KeySetKind.SORTED;
                if (round == 3) {
                    expected = null; // b descends within an order: breaks at once
                }
                if (round == 1) { // order breaks late with a repeat of an earlier pair
                    int at = N - 1 - rnd.nextInt(N / 10);
                    int from = rnd.nextInt(at);
                    a[at] = a[from];
                    b[at] = b[from];
                    expected = KeySetKind.HASH;
                }
                if (round == 2) { // random pairs, with NULLs
                    for (int i = 0; i < N; i++) {
                        a[i] = (long) rnd.nextInt(N);
                        b[i] = rnd.nextInt(10) == 0 ? null : (long) rnd.nextInt(8);
                    }
                    expected = null;
                }
                List<List<Long>> model = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    model.add(java.util.Arrays.asList(a[i], b[i]));
                }
                checkAgainstModel(pairSet(rnd.nextBoolean() ? N : 0), new FieldVector[] {column(a), column(b)}, model, rnd,
                        expected, "pair round " + round);
            }
        });
    }

    /**
     * Adds the rows in random slices, compares the first duplicate with the model, then freezes
     * the set for probes and compares random probes (present keys, absent keys, NULLs).
     */
    private void checkAgainstModel(KeySet set, FieldVector[] cols, List<List<Long>> model, Random rnd, KeySetKind kind,
                                   String what) {
        try (set) {
            int rows = model.size();
            Set<List<Long>> seen = new HashSet<>();
            int expectDup = modelFirstDuplicate(model, seen);
            assertEquals(expectDup, addInSlices(set, cols, rows, rnd), what + ": first duplicate");
            assertEquals(seen.size(), set.size(), what + ": size");
            if (kind != null) {
                assertEquals(kind, set.kind(), what + ": kind");
            }
            set.freeze(true);
            assertThrows(IllegalStateException.class, () -> set.addBatch(cols, 0, 1), what + ": frozen");
            // probes: the model's keys (all present up to the duplicate) and shifted ones (mostly absent)
            int probeRows = expectDup < 0 ? rows : expectDup;
            KeySet.Prober prober = set.newProber();
            for (int p = 0; p < 40; p++) {
                int from = rnd.nextInt(probeRows);
                int len = 1 + rnd.nextInt(probeRows - from);
                assertEquals(-1, prober.firstMissing(cols, from, len), what + ": present keys [" + from + ", +" + len + ")");
            }
            Long[][] shifted = new Long[cols.length][];
            for (int c = 0; c < cols.length; c++) {
                shifted[c] = new Long[rows];
            }
            int delta = 1 + rnd.nextInt(3);
            for (int i = 0; i < rows; i++) {
                List<Long> k = model.get(i);
                for (int c = 0; c < cols.length; c++) {
                    Long v = k.get(c);
                    shifted[c][i] = v == null || c > 0 ? v : Long.valueOf(v + delta);
                }
            }
            FieldVector[] probeCols = new FieldVector[cols.length];
            for (int c = 0; c < cols.length; c++) {
                probeCols[c] = column(shifted[c]);
            }
            for (int p = 0; p < 40; p++) {
                int from = rnd.nextInt(rows);
                int len = 1 + rnd.nextInt(rows - from);
                int expect = -1;
                for (int i = from; i < from + len; i++) {
                    List<Long> k = new ArrayList<>();
                    for (int c = 0; c < cols.length; c++) {
                        k.add(shifted[c][i]);
                    }
                    if (!k.contains(null) && !seen.contains(k)) {
                        expect = i - from;
                        break;
                    }
                }
                int got = p % 2 == 0 ? prober.firstMissing(probeCols, from, len) : set.firstMissing(probeCols, from, len);
                assertEquals(expect, got, what + ": shifted keys [" + from + ", +" + len + ")");
            }
        }
    }

    private static long[] range(long from, long step, int n) {
        long[] k = new long[n];
        for (int i = 0; i < n; i++) {
            k[i] = from + i * step;
        }
        return k;
    }

    @Test
    void sortedKeysNobodyProbesKeepNoSet() {
        try (AdaptiveKeySet set = longSet(100_000)) {
            FieldVector[] cols = {column(boxed(range(1, 1, 100_000)))};
            assertEquals(-1, set.addBatch(cols, 0, 100_000));
            assertEquals(KeySetKind.SORTED, set.kind());
            assertEquals(100_000, set.size());
            // 1 byte a key in the log: segments of 4, 8, 16, 32 and 64 KiB
            assertEquals((4 + 8 + 16 + 32 + 64) << 10, set.allocatedBytes());
            set.freeze(false);
            assertEquals(0, set.allocatedBytes());
            assertEquals((4 + 8 + 16 + 32 + 64) << 10, set.peakBytes());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> set.firstMissing(cols, 0, 1));
            assertEquals("a published key set that nothing referenced when it was built answers no probes (100000 keys)", e.getMessage());
        }
    }

    @Test
    void sortedDenseKeysThatAreProbedBecomeABitmap() {
        try (AdaptiveKeySet set = longSet(0)) {
            FieldVector[] cols = {column(boxed(range(1, 1, 100_000)))};
            assertEquals(-1, set.addBatch(cols, 0, 100_000));
            set.freeze(true);
            assertEquals(KeySetKind.BITMAP, set.kind());
            assertEquals((100_000 / 64 + 1) * 8, set.allocatedBytes(), "one bit per value of [0, 100000]");
            assertEquals(-1, set.firstMissing(cols, 0, 100_000));
            assertEquals(1, set.firstMissing(new FieldVector[] {column(new Long[] {5L, 100_001L})}, 0, 2));
        }
    }

    @Test
    void sortedSparseKeysThatAreProbedBecomeASortedArray() {
        try (AdaptiveKeySet set = longSet(0)) {
            // TPC-H orders at 1/16 density would still be a bitmap; 1/1000 is not
            FieldVector[] cols = {column(boxed(range(-5_000_000, 1000, 10_000)))};
            assertEquals(-1, set.addBatch(cols, 0, 10_000));
            set.freeze(true);
            assertEquals(KeySetKind.SORTED_ARRAY, set.kind());
            assertEquals(8 * 10_000, set.allocatedBytes(), "8 bytes a key");
            assertEquals(-1, set.firstMissing(cols, 0, 10_000));
            Long[] probes = {-5_000_000L, 4_999_000L, -4_999_000L, -4_999_001L, 0L};
            assertEquals(3, set.firstMissing(new FieldVector[] {column(probes)}, 0, 5));
            assertEquals(1, set.firstMissing(new FieldVector[] {column(new Long[] {4_999_000L, 4_999_001L})}, 0, 2));
        }
    }

    @Test
    void denseShuffledKeysTakeABitmapAndSparseOnesAHash() {
        long seed = TestSeed.seed("AdaptiveKeySetTest.denseShuffledKeysTakeABitmapAndSparseOnesAHash");
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            long[] dense = range(1, 1, 50_000);
            shuffle(dense, rnd);
            try (AdaptiveKeySet set = longSet(50_000)) {
                assertEquals(-1, set.addBatch(new FieldVector[] {column(boxed(dense))}, 0, 50_000));
                assertEquals(KeySetKind.BITMAP, set.kind());
                assertEquals(50_000, set.size());
            }
            // every 256th value: a bitmap over the range (1.6 MB) would be larger than the hash set
            // presized for 50000 keys (1 MiB), so the bitmap it starts with gives way to a hash set
            long[] sparse = range(1, 256, 50_000);
            shuffle(sparse, rnd);
            try (AdaptiveKeySet set = longSet(50_000)) {
                assertEquals(-1, set.addBatch(new FieldVector[] {column(boxed(sparse))}, 0, 50_000));
                assertEquals(KeySetKind.HASH, set.kind());
                assertEquals(8L * 131_072, set.allocatedBytes(), "a hash set presized for 50000 keys at 0.75");
            }
        });
    }

    @Test
    void orderBreakingLateFindsTheSameDuplicateAsASet() {
        try (AdaptiveKeySet set = longSet(0)) {
            Long[] keys = boxed(range(10, 1, 10_000));
            keys[9_990] = 5_000L; // a repeat of row 4990, after 9990 sorted keys
            FieldVector[] cols = {column(keys)};
            assertEquals(-1, set.addBatch(cols, 0, 9_000));
            assertEquals(KeySetKind.SORTED, set.kind());
            assertEquals(990, set.addBatch(cols, 9_000, 1_000));
            assertEquals(KeySetKind.BITMAP, set.kind());
            assertEquals(9_990, set.size());
            assertEquals(-1, set.firstMissing(cols, 0, 9_990));
        }
    }

    @Test
    void aKeyEqualToTheLastIsADuplicate() {
        try (AdaptiveKeySet one = longSet(0); AdaptiveKeySet two = pairSet(0)) {
            assertEquals(2, one.addBatch(new FieldVector[] {column(new Long[] {1L, 2L, 2L})}, 0, 3));
            assertEquals(2, one.size());
            assertEquals(2, two.addBatch(new FieldVector[] {column(new Long[] {1L, 1L, 1L}), column(new Long[] {1L, 2L, 2L})}, 0, 3));
            assertEquals(2, two.size());
        }
    }

    @Test
    void memoryComesFromTheAccountedAllocator() {
        try (NativeAllocator small = allocator.newChild("constraints", 4096 + 100)) {
            AdaptiveKeySet set = (AdaptiveKeySet) KeySet.create(List.of(ColumnType.int64()), small, 0, 0.75f, true);
            // 1 byte a key: the 4 KiB first log segment holds about 4076 keys, the next 8 KiB one breaks the limit
            FieldVector[] cols = {column(boxed(range(1, 1, 10_000)))};
            dev.ingot.memory.MemoryLimitException e = assertThrows(dev.ingot.memory.MemoryLimitException.class,
                    () -> set.addBatch(cols, 0, 10_000));
            assertEquals("allocator 'test/constraints' limit of 4196 bytes exceeded: 4096 allocated, 8192 requested", e.getMessage());
            assertEquals(4096, small.allocatedBytes());
            set.close();
            assertEquals(0, small.allocatedBytes());
        }
    }

    @Test
    void densityBreakingLateMovesEveryKeyToAHash() {
        try (AdaptiveKeySet set = longSet(1_000)) {
            long[] keys = range(0, 1, 1_000);
            shuffle(keys, new Random(7));
            FieldVector[] cols = {column(boxed(keys))};
            assertEquals(-1, set.addBatch(cols, 0, 1_000));
            assertEquals(KeySetKind.BITMAP, set.kind());
            // below the range: grows (still dense)
            FieldVector[] below = {column(new Long[] {-100L, -1L})};
            assertEquals(-1, set.addBatch(below, 0, 2));
            assertEquals(KeySetKind.BITMAP, set.kind());
            FieldVector[] far = {column(new Long[] {1L << 40, 3L, 5L})};
            assertEquals(1, set.addBatch(far, 0, 3), "3 is a duplicate, found in the hash set");
            assertEquals(KeySetKind.HASH, set.kind());
            assertEquals(1_003, set.size());
            assertEquals(-1, set.firstMissing(cols, 0, 1_000));
            assertEquals(-1, set.firstMissing(below, 0, 2));
            assertEquals(1, set.firstMissing(new FieldVector[] {column(new Long[] {1L << 40, 1_000L})}, 0, 2));
        }
    }

    @Test
    void compositeAndTextKeysNeverTakeIntegerKinds() {
        // a dense pair (i, 1), shuffled: still a hash set, never a bitmap
        try (AdaptiveKeySet set = pairSet(1_000)) {
            long[] a = range(0, 1, 1_000);
            shuffle(a, new Random(3));
            Long[] ones = new Long[1_000];
            java.util.Arrays.fill(ones, 1L);
            assertEquals(-1, set.addBatch(new FieldVector[] {column(boxed(a)), column(ones)}, 0, 1_000));
            assertEquals(KeySetKind.HASH, set.kind());
            set.freeze(true);
            assertEquals(KeySetKind.HASH, set.kind());
        }
        // a sorted pair that is probed: a hash set at the freeze
        try (AdaptiveKeySet set = pairSet(0)) {
            Long[] ones = new Long[1_000];
            java.util.Arrays.fill(ones, 1L);
            FieldVector[] cols = {column(boxed(range(0, 1, 1_000))), column(ones)};
            assertEquals(-1, set.addBatch(cols, 0, 1_000));
            assertEquals(KeySetKind.SORTED, set.kind());
            set.freeze(true);
            assertEquals(KeySetKind.HASH, set.kind());
            assertEquals(-1, set.firstMissing(cols, 0, 1_000));
        }
        try (KeySet text = KeySet.create(List.of(ColumnType.varchar(10)), allocator, 0, 0.75f, true);
             KeySet three = KeySet.create(List.of(ColumnType.int64(), ColumnType.int64(), ColumnType.int64()), allocator, 0, 0.75f, true)) {
            assertInstanceOf(BytesKeySet.class, text);
            assertInstanceOf(BytesKeySet.class, three);
            assertEquals(KeySetKind.HASH, text.kind());
        }
    }

    @Test
    void extremeValuesSurviveTheLogAndTheBitmap() {
        try (AdaptiveKeySet set = longSet(0)) {
            Long[] keys = {Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE, 0L};
            FieldVector[] cols = {column(keys)};
            assertEquals(6, set.addBatch(cols, 0, 7), "0 again after the order broke");
            assertEquals(KeySetKind.HASH, set.kind(), "the full long range is never a bitmap");
            assertEquals(-1, set.firstMissing(cols, 0, 7));
        }
        try (AdaptiveKeySet set = pairSet(0)) {
            Long[] a = {Long.MIN_VALUE, Long.MIN_VALUE, 0L, 0L, Long.MAX_VALUE};
            Long[] b = {Long.MIN_VALUE, Long.MAX_VALUE, -5L, 7L, Long.MIN_VALUE};
            FieldVector[] cols = {column(a), column(b)};
            assertEquals(-1, set.addBatch(cols, 0, 5));
            assertEquals(KeySetKind.SORTED, set.kind());
            set.freeze(true); // replays the log: every pair must come back exactly
            assertEquals(-1, set.firstMissing(cols, 0, 5));
            assertEquals(0, set.firstMissing(new FieldVector[] {column(new Long[] {0L}), column(new Long[] {-6L})}, 0, 1));
        }
    }

    @Test
    void aRangeHintSizesTheBitmapOnceAndAWrongHintStaysExact() {
        long[] keys = range(0, 1, 10_000);
        shuffle(keys, new Random(11));
        try (AdaptiveKeySet set = longSet(10_000)) {
            set.hintRange(0, 9_999);
            assertEquals(-1, set.addBatch(new FieldVector[] {column(boxed(keys))}, 0, 10_000));
            assertEquals(KeySetKind.BITMAP, set.kind());
            assertEquals((9_999 / 64 + 1) * 8, set.allocatedBytes(), "one bit per value of [0, 10047], never grown");
            assertEquals(4096 + (9_999 / 64 + 1) * 8, set.peakBytes(), "the first 4 KiB log segment, then the bitmap");
        }
        try (AdaptiveKeySet set = longSet(10_000)) {
            set.hintRange(100, 200); // wrong: the keys go beyond it
            Long[] withDup = boxed(keys);
            withDup[9_999] = withDup[17];
            assertEquals(9_999, set.addBatch(new FieldVector[] {column(withDup)}, 0, 10_000));
            assertEquals(9_999, set.size());
        }
    }

    @Test
    void anEmptyFrozenSetFindsEveryKeyMissing() {
        try (AdaptiveKeySet set = longSet(0)) {
            set.freeze(true);
            assertEquals(KeySetKind.SORTED, set.kind());
            assertEquals(1, set.firstMissing(new FieldVector[] {column(new Long[] {null, 4L})}, 0, 2));
        }
    }
}
