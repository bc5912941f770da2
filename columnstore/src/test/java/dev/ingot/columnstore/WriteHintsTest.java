package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.testing.TestAllocators;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class WriteHintsTest {
    static final TableDef LINEITEM = new TableDef("lineitem", List.of(
            ColumnDef.notNull("l_orderkey", ColumnType.int64()), ColumnDef.notNull("l_partkey", ColumnType.int64()),
            ColumnDef.notNull("l_suppkey", ColumnType.int64()), ColumnDef.notNull("l_linenumber", ColumnType.int32()),
            ColumnDef.notNull("l_quantity", ColumnType.decimal(15, 2)), ColumnDef.notNull("l_extendedprice", ColumnType.decimal(15, 2)),
            ColumnDef.notNull("l_discount", ColumnType.decimal(15, 2)), ColumnDef.notNull("l_tax", ColumnType.decimal(15, 2)),
            ColumnDef.notNull("l_returnflag", ColumnType.charOf(1)), ColumnDef.notNull("l_linestatus", ColumnType.charOf(1)),
            ColumnDef.notNull("l_shipdate", ColumnType.date()), ColumnDef.notNull("l_commitdate", ColumnType.date()),
            ColumnDef.notNull("l_receiptdate", ColumnType.date()), ColumnDef.notNull("l_shipinstruct", ColumnType.charOf(25)),
            ColumnDef.notNull("l_shipmode", ColumnType.charOf(10)), ColumnDef.notNull("l_comment", ColumnType.varchar(44))), List.of());

    static final TableDef NARROW = new TableDef("narrow", List.of(
            ColumnDef.notNull("a", ColumnType.int64()), ColumnDef.notNull("b", ColumnType.int32())), List.of());

    @Test
    void wideTextTableGetsFewerRowsPerChunkAndBatchThanNarrowIntegerTable() {
        ColumnStoreWriteHints wide = ColumnStoreWriteHints.estimate(LINEITEM);
        ColumnStoreWriteHints narrow = ColumnStoreWriteHints.estimate(NARROW);
        // 3*8 + 4 + 4*8 + (0+4)*2 + 3*4 + (12+4) + (5+4) + (22+4) = 131 bytes
        assertEquals(131, wide.estimatedRowBytes());
        assertEquals(12, narrow.estimatedRowBytes());
        assertTrue(wide.chunkRows() < narrow.chunkRows(), wide + " vs " + narrow);
        assertTrue(wide.recommendedBatchRows() < narrow.recommendedBatchRows());
        assertEquals(49152, wide.chunkRows()); // 8 MiB / 131 = 64035 -> 1.5 * 32768
        assertEquals(524288, narrow.chunkRows()); // 8 MiB / 12 = 699050 -> 2^19
        assertEquals(131072, narrow.recommendedBatchRows());
        assertEquals(4 * 131072, narrow.maxBatchRows());
        assertEquals(wide.chunkRows(), wide.recommendedBatchRows());
        assertTrue((long) wide.chunkRows() * wide.estimatedRowBytes() <= ColumnStoreWriteHints.DEFAULT_TARGET_CHUNK_BYTES);
    }

    @Test
    void clampsAndOverride() {
        TableDef fat = new TableDef("fat", List.of(ColumnDef.notNull("t", ColumnType.varchar(ColumnType.UNBOUNDED))), List.of());
        assertEquals(1024, ColumnStoreWriteHints.estimate(fat, 4096).chunkRows());
        assertEquals(1 << 20, ColumnStoreWriteHints.estimate(NARROW, 1L << 40).chunkRows());
        ColumnStoreWriteHints h = ColumnStoreWriteHints.estimate(LINEITEM).withBatchRows(10_000);
        assertEquals(10_000, h.recommendedBatchRows());
        assertEquals(49152, h.chunkRows());
        assertTrue(h.maxBatchRows() >= 10_000);
    }

    @Test
    void measureUsesRealTextWidths() {
        TableDef t = new TableDef("t", List.of(ColumnDef.notNull("k", ColumnType.int64()),
                ColumnDef.notNull("s", ColumnType.varchar(1000))), List.of());
        try (BufferAllocator a = TestAllocators.arrow();
             VectorSchemaRoot sample = VectorSchemaRoot.create(t.arrowSchema(), a)) {
            sample.allocateNew();
            VarCharVector s = (VarCharVector) sample.getVector(1);
            for (int i = 0; i < 100; i++) {
                s.setSafe(i, "x".repeat(400).getBytes(StandardCharsets.UTF_8));
            }
            sample.setRowCount(100);
            ColumnStoreWriteHints measured = ColumnStoreWriteHints.measure(t, sample);
            ColumnStoreWriteHints estimated = ColumnStoreWriteHints.estimate(t);
            assertEquals(8 + 400 + 4, measured.estimatedRowBytes());
            assertEquals(8 + 32 + 4, estimated.estimatedRowBytes());
            assertTrue(measured.chunkRows() < estimated.chunkRows());
        }
    }
}
