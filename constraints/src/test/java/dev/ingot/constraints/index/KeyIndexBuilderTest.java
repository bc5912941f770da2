package dev.ingot.constraints.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ArrowRows;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fresh load's key index as the load builds it: a {@link KeyIndexWriter#runOnly run-only writer}
 * follows the rows' sorted run, and a {@link KeyIndexBuilder} hashes the rows after it from the
 * columns, read again per pass: seeded keys of every shape (one integer column, a pair within
 * 32 bits, a pair beyond them (HASHED), text with an integer, three columns), sorted for a while
 * then shuffled, NULL key rows among them, with tiny partitions and passes; every key found at its
 * row against a {@link HashMap} model, absent keys missed, each partition sized for its exact count,
 * one read per pass plus one to count, nothing left allocated.
 */
class KeyIndexBuilderTest {
    private static final Path FILE = Path.of("/store/store.ingot");
    private static final long MAX_PARTITION = 4096;
    private NativeAllocator memory;
    private BufferAllocator arrow;

    @BeforeEach
    void open() {
        memory = NativeAllocator.root("test", 1L << 30);
        arrow = TestAllocators.arrow();
    }

    @AfterEach
    void close() {
        assertEquals(0, memory.allocatedBytes(), "every pass and run blob freed");
        arrow.close();
        memory.close();
    }

    /** {@link KeyIndexTest}'s key tables; "wide" has the pair's columns. */
    private static TableDef keyTable(String shape) {
        return KeyIndexTest.keyTable(shape.equals("wide") ? "pair" : shape);
    }

    /** Key number {@code n}; increasing in n for the integer shapes (a sorted run). */
    private static Object[] key(String shape, long n) {
        switch (shape) {
            case "long": return new Object[] {n * 3 - 1000};
            case "pair": return new Object[] {n >> 2, (int) (n & 3)};
            case "wide": return new Object[] {(n << 31) - 5, (int) (n % 7)};
            case "text": return new Object[] {"key-" + n, (int) (n % 5)};
            default: return new Object[] {(int) (n % 3), "t" + (n % 11), n};
        }
    }

    private static FieldVector[] cols(VectorSchemaRoot root) {
        return KeyIndexTest.cols(root);
    }

