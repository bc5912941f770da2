package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.scan.Predicate;
import dev.ingot.columnstore.scan.Predicate.Op;
import dev.ingot.columnstore.scan.RowGroupRange;
import dev.ingot.columnstore.scan.SelectionScan;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SelectionScan} and {@link Predicate} against a plain filter: seeded random predicates over
 * every column type with NULLs and deleted rows select exactly the live rows a row-at-a-time
 * three-valued evaluation of the model selects; zone maps skip an exact number of row groups;
 * splits cover every row group once.
 */
class SelectionScanTest {
    static final int ROWS = 3000;
    static final int CHUNK_ROWS = 257;
    /** Text values mixing characters where UTF-8 byte order and String order disagree (U+FF21 against U+1F600). */
    static final String[] TRICKY = {"a", "\uFF21", "\uD83D\uDE00", "b", "\u00E9"};

    @TempDir
    Path dir;
    BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocators.arrow();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    /** Loads the model into table every_type ({@link #CHUNK_ROWS} rows per row group) and deletes {@code deleted} (row ids). */
    private ColumnStore load(Object[][] m, long[] deleted) throws Exception {
        ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
        try (VectorSchemaRoot root = TypeCases.batch(allocator, m);
             TableWriter w = store.createTable(TypeCases.TABLE, ColumnStoreWriteHints.estimate(TypeCases.TABLE).withChunkRows(CHUNK_ROWS))) {
            w.appendBatch(root, 0, m[0].length);
            w.commit();
        }
        if (deleted.length > 0) {
            try (StoreTransaction tx = store.begin()) {
                tx.delete(TypeCases.TABLE.name(), deleted);
                tx.commit();
            }
        }
        return store;
    }

    /** A predicate and its row-at-a-time three-valued meaning over model rows (null = UNKNOWN). */
    record Pred(Predicate predicate, Function<Integer, Boolean> eval) {}

    private static Pred atom(Random r, Object[][] m) {
        int c = 1 + r.nextInt(TypeCases.CASES.size() - 1);
        String name = TypeCases.CASES.get(c).def().name();
        ColumnType.Kind kind = TypeCases.CASES.get(c).def().type().kind();
        int form = r.nextInt(12);
        if (form == 0) {
            return new Pred(Predicate.isNull(name), i -> m[c][i] == null);
        }
        if (form == 1) {
            return new Pred(Predicate.isNotNull(name), i -> m[c][i] != null);
        }
        Object a = literal(r, m, c, kind);
        if (form == 2) {
            Object b = literal(r, m, c, kind);
            return new Pred(Predicate.between(name, toPredicate(kind, a), toPredicate(kind, b)),
                    i -> m[c][i] == null ? null : compare(kind, m[c][i], a) >= 0 && compare(kind, m[c][i], b) <= 0);
        }
        if (form == 3) {
            Object b = literal(r, m, c, kind);
            return new Pred(Predicate.in(name, List.of(toPredicate(kind, a), toPredicate(kind, b))),
                    i -> m[c][i] == null ? null : compare(kind, m[c][i], a) == 0 || compare(kind, m[c][i], b) == 0);
        }
        Op op = Op.values()[r.nextInt(Op.values().length)];
        return new Pred(Predicate.compare(name, op, toPredicate(kind, a)), i -> {
            if (m[c][i] == null) {
                return null;
            }
            int x = compare(kind, m[c][i], a);
            switch (op) {
                case EQ: return x == 0;
                case NE: return x != 0;
                case LT: return x < 0;
                case LE: return x <= 0;
                case GT: return x > 0;
                default: return x >= 0;
            }
        });
    }

    /** A literal in the model's domain: a stored value (so equalities hit), a fresh one, or for integers/decimals one between two stored values. */
    private static Object literal(Random r, Object[][] m, int c, ColumnType.Kind kind) {
        Object v = null;
        for (int tries = 0; v == null && tries < 50; tries++) {
            v = r.nextInt(4) == 0 ? TypeCases.CASES.get(c).gen().apply(r) : m[c][r.nextInt(ROWS)];
        }
        if (v == null) {
            v = TypeCases.CASES.get(c).gen().apply(r);
        }
        boolean integer = kind == ColumnType.Kind.INT8 || kind == ColumnType.Kind.INT16 || kind == ColumnType.Kind.INT32
                || kind == ColumnType.Kind.INT64;
        if ((integer || kind == ColumnType.Kind.DECIMAL64 || kind == ColumnType.Kind.DECIMAL128) && r.nextInt(5) == 0) {
            return number(v).add(new BigDecimal("0.00005")); // between stored values: exercises the rounding of comparisons
        }
        if (kind == ColumnType.Kind.INT64 && r.nextInt(10) == 0) {
            return new BigDecimal("1e30").multiply(BigDecimal.valueOf(r.nextBoolean() ? 1 : -1)); // beyond the column's range
        }
        return v;
    }

