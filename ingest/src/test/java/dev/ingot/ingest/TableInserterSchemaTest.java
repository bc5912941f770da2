package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.testing.TestAllocators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema check of {@link TableInserter}: names and Arrow types must match; field metadata may differ. */
class TableInserterSchemaTest {
    private static final TableDef T = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.notNull("name", ColumnType.varchar(10))), List.of());

    @TempDir
    Path tmp;

    @Test
    void mismatchedBatchesAreRejectedAndMetadataIsIgnored() throws Exception {
        try (BufferAllocator arrow = TestAllocators.arrow();
             ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"));
             TableInserter inserter = TableInserter.begin(store, null, T, ColumnStoreWriteHints.estimate(T),
                     ConstraintMode.UNCHECKED, 0)) {
            Schema oneColumn = new Schema(List.of(T.columns().get(0).arrowField()));
            try (VectorSchemaRoot batch = VectorSchemaRoot.create(oneColumn, arrow)) {
                batch.setRowCount(0);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> inserter.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE)));
                assertEquals("batch for table t has 1 columns, the table has 2", e.getMessage());
            }
            Schema wrongType = new Schema(List.of(T.columns().get(0).arrowField(),
                    new Field("name", FieldType.notNullable(new ArrowType.Int(32, true)), null)));
            try (VectorSchemaRoot batch = VectorSchemaRoot.create(wrongType, arrow)) {
                batch.setRowCount(0);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> inserter.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE)));
                assertEquals("batch column 1 of table t is name Int(32, true), expected name Utf8", e.getMessage());
            }
            // plain Utf8 without Ingot's text metadata is the same column
            Schema plain = new Schema(List.of(T.columns().get(0).arrowField(),
                    new Field("name", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null)));
            try (VectorSchemaRoot batch = VectorSchemaRoot.create(plain, arrow)) {
                ((BigIntVector) batch.getVector(0)).setSafe(0, 7);
                ((VarCharVector) batch.getVector(1)).setSafe(0, "seven".getBytes(StandardCharsets.UTF_8));
                batch.setRowCount(1);
                inserter.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE));
            }
            inserter.commit();
            assertEquals(1, store.table("t").orElseThrow().rowCount());
        }
    }
}