    @ParameterizedTest
    @ValueSource(strings = {"long", "pair", "wide", "text", "three"})
    void aRunThenPartitionsBuiltInPassesMatchAModel(String shape) throws Exception {
        long seed = TestSeed.seed("KeyIndexBuilderTest." + shape);
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            TableDef def = keyTable(shape);
            List<ColumnType> types = def.columns().stream().map(ColumnDef::type).toList();
            int rows = 500 + rnd.nextInt(2500);
            int sortedFor = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(rows - 400); // at least 400 rows after the run: several partitions
            List<Long> order = new ArrayList<>();
            Map<List<Object>, Long> model = new HashMap<>();
            Object[][] batch = seededRows(shape, rows, sortedFor, rnd, order, model);
            try (VectorSchemaRoot root = ArrowRows.root(arrow, def, batch); KeyIndexWriter run = KeyIndexWriter.runOnly(types, memory)) {
                for (int off = 0; off < rows; ) {
                    int len = Math.min(rows - off, 1 + rnd.nextInt(700));
                    assertEquals(-1, run.add(cols(root), off, len, off));
                    off += len;
                }
                boolean runnable = shape.equals("long") || shape.equals("pair") || shape.equals("wide");
                long from = run.hashFrom();
                assertEquals(runnable ? runEnd(order, batch) : 0, from, "the first row the run does not cover");
                assertTrue(from > 0 || !runnable, "a shuffled tail breaks the run");
                int[] reads = {0};
                KeyIndexBuilder.KeyRows source = (fromRowId, window) -> {
                    reads[0]++;
                    for (long off = fromRowId; off < rows; ) {
                        int len = (int) Math.min(rows - off, 1 + rnd.nextInt(900));
                        window.accept(cols(root), (int) off, len, off);
                        off += len;
                    }
                };
                // 1: one partition a pass; else room for at least two of the largest partitions (EXACT: slots of
                // at most MAX_PARTITION bytes, 16 bytes each, plus a grouping buffer of 16 bytes a key, one key at
                // most a slot: under 2 * MAX_PARTITION plus header and footer each), so passes < partitions
                long passBytes = rnd.nextBoolean() ? 1 : 8 * MAX_PARTITION;
                List<ByteBuffer> blobs = new ArrayList<>(run.finish());
                List<ByteBuffer> copies = new ArrayList<>(blobs);
                try (KeyIndexBuilder b = new KeyIndexBuilder(types, memory, source, from, passBytes, MAX_PARTITION)) {
                    for (ByteBuffer part = b.next(); part != null; part = b.next()) {
                        copies.add(copy(part)); // valid until the next call: the pass's memory is freed
                        checkSized(part, shape.equals("wide") || !runnable);
                    }
                    assertNull(b.next(), "the end stays the end");
                    assertEquals(model.values().stream().filter(r -> r >= from).count(), b.keyCount(), "keys hashed");
                    assertTrue(b.partitionCount() > 1, "tiny partitions split: " + b);
                    int passes = reads[0] - (shape.equals("wide") ? 2 : 1); // "wide" counts again once its first pair is found HASHED
                    boolean exact = shape.equals("long") || shape.equals("pair");
                    assertTrue(passBytes == 1 ? passes == b.partitionCount() : exact ? passes < b.partitionCount() : passes <= b.partitionCount(),
                            passes + " passes for " + b.partitionCount() + " partitions of at most " + passBytes + " bytes each pass");
                }
                KeyIndexSegment seg = KeyIndexSegment.open(copies, FILE, "segment", runnable ? types.size() : 0, scanOf(batch));
                assertEquals(model.size(), seg.keyCount());
                assertEquals(shape.equals("long") || shape.equals("pair"), seg.exact());
                probe(def, types, seg, model, shape, rows);
            }
        });
    }

    /**
     * EXACT keys whose pairs fit a quarter of the pass budget are kept by the counting read: the rows
     * are read once; pairs that outgrow it (part-way through the count) are dropped and every pass
     * (several, with that budget) reads the rows again. Either way the same keys are found at their rows.
     */
    @ParameterizedTest
    @ValueSource(strings = {"long", "pair"})
    void pairsKeptByTheCountingReadServeEveryPass(String shape) throws Exception {
        long seed = TestSeed.seed("KeyIndexBuilderTest.kept." + shape);
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            TableDef def = keyTable(shape);
            List<ColumnType> types = def.columns().stream().map(ColumnDef::type).toList();
            int rows = 1500 + rnd.nextInt(1500);
            Map<List<Object>, Long> model = new HashMap<>();
            Object[][] batch = seededRows(shape, rows, 0, rnd, new ArrayList<>(), model);
            int blockPairs = 16 + rnd.nextInt(48);
            long keyBytes = 16L * model.size();
            for (boolean fits : new boolean[] {true, false}) {
                // a quarter of the budget holds every key's pair in whole blocks, or only about half of them
                long budget = fits ? keyBytes + 16L * blockPairs : keyBytes / 2;
                long passBytes = 4 * budget;
                try (VectorSchemaRoot root = ArrowRows.root(arrow, def, batch)) {
                    KeyIndexBuilder.KeyRows source = (fromRowId, window) -> {
                        for (long off = fromRowId; off < rows; ) {
                            int len = (int) Math.min(rows - off, 1 + rnd.nextInt(900));
                            window.accept(cols(root), (int) off, len, off);
                            off += len;
                        }
                    };
                    List<ByteBuffer> copies = new ArrayList<>();
                    try (KeyIndexBuilder b = new KeyIndexBuilder(types, memory, source, 0, passBytes, MAX_PARTITION, blockPairs)) {
                        for (ByteBuffer part = b.next(); part != null; part = b.next()) {
                            copies.add(copy(part));
                            checkSized(part, false);
                        }
                        assertEquals(model.size(), b.keyCount(), "keys hashed");
                        assertTrue(fits || b.passes() > 1, "several passes: " + b);
                        assertEquals(fits ? 1 : 1 + b.passes(), b.reads(), (fits ? "kept" : "dropped") + " pairs, " + b.passes() + " passes");
                    }
                    KeyIndexSegment seg = KeyIndexSegment.open(copies, FILE, "segment", 0, scanOf(batch));
                    assertEquals(model.size(), seg.keyCount());
                    probe(def, types, seg, model, shape, rows);
                }
            }
        });
    }

    /**
     * Rows of keys {@code 0 .. rows - 1} of {@code shape}, in key order for the first {@code sortedFor}
     * rows and shuffled after them ({@code order} receives each row's key number); a row after
     * {@code sortedFor} has a NULL key column one time in 40, every other row goes into {@code model}
     * as key to row id.
     */
    private static Object[][] seededRows(String shape, int rows, int sortedFor, Random rnd, List<Long> order, Map<List<Object>, Long> model) {
        for (long n = 0; n < rows; n++) {
            order.add(n);
        }
        Collections.shuffle(order.subList(sortedFor, rows), rnd); // sorted for a while, then any order
        Object[][] batch = new Object[rows][];
        for (int r = 0; r < rows; r++) {
            batch[r] = key(shape, order.get(r));
            if (r > sortedFor && rnd.nextInt(40) == 0) {
                batch[r][batch[r].length - 1] = null; // a NULL key row: never indexed
            } else {
                model.put(List.of(batch[r]), (long) r);
            }
        }
        return batch;
    }

    /** The first row a sorted run from row 0 does not cover: keys increasing, row ids consecutive (a NULL row leaves a gap). */
    private static long runEnd(List<Long> order, Object[][] batch) {
        long runRows = 0;
        long last = -1;
        for (int r = 0; r < batch.length; r++) {
            if (batch[r][batch[r].length - 1] == null) {
                continue;
            }
            if (runRows > 0 && (r != runRows || order.get(r) <= last)) {
                return r;
            }
            last = order.get(r);
            runRows++;
        }
        return -1;
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocateDirect(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        c.put(b.duplicate());
        return c.flip();
    }

    /** A partition has the fewest slots that hold its keys at the load factor (16 at least), and the mode expected. */
    private static void checkSized(ByteBuffer part, boolean hashed) {
        ByteBuffer b = part.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int shift = b.getInt(KeyIndexPartition.OFF_SLOT_SHIFT);
        long keys = b.getLong(KeyIndexPartition.OFF_KEY_COUNT);
        assertEquals(hashed ? KeyIndexPartition.MODE_HASHED : KeyIndexPartition.MODE_EXACT, b.get(KeyIndexPartition.OFF_MODE));
        assertTrue(keys <= KeyIndexWriter.threshold(shift), keys + " keys in 2^" + shift + " slots");
        assertTrue(shift == KeyIndexPartition.MIN_SLOT_SHIFT || keys > KeyIndexWriter.threshold(shift - 1),
                keys + " keys would fit 2^" + (shift - 1) + " slots");
    }

    /** Finds run keys by a linear scan of the rows: the oracle of the stored columns' binary search. */
    private static KeyRunSearch scanOf(Object[][] batch) {
        return (a, b, from, to) -> {
            for (long r = from; r < to; r++) {
                Object[] row = batch[(int) r];
                if (row[row.length - 1] != null && ((Number) row[0]).longValue() == a
                        && (row.length == 1 || ((Number) row[1]).longValue() == b)) {
                    return r;
                }
            }
            return -1;
        };
    }

    private void probe(TableDef def, List<ColumnType> types, KeyIndexSegment seg, Map<List<Object>, Long> model, String shape, int rows) {
        List<Object[]> probes = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (Map.Entry<List<Object>, Long> e : model.entrySet()) {
            probes.add(e.getKey().toArray());
            expected.add(e.getValue());
        }
        for (long n = rows; n < rows + 200; n++) { // never inserted
            probes.add(key(shape, n));
            expected.add(-1L);
        }
        long[] got = new long[probes.size()];
        try (VectorSchemaRoot root = ArrowRows.root(arrow, def, probes.toArray(new Object[0][]))) {
            KeyIndex.of(types, List.of(seg), List.of()).newFinder().find(cols(root), 0, probes.size(), r -> false, got);
        }
        for (int i = 0; i < got.length; i++) {
            assertEquals((long) expected.get(i), got[i], "probe " + java.util.Arrays.toString(probes.get(i)));
        }
    }

    @Test
    void aRepeatedKeyIsAnInternalErrorNamingItsRow() throws Exception {
        TableDef def = keyTable("long");
        List<ColumnType> types = List.of(ColumnType.int64());
        Object[][] batch = {{5L}, {3L}, {9L}, {3L}};
        try (VectorSchemaRoot root = ArrowRows.root(arrow, def, batch);
             KeyIndexBuilder b = new KeyIndexBuilder(types, memory, (from, w) -> w.accept(cols(root), (int) from, 4 - (int) from, from), 1, 1L << 20)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, b::next);
            assertEquals("key index build: row id 3 repeats a key of an earlier row, which the load's key checks passed", e.getMessage());
        }
    }
}
