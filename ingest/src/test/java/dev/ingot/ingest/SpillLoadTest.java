package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.KeySetKind;
import dev.ingot.constraints.KeySetReport;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads whose key sets do not fit a tiny memory limit and are checked externally (spilled runs,
 * merge, merge join): for single, composite and text keys, in IMMEDIATE and DEFERRED mode, the
 * load fails with exactly the message of the same load with ample memory, at the row a
 * {@code java.util} model computes, or commits with every key in the report checked externally;
 * no spill file is left behind.
 */
class SpillLoadTest {
    /** Small enough that every set spills at its first key (share below the first 4 KiB log segment). */
    private static final long TINY = 3 << 10;
    /** Room for the first log segments, not for the whole set: the switch comes in the middle of the load. */
    private static final long SMALL = 24 << 10;
    private static final int PARENTS = 1500;
    private static final int CHILDREN = 3000;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("spill-load", 1L << 30);
    private int stores;

    enum KeyKind { SINGLE, COMPOSITE, TEXT }

    private static TableDef parent(KeyKind kind) {
        List<String> key = switch (kind) {
            case SINGLE -> List.of("a");
            case COMPOSITE -> List.of("a", "b");
            case TEXT -> List.of("t");
        };
        return new TableDef("p", List.of(ColumnDef.notNull("a", ColumnType.int64()), ColumnDef.notNull("b", ColumnType.int32()),
                ColumnDef.notNull("t", ColumnType.varchar(40)), ColumnDef.nullable("u", ColumnType.int64())),
                List.of(ConstraintSpec.primaryKey("p_pk", key.toArray(new String[0])), ConstraintSpec.unique("p_u", "u")));
    }

    private static TableDef child(KeyKind kind) {
        List<String> from = switch (kind) {
            case SINGLE -> List.of("ra");
            case COMPOSITE -> List.of("ra", "rb");
            case TEXT -> List.of("rt");
        };
        List<String> to = switch (kind) {
            case SINGLE -> List.of("a");
            case COMPOSITE -> List.of("a", "b");
            case TEXT -> List.of("t");
        };
        return new TableDef("c", List.of(ColumnDef.notNull("k", ColumnType.int64()), ColumnDef.nullable("ra", ColumnType.int64()),
                ColumnDef.nullable("rb", ColumnType.int32()), ColumnDef.nullable("rt", ColumnType.varchar(40))),
                List.of(ConstraintSpec.primaryKey("c_pk", "k"), ConstraintSpec.foreignKey("c_p_fk", from, "p", to)));
    }

    /** A random 128-bit key as 32 hex digits: no order, no density. */
    private static String hex128(Random rnd) {
        return String.format("%016x%016x", rnd.nextLong(), rnd.nextLong());
    }

    /** The parent's key columns of a row, as the model compares them. */
    private static List<Object> parentKey(KeyKind kind, Object[] row) {
        return switch (kind) {
            case SINGLE -> List.of(row[0]);
            case COMPOSITE -> List.of(row[0], row[1]);
            case TEXT -> List.of(row[2]);
        };
    }

    private static List<Object> childRef(KeyKind kind, Object[] row) {
        List<Object> ref = switch (kind) {
            case SINGLE -> Arrays.asList(row[1]);
            case COMPOSITE -> Arrays.asList(row[1], row[2]);
            case TEXT -> Arrays.asList(row[3]);
        };
        return ref.contains(null) ? null : ref;
    }

    /** One damaged (or clean) data set and what the model says about it. */
    private record Scenario(List<Object[]> parents, List<Object[]> children, String expectedConstraint, long expectedRow) {}

