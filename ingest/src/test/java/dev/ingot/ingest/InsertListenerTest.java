package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The insert-listener hook of {@link TableInserter}: one call per appended batch, after its checks. */
class InsertListenerTest {
    private static final TableDef T = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("t_pk", "id")));

    @TempDir
    Path tmp;

    /** Inserts {@code batches} batches of {@code rows} consecutive ids through an inserter with {@code listener}. */
    private static void load(ColumnStore store, NativeAllocator memory, BufferAllocator arrow, int batches, int rows,
                             InsertListener listener, boolean concurrentChecks) throws Exception {
        try (ConstraintService constraints = new ConstraintService(memory)) {
            constraints.planLoad(List.of(T));
            try (TableInserter inserter = TableInserter.begin(store, constraints, T, ColumnStoreWriteHints.estimate(T),
                    ConstraintMode.IMMEDIATE, 0, concurrentChecks)) {
                inserter.addListener(listener);
                for (int b = 0; b < batches; b++) {
                    try (VectorSchemaRoot batch = VectorSchemaRoot.create(T.arrowSchema(), arrow)) {
                        BigIntVector id = (BigIntVector) batch.getVector("id");
                        for (int i = 0; i < rows; i++) {
                            id.setSafe(i, (long) b * rows + i);
                        }
                        batch.setRowCount(rows);
                        inserter.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE));
                    }
                }
                inserter.commit();
            } finally {
                KeySetAssertions.assertReleased(constraints); // committed or rolled back: the set is freed before close
            }
        }
    }

    @Test
    void firesOncePerBatchWithRowIdsAndTheRows() throws Exception {
        for (boolean concurrent : new boolean[] {false, true}) {
            List<long[]> calls = new ArrayList<>(); // {firstRowId, rows, sum of ids}
            try (BufferAllocator arrow = TestAllocators.arrow();
                 NativeAllocator memory = NativeAllocator.root("test", 1L << 28);
                 ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s" + concurrent))) {
                load(store, memory, arrow, 3, 1000, (table, batch, firstRowId) -> {
                    assertSame(T, table);
                    BigIntVector id = (BigIntVector) batch.getVector("id");
                    long sum = 0;
                    for (int i = 0; i < batch.getRowCount(); i++) {
                        sum += id.get(i);
                    }
                    calls.add(new long[] {firstRowId, batch.getRowCount(), sum});
                }, concurrent);
                assertEquals(3000, store.table("t").orElseThrow().rowCount());
            }
            assertEquals(3, calls.size());
            for (int b = 0; b < 3; b++) {
                long first = b * 1000L;
                assertEquals(first, calls.get(b)[0]);
                assertEquals(1000, calls.get(b)[1]);
                assertEquals(1000 * first + 999 * 1000 / 2, calls.get(b)[2], "ids " + first + ".." + (first + 999));
            }
        }
    }

    @Test
    void aThrowingListenerRollsTheTableBack() throws Exception {
        try (BufferAllocator arrow = TestAllocators.arrow();
             NativeAllocator memory = NativeAllocator.root("test", 1L << 28);
             ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            int[] seen = new int[1];
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> load(store, memory, arrow, 3, 100,
                    (table, batch, firstRowId) -> {
                        if (++seen[0] == 2) {
                            throw new IllegalStateException("trigger refused row " + firstRowId);
                        }
                    }, true));
            assertEquals("trigger refused row 100", e.getMessage());
            assertEquals(2, seen[0]);
            assertTrue(store.table("t").isEmpty(), "the table is rolled back");
            assertEquals(0, memory.allocatedBytes(), "its key set is released");
            assertTrue(memory.peakBytes() > 0, "a key set was built");
        }
    }
}