    private static BigDecimal number(Object v) {
        return v instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) v).longValue());
    }

    /** A model-domain value as the Java type {@link Predicate} takes for the kind. */
    private static Object toPredicate(ColumnType.Kind kind, Object v) {
        switch (kind) {
            case DATE32: return LocalDate.ofEpochDay((Integer) v);
            case TIME64: return LocalTime.ofNanoOfDay((Long) v * 1000);
            case TIMESTAMP: return LocalDateTime.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L), (int) Math.floorMod((Long) v, 1_000_000L) * 1000, ZoneOffset.UTC);
            case TIMESTAMP_TZ: return Instant.ofEpochSecond(Math.floorDiv((Long) v, 1_000_000L), Math.floorMod((Long) v, 1_000_000L) * 1000);
            default: return v;
        }
    }

    /** The reference order: numbers by exact value, REAL/DOUBLE numerically with NaN highest, text as String, bytes unsigned, UUID as UUID. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(ColumnType.Kind kind, Object x, Object lit) {
        switch (kind) {
            case INT8:
            case INT16:
            case INT32:
            case INT64:
            case DECIMAL64:
            case DECIMAL128: return number(x).compareTo(number(lit));
            case FLOAT32:
            case FLOAT64: {
                double a = ((Number) x).doubleValue();
                double b = ((Number) lit).doubleValue();
                return a < b ? -1 : a > b ? 1 : a == b ? 0 : Double.compare(a, b);
            }
            case VARBINARY: return Arrays.compareUnsigned((byte[]) x, (byte[]) lit);
            default: return ((Comparable) x).compareTo(lit);
        }
    }

    static Pred predicate(Random r, Object[][] m, int depth) {
        if (depth == 0 || r.nextInt(3) == 0) {
            return atom(r, m);
        }
        Pred a = predicate(r, m, depth - 1);
        if (r.nextInt(6) == 0) {
            return new Pred(Predicate.not(a.predicate), i -> {
                Boolean x = a.eval.apply(i);
                return x == null ? null : !x;
            });
        }
        Pred b = predicate(r, m, depth - 1);
        if (r.nextBoolean()) {
            return new Pred(Predicate.and(a.predicate, b.predicate), i -> {
                Boolean x = a.eval.apply(i);
                Boolean y = b.eval.apply(i);
                return Boolean.FALSE.equals(x) || Boolean.FALSE.equals(y) ? Boolean.FALSE : x == null || y == null ? null : Boolean.TRUE;
            });
        }
        return new Pred(Predicate.or(a.predicate, b.predicate), i -> {
            Boolean x = a.eval.apply(i);
            Boolean y = b.eval.apply(i);
            return Boolean.TRUE.equals(x) || Boolean.TRUE.equals(y) ? Boolean.TRUE : x == null || y == null ? null : Boolean.FALSE;
        });
    }

    @Test
    void randomPredicatesOverEveryTypeSelectExactlyTheLiveRowsAPlainFilterKeeps() throws Exception {
        long seed = TestSeed.seed("SelectionScanTest");
        Random r = new Random(seed);
        // NULLs spread (20%), and row group 3 all NULL in every nullable column
        Object[][] m = TypeCases.model(r, ROWS, 0.2, 0);
        int vc = TypeCases.TABLE.columnIndex("vc");
        for (int i = 0; i < ROWS; i++) {
            if (i / CHUNK_ROWS == 3) {
                for (int c = 1; c < m.length; c++) {
                    m[c][i] = null;
                }
            } else if (m[vc][i] != null && r.nextInt(3) == 0) {
                m[vc][i] = TRICKY[r.nextInt(TRICKY.length)] + TRICKY[r.nextInt(TRICKY.length)];
            }
        }
        TreeSet<Long> deleted = new TreeSet<>();
        while (deleted.size() < ROWS / 20) {
            deleted.add((long) r.nextInt(ROWS));
        }
        deleted.add(0L);
        deleted.add((long) ROWS - 1);
        try (ColumnStore store = load(m, deleted.stream().mapToLong(Long::longValue).toArray());
             TableReader reader = store.openTable(TypeCases.TABLE.name())) {
            long skippedSome = 0;
            for (int k = 0; k < 300; k++) {
                Pred p = predicate(r, m, 3);
                List<Long> expected = new ArrayList<>();
                for (int i = 0; i < ROWS; i++) {
                    if (!deleted.contains((long) i) && Boolean.TRUE.equals(p.eval.apply(i))) {
                        expected.add((long) i);
                    }
                }
                List<Long> actual = new ArrayList<>();
                try (SelectionScan scan = new SelectionScan(reader, List.of("id"), p.predicate, null)) {
                    while (scan.next()) {
                        BigIntVector id = (BigIntVector) scan.root().getVector(0);
                        assertEquals(reader.info().rowGroups().get(scan.rowGroup()).rowCount(), scan.rowCount());
                        int[] sel = scan.selection();
                        for (int i = 0; i < scan.selectedCount(); i++) {
                            assertEquals(scan.firstRowId() + sel[i], id.get(sel[i]), "row id = id column");
                            actual.add(id.get(sel[i]));
                        }
                    }
                    skippedSome += scan.rowGroupsSkipped();
                    assertEquals(reader.rowGroupCount(), scan.rowGroupsRead() + scan.rowGroupsSkipped());
                }
                assertEquals(expected, actual, "seed " + seed + ": " + p.predicate);
            }
            assertTrue(skippedSome > 0, "zone maps skipped row groups");
        }
    }

    @Test
    void zoneMapsSkipAnExactNumberOfRowGroupsAndProveWholeGroups() throws Exception {
        Object[][] m = TypeCases.model(new Random(7), ROWS, 0.0, 0); // id 0..2999 in 12 row groups of 257 (the last 173)
        try (ColumnStore store = load(m, new long[] {300});
             TableReader reader = store.openTable(TypeCases.TABLE.name())) {
            assertEquals(12, reader.rowGroupCount());
            // [514, 1027] lies in groups 2 and 3 exactly; 1028 starts group 4
            assertScan(reader, Predicate.between("id", 514, 1027), 2, 10, 514, 1028, 2);
            assertScan(reader, Predicate.between("id", 514, 1028), 3, 9, 514, 1029, 2);
            assertScan(reader, Predicate.compare("id", Op.LT, 0), 0, 12, 0, 0, 0);
            assertScan(reader, Predicate.isNull("id"), 0, 12, 0, 0, 0);
            assertScan(reader, Predicate.not(Predicate.compare("id", Op.GE, 257)), 1, 11, 0, 257, 1);
            assertScan(reader, Predicate.or(Predicate.eq("id", 5), Predicate.eq("id", 2999)), 2, 10, -1, -1, 0);
            // group 1 (257..513) holds the deleted row 300: proved by its zone map but not all selected
            assertScan(reader, Predicate.between("id", 257, 513), 1, 11, 257, 514, 0);
            assertScan(reader, Predicate.compare("id", Op.GE, 2.5), 12, 0, 3, 3000, 10);
        }
    }

    /** Scans {@code p} over id: groups read and skipped, the selected ids ([from, to) minus 300 when from >= 0), and how many batches were all selected. */
    private static void assertScan(TableReader reader, Predicate p, int read, int skipped, long from, long to, int allSelected) throws Exception {
        List<Long> ids = new ArrayList<>();
        int all = 0;
        try (SelectionScan scan = new SelectionScan(reader, List.of("id"), p, null)) {
            while (scan.next()) {
                all += scan.allSelected() ? 1 : 0;
                BigIntVector id = (BigIntVector) scan.root().getVector(0);
                for (int i = 0; i < scan.selectedCount(); i++) {
                    ids.add(id.get(scan.selection()[i]));
                }
            }
            assertEquals(read, scan.rowGroupsRead(), p + ": row groups read");
            assertEquals(skipped, scan.rowGroupsSkipped(), p + ": row groups skipped");
        }
        assertEquals(allSelected, all, p + ": batches proved all TRUE");
        if (from >= 0) {
            List<Long> expected = new ArrayList<>();
            for (long i = from; i < to; i++) {
                if (i != 300) {
                    expected.add(i);
                }
            }
            assertEquals(expected, ids, p.toString());
        }
    }

    @Test
    void splitsCoverEveryRowGroupOnceAndScanInParallelToTheSameRows() throws Exception {
        Random r = new Random(11);
        for (int groups = 0; groups < 40; groups++) {
            List<RowGroupInfo> gs = new ArrayList<>();
            long first = 0;
            for (int g = 0; g < groups; g++) {
                int rows = 1 + r.nextInt(r.nextBoolean() ? 10 : 1000);
                gs.add(new RowGroupInfo(first, rows, new long[TypeCases.CASES.size()]));
                first += rows;
            }
            TableInfo info = new TableInfo(TypeCases.TABLE, first, 1000, gs);
            for (int n = 1; n <= 9; n++) {
                List<RowGroupRange> splits = RowGroupRange.split(info, n);
                assertTrue(groups == 0 ? splits.isEmpty() : splits.size() >= 1 && splits.size() <= Math.min(n, groups),
                        groups + " groups in " + n + ": " + splits);
                int next = 0;
                for (RowGroupRange s : splits) {
                    assertEquals(next, s.first(), "contiguous: " + splits);
                    assertTrue(s.size() > 0, "non-empty: " + splits);
                    next = s.end();
                }
                assertEquals(groups, next, "every row group once: " + splits);
            }
        }
        assertEquals(List.of(new RowGroupRange(0, 6), new RowGroupRange(6, 12)),
                RowGroupRange.split(new TableInfo(TypeCases.TABLE, 12, 1, nGroups(12)), 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowGroupRange.split(new TableInfo(TypeCases.TABLE, 12, 1, nGroups(12)), 0));
        assertEquals("cannot split table every_type into 0 ranges", e.getMessage());

        Object[][] m = TypeCases.model(new Random(3), ROWS, 0.3, 0);
        try (ColumnStore store = load(m, new long[] {1, 2, 700, 2999});
             StoreSnapshot snap = store.snapshot()) {
            Predicate p = Predicate.or(Predicate.compare("i32", Op.GT, 0), Predicate.isNull("vc"));
            List<Long> one = ids(snap, p, RowGroupRange.all(snap.table("every_type").orElseThrow()));
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<List<Long>>> parts = new ArrayList<>();
                for (RowGroupRange s : RowGroupRange.split(snap.table("every_type").orElseThrow(), 3)) {
                    parts.add(pool.submit(() -> ids(snap, p, s)));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> f : parts) {
                    all.addAll(f.get());
                }
                assertEquals(one, all);
                assertFalse(one.isEmpty());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static List<RowGroupInfo> nGroups(int n) {
        List<RowGroupInfo> gs = new ArrayList<>();
        for (int g = 0; g < n; g++) {
            gs.add(new RowGroupInfo(g, 1, new long[TypeCases.CASES.size()]));
        }
        return gs;
    }

    private static List<Long> ids(StoreSnapshot snap, Predicate p, RowGroupRange range) throws Exception {
        List<Long> out = new ArrayList<>();
        try (TableReader reader = snap.openTable("every_type"); SelectionScan scan = new SelectionScan(reader, List.of("id"), p, range)) {
            while (scan.next()) {
                BigIntVector id = (BigIntVector) scan.root().getVector(0);
                for (int i = 0; i < scan.selectedCount(); i++) {
                    out.add(id.get(scan.selection()[i]));
                }
            }
        }
        return out;
    }

    @Test
    void badPredicatesAndRangesAreRefusedNamingColumnAndValue() throws Exception {
        Object[][] m = TypeCases.model(new Random(5), 10, 0.0, 0);
        try (ColumnStore store = load(m, new long[0]); TableReader reader = store.openTable("every_type")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SelectionScan(reader, null, Predicate.eq("day", 5), null));
            assertEquals("cannot compare column day (DATE) with 5 (Integer)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new SelectionScan(reader, null, Predicate.eq("nope", 5), null));
            assertEquals("table every_type has no column nope", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new SelectionScan(reader, List.of("id"), null, new RowGroupRange(0, 2)));
            assertEquals("row group range [0, 2) outside the 1 row groups of table every_type", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Predicate.in("id", List.of()));
            assertEquals("IN list of column id is empty", e.getMessage());
            try (SelectionScan scan = new SelectionScan(reader, List.of("id"), null, null)) {
                IllegalStateException s = assertThrows(IllegalStateException.class, scan::root);
                assertEquals("no current batch of the scan of table every_type (call next() first)", s.getMessage());
                assertTrue(scan.next());
                assertTrue(scan.allSelected());
                assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.copyOf(scan.selection(), 10));
                assertFalse(scan.next());
            }
        }
        assertEquals(UUID.class, TypeCases.CASES.get(TypeCases.CASES.size() - 1).gen().apply(new Random(1)).getClass());
    }
}
