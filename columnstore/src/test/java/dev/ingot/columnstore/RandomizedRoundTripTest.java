package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.TestData.Model;
import dev.ingot.testing.TestAllocators;
import dev.ingot.testing.TestSeed;
import java.nio.file.Path;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random chunk sizes, batch sizes, slice offsets and null rates against the java.util model,
 * across a reopen. Prints its seed; rerun one with {@code -Dingot.test.seed=N}.
 */
class RandomizedRoundTripTest {
    @TempDir
    Path dir;

    @RepeatedTest(8)
    void randomLoadsRoundTrip() throws Exception {
        long seed = TestSeed.seed("RandomizedRoundTripTest.randomLoadsRoundTrip");
        TestSeed.run(seed, () -> roundTrip(new Random(seed)));
    }

    private void roundTrip(Random r) throws Exception {
        int rows = r.nextInt(12_000);
        double nullRate = new double[] {0, 0.01, 0.3, 0.9, 1}[r.nextInt(5)];
        int chunkRows = 1 + r.nextInt(r.nextBoolean() ? 64 : 4000);
        int pad = r.nextInt(20);
        Model all = Model.random(r, rows + 2 * pad, nullRate, -pad);
        Model expected = all.slice(pad, pad + rows);
        try (BufferAllocator allocator = TestAllocators.arrow()) {
            try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
                 VectorSchemaRoot root = TestData.batch(allocator, all);
                 TableWriter w = store.createTable(TestData.ALL_TYPES, ColumnStoreWriteHints.estimate(TestData.ALL_TYPES).withChunkRows(chunkRows))) {
                int at = pad;
                while (at < pad + rows) {
                    int n = Math.min(pad + rows - at, r.nextInt(r.nextBoolean() ? 17 : 3000) + 1);
                    w.appendBatch(root, at, n);
                    at += n;
                }
                assertEquals(rows, w.rowCount());
                w.commit();
            }
            try (ColumnStore store = ColumnStore.openOrCreate(dir, TestData.options());
                 TableReader reader = store.openTable("all_types")) {
                assertEquals((rows + chunkRows - 1) / chunkRows, reader.rowGroupCount());
                TestData.assertTable(reader, expected);
                assertEquals((long) reader.rowGroupCount() * TestData.ALL_TYPES.columns().size(), reader.verifyChecksums(),
                        "every chunk of every row group verified");
            }
        }
    }
}
