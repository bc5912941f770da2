package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * Searches of sorted integral columns without decoding their chunks ({@link TableReader#equalRange},
 * {@link TableReader#readLong}: what key lookups in sorted runs use), seeded: every integral kind,
 * row groups whose sorted values come out RLE (few distinct values), FOR (a narrow window) and wide
 * (the kind's whole range, its extremes included), random row ranges (empty ones, the first and the
 * last row of a row group) and values (stored ones, their neighbours, below and above every value,
 * {@code Long.MIN_VALUE} and {@code MAX_VALUE}), each against a linear count over the decoded chunk
 * ({@link TableReader#readLongs(int, int, long[])}), for the reader's own search and for the
 * interface's default one (a reader that only decodes). NULLs, ranges outside the group and other
 * kinds are refused by name.
 */
class SortedSearchTest {
    @TempDir
    Path dir;

    static final int CHUNK_ROWS = 1000;

    static final TableDef DEF = new TableDef("sorted", List.of(
            ColumnDef.notNull("i8", ColumnType.int8()),
            ColumnDef.notNull("i16", ColumnType.int16()),
            ColumnDef.notNull("i32", ColumnType.int32()),
            ColumnDef.notNull("i64", ColumnType.int64()),
            ColumnDef.notNull("day", ColumnType.date()),
            ColumnDef.notNull("tod", ColumnType.time()),
            ColumnDef.notNull("ts", ColumnType.timestamp()),
            ColumnDef.notNull("money", ColumnType.decimal(18, 2)),
            ColumnDef.nullable("holes", ColumnType.int64()),
            ColumnDef.nullable("word", ColumnType.varchar())), List.of());
    /** The smallest and largest value of each integral column (as longs: days, microseconds, unscaled). */
    static final long[][] RANGE = {
        {Byte.MIN_VALUE, Byte.MAX_VALUE}, {Short.MIN_VALUE, Short.MAX_VALUE}, {Integer.MIN_VALUE, Integer.MAX_VALUE},
        {Long.MIN_VALUE, Long.MAX_VALUE}, {-1_000_000, 2_000_000}, {0, 86_400_000_000L - 1}, {-1_000_000_000_000_000L, 4_000_000_000_000_000L},
        {-999_999_999_999_999_999L, 999_999_999_999_999_999L}, {-1_000_000, 1_000_000}};

    @Test
    void equalRangeAndReadLongAgreeWithTheDecodedChunks() throws Exception {
        long seed = TestSeed.seed("SortedSearchTest");
        TestSeed.run(seed, () -> {
            Random rnd = new Random(seed);
            int groups = 9;
            int rows = groups * CHUNK_ROWS - rnd.nextInt(CHUNK_ROWS / 2); // a shorter last row group
            int columns = RANGE.length;
            long[][] values = new long[columns][rows];
            for (int c = 0; c < columns; c++) {
                for (int g = 0; g * CHUNK_ROWS < rows; g++) {
                    int from = g * CHUNK_ROWS;
                    int n = Math.min(CHUNK_ROWS, rows - from);
                    sortedGroup(rnd, RANGE[c][0], RANGE[c][1], (g + c) % 3, values[c], from, n);
                }
            }
            try (BufferAllocator arrow = TestAllocators.arrow(); ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
                write(store, arrow, values, rows);
                Set<ChunkEncoding> seen = EnumSet.noneOf(ChunkEncoding.class);
                try (TableReader reader = store.openTable("sorted")) {
                    TableReader decoding = decodingOnly(reader);
                    int[] got = new int[2];
                    int[] fallback = new int[2];
                    for (int c = 0; c < columns; c++) {
                        for (int g = c == 8 ? 1 : 0; g < reader.rowGroupCount(); g++) { // row group 0 of holes has NULLs
                            seen.add(encoding(store, reader, c, g));
                            long[] decoded = reader.readLongs(c, g, null);
                            int n = reader.info().rowGroups().get(g).rowCount();
                            RowGroupInfo rg = reader.info().rowGroups().get(g);
                            assertArrayEquals(Arrays.copyOfRange(values[c], (int) rg.firstRowId(), (int) rg.firstRowId() + n),
                                    Arrays.copyOf(decoded, n), "column " + c + " row group " + g + " as written");
                            for (int probe = 0; probe < 300; probe++) {
                                int from = probe % 10 == 0 ? 0 : rnd.nextInt(n + 1);
                                int to = probe % 10 == 1 ? n : from + rnd.nextInt(n - from + 1);
                                long v = probeValue(rnd, probe, decoded, n, from, to);
                                int[] expected = linear(decoded, from, to, v);
                                String what = "column " + DEF.columns().get(c).name() + " row group " + g + " rows [" + from + ", " + to
                                        + ") value " + v;
                                reader.equalRange(c, g, from, to, v, got);
                                assertArrayEquals(expected, got, what);
                                if (probe % 4 == 0) { // the interface's default search (slow: it decodes the chunk per step)
                                    decoding.equalRange(c, g, from, to, v, fallback);
                                    assertArrayEquals(expected, fallback, what + " (default search)");
                                }
                            }
                            for (int row : new int[] {0, n - 1, rnd.nextInt(n)}) {
                                assertEquals(decoded[row], reader.readLong(c, g, row), "readLong of column " + c + " row group " + g + " row " + row);
                                assertEquals(decoded[row], decoding.readLong(c, g, row), "default readLong");
                            }
                        }
                    }
                }
                assertTrue(seen.containsAll(EnumSet.of(ChunkEncoding.RLE, ChunkEncoding.FOR)), "encodings searched: " + seen);
            }
        });
    }

    @Test
    void nullsRangesOutsideTheGroupAndOtherKindsAreRefusedByName() throws Exception {
        long[][] values = new long[RANGE.length][2 * CHUNK_ROWS];
        for (long[] v : values) {
            for (int i = 0; i < v.length; i++) {
                v[i] = i / 10;
            }
        }
        try (BufferAllocator arrow = TestAllocators.arrow(); ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            write(store, arrow, values, 2 * CHUNK_ROWS);
            try (TableReader reader = store.openTable("sorted")) {
                TableReader decoding = decodingOnly(reader);
                int[] range = new int[2];
                long holes = reader.info().rowGroups().get(0).chunkKey(8);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.equalRange(8, 0, 0, 10, 3, range));
                assertEquals("table sorted column holes row group 0 (pager key " + holes + ") holds 100 NULLs: no sorted search", e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> decoding.equalRange(8, 0, 0, 10, 3, range));
                assertEquals("column holes of table sorted holds 100 NULLs in row group 0: no sorted search", e.getMessage());
                reader.equalRange(8, 1, 0, CHUNK_ROWS, 150, range); // row group 1 has no NULL
                assertArrayEquals(new int[] {500, 510}, range);
                long i32 = reader.info().rowGroups().get(1).chunkKey(2);
                e = assertThrows(IllegalArgumentException.class, () -> reader.equalRange(2, 1, 5, CHUNK_ROWS + 1, 3, range));
                assertEquals("rows [5, 1001) outside the 1000 rows of table sorted column i32 row group 1 (pager key " + i32 + ")", e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> reader.equalRange(2, 1, 6, 5, 3, range));
                assertEquals("rows [6, 5) outside the 1000 rows of table sorted column i32 row group 1 (pager key " + i32 + ")", e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> decoding.equalRange(2, 1, -1, 5, 3, range));
                assertEquals("rows [-1, 5) outside the 1000 rows of row group 1 of table sorted", e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> reader.readLong(2, 1, CHUNK_ROWS));
                assertEquals("position 1000 outside the 1000 rows of table sorted column i32 row group 1 (pager key " + i32 + ")", e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> reader.equalRange(9, 0, 0, 10, 3, range));
                assertEquals("column word of table sorted is VARCHAR, not read as longs (integers, DATE, TIME, TIMESTAMP and DECIMAL up to 18"
                        + " digits are)", e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> reader.readLong(9, 0, 0));
                assertEquals("column word of table sorted is VARCHAR, not read as longs (integers, DATE, TIME, TIMESTAMP and DECIMAL up to 18"
                        + " digits are)", e.getMessage());
            }
        }
    }

    @Test
    void aRootReadIntoAgainIsCheckedAgainWhenItIsAnotherOne() throws Exception {
        long[][] values = new long[RANGE.length][CHUNK_ROWS];
        for (long[] v : values) {
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
        }
        try (BufferAllocator arrow = TestAllocators.arrow(); ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            write(store, arrow, values, CHUNK_ROWS);
            List<String> cols = List.of("i32", "i64");
            org.apache.arrow.vector.types.pojo.Schema right = new org.apache.arrow.vector.types.pojo.Schema(
                    List.of(DEF.column("i32").arrowField(), DEF.column("i64").arrowField()));
            org.apache.arrow.vector.types.pojo.Schema wrong = new org.apache.arrow.vector.types.pojo.Schema(List.of( // i32 as a 64-bit vector
                    new org.apache.arrow.vector.types.pojo.Field("i32", DEF.column("i64").arrowField().getFieldType(), null),
                    DEF.column("i64").arrowField()));
            try (TableReader reader = store.openTable("sorted");
                 VectorSchemaRoot a = VectorSchemaRoot.create(right, arrow);
                 VectorSchemaRoot b = VectorSchemaRoot.create(wrong, arrow)) {
                reader.readRows(new long[] {7}, cols, a);
                reader.readRows(new long[] {9}, new ArrayList<>(cols), a); // an equal list: the same columns
                assertEquals(9, ((IntVector) a.getVector(0)).get(0));
                assertEquals(9L, ((BigIntVector) a.getVector(1)).get(0));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.readRows(new long[] {3}, cols, b));
                assertEquals("column 0 of the root to read table sorted into is " + b.getVector(0).getField() + ", not "
                        + DEF.column("i32").arrowField(), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> reader.readRows(new long[] {3}, List.of("i64", "i32"), a));
                assertEquals("column 0 of the root to read table sorted into is " + a.getVector(0).getField() + ", not "
                        + DEF.column("i64").arrowField(), e.getMessage());
                reader.readRows(new long[] {11}, cols, a);
                assertEquals(11, ((IntVector) a.getVector(0)).get(0));
                assertEquals(1, a.getRowCount());
            }
        }
    }

    /** Sorted values of one row group into {@code out[from, from + n)}: few distinct ones (0), a narrow window (1) or the whole range (2). */
    static void sortedGroup(Random rnd, long min, long max, int pattern, long[] out, int from, int n) {
        long[] v = new long[n];
        if (pattern == 0) {
            long[] distinct = new long[1 + rnd.nextInt(12)];
            for (int i = 0; i < distinct.length; i++) {
                distinct[i] = between(rnd, min, max);
            }
            for (int i = 0; i < n; i++) {
                v[i] = distinct[rnd.nextInt(distinct.length)];
            }
        } else if (pattern == 1) {
            long span = max - min;
            long window = span >= 0 && span < 3L * n ? span : 3L * n;
            long base = between(rnd, min, max - window);
            for (int i = 0; i < n; i++) {
                v[i] = base + rnd.nextInt((int) window + 1);
            }
        } else {
            for (int i = 0; i < n; i++) {
                v[i] = between(rnd, min, max);
            }
            v[0] = min;
            v[n - 1] = max;
        }
        Arrays.sort(v);
        System.arraycopy(v, 0, out, from, n);
    }

    private static long between(Random rnd, long min, long max) {
        long span = max - min;
        if (span >= 0 && span < Long.MAX_VALUE) {
            return min + (long) (rnd.nextDouble() * (span + 1)) % (span + 1);
        }
        return rnd.nextLong(); // the whole long range
    }

    /** A value to search in rows [from, to): mostly one of them, else a neighbour, an extreme or a bound. */
    private static long probeValue(Random rnd, int probe, long[] decoded, int n, int from, int to) {
        switch (probe % 7) {
            case 0: return Long.MIN_VALUE;
            case 1: return Long.MAX_VALUE;
            case 2: return decoded[rnd.nextInt(n)] + (rnd.nextBoolean() ? 1 : -1);
            case 3: return to > from ? decoded[to - 1] : decoded[0];
            default: return to > from ? decoded[from + rnd.nextInt(to - from)] : decoded[rnd.nextInt(n)];
        }
    }

    /** [first row of value v, end) in sorted[from, to): counted, not searched. */
    private static int[] linear(long[] sorted, int from, int to, long v) {
        int less = 0;
        int equal = 0;
        for (int i = from; i < to; i++) {
            less += sorted[i] < v ? 1 : 0;
            equal += sorted[i] == v ? 1 : 0;
        }
        return new int[] {from + less, from + less + equal};
    }

    private static ChunkEncoding encoding(ColumnStore store, TableReader reader, int column, int group) throws IOException {
        long key = reader.info().rowGroups().get(group).chunkKey(column);
        ByteBuffer blob = store.pager().get(key).slice().order(ByteOrder.LITTLE_ENDIAN);
        return ChunkFormat.parse(blob, DEF.columns().get(column).type().kind(), reader.info().rowGroups().get(group).rowCount(),
                store.pager().file(), "test", true).encoding();
    }

    private static void write(ColumnStore store, BufferAllocator arrow, long[][] values, int rows) throws IOException {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(DEF.arrowSchema(), arrow)) {
            root.allocateNew();
            for (int i = 0; i < rows; i++) {
                ((TinyIntVector) root.getVector(0)).setSafe(i, (byte) values[0][i]);
                ((SmallIntVector) root.getVector(1)).setSafe(i, (short) values[1][i]);
                ((IntVector) root.getVector(2)).setSafe(i, (int) values[2][i]);
                ((BigIntVector) root.getVector(3)).setSafe(i, values[3][i]);
                ((DateDayVector) root.getVector(4)).setSafe(i, (int) values[4][i]);
                ((TimeMicroVector) root.getVector(5)).setSafe(i, values[5][i]);
                ((TimeStampMicroVector) root.getVector(6)).setSafe(i, values[6][i]);
                ((DecimalVector) root.getVector(7)).setSafe(i, BigDecimal.valueOf(values[7][i], 2));
                if (i < CHUNK_ROWS && i % 10 == 3) { // 100 NULLs in row group 0
                    ((BigIntVector) root.getVector(8)).setNull(i);
                } else {
                    ((BigIntVector) root.getVector(8)).setSafe(i, values[8][i]);
                }
                TypeCases.set(root.getVector(9), i, "w" + i);
            }
            for (FieldVector v : root.getFieldVectors()) {
                v.setValueCount(rows);
            }
            root.setRowCount(rows);
            try (TableWriter w = store.createTable(DEF, ColumnStoreWriteHints.estimate(DEF).withChunkRows(CHUNK_ROWS))) {
                w.appendBatch(root, 0, rows);
                w.commit();
            }
        }
    }

    /** A reader that has only the interface's default searches (they decode the chunk), over {@code r}. */
    private static TableReader decodingOnly(TableReader r) {
        return new TableReader() {
            @Override public TableInfo info() { return r.info(); }
            @Override public int rowGroupCount() { return r.rowGroupCount(); }
            @Override public VectorSchemaRoot readRowGroup(int g, List<String> c) throws IOException { return r.readRowGroup(g, c); }
            @Override public VectorSchemaRoot readRowGroup(int g, List<String> c, boolean d) throws IOException { return r.readRowGroup(g, c, d); }
            @Override public FieldVector readChunk(int c, int g) throws IOException { return r.readChunk(c, g); }
            @Override public RoaringBitmap deletedRows(int g) throws IOException { return r.deletedRows(g); }
            @Override public VectorSchemaRoot readRows(long[] ids, List<String> c) throws IOException { return r.readRows(ids, c); }
            @Override public void readRows(long[] ids, List<String> c, VectorSchemaRoot into) throws IOException { r.readRows(ids, c, into); }
            @Override public long[] liveRowIds(int g) throws IOException { return r.liveRowIds(g); }
            @Override public long[] readLongs(int c, int g, long[] reuse) throws IOException { return r.readLongs(c, g, reuse); }
            @Override public ChunkStats chunkStats(int c, int g) throws IOException { return r.chunkStats(c, g); }
            @Override public Iterator<VectorSchemaRoot> scan(List<String> c) { return r.scan(c); }
            @Override public long verifyChecksums() throws IOException { return r.verifyChecksums(); }
            @Override public void close() { }
        };
    }
}