    private static Scenario scenario(KeyKind kind, Random rnd, int damage) {
        List<Object[]> parents = new ArrayList<>();
        Set<Long> as = new HashSet<>();
        for (int i = 0; i < PARENTS; i++) {
            long a;
            do {
                a = rnd.nextLong() >> rnd.nextInt(40); // unordered, sparse
            } while (!as.add(a));
            Long u = rnd.nextInt(10) == 0 ? null : (long) i * 7 + 3;
            parents.add(new Object[] {a, rnd.nextInt(4), hex128(rnd), u});
        }
        List<Object[]> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            Object[] p = parents.get(rnd.nextInt(PARENTS));
            boolean nullRef = rnd.nextInt(20) == 0;
            children.add(new Object[] {(long) i * 3 + 1, nullRef ? null : p[0], p[1], nullRef ? null : p[2]});
        }
        // damage: 0 none; 1 parent key dup; 2 parent unique dup; 3 child key dup; 4 orphan; 5 dup + orphan in the child
        if (damage == 1) {
            int i = PARENTS / 2 + rnd.nextInt(PARENTS / 2);
            Object[] src = parents.get(rnd.nextInt(PARENTS / 10)); // far earlier: another run, before or after the switch
            Object[] row = parents.get(i);
            row[0] = src[0];
            row[1] = src[1];
            row[2] = src[2];
        } else if (damage == 2) {
            int i = PARENTS - 1 - rnd.nextInt(100);
            parents.get(i)[3] = 3L; // row 0's u
            parents.get(0)[3] = 3L;
        } else if (damage >= 3) {
            int dupRow = CHILDREN / 3 + rnd.nextInt(CHILDREN / 2);
            int orphanRow = CHILDREN / 3 + rnd.nextInt(CHILDREN / 2);
            if (damage != 4) {
                children.get(dupRow)[0] = children.get(rnd.nextInt(100))[0];
            }
            if (damage != 3) {
                Object[] c = children.get(orphanRow);
                c[1] = 5L + 2 * rnd.nextInt(1000); // odd-free: a bare small number is no parent's a (model decides)
                c[2] = 9; // b is 0..3 in every parent
                c[3] = "not-a-key-" + orphanRow;
            }
        }
        return model(kind, parents, children);
    }

    /** The model: the lowest violating row, for one row PRIMARY KEY before UNIQUE before FOREIGN KEY. */
    private static Scenario model(KeyKind kind, List<Object[]> parents, List<Object[]> children) {
        Set<List<Object>> keys = new HashSet<>();
        Set<Object> us = new HashSet<>();
        for (int i = 0; i < parents.size(); i++) {
            Object[] r = parents.get(i);
            if (!keys.add(parentKey(kind, r))) {
                return new Scenario(parents, children, "p_pk", i);
            }
            if (r[3] != null && !us.add(r[3])) {
                return new Scenario(parents, children, "p_u", i);
            }
        }
        Set<Object> ks = new HashSet<>();
        for (int i = 0; i < children.size(); i++) {
            Object[] r = children.get(i);
            if (!ks.add(r[0])) {
                return new Scenario(parents, children, "c_pk", i);
            }
            List<Object> ref = childRef(kind, r);
            if (ref != null && !keys.contains(ref)) {
                return new Scenario(parents, children, "c_p_fk", i);
            }
        }
        return new Scenario(parents, children, null, -1);
    }

    private String load(KeyKind kind, Scenario s, ConstraintMode mode, NativeAllocator memory, int batchRows, List<KeySetReport> sets)
            throws IOException {
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s" + stores++))) {
            LoadReport r = MemoryRows.load(store, memory, mem.arrow(), LoadOptions.defaults().withMode(mode).withParallelism(1, 1),
                    List.of(parent(kind), child(kind)), Map.of("p", s.parents(), "c", s.children()), batchRows);
            r.tables().forEach(t -> sets.addAll(t.keySets()));
            return r.failure() == null ? "committed" : r.failure().getMessage();
        }
    }

    /** Spill files (and spill directories) left anywhere under the test's directory. */
    private List<Path> leftovers() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith("ingot-spill-")
                    || p.getFileName().toString().equals(".ingot-spill")).toList();
        }
    }

    @Test
    void spilledChecksReportExactlyTheInMemoryFirstViolation() throws Exception {
        long seed = TestSeed.seed("SpillLoadTest");
        Random rnd = new Random(seed);
        int external = 0;
        List<String> nothingSpilled = new ArrayList<>();
        for (KeyKind kind : KeyKind.values()) {
            for (int damage = 0; damage <= 5; damage++) {
                Scenario s = scenario(kind, rnd, damage);
                for (ConstraintMode mode : List.of(ConstraintMode.IMMEDIATE, ConstraintMode.DEFERRED)) {
                    int batchRows = new int[] {7, 300, 4096}[rnd.nextInt(3)];
                    String where = kind + " damage " + damage + " " + mode + " batch " + batchRows + " seed " + seed;
                    int[] count = {0};
                    SpillDifferential.assertSameUnderLimits(mem.ingot(), where, s.expectedConstraint(), s.expectedRow(), new long[] {TINY, SMALL},
                            (memory, sets) -> load(kind, s, mode, memory, batchRows, sets), (limit, sets) -> {
                                for (KeySetReport k : sets) {
                                    if (k.kind() == KeySetKind.EXTERNAL) {
                                        count[0]++;
                                        if (k.spilledBytes() == 0) {
                                            nothingSpilled.add(where + ": " + k);
                                        }
                                    }
                                }
                                if (s.expectedConstraint() == null && limit == TINY) {
                                    // every key set and the foreign key were checked externally, all keys counted
                                    assertEquals(List.of("p_pk/external/" + PARENTS, "p_u/external/" + s.parents().stream().filter(r -> r[3] != null).count(),
                                                    "c_pk/external/" + CHILDREN, "c_p_fk/external/" + s.children().stream().filter(r -> childRef(kind, r) != null).count()),
                                            sets.stream().map(k -> k.constraint() + "/" + k.kind().label() + "/" + k.keys()).toList(), where);
                                }
                                assertEquals(List.of(), leftovers(), where);
                            });
                    external += count[0];
                }
            }
        }
        assertTrue(external > 0);
        assertEquals(List.of(), nothingSpilled, "an external check reports the bytes it spilled");
    }

    /** Parent row {@code i} of a data set whose keys all arrive in order: its key sorts by {@code x}. */
    private static Object[] orderedParent(long x, int i) {
        return new Object[] {x, i % 4, String.format("p%09d", x + 1_000_000), (long) i * 7 + 3}; // text: non-negative, zero-padded
    }

    /**
     * Keys that arrive in order (parent keys, UNIQUE values, child keys and references ascending),
     * with one kind of damage: 0 none; 1 a parent key repeating the last one; 2 a parent key out of
     * order, then a repeat of an earlier key; 3 an orphan in order in the middle of the children;
     * 4 a reference out of order, then an orphan; 5 a child key repeating the last one.
     */
    private static Scenario orderedScenario(KeyKind kind, Random rnd, int damage) {
        List<Object[]> parents = new ArrayList<>();
        for (int i = 0; i < PARENTS; i++) {
            parents.add(orderedParent(5L * i - 2000, i));
        }
        int orphanBefore = damage == 3 ? PARENTS / 4 + rnd.nextInt(PARENTS / 2) : -1;
        List<Object[]> children = new ArrayList<>();
        for (int p = 0; p < PARENTS && children.size() < CHILDREN; p++) {
            if (p == orphanBefore) {
                Object[] o = orderedParent(5L * p - 2002, 0); // between the keys of parents p - 1 and p
                children.add(new Object[] {(long) children.size() * 3 + 1, o[0], 0, o[2]});
            }
            for (int j = rnd.nextInt(4); j > 0 && children.size() < CHILDREN; j--) {
                Object[] r = parents.get(p);
                boolean nullRef = rnd.nextInt(20) == 0;
                children.add(new Object[] {(long) children.size() * 3 + 1, nullRef ? null : r[0], r[1], nullRef ? null : r[2]});
            }
        }
        int at = PARENTS / 3 + rnd.nextInt(PARENTS / 3);
        if (damage == 1) {
            Object[] last = parents.get(at - 1);
            parents.set(at, new Object[] {last[0], last[1], last[2], parents.get(at)[3]});
        } else if (damage == 2) {
            parents.set(at, orderedParent(5L * PARENTS, at)); // greater than every key: the next one is out of order
            Object[] src = parents.get(rnd.nextInt(at));
            int dup = at + 1 + rnd.nextInt(PARENTS - at - 1);
            parents.set(dup, new Object[] {src[0], src[1], src[2], parents.get(dup)[3]});
        } else if (damage == 4) {
            int back = children.size() / 2 + rnd.nextInt(children.size() / 4);
            Object[] r = parents.get(rnd.nextInt(10));
            children.set(back, new Object[] {children.get(back)[0], r[0], r[1], r[2]});
            int orphan = back + 1 + rnd.nextInt(children.size() - back - 1);
            children.set(orphan, new Object[] {children.get(orphan)[0], 7L, 9, "not-a-key"});
        } else if (damage == 5) {
            int dup = children.size() / 3 + rnd.nextInt(children.size() / 2);
            children.get(dup)[0] = children.get(dup - 1)[0];
        }
        return model(kind, parents, children);
    }

    @Test
    void keysThatArriveInOrderSpillWithoutASortAndReportTheSameFirstViolation() throws Exception {
        long seed = TestSeed.seed("SpillLoadTest.ordered");
        Random rnd = new Random(seed);
        for (KeyKind kind : KeyKind.values()) {
            for (int damage = 0; damage <= 5; damage++) {
                Scenario s = orderedScenario(kind, rnd, damage);
                for (ConstraintMode mode : List.of(ConstraintMode.IMMEDIATE, ConstraintMode.DEFERRED)) {
                    int batchRows = new int[] {7, 300, 4096}[rnd.nextInt(3)];
                    String where = kind + " damage " + damage + " " + mode + " batch " + batchRows + " seed " + seed;
                    SpillDifferential.assertSameUnderLimits(mem.ingot(), where, s.expectedConstraint(), s.expectedRow(), new long[] {TINY, SMALL},
                            (memory, sets) -> load(kind, s, mode, memory, batchRows, sets), (limit, sets) -> {
                                if (s.expectedConstraint() == null && limit == TINY) {
                                    // every check external; the foreign key's keys came in order: joined as they came, nothing written
                                    assertEquals(List.of("p_pk/external", "p_u/external", "c_pk/external", "c_p_fk/external/0"),
                                            sets.stream().map(k -> k.constraint() + "/" + k.kind().label()
                                                    + (k.constraint().equals("c_p_fk") ? "/" + k.spilledBytes() : "")).toList(), where);
                                }
                                assertEquals(List.of(), leftovers(), where);
                            });
                }
            }
        }
    }

    /** Loads the parent with ample memory and commits it, then the child alone, into a stored parent, with {@code memory}. */
    private String loadIntoStoredParent(KeyKind kind, Scenario s, ConstraintMode mode, NativeAllocator memory, int batchRows,
                                        List<KeySetReport> sets) throws IOException {
        return loadIntoStoredParent(kind, s, mode, mode, memory, batchRows, sets);
    }

    private String loadIntoStoredParent(KeyKind kind, Scenario s, ConstraintMode parentMode, ConstraintMode mode, NativeAllocator memory,
                                        int batchRows, List<KeySetReport> sets) throws IOException {
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s" + stores++))) {
            LoadOptions options = LoadOptions.defaults().withMode(mode).withParallelism(1, 1);
            LoadReport p = MemoryRows.load(store, mem.ingot(), mem.arrow(), options.withMode(parentMode), List.of(parent(kind)),
                    Map.of("p", s.parents()), batchRows);
            assertNull(p.failure());
            LoadReport r = MemoryRows.load(store, memory, mem.arrow(), options, List.of(child(kind)), Map.of("c", s.children()), batchRows);
            r.tables().forEach(t -> sets.addAll(t.keySets()));
            return r.failure() == null ? "committed" : r.failure().getMessage();
        }
    }

    @Test
    void foreignKeysIntoAStoredParentSpillItsKeysAndFindTheSameOrphan() throws Exception {
        long seed = TestSeed.seed("SpillLoadTest.stored");
        Random rnd = new Random(seed);
        for (KeyKind kind : KeyKind.values()) {
            for (int damage : new int[] {0, 3, 4, 5}) {
                Scenario s = scenario(kind, rnd, damage);
                for (ConstraintMode mode : List.of(ConstraintMode.IMMEDIATE, ConstraintMode.DEFERRED)) {
                    int batchRows = new int[] {7, 300, 4096}[rnd.nextInt(3)];
                    String where = kind + " damage " + damage + " " + mode + " batch " + batchRows + " seed " + seed;
                    SpillDifferential.assertSameUnderLimits(mem.ingot(), where, s.expectedConstraint(), s.expectedRow(), new long[] {TINY, SMALL},
                            (memory, sets) -> loadIntoStoredParent(kind, s, mode, memory, batchRows, sets), (limit, sets) -> {
                                if (s.expectedConstraint() == null) {
                                    // the stored parent's keys did not fit: the foreign key was merge-joined
                                    assertEquals("c_p_fk/external/" + s.children().stream().filter(r -> childRef(kind, r) != null).count(),
                                            sets.stream().filter(k -> k.constraint().equals("c_p_fk")).map(k -> k.constraint() + "/" + k.kind().label() + "/" + k.keys())
                                                    .findFirst().orElse("no report"), where + " limit " + limit);
                                }
                                assertEquals(List.of(), leftovers(), where);
                            });
                }
            }
        }
    }

    @Test
    void aStoredParentWithADuplicateKeyIsNamedTheSameWayWhenItsKeysSpill() throws Exception {
        long seed = TestSeed.seed("SpillLoadTest.storedDuplicate");
        Random rnd = new Random(seed);
        for (KeyKind kind : KeyKind.values()) {
            Scenario s = scenario(kind, rnd, 1); // a parent key repeated far later (loaded UNCHECKED)
            String where = kind + " seed " + seed;
            String inMemory = loadIntoStoredParent(kind, s, ConstraintMode.UNCHECKED, ConstraintMode.IMMEDIATE, mem.ingot(), 300, new ArrayList<>());
            assertTrue(inMemory.contains("stored table p holds a duplicate key for PRIMARY KEY p_pk of table p at stored row " + s.expectedRow()),
                    where + ": " + inMemory);
            for (long limit : new long[] {TINY, SMALL}) {
                try (NativeAllocator tiny = NativeAllocator.root("tiny", limit, "--memory-limit-mb")) {
                    assertEquals(inMemory, loadIntoStoredParent(kind, s, ConstraintMode.UNCHECKED, ConstraintMode.IMMEDIATE, tiny, 300,
                            new ArrayList<>()), where + " limit " + limit);
                    assertEquals(0, tiny.allocatedBytes());
                }
                assertEquals(List.of(), leftovers(), where);
            }
        }
    }

    /** Loads both tables UNCHECKED (damage and all), then verifies the store with {@code memory} and {@code spill}. */
    private List<String> verifyUnchecked(KeyKind kind, Scenario s, Path dir, NativeAllocator memory, Path spill) throws IOException {
        try (ColumnStore store = ColumnStore.openOrCreate(dir)) {
            if (store.tables().isEmpty()) {
                LoadReport r = MemoryRows.load(store, mem.ingot(), mem.arrow(), LoadOptions.defaults().withMode(ConstraintMode.UNCHECKED)
                        .withParallelism(1, 1), List.of(parent(kind), child(kind)), Map.of("p", s.parents(), "c", s.children()), 300);
                assertNull(r.failure());
            }
            return dev.ingot.ingest.verify.StoreVerifier.verify(store, memory,
                    spill == null ? null : new dev.ingot.constraints.spill.SpillDirectory(spill)).problems();
        }
    }

    @Test
    void verifySpillsKeySetsThatDoNotFitAndReportsTheSameProblems() throws Exception {
        long seed = TestSeed.seed("SpillLoadTest.verify");
        Random rnd = new Random(seed);
        for (KeyKind kind : KeyKind.values()) {
            for (int damage : new int[] {0, 1, 3, 4}) {
                Scenario s = scenario(kind, rnd, damage);
                String where = kind + " damage " + damage + " seed " + seed;
                Path dir = tmp.resolve("v" + stores++);
                List<String> ample = verifyUnchecked(kind, s, dir, mem.ingot(), null);
                if (s.expectedConstraint() == null) {
                    assertEquals(List.of(), ample, where);
                } else {
                    String table = s.expectedConstraint().startsWith("p") ? "p" : "c";
                    assertEquals(1, ample.stream().filter(p -> p.startsWith("table " + table + ": ")
                            && p.contains("\"" + s.expectedConstraint() + "\"") && p.contains("; row " + s.expectedRow())).count(), where + ": " + ample);
                }
                Path spill = tmp.resolve("verify-spill");
                try (NativeAllocator tiny = NativeAllocator.root("tiny", TINY, "--memory-limit-mb")) {
                    // without a spill directory the sets do not fit: reported, not checked
                    assertTrue(verifyUnchecked(kind, s, dir, tiny, null).stream()
                            .anyMatch(p -> p.contains("constraints not checked: the key sets need more off-heap memory")), where);
                    assertEquals(ample, verifyUnchecked(kind, s, dir, tiny, spill), where);
                    assertEquals(0, tiny.allocatedBytes());
                }
                assertFalse(Files.exists(spill), where);
                assertEquals(List.of(), leftovers(), where);
            }
        }
    }
}
