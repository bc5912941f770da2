package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.IntFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans after deletions: the decoders skip deleted rows as they decode (no second pass moves
 * them), so every encoding of every type is read back after seeded deletions of every shape and
 * compared with the values written, filtered in Java by the rows deleted. Columns: every type of
 * {@link TypeCases} (plain chunks of BOOLEAN, floats, DECIMAL(38), UUID and full-range integers,
 * FOR and dictionary chunks as the encoder picks them), plus columns made for one encoding each:
 * RLE of 8-byte, 4-byte and decimal values, FOR of 8-byte, 2-byte and decimal values, dictionaries
 * of one-word entries without NULLs, with NULLs, and of entries longer than 32 bytes, LZ4 text
 * blocks (several per chunk) and raw text blocks. Row groups of 3,000 rows (not a multiple of the
 * 64-value unpack blocks, the 256-row decimal blocks or the 1,024-row text blocks), each with
 * deletions of one shape: scattered with the first and last row, everything, all but one row in
 * the middle, all but the first, all but the last, just one row (not every row is live), long runs
 * across text blocks, TPC-H's runs of
 * one to seven rows, dense, none (twice: between row groups with deletions and last, so that one
 * scan, its vectors reused, decodes chunks with the loops for every row next to chunks with the
 * skipping loops, each chosen per chunk). Each row group is read three ways ({@link TableReader#scan}
 * with vectors reused from batch to batch, {@link TableReader#readRowGroup},
 * {@link TableReader#readChunk}); the encodings each column got are asserted, so the test shows
 * when a change of the encoder's choices leaves an encoding untested.
 */
class DeletedRowsScanTest {
    private static final int CHUNK_ROWS = 3000;
    private static final String[] SHAPES = {"scattered, first and last", "everything", "all but one in the middle", "all but the first",
        "all but the last", "one in the middle", "none, between row groups with deletions", "long runs across text blocks", "runs of 1-7 rows", "dense", "none"};

    /** A column made for one encoding: its definition, the encodings its chunks must get, and its value of row i. */
    private record Extra(ColumnDef def, Set<ChunkEncoding> expect, IntFunction<Object> value) {}

    @Test
    void everyEncodingOfEveryTypeSkipsDeletedRowsOfEveryShape(@TempDir Path dir) throws Exception {
        try (BufferAllocator allocator = TestAllocators.arrow(); ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options())) {
            check(store, allocator);
        }
    }

    private void check(ColumnStore store, BufferAllocator allocator) throws Exception {
        long seed = TestSeed.seed("DeletedRowsScanTest", 20261126L);
        Random rnd = new Random(seed);
        String what = TestSeed.describe(seed);
        int groups = SHAPES.length;
        int rows = groups * CHUNK_ROWS - 700; // the last row group partial
        String[] modes = {"AIR", "", "REG AIR", "日本語", "TRUCK", "MAIL", "SHIP"};
        String[] longModes = {"DELIVER IN PERSON, THEN RETURN TO THE SENDER", "COLLECT COD AT THE BACK DOOR OF THE HOUSE",
            "TAKE BACK RETURN"};
        String[] words = {"furiously", "express", "packages", "sleep", "quickly", "final", "deposits", "across", "the", "ironic",
            "requests", "blithely", "regular", "accounts", "haggle", "carefully", "pending", "theodolites", "nag", "slyly"};
        Random values = new Random(rnd.nextLong());
        List<Extra> extras = List.of(
                new Extra(ColumnDef.nullable("runs64", ColumnType.int64()), EnumSet.of(ChunkEncoding.RLE),
                        i -> i % 11 == 5 ? null : 1_000_000_000_000L + i / 7),
                new Extra(ColumnDef.nullable("runs32", ColumnType.int32()), EnumSet.of(ChunkEncoding.RLE), i -> i % 13 == 0 ? null : -i / 5),
                new Extra(ColumnDef.nullable("runsdec", ColumnType.decimal(12, 2)), EnumSet.of(ChunkEncoding.RLE),
                        i -> i % 17 == 3 ? null : BigDecimal.valueOf(-5_000_000L + i / 9, 2)),
                new Extra(ColumnDef.nullable("for64", ColumnType.int64()), EnumSet.of(ChunkEncoding.FOR),
                        i -> i % 19 == 0 ? null : 77_000_000_000L + values.nextInt(1 << 20)),
                new Extra(ColumnDef.notNull("for16", ColumnType.int16()), EnumSet.of(ChunkEncoding.FOR), i -> (short) (values.nextInt(500) - 250)),
                new Extra(ColumnDef.notNull("for8", ColumnType.int8()), EnumSet.of(ChunkEncoding.FOR), i -> (byte) (values.nextInt(40) - 20)),
                new Extra(ColumnDef.nullable("fordec", ColumnType.decimal(15, 2)), EnumSet.of(ChunkEncoding.FOR),
                        i -> i % 23 == 1 ? null : BigDecimal.valueOf(values.nextInt(10_000_000) - 300, 2)),
                new Extra(ColumnDef.notNull("dict", ColumnType.varchar(10)), EnumSet.of(ChunkEncoding.DICTIONARY),
                        i -> modes[values.nextInt(modes.length)]),
                new Extra(ColumnDef.nullable("dictnull", ColumnType.charOf(10)), EnumSet.of(ChunkEncoding.DICTIONARY),
                        i -> values.nextInt(9) == 0 ? null : modes[values.nextInt(modes.length)]),
                new Extra(ColumnDef.nullable("dictlong", ColumnType.varchar(60)), EnumSet.of(ChunkEncoding.DICTIONARY),
                        i -> values.nextInt(9) == 0 ? null : longModes[values.nextInt(longModes.length)]),
                new Extra(ColumnDef.nullable("prose", ColumnType.varchar()), EnumSet.of(ChunkEncoding.PACKED_TEXT), i -> {
                    if (values.nextInt(10) == 0) {
                        return null;
                    }
                    StringBuilder b = new StringBuilder();
                    while (b.length() < 20 + values.nextInt(60)) {
                        b.append(words[values.nextInt(words.length)]).append(' ');
                    }
                    return b.toString().strip();
                }),
                new Extra(ColumnDef.nullable("noise", ColumnType.varbinary()), EnumSet.of(ChunkEncoding.PACKED_TEXT),
                        i -> values.nextInt(10) == 0 ? null : TypeCases.bytes(values, 60)));
        List<ColumnDef> defs = new ArrayList<>();
        TypeCases.CASES.forEach(c -> defs.add(c.def()));
        extras.forEach(e -> defs.add(e.def()));
        int cols = defs.size();
        Object[][] m = new Object[cols][];
        Object[][] typed = TypeCases.model(rnd, rows, 0.1, 0);
        System.arraycopy(typed, 0, m, 0, typed.length);
        for (int e = 0; e < extras.size(); e++) {
            Object[] col = new Object[rows];
            for (int i = 0; i < rows; i++) {
                col[i] = extras.get(e).value().apply(i);
            }
            m[typed.length + e] = col;
        }
        TableDef def = new TableDef("scanned", defs, List.of());
        try (VectorSchemaRoot root = TypeCases.batch(allocator, def, m)) {
            try (TableWriter w = store.createTable(def, ColumnStoreWriteHints.estimate(def).withChunkRows(CHUNK_ROWS))) {
                w.appendBatch(root, 0, rows);
                w.commit();
            }
        }
        boolean[] deleted = new boolean[rows];
        List<Long> ids = new ArrayList<>();
        TableInfo info = store.table("scanned").orElseThrow();
        assertEquals(groups, info.rowGroups().size(), what);
        for (int g = 0; g < groups; g++) {
            RowGroupInfo rg = info.rowGroups().get(g);
            int n = rg.rowCount();
            for (int p = 0; p < n; p++) {
                boolean d = switch (g) {
                    case 0 -> p == 0 || p == n - 1 || rnd.nextInt(100) == 0;
                    case 1 -> true;
                    case 2 -> p != n / 2;
                    case 3 -> p != 0;
                    case 4 -> p != n - 1;
                    case 5 -> p == n / 2 + 1; // one deleted row: not every row live
                    case 6 -> false; // decoded with the loops for every row, between chunks decoded with the skipping ones
                    case 7 -> p >= 1000 && p < 1100 || p >= 1020 && p < 2100 || p >= 2900; // across the 1,024-row text blocks
                    case 8 -> false; // set below
                    case 9 -> rnd.nextInt(3) != 0;
                    default -> false;
                };
                if (d) {
                    deleted[(int) rg.firstRowId() + p] = true;
                }
            }
            if (g == 8) { // TPC-H: the lineitems of 1% of the orders, one to seven rows each
                for (int p = rnd.nextInt(50); p < n; p += 20 + rnd.nextInt(300)) {
                    int len = 1 + rnd.nextInt(7);
                    for (int k = p; k < Math.min(n, p + len); k++) {
                        deleted[(int) rg.firstRowId() + k] = true;
                    }
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            if (deleted[i]) {
                ids.add((long) i);
            }
        }
        try (StoreTransaction tx = store.begin()) {
            assertEquals(ids.size(), tx.delete("scanned", ids.stream().mapToLong(Long::longValue).toArray()), what);
            tx.commit();
        }
        try (TableReader r = store.openTable("scanned")) {
            for (int e = 0; e < extras.size(); e++) {
                int c = typed.length + e;
                assertEquals(extras.get(e).expect(), encodings(store, r, c), what + ": " + defs.get(c).name());
            }
            assertTrue(encodings(store, r, defs.indexOf(TypeCases.CASES.get(1).def())).contains(ChunkEncoding.PLAIN), what + ": BOOLEAN");
            assertTrue(encodings(store, r, 5).contains(ChunkEncoding.PLAIN), what + ": " + defs.get(5).name() + " full-range BIGINT");
            assertTrue(compressions(store, r, defs.indexOf(extras.get(10).def())).contains(ChunkFormat.COMPRESSION_LZ4_BLOCKS), what + ": prose");
            assertTrue(compressions(store, r, defs.indexOf(extras.get(11).def())).contains(ChunkFormat.COMPRESSION_NONE), what + ": noise");
            Iterator<VectorSchemaRoot> scan = r.scan(null);
            long seenRows = 0;
            for (int g = 0; g < groups; g++) {
                RowGroupInfo rg = r.info().rowGroups().get(g);
                List<Integer> live = new ArrayList<>();
                for (int p = 0; p < rg.rowCount(); p++) {
                    if (!deleted[(int) rg.firstRowId() + p]) {
                        live.add((int) rg.firstRowId() + p);
                    }
                }
                String at = what + " row group " + g + " (" + SHAPES[g] + ")";
                try (VectorSchemaRoot scanned = scan.next(); VectorSchemaRoot group = r.readRowGroup(g, null)) {
                    assertEquals(live.size(), scanned.getRowCount(), at + " scan rows");
                    assertEquals(live.size(), group.getRowCount(), at + " readRowGroup rows");
                    for (int c = 0; c < cols; c++) {
                        try (FieldVector chunk = r.readChunk(c, g)) {
                            String col = at + " column " + defs.get(c).name();
                            assertEquals(live.size(), scanned.getVector(c).getValueCount(), col + " scan value count");
                            assertEquals(live.size(), chunk.getValueCount(), col + " readChunk value count");
                            long nulls = 0;
                            for (int k = 0; k < live.size(); k++) {
                                Object expected = m[c][live.get(k)];
                                nulls += expected == null ? 1 : 0;
                                String rowAt = col + " live row " + k + " (row " + live.get(k) + ")";
                                TypeCases.assertValue(expected, TypeCases.get(scanned.getVector(c), k), rowAt + " scan");
                                TypeCases.assertValue(expected, TypeCases.get(group.getVector(c), k), rowAt + " readRowGroup");
                                TypeCases.assertValue(expected, TypeCases.get(chunk, k), rowAt + " readChunk");
                            }
                            assertEquals(nulls, scanned.getVector(c).getNullCount(), col + " scan NULLs");
                        }
                    }
                    seenRows += scanned.getRowCount();
                }
            }
            assertEquals(rows - ids.size(), seenRows, what);
            assertEquals(false, scan.hasNext(), what);
        }
    }

    private static Set<ChunkEncoding> encodings(ColumnStore store, TableReader r, int c) throws Exception {
        Set<ChunkEncoding> out = EnumSet.noneOf(ChunkEncoding.class);
        for (int g = 0; g < r.rowGroupCount(); g++) {
            out.add(header(store, r, c, g).encoding());
        }
        return out;
    }

    private static Set<Integer> compressions(ColumnStore store, TableReader r, int c) throws Exception {
        Set<Integer> out = new java.util.HashSet<>();
        for (int g = 0; g < r.rowGroupCount(); g++) {
            out.add((int) header(store, r, c, g).compression());
        }
        return out;
    }

    private static ChunkFormat.Header header(ColumnStore store, TableReader r, int c, int g) throws Exception {
        RowGroupInfo info = r.info().rowGroups().get(g);
        ByteBuffer blob = store.pager().get(info.chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
        return ChunkFormat.parse(blob, r.info().def().columns().get(c).type().kind(), info.rowCount(), store.pager().file(), "test", true);
    }
}
