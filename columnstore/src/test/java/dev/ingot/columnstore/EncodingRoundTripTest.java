package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.columnstore.internal.TextBlocks;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every chunk encoding round-trips every type it applies to, with NULLs: seeded random values
 * and edge cases (all-NULL chunks, one distinct value, the widest frame of reference, the full
 * 64-bit range, negative values, empty strings, a dictionary that overflows). Each value is read
 * back through {@link TableReader#scan}, {@link TableReader#readRowGroup} and
 * {@link TableReader#readChunk} and compared with the model; the encoding each chunk got is read
 * from its header and asserted, so a change of the choice shows here.
 */
class EncodingRoundTripTest {
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

    /** The encoding and the header of each chunk: [column][row group]. */
    private ChunkFormat.Header[][] headers(TableReader r) throws Exception {
        TableDef def = r.info().def();
        ChunkFormat.Header[][] out = new ChunkFormat.Header[def.columns().size()][r.rowGroupCount()];
        for (int c = 0; c < out.length; c++) {
            for (int g = 0; g < r.rowGroupCount(); g++) {
                RowGroupInfo info = r.info().rowGroups().get(g);
                ByteBuffer blob = store.pager().get(info.chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
                out[c][g] = ChunkFormat.parse(blob, def.columns().get(c).type().kind(), info.rowCount(), store.pager().file(), "test", true);
            }
        }
        return out;
    }

    /**
     * Writes {@code values[column][row]} as table {@code name} with {@code chunkRows} rows per row
     * group, reads every value back three ways and returns each chunk's header.
     */
    private ChunkFormat.Header[][] roundTrip(String name, List<ColumnDef> columns, Object[][] values, int chunkRows) throws Exception {
        TableDef def = new TableDef(name, columns, List.of());
        int rows = values[0].length;
        try (VectorSchemaRoot root = TypeCases.batch(allocator, def, values)) {
            try (TableWriter w = store.createTable(def, ColumnStoreWriteHints.estimate(def).withChunkRows(chunkRows))) {
                w.appendBatch(root, 0, rows);
                w.commit();
            }
        }
        try (TableReader r = store.openTable(name)) {
            assertEquals(rows, r.info().rowCount());
            int seen = 0;
            Iterator<VectorSchemaRoot> scan = r.scan(null);
            for (int g = 0; g < r.rowGroupCount(); g++) {
                try (VectorSchemaRoot scanned = scan.next(); VectorSchemaRoot group = r.readRowGroup(g, null)) {
                    for (int c = 0; c < columns.size(); c++) {
                        try (FieldVector chunk = r.readChunk(c, g)) {
                            for (int i = 0; i < scanned.getRowCount(); i++) {
                                String at = name + "." + columns.get(c).name() + " row " + (seen + i) + " (row group " + g + ")";
                                Object expected = values[c][seen + i];
                                TypeCases.assertValue(expected, TypeCases.get(scanned.getVector(c), i), at + " scan");
                                TypeCases.assertValue(expected, TypeCases.get(group.getVector(c), i), at + " readRowGroup");
                                TypeCases.assertValue(expected, TypeCases.get(chunk, i), at + " readChunk");
                            }
                        }
                    }
                    seen += scanned.getRowCount();
                }
            }
            assertEquals(rows, seen);
            // point reads: every row once in a seeded random order, then random repeats, against the model
            long seed = TestSeed.seed("EncodingRoundTripTest.readRows", 20261126L);
            Random random = new Random(seed ^ name.hashCode());
            long[] ids = new long[rows + Math.min(rows, 100)];
            for (int i = 0; i < rows; i++) {
                ids[i] = i;
            }
            for (int i = rows - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = ids[i];
                ids[i] = ids[j];
                ids[j] = t;
            }
            for (int i = rows; i < ids.length; i++) {
                ids[i] = random.nextInt(rows);
            }
            try (VectorSchemaRoot picked = r.readRows(ids, null)) {
                assertEquals(ids.length, picked.getRowCount());
                for (int c = 0; c < columns.size(); c++) {
                    for (int i = 0; i < ids.length; i++) {
                        TypeCases.assertValue(values[c][(int) ids[i]], TypeCases.get(picked.getVector(c), i),
                                name + "." + columns.get(c).name() + " row id " + ids[i] + " readRows " + TestSeed.describe(seed));
                    }
                }
            }
            assertEquals((long) columns.size() * r.rowGroupCount(), r.verifyChecksums());
            return headers(r);
        }
    }

    private static ChunkEncoding[] encodings(ChunkFormat.Header[] chunks) {
        ChunkEncoding[] e = new ChunkEncoding[chunks.length];
        for (int g = 0; g < e.length; g++) {
            e[g] = chunks[g].encoding();
        }
        return e;
    }

    /** The Java value of {@code v} for a column of {@code type} (as TypeCases reads it back). */
    private static Object box(ColumnType type, long v) {
        switch (type.kind()) {
            case INT8: return (byte) v;
            case INT16: return (short) v;
            case INT32:
            case DATE32: return (int) v;
            case DECIMAL64: return BigDecimal.valueOf(v, type.scale());
            default: return v;
        }
    }

    /** The smallest and largest value of an integral type (DECIMAL(18, 2): +-(10^18 - 1)). */
    private static long[] range(ColumnType type) {
        switch (type.kind()) {
            case INT8: return new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case INT16: return new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case INT32:
            case DATE32: return new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case DECIMAL64: return new long[] {-999_999_999_999_999_999L, 999_999_999_999_999_999L};
            default: return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        }
    }

    @Test
    void frameOfReferenceAndRunLengthRoundTripEveryIntegralTypeWithNulls() throws Exception {
        long seed = TestSeed.seed("EncodingRoundTripTest integral", 4242L);
        Random rnd = new Random(seed);
        List<ColumnType> types = List.of(ColumnType.int8(), ColumnType.int16(), ColumnType.int32(), ColumnType.int64(), ColumnType.date(),
                ColumnType.time(), ColumnType.timestamp(), ColumnType.timestampTz(), ColumnType.decimal(18, 2));
        int chunkRows = 1000;
        int rows = 4 * chunkRows + 500; // four full row groups and a partial one
        for (ColumnType type : types) {
            long[] range = range(type);
            long min = range[0];
            long max = range[1];
            // [min, -1]: one bit below the plain width (DECIMAL(18, 2): 59 bits, within its range)
            long widestMask = type.kind() == ColumnType.Kind.DECIMAL64 ? (1L << 59) - 1 : max;
            Object[] narrow = new Object[rows];
            Object[] runs = new Object[rows];
            Object[] edge = new Object[rows];
            for (int i = 0; i < rows; i++) {
                boolean isNull = rnd.nextInt(10) == 0;
                narrow[i] = isNull ? null : box(type, rnd.nextInt(41) - 20); // negative values, 6 bits
                runs[i] = rnd.nextInt(10) == 0 ? null : box(type, min + i / 300); // runs of 300 from the smallest value
                int g = i / chunkRows;
                long v;
                switch (g) {
                    case 0: v = 0; break; // row group 0: all NULL
                    case 1: v = max; break; // one distinct value
                    case 2: v = i % 5 == 0 ? min : i % 5 == 1 ? max : rnd.nextLong(); break; // the type's full range
                    case 3: v = min + (rnd.nextLong() & widestMask); break; // the widest frame of reference below the plain width
                    default: v = rnd.nextInt(100) - 50; // 7 bits, fits TINYINT
                }
                if (g == 2 && type.kind() != ColumnType.Kind.INT64 && type.kind() != ColumnType.Kind.TIME64
                        && !type.kind().name().startsWith("TIMESTAMP")) {
                    v = min + Math.floorMod(v, max - min + 1); // within the type's range
                }
                edge[i] = g == 0 || rnd.nextInt(10) == 0 && g != 2 ? null : box(type, v);
            }
            // the extremes of the full-range group are certainly present
            edge[2 * chunkRows] = box(type, min);
            edge[2 * chunkRows + 1] = box(type, max);
            edge[3 * chunkRows] = box(type, min);
            edge[3 * chunkRows + 1] = box(type, min + widestMask);
            ChunkFormat.Header[][] h = roundTrip("t_" + type.kind().name().toLowerCase(), List.of(ColumnDef.nullable("narrow", type),
                    ColumnDef.nullable("runs", type), ColumnDef.nullable("edge", type)), new Object[][] {narrow, runs, edge}, chunkRows);
            String what = type + " " + TestSeed.describe(seed);
            ChunkEncoding F = ChunkEncoding.FOR;
            assertArrayEquals(new ChunkEncoding[] {F, F, F, F, F}, encodings(h[0]), what);
            assertEquals(6, h[0][0].bitWidth(), what);
            assertEquals(-20, (long) h[0][0].reference(), what);
            ChunkEncoding R = ChunkEncoding.RLE;
            // the partial row group has two runs (values 13 and 14): 500 values of 1 bit take less than two runs
            assertArrayEquals(new ChunkEncoding[] {R, R, R, R, F}, encodings(h[1]), what);
            assertEquals(4, h[1][0].entries(), what + ": runs of row group 0 (rows 0-299, 300-599, 600-899, 900-999)");
            assertEquals(min, h[1][0].reference(), what);
            ChunkEncoding P = ChunkEncoding.PLAIN;
            // the full range of a plain width stays plain; DECIMAL(18, 2)'s +-(10^18 - 1) takes 61 of its 64 bits
            boolean decimal = type.kind() == ColumnType.Kind.DECIMAL64;
            assertArrayEquals(new ChunkEncoding[] {F, F, decimal ? F : P, F, F}, encodings(h[2]), what);
            assertEquals(decimal ? 61 : 0, h[2][2].bitWidth(), what);
            assertEquals(0, h[2][0].bitWidth(), what + ": all NULL");
            assertEquals(0, h[2][0].dataLength(), what + ": all NULL");
            assertEquals(0, h[2][1].bitWidth(), what + ": one distinct value");
            assertEquals(max, h[2][1].reference(), what + ": one distinct value");
            int widest = type.kind() == ColumnType.Kind.DECIMAL64 ? 59 : 8 * type.kind().fixedWidth() - 1;
            assertEquals(widest, h[2][3].bitWidth(), what + ": the widest frame");
        }
    }

    @Test
    void runsOfEveryLengthFromOneRowRoundTripAsRunLengthChunksWithNulls() throws Exception {
        // runs of 1, 2, 3, ... rows, each a new value (ascending from the type's smallest), a NULL
        // every 7th row: runs that start and end on a row group's first and last row, single-row
        // runs, and runs that cross 8-byte words of the validity bitmap at every offset
        int chunkRows = 1000;
        int rows = 3 * chunkRows + 17;
        for (ColumnType type : List.of(ColumnType.int64(), ColumnType.timestamp(), ColumnType.decimal(18, 2), ColumnType.int32())) {
            long min = range(type)[0];
            Object[] ragged = new Object[rows];
            int run = 1;
            int left = 1;
            long value = min;
            for (int i = 0; i < rows; i++) {
                if (left == 0) {
                    run = run % 40 + 1;
                    left = run;
                    value++;
                }
                ragged[i] = i % 7 == 3 ? null : box(type, value);
                left--;
            }
            ChunkFormat.Header[][] h = roundTrip("r_" + type.kind().name().toLowerCase(), List.of(ColumnDef.nullable("ragged", type)),
                    new Object[][] {ragged}, chunkRows);
            ChunkEncoding R = ChunkEncoding.RLE;
            // the 17-row partial row group's few values take fewer bits as a frame of reference
            assertArrayEquals(new ChunkEncoding[] {R, R, R, ChunkEncoding.FOR}, encodings(h[0]), type.toString());
        }
    }

    /**
     * Whether an integer chunk's runs are counted is decided by its first 1024 values (ChunkEncoder.RUN_SAMPLE_ROWS): a chunk whose
     * sample changes at every row is frame-of-reference encoded although its later rows run long
     * (runs would be smaller here: 1,025 runs of 10 + 13 bits against 4,096 values of 10 bits), one
     * whose sample runs long but whose rest changes at every row is counted and stays FOR, and one
     * that runs long throughout is RLE; every value reads back.
     */
    @Test
    void theFirstValuesDecideWhetherTheRunsOfAnIntegerChunkAreCounted() throws Exception {
        int chunkRows = 4096;
        Object[] noisyThenRuns = new Object[chunkRows];
        Object[] runsThenNoisy = new Object[chunkRows];
        Object[] runs = new Object[chunkRows];
        for (int i = 0; i < chunkRows; i++) {
            noisyThenRuns[i] = i < 1024 ? i : 7;
            runsThenNoisy[i] = i < 1024 ? i / 512 : i % 1000;
            runs[i] = i % 5 == 0 ? null : i / 512;
        }
        ChunkFormat.Header[][] h = roundTrip("sampled_runs", List.of(ColumnDef.nullable("noisy_then_runs", ColumnType.int32()),
                ColumnDef.nullable("runs_then_noisy", ColumnType.int32()), ColumnDef.nullable("runs", ColumnType.int32())),
                new Object[][] {noisyThenRuns, runsThenNoisy, runs}, chunkRows);
        assertEquals(ChunkEncoding.FOR, h[0][0].encoding());
        assertEquals(10, h[0][0].bitWidth());
        assertEquals(ChunkEncoding.FOR, h[1][0].encoding());
        assertEquals(ChunkEncoding.RLE, h[2][0].encoding());
        assertEquals(8, h[2][0].entries(), "runs of 512 rows, the null rows taking the value before them");
    }

    /**
     * Two 12-byte values equal in length and in their first 8 bytes whose 32-bit dictionary hashes
     * collide (found by a search over the last 4 bytes with TextDictionary's hash of this commit):
     * only comparing the bytes past the first 8 tells them apart.
     */
    static final byte[] COLLIDING_A = collidingValue(78958);
    static final byte[] COLLIDING_B = collidingValue(154720);

    private static byte[] collidingValue(int x) {
        byte[] b = new byte[12];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (0xA0 + i);
        }
        b[8] = (byte) x;
        b[9] = (byte) (x >>> 8);
        b[10] = (byte) (x >>> 16);
        b[11] = 0x55;
        return b;
    }

    @Test
    void dictionaryAndPackedTextRoundTripEveryTextTypeWithNulls() throws Exception {
        long seed = TestSeed.seed("EncodingRoundTripTest text", 777L);
        Random rnd = new Random(seed);
        // two values equal in length and in their first 8 bytes: the dictionary compares the rest
        String[] modes = {"AIR", "", "REG AIR", "日本語", "TRUCK", "PREFIX-A-1", "PREFIX-A-2"};
        String[] longModes = {"DELIVER IN PERSON, THEN RETURN", "COLLECT COD AT THE BACK DOOR..", "TAKE BACK RETURN TO THE SENDER"};
        String[] words = {"furiously", "express", "packages", "sleep", "quickly", "final", "deposits", "across", "the", "ironic",
            "requests", "blithely", "regular", "accounts", "haggle", "carefully", "pending", "theodolites", "nag", "slyly"};
        int chunkRows = 2048;
        int rows = 3 * chunkRows + 100;
        // TPC-H's l_shipinstruct (entries up to 17 bytes: three 8-byte words) and entries up to 30 bytes (four words)
        String[] instructs = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
        Object[][] v = new Object[8][rows];
        for (int i = 0; i < rows; i++) {
            int g = i / chunkRows;
            int inGroup = i % chunkRows;
            v[0][i] = rnd.nextInt(10) == 0 ? null : modes[rnd.nextInt(modes.length)];
            int b = rnd.nextInt(5);
            v[1][i] = rnd.nextInt(10) == 0 ? null : b < 3 ? new byte[] {(byte) b, (byte) 0xFF} : (b == 3 ? COLLIDING_A : COLLIDING_B).clone();
            StringBuilder prose = new StringBuilder();
            while (prose.length() < 20 + rnd.nextInt(40)) {
                prose.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            v[2][i] = rnd.nextInt(10) == 0 ? null : prose.toString().strip();
            v[3][i] = rnd.nextInt(10) == 0 ? null : TypeCases.bytes(rnd, 40);
            // a dictionary-friendly first 1024 rows of long values, then short distinct ones: more than
            // rows / 2 distinct values, so the dictionary overflows, although it would be smaller
            v[4][i] = inGroup < 1024 ? longModes[inGroup % 3] : "v" + i;
            v[5][i] = g == 0 || g == 2 && rnd.nextInt(4) == 0 ? null : g == 1 ? "" : g == 2 ? "x" : TestData.text(rnd, 5);
            v[6][i] = rnd.nextInt(10) == 0 ? null : instructs[rnd.nextInt(instructs.length)];
            v[7][i] = rnd.nextInt(10) == 0 ? null : longModes[rnd.nextInt(longModes.length)];
        }
        ChunkFormat.Header[][] h = roundTrip("texts", List.of(ColumnDef.nullable("low", ColumnType.charOf(10)),
                ColumnDef.nullable("low_bin", ColumnType.varbinary(16)), ColumnDef.nullable("prose", ColumnType.varchar()),
                ColumnDef.nullable("rnd", ColumnType.varbinary(40)), ColumnDef.nullable("overflow", ColumnType.varchar(40)),
                ColumnDef.nullable("edge", ColumnType.varchar(5)), ColumnDef.nullable("instruct", ColumnType.varchar(25)),
                ColumnDef.nullable("long_modes", ColumnType.varchar(40))), v, chunkRows);
        String what = TestSeed.describe(seed);
        ChunkEncoding D = ChunkEncoding.DICTIONARY;
        ChunkEncoding T = ChunkEncoding.PACKED_TEXT;
        assertArrayEquals(new ChunkEncoding[] {D, D, D, D}, encodings(h[0]), what);
        assertEquals(7, h[0][0].entries(), what);
        assertEquals(3, h[0][0].bitWidth(), what);
        assertArrayEquals(new ChunkEncoding[] {D, D, D, D}, encodings(h[1]), what);
        assertEquals(5, h[1][0].entries(), what + ": the two colliding values are two entries");
        assertArrayEquals(new ChunkEncoding[] {T, T, T, T}, encodings(h[2]), what);
        for (int g = 0; g < 3; g++) {
            assertEquals(ChunkFormat.COMPRESSION_LZ4_BLOCKS, h[2][g].compression(), what + " prose row group " + g);
            assertEquals(true, h[2][g].entries() >= h[2][g].textBytes() / TextBlocks.BLOCK_BYTES, what + ": text blocks of at most "
                    + TextBlocks.BLOCK_BYTES + " bytes: " + h[2][g].entries() + " for " + h[2][g].textBytes());
            assertEquals(true, h[2][g].dataLength() < h[2][g].textBytes() * 6 / 10, what + ": prose compresses " + h[2][g].dataLength()
                    + " / " + h[2][g].textBytes());
        }
        assertArrayEquals(new ChunkEncoding[] {T, T, T, T}, encodings(h[3]), what);
        assertEquals(ChunkFormat.COMPRESSION_NONE, h[3][0].compression(), what + ": random bytes are stored as they are");
        assertEquals(6, h[3][0].bitWidth(), what + ": lengths 0..40");
        for (int g = 0; g < 3; g++) {
            assertEquals(T, h[4][g].encoding(), what + ": overflowed dictionary, row group " + g);
        }
        assertArrayEquals(new ChunkEncoding[] {T, T, D, T}, encodings(h[5]), what);
        assertEquals(0, h[5][0].dataLength(), what + ": all NULL");
        assertEquals(0, h[5][0].offsetsLength(), what + ": all NULL");
        assertEquals(0, h[5][1].offsetsLength(), what + ": every value empty");
        assertEquals(1, h[5][2].entries(), what + ": one distinct value");
        assertEquals(0, h[5][2].bitWidth(), what + ": one distinct value");
        assertArrayEquals(new ChunkEncoding[] {D, D, D, D}, encodings(h[6]), what);
        assertEquals(4, h[6][0].entries(), what);
        assertArrayEquals(new ChunkEncoding[] {D, D, D, D}, encodings(h[7]), what);
        assertEquals(3, h[7][0].entries(), what);
        assertTextStats("texts", v, chunkRows, what);
    }

    /** Each chunk's min/max of table {@code name} equals the unsigned-byte min/max of its non-null model values (those up to 64 bytes). */
    private void assertTextStats(String name, Object[][] values, int chunkRows, String what) throws Exception {
        try (TableReader r = store.openTable(name)) {
            for (int c = 0; c < values.length; c++) {
                for (int g = 0; g < r.rowGroupCount(); g++) {
                    byte[] min = null;
                    byte[] max = null;
                    for (int i = g * chunkRows; i < Math.min(values[c].length, (g + 1) * chunkRows); i++) {
                        Object x = values[c][i];
                        if (x == null) {
                            continue;
                        }
                        byte[] b = x instanceof String ? ((String) x).getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) x;
                        min = min == null || java.util.Arrays.compareUnsigned(b, min) < 0 ? b : min;
                        max = max == null || java.util.Arrays.compareUnsigned(b, max) > 0 ? b : max;
                    }
                    ChunkStats s = r.chunkStats(c, g);
                    String at = what + " " + name + " column " + c + " row group " + g + " (" + s.hasMinMax() + ")";
                    if (min == null) {
                        assertEquals(false, s.hasMinMax(), at);
                        continue;
                    }
                    if (min.length <= ChunkFormat.MAX_STAT_BYTES) {
                        assertEquals(java.util.HexFormat.of().formatHex(min), java.util.HexFormat.of().formatHex(s.minBytes()), at + " min");
                    }
                    if (max.length <= ChunkFormat.MAX_STAT_BYTES) {
                        assertEquals(java.util.HexFormat.of().formatHex(max), java.util.HexFormat.of().formatHex(s.maxBytes()), at + " max");
                    }
                }
            }
        }
    }

    /** A UTF-8 string of {@code bytes} bytes or just under (whole characters), of words from {@code words}, compressible. */
    private static String textOfBytes(Random rnd, String[] words, int bytes) {
        StringBuilder s = new StringBuilder();
        int n = 0;
        while (true) {
            String w = words[rnd.nextInt(words.length)] + ' ';
            int wb = w.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (n + wb > bytes) {
                break;
            }
            s.append(w);
            n += wb;
        }
        while (n < bytes) {
            s.append('x');
            n++;
        }
        return s.toString();
    }

    @Test
    void textBlocksRoundTripNullsEmptyMultiByteAndValuesAtAndAboveTheBlockSize() throws Exception {
        long seed = TestSeed.seed("EncodingRoundTripTest textBlocks", 8191L);
        Random rnd = new Random(seed);
        String[] words = {"furiously", "express", "packages", "sleep", "日本語の", "Ünïcödé", "emoji😀", "ελληνικά", "regular", "accounts",
            "haggle", "carefully", "pending", "theodolites", "nag", "slyly", "", "a"};
        int block = TextBlocks.BLOCK_BYTES;
        int chunkRows = 4096;
        int rows = 3 * chunkRows + 123;
        Object[][] v = new Object[3][rows];
        for (int i = 0; i < rows; i++) {
            int kind = rnd.nextInt(20);
            // mixed: NULLs, empty strings, multi-byte UTF-8 prose, now and then a value at, just under or above the block size
            v[0][i] = kind == 0 ? null : kind == 1 ? "" : kind == 2 && rnd.nextInt(8) == 0
                    ? textOfBytes(rnd, words, rnd.nextBoolean() ? block : rnd.nextBoolean() ? block - 1 : block + 1 + rnd.nextInt(3 * block))
                    : textOfBytes(rnd, words, rnd.nextInt(120));
            // random bytes (LZ4 does not pay: raw blocks), NULLs and empty values
            v[1][i] = kind == 3 ? null : kind == 4 ? new byte[0] : TypeCases.bytes(rnd, 300);
            // mostly NULL or empty: blocks end at their row limit, not their bytes
            v[2][i] = kind < 10 ? null : kind < 19 ? "" : textOfBytes(rnd, words, rnd.nextInt(30));
        }
        ChunkFormat.Header[][] h = roundTrip("blocks", List.of(ColumnDef.nullable("mixed", ColumnType.varchar()),
                ColumnDef.nullable("rnd", ColumnType.varbinary(300)), ColumnDef.nullable("sparse", ColumnType.varchar())), v, chunkRows);
        String what = TestSeed.describe(seed);
        assertTextStats("blocks", v, chunkRows, what);
        try (TableReader r = store.openTable("blocks")) {
            for (int c = 0; c < 3; c++) {
                for (int g = 0; g < r.rowGroupCount(); g++) {
                    ChunkFormat.Header x = h[c][g];
                    String at = what + " column " + c + " row group " + g;
                    assertEquals(ChunkEncoding.PACKED_TEXT, x.encoding(), at);
                    if (c < 2) { // the sparse column's few bytes may compress either way
                        assertEquals(c == 0 ? ChunkFormat.COMPRESSION_LZ4_BLOCKS : ChunkFormat.COMPRESSION_NONE, x.compression(), at);
                    } else {
                        assertEquals(true, x.entries() >= x.rowCount() / TextBlocks.BLOCK_ROWS, at + ": blocks of at most "
                                + TextBlocks.BLOCK_ROWS + " rows: " + x.entries());
                    }
                    ByteBuffer blob = store.pager().get(r.info().rowGroups().get(g).chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
                    assertBlocks(x, blob, v[c], g * chunkRows, at);
                }
            }
        }
    }

    /** The block index of a chunk whose rows are {@code values[first, first + rows)} follows the cutting rule exactly. */
    private static void assertBlocks(ChunkFormat.Header h, ByteBuffer blob, Object[] values, int first, String at) {
        int rows = h.rowCount();
        long[] offsets = new long[rows + 1];
        for (int i = 0; i < rows; i++) {
            Object x = values[first + i];
            int len = x == null ? 0 : x instanceof String ? ((String) x).getBytes(java.nio.charset.StandardCharsets.UTF_8).length : ((byte[]) x).length;
            offsets[i + 1] = offsets[i] + len;
        }
        int blocks = h.entries();
        assertEquals(rows, TextBlocks.entry(h, blob, blocks)[0], at);
        assertEquals(offsets[rows], TextBlocks.entry(h, blob, blocks)[2], at);
        assertEquals(h.dataLength(), TextBlocks.entry(h, blob, blocks)[1], at);
        for (int b = 0; b < blocks; b++) {
            int[] e = TextBlocks.entry(h, blob, b);
            int end = TextBlocks.entry(h, blob, b + 1)[0];
            String in = at + " block " + b + " rows [" + e[0] + ", " + end + ")";
            assertEquals(offsets[e[0]], e[2], in + ": text offset");
            int n = end - e[0];
            long bytes = offsets[end] - offsets[e[0]];
            assertEquals(true, n <= TextBlocks.BLOCK_ROWS, in);
            assertEquals(true, bytes <= TextBlocks.BLOCK_BYTES || n == 1 || offsets[end - 1] == offsets[e[0]], in + ": " + bytes
                    + " bytes: over the block size only as one value (after empty ones)");
            if (b < blocks - 1) { // the next row did not fit
                assertEquals(true, n == TextBlocks.BLOCK_ROWS || offsets[end + 1] - offsets[e[0]] > TextBlocks.BLOCK_BYTES, in
                        + ": the next row would have fit");
            }
        }
    }

    @Test
    void kindsWithoutALightweightEncodingStayPlain() throws Exception {
        Random rnd = new Random(TestSeed.seed("EncodingRoundTripTest plain", 99L));
        int rows = 3000;
        List<String> names = List.of("b", "f32", "f64", "d128", "u");
        List<ColumnDef> defs = new ArrayList<>();
        Object[][] v = new Object[names.size()][];
        for (int c = 0; c < names.size(); c++) {
            String n = names.get(c);
            TypeCases.Case tc = TypeCases.CASES.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow();
            defs.add(tc.def());
            v[c] = new Object[rows];
            for (int i = 0; i < rows; i++) {
                v[c][i] = rnd.nextInt(8) == 0 ? null : tc.gen().apply(rnd);
            }
        }
        v[4][7] = new UUID(0, 0);
        ChunkFormat.Header[][] h = roundTrip("plain_kinds", defs, v, 1024);
        for (int c = 0; c < names.size(); c++) {
            for (ChunkFormat.Header chunk : h[c]) {
                assertEquals(ChunkEncoding.PLAIN, chunk.encoding(), names.get(c));
                assertEquals(ChunkFormat.VERSION, chunk.version(), names.get(c));
            }
        }
    }
}
