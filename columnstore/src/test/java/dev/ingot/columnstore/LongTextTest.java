package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.pager.PagerOptions;
import dev.ingot.testing.TestAllocators;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valid long text is never refused (issue 17, case 7): a row group is sealed early when a text
 * chunk would outgrow the pager's largest blob (64 MiB), whatever chunkRows the hints chose.
 */
class LongTextTest {
    private static final TableDef DOCS = new TableDef("docs", List.of(ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.notNull("body", ColumnType.varchar(ColumnType.UNBOUNDED))), List.of());
    private static final int TEXT_BYTES = 600;

    @TempDir
    Path dir;
    BufferAllocator allocator;
    ColumnStore store;

    @BeforeEach
    void setUp() throws Exception {
        allocator = TestAllocators.arrow();
        store = ColumnStore.openOrCreate(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        store.close();
        allocator.close();
    }

    /** Rows {@code [first, first + n)}: id i, body {@code bytes} bytes all equal to {@code 'a' + i % 26}. */
    private VectorSchemaRoot batch(long first, int n, int bytes) {
        VectorSchemaRoot root = VectorSchemaRoot.create(DOCS.arrowSchema(), allocator);
        root.allocateNew();
        BigIntVector id = (BigIntVector) root.getVector(0);
        VarCharVector body = (VarCharVector) root.getVector(1);
        byte[] text = new byte[bytes];
        for (int i = 0; i < n; i++) {
            id.setSafe(i, first + i);
            Arrays.fill(text, (byte) ('a' + (first + i) % 26));
            body.setSafe(i, text);
        }
        root.setRowCount(n);
        return root;
    }

    @Test
    void rowGroupsAreSealedByBytesAsWellAsRows() throws Exception {
        ColumnStoreWriteHints hints = ColumnStoreWriteHints.estimate(DOCS); // unbounded VARCHAR counted as 36 bytes
        assertEquals(131_072, hints.chunkRows());
        int rows = 140_000;
        try (TableWriter w = store.createTable(DOCS, hints)) {
            for (int first = 0; first < rows; first += 10_000) {
                try (VectorSchemaRoot b = batch(first, 10_000, TEXT_BYTES)) {
                    w.appendBatch(b);
                }
            }
            w.commit();
        }
        store.close();
        store = ColumnStore.openOrCreate(dir); // the catalog accepts row groups sealed early
        TableInfo info = store.table("docs").orElseThrow();
        assertEquals(rows, info.rowCount());
        long maxText = PagerOptions.defaults().maxBlobBytes();
        assertEquals(64L << 20, maxText);
        long rowId = 0;
        long textBytes = 0;
        try (TableReader reader = store.openTable("docs")) {
            reader.verifyChecksums();
            // the first chunk is sealed when the next 600-byte value would not fit: 64 MiB less the
            // 540,864 bytes before its text (128 header + 16,384 validity + 524,352 offsets) holds 110,946 values
            assertEquals(2, reader.rowGroupCount());
            assertEquals(((64L << 20) - 540_864) / TEXT_BYTES, info.rowGroups().get(0).rowCount());
            for (int g = 0; g < reader.rowGroupCount(); g++) {
                RowGroupInfo group = info.rowGroups().get(g);
                assertEquals(rowId, group.firstRowId());
                assertTrue(group.rowCount() <= hints.chunkRows());
                assertTrue(reader.chunkStats(1, g).textBytes() <= maxText);
                try (VectorSchemaRoot root = reader.readRowGroup(g, List.of("id", "body"))) {
                    BigIntVector id = (BigIntVector) root.getVector(0);
                    VarCharVector body = (VarCharVector) root.getVector(1);
                    for (int i = 0; i < root.getRowCount(); i++, rowId++) {
                        assertEquals(rowId, id.get(i));
                        byte[] v = body.get(i);
                        textBytes += v.length;
                        assertEquals('a' + rowId % 26, v[TEXT_BYTES - 1]);
                    }
                }
            }
        }
        assertEquals(rows, rowId);
        assertEquals((long) rows * TEXT_BYTES, textBytes);
    }

    @Test
    void oneValueLargerThanAChunkIsRefusedByName() throws Exception {
        store.close();
        store = ColumnStore.openOrCreate(dir.resolve("small"), TestData.options()); // 16 MiB segments: 16 MiB blobs
        long maxText = TestData.options().pagerOptions().maxBlobBytes();
        try (TableWriter w = store.createTable(DOCS, ColumnStoreWriteHints.estimate(DOCS));
             VectorSchemaRoot small = batch(0, 1, 10);
             VectorSchemaRoot huge = batch(1, 1, (int) maxText)) {
            w.appendBatch(small);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.appendBatch(huge));
            assertTrue(e.getMessage().startsWith("value of column docs.body in row 1 has " + maxText + " bytes; a chunk holds at most "),
                    e.getMessage());
        }
    }
}
