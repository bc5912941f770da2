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
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row groups sealed by several threads ({@link ColumnStoreOptions#sealThreads()}) give the store
 * that one thread gives: the same chunk key for every column of every row group and the same blob,
 * byte for byte, over plain, frame-of-reference, run-length, dictionary and LZ4 text chunks with
 * NULLs; and the rows read back are the rows written.
 */
class ParallelSealTest {
    @TempDir
    Path dir;

    private static final List<ColumnDef> COLUMNS = List.of(ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("qty", ColumnType.int32()), ColumnDef.nullable("price", ColumnType.decimal(12, 2)),
            ColumnDef.nullable("flag", ColumnType.charOf(1)), ColumnDef.nullable("mode", ColumnType.varchar(10)),
            ColumnDef.nullable("comment", ColumnType.varchar()), ColumnDef.nullable("day", ColumnType.date()),
            ColumnDef.nullable("run", ColumnType.int32()), ColumnDef.nullable("noise", ColumnType.int64()));

    @Test
    void fourThreadsWriteTheChunksOneThreadWrites() throws Exception {
        long seed = TestSeed.seed("ParallelSealTest");
        int rows = 70_000;
        Object[][] values = values(new Random(seed), rows);
        Set<ChunkEncoding> encodings = EnumSet.noneOf(ChunkEncoding.class);
        try (BufferAllocator allocator = TestAllocators.arrow()) {
            List<byte[][]> one = write(dir.resolve("one"), 1, values, allocator, encodings);
            List<byte[][]> four = write(dir.resolve("four"), 4, values, allocator, encodings);
            assertEquals(one.size(), four.size(), "row groups " + TestSeed.describe(seed));
            for (int g = 0; g < one.size(); g++) {
                for (int c = 0; c < COLUMNS.size(); c++) {
                    String at = "row group " + g + " column " + COLUMNS.get(c).name() + " " + TestSeed.describe(seed);
                    assertEquals(ByteBuffer.wrap(one.get(g)[c]), ByteBuffer.wrap(four.get(g)[c]), at);
                }
            }
        }
        assertTrue(encodings.containsAll(EnumSet.of(ChunkEncoding.PLAIN, ChunkEncoding.DICTIONARY, ChunkEncoding.PACKED_TEXT)),
                "encodings covered: " + encodings);
        assertTrue(encodings.containsAll(EnumSet.of(ChunkEncoding.FOR, ChunkEncoding.RLE)), "encodings covered: " + encodings);
    }

    private static Object[][] values(Random rnd, int rows) {
        String[] modes = {"AIR", "MAIL", "SHIP", "TRUCK", "RAIL", "FOB", "REG AIR"};
        String[] words = {"carefully", "final", "deposits", "sleep", "quickly", "among", "the", "furiously", "ironic", "packages"};
        Object[][] v = new Object[COLUMNS.size()][rows];
        for (int i = 0; i < rows; i++) {
            v[0][i] = (long) i * 3;
            v[1][i] = rnd.nextInt(20) == 0 ? null : 1 + rnd.nextInt(50);
            v[2][i] = rnd.nextInt(30) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(10_000_000), 2);
            v[3][i] = rnd.nextBoolean() ? "A" : "N";
            v[4][i] = rnd.nextInt(40) == 0 ? null : modes[rnd.nextInt(modes.length)];
            StringBuilder sb = new StringBuilder();
            for (int w = 2 + rnd.nextInt(8); w > 0; w--) {
                sb.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            v[5][i] = rnd.nextInt(50) == 0 ? null : sb.toString().trim();
            v[6][i] = 8000 + rnd.nextInt(2500);
            v[7][i] = i / 5000;
            v[8][i] = rnd.nextLong();
        }
        return v;
    }

    /** Writes the table with {@code threads} seal threads, checks the rows read back, returns each blob [row group][column]. */
    private static List<byte[][]> write(Path store, int threads, Object[][] values, BufferAllocator allocator, Set<ChunkEncoding> encodings)
            throws Exception {
        int rows = values[0].length;
        TableDef def = new TableDef("t", COLUMNS, List.of());
        try (ColumnStore cs = ColumnStore.openOrCreate(store, TestData.options().withSealThreads(threads))) {
            try (VectorSchemaRoot root = TypeCases.batch(allocator, def, values)) {
                try (TableWriter w = cs.createTable(def, ColumnStoreWriteHints.estimate(def).withChunkRows(8192))) {
                    for (int at = 0; at < rows; at += 5000) { // batches that do not line up with the row groups
                        w.appendBatch(root, at, Math.min(5000, rows - at));
                    }
                    w.commit();
                }
            }
            try (TableReader r = cs.openTable("t")) {
                int seen = 0;
                Iterator<VectorSchemaRoot> scan = r.scan(null);
                while (scan.hasNext()) {
                    try (VectorSchemaRoot batch = scan.next()) {
                        for (int c = 0; c < COLUMNS.size(); c++) {
                            for (int i = 0; i < batch.getRowCount(); i++) {
                                TypeCases.assertValue(values[c][seen + i], TypeCases.get(batch.getVector(c), i),
                                        threads + " threads: " + COLUMNS.get(c).name() + " row " + (seen + i));
                            }
                        }
                        seen += batch.getRowCount();
                    }
                }
                assertEquals(rows, seen);
                List<byte[][]> blobs = new java.util.ArrayList<>();
                for (RowGroupInfo g : r.info().rowGroups()) {
                    byte[][] group = new byte[COLUMNS.size()][];
                    for (int c = 0; c < COLUMNS.size(); c++) {
                        ByteBuffer blob = cs.pager().get(g.chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
                        encodings.add(ChunkFormat.parse(blob, COLUMNS.get(c).type().kind(), g.rowCount(), cs.pager().file(), "test", true)
                                .encoding());
                        group[c] = new byte[blob.remaining()];
                        blob.duplicate().get(group[c]);
                        group[c] = concat(group[c], g.chunkKey(c));
                    }
                    blobs.add(group);
                }
                return blobs;
            }
        }
    }

    /** The blob's bytes followed by its chunk key (so equal entries mean the same key too). */
    private static byte[] concat(byte[] blob, long key) {
        return ByteBuffer.allocate(blob.length + 8).put(blob).putLong(key).array();
    }
}
