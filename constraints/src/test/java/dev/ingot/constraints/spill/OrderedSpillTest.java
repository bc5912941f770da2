package dev.ingot.constraints.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ArrowRows;
import dev.ingot.constraints.internal.KeySet;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spilled checks of keys that arrive in order ({@link KeyRuns}' ordered prefix, the streamed join of
 * {@link ExternalForeignKey}) against a {@code java.util} model: strictly increasing keys need no
 * sort and no merge, a duplicate of the last key, a key out of order after N keys and a duplicate
 * of an earlier key after the order broke, and foreign keys in order with an orphan in the middle
 * give exactly the model's row and key; no file is left.
 */
class OrderedSpillTest {
    @TempDir
    Path tmp;
    private BufferAllocator arrow;
    private NativeAllocator root;

    @BeforeEach
    void open() {
        arrow = TestAllocators.arrow();
        root = NativeAllocator.root("test", 1L << 30, "--memory-limit-mb");
    }

    @AfterEach
    void close() {
        assertEquals(0, root.allocatedBytes());
        root.close();
        arrow.close();
    }

    enum Kind { SINGLE, COMPOSITE, TEXT }

    private static TableDef table(Kind kind) {
        return switch (kind) {
            case SINGLE -> new TableDef("t", List.of(ColumnDef.nullable("a", ColumnType.int64())), List.of());
            case COMPOSITE -> new TableDef("t", List.of(ColumnDef.notNull("a", ColumnType.int64()), ColumnDef.notNull("b", ColumnType.int32())), List.of());
            case TEXT -> new TableDef("t", List.of(ColumnDef.nullable("a", ColumnType.varchar(40))), List.of());
        };
    }

    private static List<ColumnType> types(TableDef def) {
        return def.columns().stream().map(ColumnDef::type).toList();
    }

    /**
     * The {@code i}-th key of an ascending sequence: negative and positive numbers (the sign bit
     * must sort), several lines per order for the composite key, zero-padded hex for text.
     */
    private static Object[] ordered(Kind kind, long i) {
        return switch (kind) {
            case SINGLE -> new Object[] {(i - 500) * 1_000_003L};
            case COMPOSITE -> new Object[] {(i / 4 - 100) * 300L, (int) (i % 4) * 70 - 100};
            case TEXT -> new Object[] {String.format("k%012x", i * 977)};
        };
    }

    private static String describe(long row, List<Object> key) {
        return row < 0 ? "none" : "row " + row + " key " + key;
    }

