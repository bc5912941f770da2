package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.PagerOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A simple java.util model of an all-types table, batch builders and comparisons. */
final class TestData {
    static final String[] ALPHABET = {"a", "b", "z", "Q", " ", "7", "é", "ß", "日", "本", "語", "😀", "€"};

    static final TableDef ALL_TYPES = new TableDef("all_types", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("i32", ColumnType.int32()),
            ColumnDef.nullable("i64", ColumnType.int64()),
            ColumnDef.nullable("price", ColumnType.decimal(15, 2)),
            ColumnDef.nullable("day", ColumnType.date()),
            ColumnDef.nullable("mode", ColumnType.charOf(10)),
            ColumnDef.nullable("comment", ColumnType.varchar(20))),
            List.of(ConstraintSpec.primaryKey("all_types_pk", "id")));

    /** XORs byte {@code offset} of the store file in {@code dir} with 0x5A (twice restores it); a mapped view sees the change. */
    static void flipByte(java.nio.file.Path dir, long offset) throws java.io.IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(ColumnStore.STORE_FILE_NAME),
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }

    static ColumnStoreOptions options() {
        return ColumnStoreOptions.defaults().withPagerOptions(PagerOptions.defaults().withSegmentBytes(16 << 20).withSyncOnCommit(false));
    }

    /** Rows of ALL_TYPES; null entries are SQL NULLs. */
    static final class Model {
        final long[] id;
        final Integer[] i32;
        final Long[] i64;
        final Long[] price; // unscaled
        final Integer[] day;
        final String[] mode;
        final String[] comment;

        Model(int n) {
            id = new long[n];
            i32 = new Integer[n];
            i64 = new Long[n];
            price = new Long[n];
            day = new Integer[n];
            mode = new String[n];
            comment = new String[n];
        }

        int size() {
            return id.length;
        }

        static Model random(Random r, int n, double nullRate, long firstId) {
            Model m = new Model(n);
            for (int i = 0; i < n; i++) {
                m.id[i] = firstId + i;
                m.i32[i] = r.nextDouble() < nullRate ? null : r.nextInt();
                m.i64[i] = r.nextDouble() < nullRate ? null : r.nextLong();
                m.price[i] = r.nextDouble() < nullRate ? null : (r.nextLong() % 999_999_999_999_999L);
                m.day[i] = r.nextDouble() < nullRate ? null : r.nextInt(40_000) - 5_000;
                m.mode[i] = r.nextDouble() < nullRate ? null : text(r, 10);
                m.comment[i] = r.nextDouble() < nullRate ? null : text(r, 20);
            }
            return m;
        }

        /** Rows [from, to) as a new model. */
        Model slice(int from, int to) {
            Model m = new Model(to - from);
            System.arraycopy(id, from, m.id, 0, to - from);
            System.arraycopy(i32, from, m.i32, 0, to - from);
            System.arraycopy(i64, from, m.i64, 0, to - from);
            System.arraycopy(price, from, m.price, 0, to - from);
            System.arraycopy(day, from, m.day, 0, to - from);
            System.arraycopy(mode, from, m.mode, 0, to - from);
            System.arraycopy(comment, from, m.comment, 0, to - from);
            return m;
        }
    }

    /** A random string of 0..maxChars code points, mixing 1- to 4-byte UTF-8 characters. */
    static String text(Random r, int maxChars) {
        int n = r.nextInt(maxChars + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** A batch holding every row of {@code m} (caller closes). */
    static VectorSchemaRoot batch(BufferAllocator allocator, Model m) {
        VectorSchemaRoot root = VectorSchemaRoot.create(ALL_TYPES.arrowSchema(), allocator);
        int n = m.size();
        BigIntVector id = (BigIntVector) root.getVector(0);
        IntVector i32 = (IntVector) root.getVector(1);
        BigIntVector i64 = (BigIntVector) root.getVector(2);
        DecimalVector price = (DecimalVector) root.getVector(3);
        DateDayVector day = (DateDayVector) root.getVector(4);
        VarCharVector mode = (VarCharVector) root.getVector(5);
        VarCharVector comment = (VarCharVector) root.getVector(6);
        root.allocateNew();
        for (int i = 0; i < n; i++) {
            id.setSafe(i, m.id[i]);
            if (m.i32[i] == null) i32.setNull(i); else i32.setSafe(i, m.i32[i]);
            if (m.i64[i] == null) i64.setNull(i); else i64.setSafe(i, m.i64[i]);
            if (m.price[i] == null) price.setNull(i); else price.setSafe(i, BigDecimal.valueOf(m.price[i], 2));
            if (m.day[i] == null) day.setNull(i); else day.setSafe(i, m.day[i]);
            if (m.mode[i] == null) mode.setNull(i); else mode.setSafe(i, m.mode[i].getBytes(StandardCharsets.UTF_8));
            if (m.comment[i] == null) comment.setNull(i); else comment.setSafe(i, m.comment[i].getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(n);
        return root;
    }

    /** Asserts that row {@code r} of {@code root} (all ALL_TYPES columns) equals model row {@code i}. */
    static void assertRow(Model m, int i, VectorSchemaRoot root, int r) {
        String at = "model row " + i + " / batch row " + r;
        assertEquals(m.id[i], ((BigIntVector) root.getVector("id")).get(r), at);
        IntVector i32 = (IntVector) root.getVector("i32");
        assertEquals(m.i32[i], i32.isNull(r) ? null : i32.get(r), at);
        BigIntVector i64 = (BigIntVector) root.getVector("i64");
        assertEquals(m.i64[i], i64.isNull(r) ? null : i64.get(r), at);
        DecimalVector price = (DecimalVector) root.getVector("price");
        assertEquals(m.price[i], price.isNull(r) ? null : price.getObject(r).unscaledValue().longValueExact(), at);
        if (!price.isNull(r)) {
            assertEquals(2, price.getObject(r).scale());
        }
        DateDayVector day = (DateDayVector) root.getVector("day");
        assertEquals(m.day[i], day.isNull(r) ? null : day.get(r), at);
        VarCharVector mode = (VarCharVector) root.getVector("mode");
        assertEquals(m.mode[i], mode.isNull(r) ? null : new String(mode.get(r), StandardCharsets.UTF_8), at);
        VarCharVector comment = (VarCharVector) root.getVector("comment");
        assertEquals(m.comment[i], comment.isNull(r) ? null : new String(comment.get(r), StandardCharsets.UTF_8), at);
    }

    /** Reads every row group and compares with the model; also checks chunk stats. */
    static void assertTable(TableReader reader, Model m) throws Exception {
        assertEquals(m.size(), reader.info().rowCount());
        long seen = 0;
        for (int g = 0; g < reader.rowGroupCount(); g++) {
            RowGroupInfo info = reader.info().rowGroups().get(g);
            assertEquals(seen, info.firstRowId());
            try (VectorSchemaRoot root = reader.readRowGroup(g, null)) {
                assertEquals(info.rowCount(), root.getRowCount());
                for (int r = 0; r < root.getRowCount(); r++) {
                    assertRow(m, (int) (seen + r), root, r);
                }
            }
            assertStats(reader, m, g, (int) seen, info.rowCount());
            seen += info.rowCount();
        }
        assertEquals(m.size(), seen);
    }

    /** Chunk stats of row group g equal values computed here from the model rows [from, from+rows). */
    static void assertStats(TableReader reader, Model m, int g, int from, int rows) throws Exception {
        Object[][] cols = {box(m.id), m.i32, m.i64, m.price, m.day, m.mode, m.comment};
        for (int c = 0; c < cols.length; c++) {
            ChunkStats s = reader.chunkStats(c, g);
            assertEquals(rows, s.rowCount());
            int nulls = 0;
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long textBytes = 0;
            boolean sorted = true;
            Long prev = null;
            String minText = null;
            String maxText = null;
            for (int i = from; i < from + rows; i++) {
                Object v = cols[c][i];
                if (v == null) {
                    nulls++;
                } else if (v instanceof String str) {
                    textBytes += str.getBytes(StandardCharsets.UTF_8).length;
                    if (minText == null || compareUtf8(str, minText) < 0) {
                        minText = str;
                    }
                    if (maxText == null || compareUtf8(str, maxText) > 0) {
                        maxText = str;
                    }
                } else {
                    long x = ((Number) v).longValue();
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                    if (prev != null && x < prev) {
                        sorted = false;
                    }
                    prev = x;
                }
            }
            String at = "column " + c + " row group " + g;
            assertEquals(nulls, s.nullCount(), at);
            assertEquals(textBytes, s.textBytes(), at);
            if (c >= 5) {
                assertEquals(nulls < rows, s.hasMinMax(), at);
                if (nulls < rows) {
                    assertTextStats(minText, maxText, s, at);
                }
            } else if (nulls < rows) {
                assertTrue(s.hasMinMax(), at);
                assertEquals(min, s.min(), at);
                assertEquals(max, s.max(), at);
                assertEquals(sorted, s.sorted(), at);
            }
        }
    }

    /** Unsigned comparison of the UTF-8 bytes (code point order). */
    static int compareUtf8(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Asserts the bounded-prefix rule for text stats, computed here on Java strings: min = the
     * longest whole-character prefix of at most 64 UTF-8 bytes; max = the value if at most 64
     * bytes, else its first 64 bytes with the last byte below 0xFF incremented.
     */
    static void assertTextStats(String min, String max, ChunkStats s, String at) {
        StringBuilder prefix = new StringBuilder();
        int[] cps = min.codePoints().toArray();
        for (int cp : cps) {
            String next = prefix.toString() + new String(Character.toChars(cp));
            if (next.getBytes(StandardCharsets.UTF_8).length > 64) {
                break;
            }
            prefix.setLength(0);
            prefix.append(next);
        }
        assertEquals(prefix.toString(), new String(s.minBytes(), StandardCharsets.UTF_8), at + " min");
        assertEquals(prefix.toString().equals(min), s.minExact(), at + " min exact");
        byte[] maxBytes = max.getBytes(StandardCharsets.UTF_8);
        byte[] expectedMax = maxBytes;
        if (maxBytes.length > 64) {
            int last = 63;
            while (maxBytes[last] == (byte) 0xFF) {
                last--;
            }
            expectedMax = java.util.Arrays.copyOf(maxBytes, last + 1);
            expectedMax[last]++;
        }
        assertEquals(java.util.HexFormat.of().formatHex(expectedMax), java.util.HexFormat.of().formatHex(s.maxBytes()), at + " max");
        assertEquals(maxBytes.length <= 64, s.maxExact(), at + " max exact");
    }

    static Long[] box(long[] a) {
        Long[] b = new Long[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    private TestData() {}
}
