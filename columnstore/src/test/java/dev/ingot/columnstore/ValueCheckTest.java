package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.testing.TestAllocators;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueCheckTest {
    @TempDir
    Path dir;
    BufferAllocator allocator;
    ColumnStore store;

    static final TableDef LINES = new TableDef("lineitem", List.of(
            ColumnDef.notNull("l_orderkey", ColumnType.int64()),
            ColumnDef.nullable("l_shipmode", ColumnType.charOf(10)),
            ColumnDef.nullable("l_extendedprice", ColumnType.decimal(15, 2))), List.of());

    static final TableDef ORDERS = new TableDef("orders", List.of(
            ColumnDef.notNull("o_orderkey", ColumnType.int32()),
            ColumnDef.nullable("o_comment", ColumnType.varchar(3))), List.of());

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

    private VectorSchemaRoot lines(String[] modes, BigDecimal[] prices, long firstKey) {
        VectorSchemaRoot root = VectorSchemaRoot.create(LINES.arrowSchema(), allocator);
        root.allocateNew();
        BigIntVector key = (BigIntVector) root.getVector(0);
        VarCharVector mode = (VarCharVector) root.getVector(1);
        DecimalVector price = (DecimalVector) root.getVector(2);
        for (int i = 0; i < modes.length; i++) {
            key.setSafe(i, firstKey + i);
            mode.setSafe(i, modes[i].getBytes(StandardCharsets.UTF_8));
            if (prices[i] == null) price.setNull(i); else setRaw(price, i, prices[i].unscaledValue());
        }
        root.setRowCount(modes.length);
        return root;
    }

    /** Writes a 128-bit unscaled value without Arrow's precision check (as a foreign producer could). */
    static void setRaw(DecimalVector v, int i, java.math.BigInteger unscaled) {
        v.setIndexDefined(i);
        v.getDataBuffer().setLong(16L * i, unscaled.longValue());
        v.getDataBuffer().setLong(16L * i + 8, unscaled.shiftRight(64).longValue());
    }

    private static String[] repeat(String s, int n) {
        String[] a = new String[n];
        java.util.Arrays.fill(a, s);
        return a;
    }

    @Test
    void textTooLongNamesColumnValueAndTableRowId() throws Exception {
        try (TableWriter w = store.createTable(LINES, ColumnStoreWriteHints.estimate(LINES).withChunkRows(1024));
             VectorSchemaRoot first = lines(repeat("AIR", 10), new BigDecimal[10], 0)) {
            w.appendBatch(first);
            String[] modes = repeat("TRUCK", 12);
            modes[7] = "AIRPLANE_TOO_LONG";
            try (VectorSchemaRoot second = lines(modes, new BigDecimal[12], 10)) {
                ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.appendBatch(second));
                assertEquals("value too long for column l_shipmode (CHAR(10)): \"AIRPLANE_TOO_LONG\"; row 17", e.getMessage());
                assertEquals(ColumnValueException.Reason.TOO_LONG, e.reason());
                assertEquals("lineitem", e.table());
                assertEquals(17, e.rowId());
                assertEquals("AIRPLANE_TOO_LONG", e.value());
                // nothing of the rejected batch was appended; the writer continues
                assertEquals(10, w.rowCount());
                w.appendBatch(second, 0, 7);
                w.appendBatch(second, 8, 4);
            }
            w.commit();
        }
        assertEquals(21, store.table("lineitem").orElseThrow().rowCount());
    }

    @Test
    void lengthIsCountedInCharactersNotBytes() throws Exception {
        try (TableWriter w = store.createTable(LINES, ColumnStoreWriteHints.estimate(LINES));
             VectorSchemaRoot ok = lines(new String[] {"日本語日本語日本語日", "😀😀😀😀😀😀😀😀😀😀"}, new BigDecimal[2], 0);
             VectorSchemaRoot bad = lines(new String[] {"日本語日本語日本語日本"}, new BigDecimal[1], 2)) {
            w.appendBatch(ok); // 30 and 40 bytes, 10 characters each
            ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.appendBatch(bad));
            assertEquals("value too long for column l_shipmode (CHAR(10)): \"日本語日本語日本語日本\"; row 2", e.getMessage());
        }
    }

    @Test
    void nullInNotNullColumnIsRejected() throws Exception {
        try (TableWriter w = store.createTable(ORDERS, ColumnStoreWriteHints.estimate(ORDERS));
             VectorSchemaRoot root = VectorSchemaRoot.create(ORDERS.arrowSchema(), allocator)) {
            root.allocateNew();
            IntVector key = (IntVector) root.getVector(0);
            for (int i = 0; i < 20; i++) {
                if (i == 5) key.setNull(i); else key.setSafe(i, i);
            }
            root.setRowCount(20);
            ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.appendBatch(root, 2, 10));
            assertEquals("null value in column o_orderkey violates not-null constraint; row 3", e.getMessage());
            assertEquals(ColumnValueException.Reason.NOT_NULL, e.reason());
            assertEquals(3, e.rowId());
            // the same rows without the null are fine, also through the column writer
            w.appendBatch(root, 6, 10);
            ColumnValueException e2 = assertThrows(ColumnValueException.class, () -> w.column(0).appendBatch(key, 0, 8));
            assertEquals("null value in column o_orderkey violates not-null constraint; row 15", e2.getMessage());
        }
    }

    @Test
    void decimalOutOfRangeIsRejected() throws Exception {
        try (TableWriter w = store.createTable(LINES, ColumnStoreWriteHints.estimate(LINES))) {
            BigDecimal[] prices = {new BigDecimal("-9999999999999.99"), new BigDecimal("9999999999999.99"), new BigDecimal("10000000000000.00")};
            try (VectorSchemaRoot root = lines(repeat("AIR", 3), prices, 0)) {
                ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.appendBatch(root));
                assertEquals("value out of range for column l_extendedprice (DECIMAL(15,2)): 10000000000000.00; row 2", e.getMessage());
                assertEquals(ColumnValueException.Reason.OUT_OF_RANGE, e.reason());
                w.appendBatch(root, 0, 2); // the extremes that fit
            }
            // beyond 64 bits: the high word is not the sign extension of the low word
            BigDecimal huge = new BigDecimal("-123456789012345678901234.56");
            try (VectorSchemaRoot root = lines(repeat("AIR", 1), new BigDecimal[] {huge}, 2)) {
                DecimalVector wide = (DecimalVector) root.getVector(2);
                ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.column(2).appendBatch(wide));
                assertEquals("value out of range for column l_extendedprice (DECIMAL(15,2)): -123456789012345678901234.56; row 2", e.getMessage());
            }
            w.commit();
        }
        try (TableReader r = store.openTable("lineitem")) {
            ChunkStats s = r.chunkStats(2, 0);
            assertEquals(-999999999999999L, s.min());
            assertEquals(999999999999999L, s.max());
        }
    }

    @Test
    void decimalOutOfRangeBeyondTheFirstPieceNamesItsRow() throws Exception {
        // the range check reads 1024 values per bounds check: a bad value in a later piece, from an offset
        try (TableWriter w = store.createTable(LINES, ColumnStoreWriteHints.estimate(LINES))) {
            BigDecimal[] prices = new BigDecimal[3000];
            java.util.Arrays.fill(prices, new BigDecimal("12.34"));
            prices[2500] = new BigDecimal("10000000000000.00");
            try (VectorSchemaRoot root = lines(repeat("AIR", 3000), prices, 0)) {
                DecimalVector price = (DecimalVector) root.getVector(2);
                ColumnValueException e = assertThrows(ColumnValueException.class, () -> w.column(2).appendBatch(price, 100, 2900));
                assertEquals("value out of range for column l_extendedprice (DECIMAL(15,2)): 10000000000000.00; row 2400", e.getMessage());
                assertEquals(2400, e.rowId());
                w.column(2).appendBatch(price, 0, 2500); // everything before it fits
                assertEquals(2500, w.column(2).rowCount());
            }
        }
    }

    @Test
    void schemaMismatchIsAnIllegalArgument() throws Exception {
        try (TableWriter w = store.createTable(LINES, ColumnStoreWriteHints.estimate(LINES));
             VectorSchemaRoot root = VectorSchemaRoot.create(ORDERS.arrowSchema(), allocator)) {
            root.setRowCount(0);
            assertThrows(IllegalArgumentException.class, () -> w.appendBatch(root));
            IntVector v = (IntVector) root.getVector(0);
            assertThrows(IllegalArgumentException.class, () -> w.column(0).appendBatch(v, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> w.column(0).appendBatch(v, 0, 1));
        }
    }
}
