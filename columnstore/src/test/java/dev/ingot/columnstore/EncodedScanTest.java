package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.columnstore.scan.Predicate;
import dev.ingot.columnstore.scan.Predicate.Op;
import dev.ingot.columnstore.scan.SelectionScan;
import dev.ingot.columnstore.scan.Vectors;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading encoded integral chunks without Arrow vectors ({@link TableReader#readLongs},
 * {@link TableReader#readValidity}, {@link TableReader#readChunkInto}) and {@link SelectionScan}'s
 * predicate evaluation and {@link SelectionScan#selectedLongs} over them: every integral encoding
 * (PLAIN, FOR, RLE, FOR of width 0, all-NULL chunks) with NULLs and deleted rows, every comparison
 * operator with literals below, inside and above each chunk's frame, against a row model.
 */
class EncodedScanTest {
    static final int CHUNK_ROWS = 500;
    static final int ROWS = 4 * CHUNK_ROWS + 230;

    @TempDir
    Path dir;
    BufferAllocator allocator;
    ColumnStore store;

    @BeforeEach
    void setUp() throws Exception {
        allocator = TestAllocators.arrow();
        store = ColumnStore.openOrCreate(dir, TestData.options());
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        allocator.close();
    }

    static final TableDef TABLE = new TableDef("enc", List.of(ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("narrow", ColumnType.int8()), ColumnDef.nullable("runs", ColumnType.int64()),
            ColumnDef.nullable("wide", ColumnType.int64()), ColumnDef.nullable("small", ColumnType.int16()),
            ColumnDef.nullable("mid", ColumnType.int32()), ColumnDef.nullable("day", ColumnType.date()),
            ColumnDef.nullable("price", ColumnType.decimal(15, 2)), ColumnDef.nullable("label", ColumnType.varchar(8))), List.of());

    /** The model: [column][row], values in stored units (longs; DATE days, DECIMAL unscaled), null for NULL. */
    private static Long[][] model(Random r) {
        Long[][] m = new Long[TABLE.columns().size() - 1][ROWS];
        for (int i = 0; i < ROWS; i++) {
            int g = i / CHUNK_ROWS;
            m[0][i] = (long) i;
            m[1][i] = r.nextInt(10) == 0 ? null : (long) (r.nextInt(41) - 20); // FOR, negative values
            m[2][i] = r.nextInt(10) == 0 ? null : 1_000_000_007L * (i / 97) - 5; // runs of 97: RLE
            // group 1 spans the whole long range (PLAIN), group 2 one value (FOR of width 0), group 3 all NULL
            m[3][i] = g == 3 || r.nextInt(10) == 0 && g != 2 ? null
                    : g == 1 ? (i % 7 == 0 ? Long.MIN_VALUE : i % 7 == 1 ? Long.MAX_VALUE : r.nextLong())
                    : g == 2 ? 123_456_789_012L : r.nextLong(1L << 40) - (1L << 39);
            m[4][i] = r.nextInt(10) == 0 ? null : (long) (g == 1 ? (short) r.nextInt() : r.nextInt(3000) - 1000); // INT16: PLAIN and FOR
            m[5][i] = r.nextInt(10) == 0 ? null : (long) (g == 0 ? r.nextInt() : r.nextInt(100_000));
            m[6][i] = r.nextInt(10) == 0 ? null : (long) (8035 + r.nextInt(2526)); // 1992-01-02 .. 1998-12-01
            m[7][i] = r.nextInt(10) == 0 ? null : (long) (90_000 + r.nextInt(10_400_000)); // 900.00 .. 104,900.00
        }
        return m;
    }

    private static Object value(ColumnType.Kind kind, Long v) {
        if (v == null) {
            return null;
        }
        switch (kind) {
            case INT8: return (byte) (long) v;
            case INT16: return (short) (long) v;
            case INT32:
            case DATE32: return (int) (long) v;
            case DECIMAL64: return BigDecimal.valueOf(v, 2);
            default: return v;
        }
    }

    /** A literal of column kind {@code kind} for the stored value {@code v} (DATE: a LocalDate, DECIMAL: scale 2). */
    private static Object literal(ColumnType.Kind kind, long v) {
        switch (kind) {
            case DATE32: return LocalDate.ofEpochDay(v);
            case DECIMAL64: return BigDecimal.valueOf(v, 2);
            default: return v;
        }
    }

    private TableReader load(Long[][] m, long[] deleted) throws Exception {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(TABLE.arrowSchema(), allocator)) {
            root.allocateNew();
            for (int c = 0; c < m.length; c++) {
                FieldVector v = root.getVector(c);
                ColumnType.Kind kind = TABLE.columns().get(c).type().kind();
                for (int i = 0; i < ROWS; i++) {
                    TypeCases.set(v, i, value(kind, m[c][i]));
                }
                v.setValueCount(ROWS);
            }
            FieldVector label = root.getVector(m.length);
            for (int i = 0; i < ROWS; i++) {
                TypeCases.set(label, i, i % 3 == 0 ? null : "l" + (i % 5));
            }
            label.setValueCount(ROWS);
            root.setRowCount(ROWS);
            try (TableWriter w = store.createTable(TABLE, ColumnStoreWriteHints.estimate(TABLE).withChunkRows(CHUNK_ROWS))) {
                w.appendBatch(root, 0, ROWS);
                w.commit();
            }
        }
        try (StoreTransaction tx = store.begin()) {
            tx.delete(TABLE.name(), deleted);
            tx.commit();
        }
        return store.openTable(TABLE.name());
    }

    /** The encodings the chunks of column {@code c} got, by row group. */
    private Set<ChunkEncoding> encodings(TableReader r, int c) throws Exception {
        Set<ChunkEncoding> out = EnumSet.noneOf(ChunkEncoding.class);
        for (int g = 0; g < r.rowGroupCount(); g++) {
            RowGroupInfo info = r.info().rowGroups().get(g);
            ByteBuffer blob = store.pager().get(info.chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
            out.add(ChunkFormat.parse(blob, TABLE.columns().get(c).type().kind(), info.rowCount(), store.pager().file(), "test", true).encoding());
        }
        return out;
    }

    @Test
    void integralChunksOfEveryEncodingReadAsLongsValidityGathersAndReusedVectors() throws Exception {
        long seed = TestSeed.seed("EncodedScanTest arrays", 5150L);
        Random r = new Random(seed);
        Long[][] m = model(r);
        String what = TestSeed.describe(seed);
        try (TableReader reader = load(m, new long[] {3, 600})) {
            assertEquals(EnumSet.of(ChunkEncoding.FOR), encodings(reader, 1), what);
            assertTrue(encodings(reader, 2).contains(ChunkEncoding.RLE), what);
            assertEquals(EnumSet.of(ChunkEncoding.FOR, ChunkEncoding.PLAIN), encodings(reader, 3), what);
            assertEquals(EnumSet.of(ChunkEncoding.FOR, ChunkEncoding.PLAIN), encodings(reader, 4), what);
            FieldVector[] reuse = new FieldVector[TABLE.columns().size()];
            long[] longs = null;
            long[] valid = null;
            long[] picked = null;
            try {
                for (int g = 0; g < reader.rowGroupCount(); g++) {
                    int first = g * CHUNK_ROWS;
                    int rows = reader.info().rowGroups().get(g).rowCount();
                    for (int c = 0; c < m.length; c++) {
                        String at = TABLE.columns().get(c).name() + " row group " + g + " " + what;
                        longs = reader.readLongs(c, g, longs);
                        valid = reader.readValidity(c, g, valid);
                        boolean anyNull = false;
                        for (int i = 0; i < rows; i++) {
                            Long expected = m[c][first + i];
                            anyNull |= expected == null;
                            if (expected != null) {
                                assertEquals((long) expected, longs[i], at + " row " + i);
                            }
                        }
                        if (!anyNull) {
                            assertNull(reader.readValidity(c, g, null), at);
                        } else {
                            for (int i = 0; i < rows; i++) {
                                assertEquals(m[c][first + i] != null, (valid[i >>> 6] >>> i & 1) != 0, at + " validity of row " + i);
                            }
                            if ((rows & 63) != 0) {
                                assertEquals(0, valid[rows >>> 6] >>> (rows & 63), at + ": bits past the rows");
                            }
                        }
                        // sparse (random access) and dense (decode, then pick) positions, repeats and any order
                        for (int count : new int[] {1, rows / 10, rows / 2, rows}) {
                            int[] positions = new int[count];
                            for (int k = 0; k < count; k++) {
                                positions[k] = r.nextInt(rows);
                            }
                            picked = reader.readLongs(c, g, positions, count, picked);
                            for (int k = 0; k < count; k++) {
                                Long expected = m[c][first + positions[k]];
                                if (expected != null) {
                                    assertEquals((long) expected, picked[k], at + " position " + positions[k] + " of " + count);
                                }
                            }
                        }
                        // decoded into the previous row group's vector of the column
                        FieldVector v = reader.readChunkInto(c, g, reuse[c]);
                        reuse[c] = v;
                        assertEquals(rows, v.getValueCount(), at);
                        for (int i = 0; i < rows; i++) {
                            TypeCases.assertValue(value(TABLE.columns().get(c).type().kind(), m[c][first + i]), TypeCases.get(v, i), at + " row " + i);
                        }
                    }
                }
                // a decoded vector is reused (its buffers are overwritten, not replaced)
                FieldVector again = reader.readChunkInto(1, 0, reuse[1]);
                assertSame(reuse[1], again);
            } finally {
                for (FieldVector v : reuse) {
                    if (v != null) {
                        v.close();
                    }
                }
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.readLongs(8, 0, null));
            assertEquals("column label of table enc is VARCHAR(8), not read as longs (integers, DATE, TIME, TIMESTAMP and DECIMAL up to 18"
                    + " digits are)", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> reader.readLongs(1, 0, new int[] {499, 500}, 2, null));
            assertEquals("position 500 outside the 500 rows of table enc column narrow row group 0 (pager key "
                    + reader.info().rowGroups().get(0).chunkKey(1) + ")", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> reader.readLongs(2, 0, new int[] {-1}, 1, null));
            assertTrue(e.getMessage().startsWith("position -1 outside"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> reader.readLongs(1, 0, new int[] {1}, 2, null));
            assertEquals("2 positions asked of an array of 1", e.getMessage());
            try (FieldVector id = reader.readChunkInto(0, 0, null)) {
                e = assertThrows(IllegalArgumentException.class, () -> reader.readChunkInto(1, 1, id));
                assertEquals("vector id of type Int(64, true) cannot hold column narrow of table enc (Int(8, true))", e.getMessage());
            }
        }
    }

    @Test
    void everyOperatorWithLiteralsBelowInsideAndAboveEachFrameSelectsTheModelsRows() throws Exception {
        long seed = TestSeed.seed("EncodedScanTest predicates", 6060L);
        Random r = new Random(seed);
        Long[][] m = model(r);
        TreeSet<Long> deleted = new TreeSet<>();
        while (deleted.size() < ROWS / 25) {
            deleted.add((long) r.nextInt(ROWS));
        }
        String what = TestSeed.describe(seed);
        try (TableReader reader = load(m, deleted.stream().mapToLong(Long::longValue).toArray())) {
            for (int c = 1; c < m.length; c++) {
                String name = TABLE.columns().get(c).name();
                ColumnType.Kind kind = TABLE.columns().get(c).type().kind();
                // per row group: its frame's minimum and maximum, one below and one above, and a value inside
                TreeSet<Long> literals = new TreeSet<>();
                for (int g = 0; g * CHUNK_ROWS < ROWS; g++) {
                    long lo = Long.MAX_VALUE;
                    long hi = Long.MIN_VALUE;
                    for (int i = g * CHUNK_ROWS; i < Math.min(ROWS, (g + 1) * CHUNK_ROWS); i++) {
                        if (m[c][i] != null) {
                            lo = Math.min(lo, m[c][i]);
                            hi = Math.max(hi, m[c][i]);
                        }
                    }
                    if (lo <= hi) {
                        literals.add(lo);
                        literals.add(hi);
                        literals.add(lo == Long.MIN_VALUE ? lo : lo - 1);
                        literals.add(hi == Long.MAX_VALUE ? hi : hi + 1);
                        Long inside = m[c][g * CHUNK_ROWS + r.nextInt(Math.min(CHUNK_ROWS, ROWS - g * CHUNK_ROWS))];
                        if (inside != null) {
                            literals.add(inside);
                        }
                    }
                }
                for (long lit : literals) {
                    if (kind == ColumnType.Kind.DATE32 && (lit < -365_000 || lit > 365_000)) {
                        continue;
                    }
                    for (Op op : Op.values()) {
                        assertScan(reader, m, deleted, c, Predicate.compare(name, op, literal(kind, lit)), i -> test(op, i, lit), what);
                    }
                }
                long a = literals.first() / 2 + literals.last() / 2;
                long b = literals.higher(a) == null ? a : literals.higher(a);
                if (kind != ColumnType.Kind.DATE32) {
                    assertScan(reader, m, deleted, c, Predicate.between(name, literal(kind, a), literal(kind, b)), i -> i >= a && i <= b, what);
                }
                assertScan(reader, m, deleted, c, Predicate.not(Predicate.compare(name, Op.GE, literal(kind, b))), i -> i < b, what);
            }
            // a conjunction over several encoded columns, output columns read by random access and as vectors
            Predicate q = Predicate.and(Predicate.compare("day", Op.GE, LocalDate.ofEpochDay(9000)),
                    Predicate.compare("day", Op.LT, LocalDate.ofEpochDay(9365)), Predicate.between("narrow", 3, 9),
                    Predicate.compare("mid", Op.LT, 60_000));
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < ROWS; i++) {
                if (!deleted.contains((long) i) && m[6][i] != null && m[6][i] >= 9000 && m[6][i] < 9365 && m[1][i] != null
                        && m[1][i] >= 3 && m[1][i] <= 9 && m[5][i] != null && m[5][i] < 60_000) {
                    expected.add((long) i);
                }
            }
            assertTrue(expected.size() > 3, what);
            List<Long> actual = new ArrayList<>();
            long[] price = null;
            try (SelectionScan scan = new SelectionScan(reader, List.of("price", "id", "label"), q, null)) {
                while (scan.next()) {
                    price = scan.selectedLongs(0, price);
                    long[] valid = scan.selectedValidity(0, null);
                    for (int i = 0; i < scan.selectedCount(); i++) {
                        long row = scan.firstRowId() + scan.selection()[i];
                        actual.add(row);
                        assertEquals(m[7][(int) row] != null, valid == null || (valid[i >>> 6] >>> i & 1) != 0, "price NULL at " + row);
                        if (m[7][(int) row] != null) {
                            assertEquals((long) m[7][(int) row], price[i], "price at " + row + " " + what);
                        }
                        TypeCases.assertValue(row % 3 == 0 ? null : "l" + (row % 5), TypeCases.get(scan.root().getVector(2), scan.selection()[i]),
                                "label at " + row);
                    }
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scan.selectedLongs(3, null));
                    assertEquals("output column 3 outside the 3 columns of the scan of table enc", e.getMessage());
                }
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> scan.selectedLongs(0, null));
                assertEquals("no current batch of the scan of table enc (call next() first)", e.getMessage());
            }
            assertEquals(expected, actual, what);
        }
    }

    private static boolean test(Op op, long x, long lit) {
        int cmp = Long.compare(x, lit);
        switch (op) {
            case EQ: return cmp == 0;
            case NE: return cmp != 0;
            case LT: return cmp < 0;
            case LE: return cmp <= 0;
            case GT: return cmp > 0;
            default: return cmp >= 0;
        }
    }

    /**
     * Scans column {@code c} with {@code p} (output: the column itself and id) and checks the
     * selected rows against the model (live, not NULL, {@code holds}), and that
     * {@link SelectionScan#selectedLongs}, {@link SelectionScan#selectedValidity} and the vectors
     * give the model's values at them.
     */
    private static void assertScan(TableReader reader, Long[][] m, Set<Long> deleted, int c, Predicate p,
                                   java.util.function.LongPredicate holds, String what) throws Exception {
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            if (!deleted.contains((long) i) && m[c][i] != null && holds.test(m[c][i])) {
                expected.add((long) i);
            }
        }
        String name = TABLE.columns().get(c).name();
        List<Long> actual = new ArrayList<>();
        long[] values = null;
        long[] ids = null;
        long[] scratch = null;
        try (SelectionScan scan = new SelectionScan(reader, List.of(name, "id"), p, null)) {
            while (scan.next()) {
                int n = scan.selectedCount();
                int[] sel = scan.selection();
                values = scan.selectedLongs(0, values);
                ids = scan.selectedLongs(1, ids);
                long[] valid = scan.selectedValidity(0, null);
                FieldVector column = scan.vector(0);
                scratch = Vectors.longs(column, scan.rowCount(), scratch);
                for (int i = 0; i < n; i++) {
                    long row = scan.firstRowId() + sel[i];
                    actual.add(row);
                    assertEquals(row, ids[i], p + " " + what);
                    assertEquals((long) m[c][(int) row], values[i], p + " row " + row + " " + what);
                    assertEquals((long) m[c][(int) row], scratch[sel[i]], p + " row " + row + " (vector) " + what);
                    assertTrue(valid == null || (valid[i >>> 6] >>> i & 1) != 0, p + " row " + row + " is not NULL " + what);
                }
                assertSame(column, scan.root().getVector(0), "root holds the vector read for column 0");
            }
        }
        assertEquals(expected, actual, p + " " + what);
    }
}
