package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Self-referencing FOREIGN KEYs whose own key sets do not fit a tiny memory limit: the table's
 * references (to its PRIMARY KEY, single, composite or text, and to a UNIQUE key; forward and
 * backward, some NULL) are merge-joined with its own spilled keys before the commit. In IMMEDIATE
 * and DEFERRED mode, the load fails with exactly the message of the same load with ample memory,
 * at the row and constraint a {@code java.util} model computes (a self-reference ranks after every
 * other error; for one row the first FOREIGN KEY in declaration order), or commits with the
 * self-references listed as external checks; no spill file is left behind.
 */
class SpillSelfReferenceTest {
    /** Every set spills at its first key. */
    private static final long TINY = 3 << 10;
    /** The switch comes in the middle of the load: earlier unknown references are read back from the stored rows. */
    private static final long SMALL = 24 << 10;
    private static final int ROWS = 3000;

    @TempDir
    Path tmp;
    @RegisterExtension
    final TestMemory mem = new TestMemory("spill-self", 1L << 30);
    private int stores;

    enum KeyKind { SINGLE, COMPOSITE, TEXT }

    private static List<String> key(KeyKind kind) {
        return switch (kind) {
            case SINGLE -> List.of("id");
            case COMPOSITE -> List.of("id", "b");
            case TEXT -> List.of("t");
        };
    }

    private static List<String> ref(KeyKind kind) {
        return switch (kind) {
            case SINGLE -> List.of("ra");
            case COMPOSITE -> List.of("ra", "rb");
            case TEXT -> List.of("rt");
        };
    }

    /** e(key) with a UNIQUE u; (ref) REFERENCES e(key) and ru REFERENCES e(u). */
    private static TableDef table(KeyKind kind) {
        return new TableDef("e", List.of(ColumnDef.notNull("id", ColumnType.int64()), ColumnDef.notNull("b", ColumnType.int32()),
                ColumnDef.notNull("t", ColumnType.varchar(40)), ColumnDef.nullable("u", ColumnType.int64()),
                ColumnDef.nullable("ra", ColumnType.int64()), ColumnDef.nullable("rb", ColumnType.int32()),
                ColumnDef.nullable("rt", ColumnType.varchar(40)), ColumnDef.nullable("ru", ColumnType.int64())),
                List.of(ConstraintSpec.primaryKey("e_pk", key(kind).toArray(new String[0])), ConstraintSpec.unique("e_u", "u"),
                        ConstraintSpec.foreignKey("e_fk", ref(kind), "e", key(kind)),
                        ConstraintSpec.foreignKey("e_u_fk", List.of("ru"), "e", List.of("u"))));
    }

    private static List<Object> keyOf(KeyKind kind, Object[] r) {
        return switch (kind) {
            case SINGLE -> List.of(r[0]);
            case COMPOSITE -> List.of(r[0], r[1]);
            case TEXT -> List.of(r[2]);
        };
    }

    private static List<Object> refOf(KeyKind kind, Object[] r) {
        List<Object> ref = switch (kind) {
            case SINGLE -> Arrays.asList(r[4]);
            case COMPOSITE -> Arrays.asList(r[4], r[5]);
            case TEXT -> Arrays.asList(r[6]);
        };
        return ref.contains(null) ? null : ref;
    }

    private record Scenario(List<Object[]> rows, String expectedConstraint, long expectedRow) {}

    /** Makes row {@code i}'s reference to the PRIMARY KEY an orphan. */
    private static void orphanKey(List<Object[]> rows, Set<Long> ids, int i) {
        Object[] r = rows.get(i);
        long a = 11;
        while (ids.contains(a)) {
            a += 2;
        }
        r[4] = a;
        r[5] = 9; // b is 0..3 in every row
        r[6] = "not-a-key-" + i;
    }

