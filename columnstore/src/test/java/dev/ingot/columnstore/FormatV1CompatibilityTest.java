package dev.ingot.columnstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by chunk format version 1 (commit 01b76ed, before the new types) opens, reads
 * and takes appends of version 2 chunks. {@code v1-store/store.ingot} was written by that
 * commit's code with this table and these values (GenV1 in the commit message that added it):
 * rows i = 0..9, chunk rows 4.
 */
class FormatV1CompatibilityTest {
    @TempDir
    Path dir;

    /** The values GenV1 wrote, computed the same way. */
    private static Object[] row(int i) {
        return new Object[] {
            100L + i,
            i % 3 == 0 ? null : i * 7 - 20,
            i % 4 == 1 ? null : BigDecimal.valueOf(i * 1234L - 5000, 2),
            i % 5 == 2 ? null : 10000 + i * 31,
            i % 3 == 1 ? null : "m" + i + "é",
            i % 4 == 3 ? null : "comment " + i,
        };
    }

    @Test
    void versionOneStoreOpensReadsAndTakesVersionTwoAppends() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/v1-store/store.ingot")) {
            Files.copy(in, dir.resolve("store.ingot"));
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             TableReader reader = store.openTable("v1_types")) {
            assertEquals(10, reader.info().rowCount());
            assertEquals(3, reader.rowGroupCount());
            assertEquals(List.of("BIGINT", "INTEGER", "DECIMAL(15,2)", "DATE", "CHAR(10)", "VARCHAR(20)"),
                    reader.info().def().columns().stream().map(c -> c.type().sqlName()).toList());
            int seen = 0;
            for (int g = 0; g < 3; g++) {
                try (VectorSchemaRoot root = reader.readRowGroup(g, null)) {
                    for (int r = 0; r < root.getRowCount(); r++) {
                        Object[] expected = row(seen + r);
                        for (int c = 0; c < expected.length; c++) {
                            Object actual = root.getVector(c).isNull(r) ? null : TypeCases.get(root.getVector(c), r);
                            assertEquals(expected[c], actual, "row " + (seen + r) + " column " + c);
                        }
                    }
                    seen += root.getRowCount();
                }
                // version 1 stats: long min/max for integer-like kinds, none for text
                ChunkStats id = reader.chunkStats(0, g);
                assertEquals(100 + 4L * g, id.min());
                assertEquals(true, id.sorted());
                ChunkStats text = reader.chunkStats(5, g);
                assertEquals(false, text.hasMinMax());
                assertEquals(0, text.minBytes().length);
            }
            assertEquals(10, seen);
            ChunkStats price = reader.chunkStats(2, 0); // rows 0, 2, 3 (row 1 is NULL): -5000, -2532, -1298
            assertEquals(-5000, price.min());
            assertEquals(-1298, price.max());
            assertEquals(18, reader.verifyChecksums());
        }
        // appends to a version 1 store write version 2 chunks next to the old ones
        TableDef more = new TableDef("more", List.of(ColumnDef.nullable("s", ColumnType.varchar())), List.of());
        try (ColumnStore store = ColumnStore.open(dir, TestData.options());
             org.apache.arrow.memory.RootAllocator allocator = new org.apache.arrow.memory.RootAllocator();
             VectorSchemaRoot root = VectorSchemaRoot.create(more.arrowSchema(), allocator)) {
            root.allocateNew();
            ((org.apache.arrow.vector.VarCharVector) root.getVector(0)).setSafe(0, "b".getBytes(StandardCharsets.UTF_8));
            ((org.apache.arrow.vector.VarCharVector) root.getVector(0)).setSafe(1, "a".getBytes(StandardCharsets.UTF_8));
            root.setRowCount(2);
            try (TableWriter w = store.createTable(more, ColumnStoreWriteHints.estimate(more))) {
                w.appendBatch(root, 0, 2);
                w.commit();
            }
        }
        try (ColumnStore store = ColumnStore.open(dir, TestData.options())) {
            try (TableReader r = store.openTable("more")) {
                assertEquals("a", new String(r.chunkStats(0, 0).minBytes(), StandardCharsets.UTF_8));
                assertEquals("b", new String(r.chunkStats(0, 0).maxBytes(), StandardCharsets.UTF_8));
            }
            try (TableReader r = store.openTable("v1_types")) {
                assertEquals(18, r.verifyChecksums());
            }
        }
    }
}
