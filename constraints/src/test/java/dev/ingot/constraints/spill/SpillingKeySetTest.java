package dev.ingot.constraints.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * first orphan are exactly the model's, and no file is left.
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
            for (int i = 0; i < n; i++) {
                rows.add(randomRow(kind, rnd));
            }
            if (round % 4 != 0) { // a duplicate of a far earlier row (other run; often before the switch)
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
}