    private static Scenario scenario(KeyKind kind, Random rnd, int damage) {
        List<Object[]> rows = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < ROWS; i++) {
            long a;
            do {
                a = rnd.nextLong() >> rnd.nextInt(40); // unordered, sparse
            } while (!ids.add(a));
            Long u = rnd.nextInt(10) == 0 ? null : (long) i * 7 + 3;
            rows.add(new Object[] {a, rnd.nextInt(4), String.format("%016x%016x", rnd.nextLong(), rnd.nextLong()), u, null, null, null, null});
        }
        for (Object[] r : rows) {
            Object[] target = rows.get(rnd.nextInt(ROWS)); // backward or forward
            if (rnd.nextInt(20) != 0) {
                r[4] = target[0];
                r[5] = target[1];
                r[6] = target[2];
            } else if (rnd.nextBoolean()) {
                r[5] = target[1]; // a NULL in a composite reference exempts the row (MATCH SIMPLE)
            }
            Object[] other = rows.get(rnd.nextInt(ROWS));
            r[7] = rnd.nextInt(10) == 0 ? null : other[3];
        }
        // damage: 0 none; 1 orphan e_fk; 2 orphan e_u_fk; 3 both on one row; 4 both on different rows;
        // 5 an early orphan and a later duplicate key; 6 an orphan among the first rows
        int r1 = rnd.nextInt(ROWS);
        int r2 = rnd.nextInt(ROWS);
        switch (damage) {
            case 1 -> orphanKey(rows, ids, r1);
            case 2 -> rows.get(r2)[7] = 1L; // u is 3 mod 7 in every row
            case 3 -> {
                orphanKey(rows, ids, r1);
                rows.get(r1)[7] = 1L;
            }
            case 4 -> {
                orphanKey(rows, ids, r1);
                rows.get(r2)[7] = 1L;
            }
            case 5 -> {
                orphanKey(rows, ids, rnd.nextInt(20));
                Object[] dup = rows.get(ROWS / 2 + rnd.nextInt(ROWS / 2));
                Object[] src = rows.get(ROWS / 4);
                dup[0] = src[0];
                dup[1] = src[1];
                dup[2] = src[2];
            }
            case 6 -> orphanKey(rows, ids, rnd.nextInt(20));
            default -> { }
        }
        // the model: a duplicate (PRIMARY KEY before UNIQUE) first; then the lowest row whose
        // reference is in no row, e_fk before e_u_fk
        Set<List<Object>> keys = new HashSet<>();
        Set<Object> us = new HashSet<>();
        for (int i = 0; i < ROWS; i++) {
            Object[] r = rows.get(i);
            if (!keys.add(keyOf(kind, r))) {
                return new Scenario(rows, "e_pk", i);
            }
            if (r[3] != null && !us.add(r[3])) {
                return new Scenario(rows, "e_u", i);
            }
        }
        for (int i = 0; i < ROWS; i++) {
            Object[] r = rows.get(i);
            List<Object> ref = refOf(kind, r);
            if (ref != null && !keys.contains(ref)) {
                return new Scenario(rows, "e_fk", i);
            }
            if (r[7] != null && !us.contains(r[7])) {
                return new Scenario(rows, "e_u_fk", i);
            }
        }
        return new Scenario(rows, null, -1);
    }

    private String load(KeyKind kind, Scenario s, ConstraintMode mode, NativeAllocator memory, int batchRows, List<KeySetReport> sets)
            throws IOException {
        try (ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s" + stores++))) {
            LoadReport r = MemoryRows.load(store, memory, mem.arrow(), LoadOptions.defaults().withMode(mode).withParallelism(1, 1),
                    List.of(table(kind)), Map.of("e", s.rows()), batchRows);
            r.tables().forEach(t -> sets.addAll(t.keySets()));
            return r.failure() == null ? "committed" : r.failure().getMessage();
        }
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith("ingot-spill-")).toList();
        }
    }

    @Test
    void spilledSelfReferencesReportExactlyTheInMemoryFirstViolation() throws Exception {
        long seed = TestSeed.seed("SpillSelfReferenceTest");
        Random rnd = new Random(seed);
        int externalSelf = 0;
        for (KeyKind kind : KeyKind.values()) {
            for (int damage = 0; damage <= 6; damage++) {
                Scenario s = scenario(kind, rnd, damage);
                for (ConstraintMode mode : List.of(ConstraintMode.IMMEDIATE, ConstraintMode.DEFERRED)) {
                    int batchRows = new int[] {7, 300, 4096}[rnd.nextInt(3)];
                    String where = kind + " damage " + damage + " " + mode + " batch " + batchRows + " seed " + seed;
                    int[] count = {0};
                    SpillDifferential.assertSameUnderLimits(mem.ingot(), where, s.expectedConstraint(), s.expectedRow(), new long[] {TINY, SMALL},
                            (memory, sets) -> load(kind, s, mode, memory, batchRows, sets), (limit, sets) -> {
                                for (KeySetReport k : sets) {
                                    if (k.kind() == KeySetKind.EXTERNAL && k.constraint().endsWith("_fk")) {
                                        count[0]++;
                                    }
                                }
                                if (s.expectedConstraint() == null && limit == TINY) {
                                    // both keys spilled at once: every reference went through the merge join
                                    assertEquals(List.of("e_pk/external/" + ROWS, "e_u/external/" + s.rows().stream().filter(r -> r[3] != null).count(),
                                                    "e_fk/external/" + s.rows().stream().filter(r -> refOf(kind, r) != null).count(),
                                                    "e_u_fk/external/" + s.rows().stream().filter(r -> r[7] != null).count()),
                                            sets.stream().map(k -> k.constraint() + "/" + k.kind().label() + "/" + k.keys()).toList(), where);
                                }
                                assertEquals(List.of(), leftovers(), where);
                            });
                    externalSelf += count[0];
                }
            }
        }
        assertTrue(externalSelf > 0);
    }
}
