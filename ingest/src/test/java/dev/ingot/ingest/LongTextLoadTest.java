package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BulkLoader} sizes chunks from the first batch; later batches with much longer text must
 * still load (issue 17, case 7): the writer seals row groups by bytes as well as rows.
 */
class LongTextLoadTest {
    private static final TableDef DOCS = new TableDef("docs", List.of(ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.notNull("body", ColumnType.varchar(ColumnType.UNBOUNDED))), List.of(ConstraintSpec.primaryKey("docs_pk", "id")));

    @TempDir
    Path tmp;

    @Test
    void laterBatchesWithLongerTextThanTheFirstLoad() throws Exception {
        int shortRows = 100;
        int longRows = 4000;
        int longBytes = 20_000; // 80 MB in 40 batches after a first batch of 1-byte values
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < shortRows + longRows; i++) {
            rows.add(MemoryRows.row((long) i, i < shortRows ? "s" : String.valueOf((char) ('a' + i % 26)).repeat(longBytes)));
        }
        try (BufferAllocator arrow = TestAllocators.arrow();
             NativeAllocator memory = NativeAllocator.root("long-text", 1L << 28);
             ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("store"))) {
            LoadReport r = MemoryRows.load(store, memory, arrow, LoadOptions.defaults(), List.of(DOCS), java.util.Map.of("docs", rows), 100);
            assertNull(r.failure());
            TableInfo info = store.table("docs").orElseThrow();
            assertEquals(shortRows + longRows, info.rowCount());
            assertTrue(info.chunkRows() >= shortRows + longRows, "the hints allow one row group for all rows: " + info.chunkRows());
            assertEquals(2, info.rowGroups().size()); // sealed by bytes after 3,3xx long values
            VerifyReport v = StoreVerifier.verify(store, memory);
            assertTrue(v.ok(), () -> v.problems().toString());
            assertEquals(shortRows + (long) longRows * longBytes, v.table("docs").orElseThrow().columns().get(1).textBytes());
        }
    }
}
