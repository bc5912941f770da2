package dev.ingot.constraints.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ArrowRows;
import dev.ingot.constraints.KeySetKind;
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
 * {@link SpillingKeySet} and {@link ExternalForeignKey} against a {@code java.util} model, with
 * runs of a few keys each so that a key and its duplicate fall in different runs, and with the
 * switch to the external check in the middle of a batch: the first duplicate (row and key) and the
 * first orphan are exactly the model's, and no file is left. Keys that arrive in order
 * ({@link KeyRuns}' ordered prefix, the streamed join of {@link ExternalForeignKey}): strictly
 * increasing keys need no sort and no merge; a duplicate of the last key, a key out of order after
 * N keys and a duplicate of an earlier key after the order broke, and foreign keys in order with
 * orphans in the middle give exactly the model's row and key.
 */
class SpillingKeySetTest {
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

    private static String hex128(Random rnd) {
        return String.format("%016x%016x", rnd.nextLong(), rnd.nextLong());
    }

    private static Object[] randomRow(Kind kind, Random rnd) {
        return switch (kind) {
            case SINGLE -> new Object[] {rnd.nextInt(30) == 0 ? null : rnd.nextLong() >> rnd.nextInt(50)};
            case COMPOSITE -> new Object[] {(long) rnd.nextInt(1 << 20), rnd.nextInt(8)};
            case TEXT -> new Object[] {rnd.nextInt(30) == 0 ? null : hex128(rnd)};
        };
    }

    /** A row whose key is drawn from about {@code 2 * n} values (composite: from fewer first columns). */
    private static Object[] fewKeysRow(Kind kind, Random rnd, int n) {
        return switch (kind) {
            case SINGLE -> new Object[] {(long) rnd.nextInt(2 * n) - n};
            case COMPOSITE -> new Object[] {(long) rnd.nextInt(n / 4), rnd.nextInt(8)};
            case TEXT -> new Object[] {"k" + rnd.nextInt(2 * n)};
        };
    }

    /** What a check found: "row R key [..]" or "none". */
    private static String describe(long row, List<Object> key) {
        return row < 0 ? "none" : "row " + row + " key " + key;
    }

    /** The model's first duplicate: the lowest row whose key (without NULLs) an earlier row holds. */
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

    /** Feeds {@code rows} in random batches; the first duplicate found in memory or by the merge. */
    private String spilledDuplicate(SpillingKeySet set, TableDef def, List<Object[]> rows, Random rnd, boolean keepKeys) {
        int from = 0;
        while (from < rows.size()) {
            int to = Math.min(rows.size(), from + 1 + rnd.nextInt(300));
            try (VectorSchemaRoot b = ArrowRows.root(arrow, def, rows.subList(from, to).toArray(new Object[0][]))) {
                FieldVector[] cols = b.getFieldVectors().toArray(new FieldVector[0]);
                int d = set.addBatch(cols, 0, to - from, from);
                if (d >= 0) {
                    return describe(from + d, Arrays.asList(rows.get(from + d)));
                }
            }
            from = to;
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

    @Test
    void theFirstDuplicateIsTheModelsInDifferentRunsAndAcrossTheSwitch() throws Exception {
        long seed = TestSeed.seed("SpillingKeySetTest");
        Random rnd = new Random(seed);
        int spilled = 0;
        for (int round = 0; round < 60; round++) {
            Kind kind = Kind.values()[round % 3];
            TableDef def = table(kind);
            List<Object[]> rows = new ArrayList<>();
            int n = 200 + rnd.nextInt(3000);
            boolean fewKeys = round % 5 == 4; // keys repeat within one run: the first duplicate is the second row of its key there
            for (int i = 0; i < n; i++) {
                rows.add(fewKeys ? fewKeysRow(kind, rnd, n) : randomRow(kind, rnd));
            }
            if (round % 4 != 0 && !fewKeys) { // a duplicate of a far earlier row (other run; often before the switch)
                int dup = n / 2 + rnd.nextInt(n / 2);
                rows.set(dup, rows.get(rnd.nextInt(Math.max(1, n / 8))).clone());
            }
            // shares: none fits (spills at the first key), or the switch comes in the middle of the load
            long share = new long[] {1 << 10, 5 << 10, 9 << 10, 1 << 20}[rnd.nextInt(4)];
            String where = kind + " round " + round + " share " + share + " seed " + seed;
            try (SpillingKeySet set = newSet(def, share, 2 + rnd.nextInt(40))) {
                assertEquals(modelDuplicate(rows), spilledDuplicate(set, def, rows, rnd, false), where);
                if (set.isExternal()) {
                    spilled++;
                    assertEquals(KeySetKind.EXTERNAL, set.kind());
                    assertTrue(set.spilledBytes() > 0);
                }
            }
            assertEquals(List.of(), files(), where);
        }
        assertTrue(spilled > 20, "spilled " + spilled);
    }

    /**
     * Random 128-bit text keys (no order, no density) far beyond a 64 KiB share: the spill path is
     * taken, the duplicate found is exact, and a foreign key checked against the published keys by
     * merge join finds exactly the one orphan.
     */
    @Test
    void random128BitTextKeysSpillAndStayExact() throws Exception {
        long seed = TestSeed.seed("SpillingKeySetTest.text");
        Random rnd = new Random(seed);
        TableDef def = table(Kind.TEXT);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 60_000; i++) {
            rows.add(new Object[] {hex128(rnd)});
        }
        List<Object[]> damaged = new ArrayList<>(rows);
        int dupRow = 40_000 + rnd.nextInt(20_000);
        damaged.set(dupRow, rows.get(rnd.nextInt(1000)));
        try (SpillingKeySet set = newSet(def, 64 << 10, 5000)) {
            String found = spilledDuplicate(set, def, damaged, rnd, false);
            assertTrue(set.isExternal());
            assertEquals(describe(dupRow, Arrays.asList(damaged.get(dupRow))), found);
            assertEquals(modelDuplicate(damaged), found);
        }
        assertEquals(List.of(), files());
        // clean keys: none repeats; published sorted keys; children with one orphan
        try (SpillingKeySet set = newSet(def, 64 << 10, 5000);
             ExternalForeignKey fk = new ExternalForeignKey(types(def), new SpillDirectory(tmp.resolve("spill"), 7000), null)) {
            assertEquals("none", spilledDuplicate(set, def, rows, rnd, true));
            set.freeze(true);
            assertEquals(KeySetKind.EXTERNAL, set.kind());
            assertEquals(60_000, set.size());
            assertEquals(60_000, set.publishedKeys().keys());
            assertThrows(IllegalStateException.class, set::newProber);
            List<Object[]> children = new ArrayList<>();
            for (int i = 0; i < 30_000; i++) {
                children.add(rnd.nextInt(50) == 0 ? new Object[] {null} : rows.get(rnd.nextInt(rows.size())));
            }
            int orphanRow = 10_000 + rnd.nextInt(20_000);
            String orphan = hex128(rnd);
            children.set(orphanRow, new Object[] {orphan});
            children.set(orphanRow + 1 + rnd.nextInt(30_000 - orphanRow - 1), new Object[] {hex128(rnd)}); // a later orphan
            for (int from = 0; from < children.size(); from += 4096) {
                int to = Math.min(children.size(), from + 4096);
                try (VectorSchemaRoot b = ArrowRows.root(arrow, def, children.subList(from, to).toArray(new Object[0][]))) {
                    fk.addBatch(b.getFieldVectors().toArray(new FieldVector[0]), 0, to - from, from);
                }
            }
            SpilledViolation v = fk.firstOrphan(set, Long.MAX_VALUE);
            assertEquals(describe(orphanRow, List.of(orphan)), describe(v.rowId(), v.keyValues()));
            assertNull(fk.firstOrphan(set, orphanRow), "nothing below the first orphan");
            assertTrue(files().size() > 2, "runs and the key file exist until closed");
        }
        assertEquals(List.of(), files());
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
        long seed = TestSeed.seed("SpillingKeySetTest.ordered");
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
                assertEquals(modelDuplicate(rows), spilledDuplicate(set, def, rows, rnd, keepKeys), where);
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
        assertEquals("none", spilledDuplicate(set, def, parents, rnd, true));
        set.freeze(true);
        assertTrue(set.isExternal());
        return set;
    }

    @Test
    void foreignKeysInOrderAreJoinedAsTheyComeAndFindTheModelsOrphan() throws Exception {
        long seed = TestSeed.seed("SpillingKeySetTest.ordered.fk");
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
        Random rnd = new Random(TestSeed.seed("SpillingKeySetTest.ordered.rowsBack"));
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
            assertEquals("a key of 16 bytes in runs of 8-byte keys",
                    assertThrows(IllegalArgumentException.class, () -> runs.addSortable(new byte[16], 16, 11)).getMessage());
            assertFalse(runs.isOrdered(), "the wrong key broke the order before it was refused");
        }
        try (KeyRuns runs = new KeyRuns(dir, types(def), true)) {
            byte[] k = new byte[8];
            KeySet.putLongLE(k, 0, 5);
            runs.add(k, 8, 10);
            try (SortedKeyFile keys = runs.takeOrderedKeys()) {
                assertEquals(1, keys.keys());
                assertEquals("only the keys of a distinct set that stayed in order can be taken, once",
                        assertThrows(IllegalStateException.class, runs::takeOrderedKeys).getMessage());
            }
        }
        assertEquals(List.of(), files());
    }
}
