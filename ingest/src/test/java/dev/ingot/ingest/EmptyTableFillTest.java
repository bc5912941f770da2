package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableWriter;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An empty committed table (as {@code ingot create} makes them) is filled by exactly one load with the same definition. */
class EmptyTableFillTest {
    static final TableDef T = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int32())),
            List.of(ConstraintSpec.primaryKey("t_pkey", "id")));

    @TempDir
    Path dir;

    @Test
    void emptyTableIsFilledOnceThenRefused() throws Exception {
        try (ColumnStore cs = ColumnStore.openOrCreate(dir)) {
            try (TableWriter w = cs.createTable(T, ColumnStoreWriteHints.estimate(T))) {
                w.commit();
            }
            assertEquals(0, cs.table("t").orElseThrow().rowCount());
            TableDef other = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64())), List.of());
            assertEquals("table t exists (empty) with a different definition",
                    assertThrows(IllegalArgumentException.class, () -> cs.createTable(other, ColumnStoreWriteHints.estimate(other)))
                            .getMessage());
            try (TableWriter w = cs.createTable(T, ColumnStoreWriteHints.estimate(T));
                 VectorSchemaRoot root = VectorSchemaRoot.create(T.arrowSchema(), cs.allocator())) {
                IntVector id = (IntVector) root.getVector(0);
                for (int i = 0; i < 3; i++) {
                    id.setSafe(i, 10 + i);
                }
                root.setRowCount(3);
                w.appendBatch(root);
                w.commit();
            }
            assertEquals(3, cs.table("t").orElseThrow().rowCount());
            assertEquals(1, cs.tables().size());
            assertEquals("table t already exists",
                    assertThrows(IllegalArgumentException.class, () -> cs.createTable(T, ColumnStoreWriteHints.estimate(T))).getMessage());
        }
        try (ColumnStore cs = ColumnStore.openReadOnly(dir)) {
            assertEquals(3, cs.table("t").orElseThrow().rowCount());
        }
    }
}