    private static String modelDuplicate(List<Object[]> rows) {
        Set<List<Object>> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            List<Object> k = Arrays.asList(rows.get(i));
            if (!k.contains(null) && !seen.add(k)) {
                return describe(i, k);
            }
        }
        return "none";
    }

    private static String modelOrphan(List<Object[]> parents, List<Object[]> children) {
        Set<List<Object>> keys = new HashSet<>();
        parents.forEach(r -> keys.add(Arrays.asList(r)));
        for (int i = 0; i < children.size(); i++) {
            List<Object> k = Arrays.asList(children.get(i));
            if (!k.contains(null) && !keys.contains(k)) {
                return describe(i, k);
            }
        }
        return "none";
    }

    private void feed(List<Object[]> rows, TableDef def, Random rnd, BatchSink sink) {
        for (int from = 0; from < rows.size(); ) {
            int to = Math.min(rows.size(), from + 1 + rnd.nextInt(300));
            try (VectorSchemaRoot b = ArrowRows.root(arrow, def, rows.subList(from, to).toArray(new Object[0][]))) {
                if (sink.accept(b.getFieldVectors().toArray(new FieldVector[0]), to - from, from)) {
                    return;
                }
            }
            from = to;
        }
    }

    @FunctionalInterface
    private interface BatchSink {
        /** @return true to stop */
        boolean accept(FieldVector[] cols, int length, long firstRowId);
    }

    /** Feeds {@code rows}; the first duplicate found in memory or by the external check. */
    private String duplicate(SpillingKeySet set, TableDef def, List<Object[]> rows, Random rnd, boolean keepKeys) {
        String[] found = {null};
        feed(rows, def, rnd, (cols, length, first) -> {
            int d = set.addBatch(cols, 0, length, first);
            if (d >= 0) {
                found[0] = describe(first + d, Arrays.asList(rows.get((int) first + d)));
            }
            return d >= 0;
        });
        if (found[0] != null) {
            return found[0];
        }
        SpilledViolation v = set.firstDuplicate(Long.MAX_VALUE, keepKeys);
        return v == null ? "none" : describe(v.rowId(), v.keyValues());
    }

    private SpillingKeySet newSet(TableDef def, long shareBytes, int runEntries) {
        NativeAllocator share = root.newChild("t.k", shareBytes);
        return new SpillingKeySet(KeySet.create(types(def), share, 0, 0.75f, true), types(def), share,
                new SpillDirectory(tmp.resolve("spill"), runEntries));
    }

    private List<Path> files() throws Exception {
        if (!Files.isDirectory(tmp.resolve("spill"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(tmp.resolve("spill"))) {
            return s.toList();
        }
    }

    /** 0: in order; 1: a duplicate of the last key; 2: out of order after N, then a duplicate of a key before N; 3: out of order, then a duplicate of a key after the break. */
    private static List<Object[]> damaged(Kind kind, int n, int damage, Random rnd) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(ordered(kind, i));
        }
        int at = n / 3 + rnd.nextInt(n / 3);
        if (damage == 1) {
            rows.set(at, rows.get(at - 1).clone());
        } else if (damage >= 2) {
            rows.set(at, ordered(kind, n + 5)); // a new key, greater: the next one is then out of order
            int src = damage == 2 ? rnd.nextInt(at) : at + 1 + rnd.nextInt((n - at) / 2);
            int dup = Math.max(at, src) + 1 + rnd.nextInt(n - Math.max(at, src) - 1);
            rows.set(dup, rows.get(src).clone());
        }
        return rows;
    }

    @Test
    void keysInOrderNeedNoMergeAndADuplicateOrBreakFallsBackExactly() throws Exception {
        long seed = TestSeed.seed("OrderedSpillTest");
        Random rnd = new Random(seed);
        int inOrder = 0;
        for (int round = 0; round < 48; round++) {
            Kind kind = Kind.values()[round % 3];
            int damage = (round / 3) % 4;
            TableDef def = table(kind);
            int n = 500 + rnd.nextInt(2500);
            List<Object[]> rows = damaged(kind, n, damage, rnd);
            // a share that fits nothing (the switch at the first key), or one that fits the first log segments
            long share = (round / 12) % 2 == 0 ? 1 << 10 : 9 << 10;
            boolean keepKeys = rnd.nextBoolean();
            String where = kind + " damage " + damage + " share " + share + " round " + round + " seed " + seed;
            try (SpillingKeySet set = newSet(def, share, 2 + rnd.nextInt(40))) {
                assertEquals(modelDuplicate(rows), duplicate(set, def, rows, rnd, keepKeys), where);
                if (set.isExternal() && damage == 0 && (kind != Kind.TEXT || share == 1 << 10)) {
                    // every key in order: no sort, no merge; the keys file is the published keys
                    assertTrue(set.keysInOrder(), where);
                    inOrder++;
                    set.freeze(true);
                    assertEquals(n, set.publishedKeys().keys(), where);
                    assertEquals(1, files().size(), where + ": only the keys file");
                    assertEquals(set.publishedKeys().bytes(), set.spilledBytes(), where + ": the keys were written once, not merged again");
                } else if (set.isExternal() && damage >= 2) {
                    assertFalse(set.keysInOrder(), where);
                }
            }
            assertEquals(List.of(), files(), where);
        }
        assertTrue(inOrder >= 6, "in order " + inOrder);
    }

    /** A published parent of ordered keys (spilled at the first key), all of them in the keys file. */
    private SpillingKeySet publishedParent(TableDef def, List<Object[]> parents, Random rnd) {
        SpillingKeySet set = newSet(def, 1 << 10, 50);
        assertEquals("none", duplicate(set, def, parents, rnd, true));
        set.freeze(true);
        assertTrue(set.isExternal());
        return set;
    }

    @Test
    void foreignKeysInOrderAreJoinedAsTheyComeAndFindTheModelsOrphan() throws Exception {
        long seed = TestSeed.seed("OrderedSpillTest.fk");
        Random rnd = new Random(seed);
        for (int round = 0; round < 36; round++) {
            Kind kind = Kind.values()[round % 3];
            // 0 none; 1 an orphan in the middle; 2 out of order, then an orphan; 3 an orphan in order, then out of order and a lower-keyed orphan
            int damage = (round / 3) % 4;
            TableDef def = table(kind);
            List<Object[]> parents = new ArrayList<>();
            for (int i = 0; i < 800; i++) {
                parents.add(ordered(kind, 2 * i)); // odd i: no parent has that key
            }
            // children in order: 0-5 rows per parent key, NULLs among them; an orphan in order before the keys of parent p
            int orphanBefore = damage == 1 || damage == 3 ? 100 + rnd.nextInt(600) : -1;
            int laterOrphanBefore = damage == 1 ? orphanBefore + 1 + rnd.nextInt(99) : -1; // a second one, in order too
            List<Object[]> children = new ArrayList<>();
            for (int p = 0; p < parents.size(); p++) {
                if (p == orphanBefore || p == laterOrphanBefore) {
                    children.add(ordered(kind, 2 * p - 1));
                }
                for (int j = rnd.nextInt(6); j > 0; j--) {
                    children.add(kind != Kind.COMPOSITE && rnd.nextInt(40) == 0 ? new Object[] {null} : parents.get(p).clone());
                }
            }
            if (damage >= 2) {
                int size = children.size();
                int back = size / 2 + rnd.nextInt(size / 4);
                children.set(back, parents.get(rnd.nextInt(10)).clone()); // out of order
                children.set(back + 1 + rnd.nextInt(size / 5), ordered(kind, 1)); // an orphan after the break
            }
            String where = kind + " damage " + damage + " round " + round + " seed " + seed;
            try (SpillingKeySet parent = publishedParent(def, parents, rnd);
                 ExternalForeignKey fk = new ExternalForeignKey(types(def), new SpillDirectory(tmp.resolve("spill"), 2 + rnd.nextInt(60)), parent)) {
                feed(children, def, rnd, (cols, length, first) -> {
                    fk.addBatch(cols, 0, length, first);
                    return false;
                });
                SpilledViolation v = fk.firstOrphan(parent, Long.MAX_VALUE);
                String model = modelOrphan(parents, children);
                assertEquals(model, v == null ? "none" : describe(v.rowId(), v.keyValues()), where);
                if (damage <= 1) {
                    assertEquals(0, fk.spilledBytes(), where + ": joined as they came, nothing written");
                    assertEquals(fk.keys(), fk.streamedKeys(), where);
                } else {
                    assertTrue(fk.spilledBytes() > 0, where);
                }
                if (v != null) {
                    assertEquals(null, fk.firstOrphan(parent, v.rowId()), where + ": nothing below the first orphan");
                }
            }
            assertEquals(List.of(), files(), where);
        }
    }

    /**
     * Keys in order whose rows go back (a self-reference's rows read back after later rows): the
     * streamed join stops at the first row that goes back, so a lower orphan there is still found.
     */
    @Test
    void keysInOrderWithRowsGoingBackAreNotStreamed() throws Exception {
        TableDef def = table(Kind.SINGLE);
        List<Object[]> parents = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            parents.add(ordered(Kind.SINGLE, 2 * i));
        }
        Random rnd = new Random(TestSeed.seed("OrderedSpillTest.rowsBack"));
        try (SpillingKeySet parent = publishedParent(def, parents, rnd);
             ExternalForeignKey fk = new ExternalForeignKey(types(def), new SpillDirectory(tmp.resolve("spill"), 30), parent)) {
            List<Object[]> late = new ArrayList<>(); // rows 1000..1099: parents 0..99, an orphan at row 1050
            List<Object[]> early = new ArrayList<>(); // rows 0..99: parents 200..299 (greater keys), an orphan at row 50
            for (int i = 0; i < 100; i++) {
                late.add(i == 50 ? ordered(Kind.SINGLE, 2 * i + 1) : parents.get(i));
                early.add(i == 50 ? ordered(Kind.SINGLE, 2 * (200 + i) + 1) : parents.get(200 + i));
            }
            for (int part = 0; part < 2; part++) {
                List<Object[]> rows = part == 0 ? late : early;
                try (VectorSchemaRoot b = ArrowRows.root(arrow, def, rows.toArray(new Object[0][]))) {
                    fk.addBatch(b.getFieldVectors().toArray(new FieldVector[0]), 0, 100, part == 0 ? 1000 : 0);
                }
            }
            SpilledViolation v = fk.firstOrphan(parent, Long.MAX_VALUE);
            assertEquals("row 50 key " + Arrays.asList(early.get(50)), describe(v.rowId(), v.keyValues()));
            assertEquals(100, fk.streamedKeys());
        }
        assertEquals(List.of(), files());
    }

    @Test
    void aFrontCodedKeyThatSharesMoreThanThePreviousKeyIsCorrupt() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (SpillStreams.Out out = new SpillStreams.Out(bytes)) {
            out.frontKey(new byte[] {1, 2, 3}, 0, 3);
            out.frontKey(new byte[] {9, 1, 2, 4}, 1, 3); // shares 2 bytes
        }
        assertEquals(List.of(0, 3, 1, 2, 3, 2, 1, 4), toList(bytes.toByteArray()));
        try (SpillStreams.In in = new SpillStreams.In(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            byte[] k = in.frontKey(new byte[1]);
            assertEquals(List.of(1, 2, 3), toList(Arrays.copyOf(k, in.keyLength())));
            k = in.frontKey(k);
            assertEquals(List.of(1, 2, 4), toList(Arrays.copyOf(k, in.keyLength())));
        }
        try (SpillStreams.In in = new SpillStreams.In(new java.io.ByteArrayInputStream(new byte[] {2, 1, 7}))) {
            assertEquals("corrupt front-coded key in spill file: shares 2 of 0 bytes",
                    assertThrows(java.io.IOException.class, () -> in.frontKey(new byte[4])).getMessage());
        }
    }

    private static List<Integer> toList(byte[] b) {
        List<Integer> out = new ArrayList<>();
        for (byte x : b) {
            out.add((int) x);
        }
        return out;
    }

    @Test
    void theSortableEncodingOrdersIntegersNumericallyAndChecksTheLayout() {
        SortableKeys keys = new SortableKeys(List.of(ColumnType.int64(), ColumnType.varchar(10), ColumnType.int32()));
        long[] values = {Long.MIN_VALUE, -300, -1, 0, 1, 255, 256, Long.MAX_VALUE};
        byte[] previous = null;
        for (long v : values) {
            byte[] k = new byte[8 + 4 + 2 + 8];
            KeySet.putLongLE(k, 0, v);
            k[8] = 2; // length 2, little-endian
            k[12] = 'a';
            k[13] = 'b';
            KeySet.putLongLE(k, 14, -v);
            byte[] original = k.clone();
            keys.toSortable(k, k.length);
            if (previous != null) {
                assertTrue(Arrays.compareUnsigned(previous, k) < 0, "after " + v);
            }
            previous = k.clone();
            keys.toRowEncoding(k, k.length);
            assertTrue(Arrays.equals(original, k), "round trip of " + v);
        }
        assertEquals("a key of 21 bytes does not match its columns (20 bytes)",
                assertThrows(IllegalArgumentException.class, () -> keys.toSortable(new byte[21], 21)).getMessage());
    }

    @Test
    void aKeySetsRowsMustComeInOrderAndItsOrderedKeysAreTakenOnce() throws Exception {
        TableDef def = table(Kind.SINGLE);
        SpillDirectory dir = new SpillDirectory(tmp.resolve("spill"), 10);
        try (KeyRuns runs = new KeyRuns(dir, types(def), true)) {
            byte[] k = new byte[8];
            KeySet.putLongLE(k, 0, 5);
            runs.add(k, 8, 10);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runs.add(k, 8, 9));
            assertEquals("row 9 after row 10: a key set's rows come in order", e.getMessage());
            assertTrue(runs.isOrdered());
            try (SortedKeyFile keys = runs.takeOrderedKeys()) {
                assertEquals(1, keys.keys());
                assertEquals("only the keys of a distinct set that stayed in order can be taken, once",
                        assertThrows(IllegalStateException.class, runs::takeOrderedKeys).getMessage());
            }
        }
        assertEquals(List.of(), files());
    }
}
