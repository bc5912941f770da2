package dev.ingot.ingest.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.InsertSource;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema checks of {@link ParquetSource#open(TableDef, List, int)} (the entry point without an
 * allocator): exact messages for a missing column, a column the table lacks, a timestamp whose UTC
 * adjustment differs from the column's, a missing file; and several files read in order.
 */
class ParquetSchemaTest {
    static final TableDef TABLE = new TableDef("events", List.of(
            ColumnDef.notNull("id", ColumnType.int64()),
            ColumnDef.nullable("at", ColumnType.timestampTz())),
            List.of());

    @TempDir
    Path tmp;

    private Path write(String name, MessageType schema, long firstId, int rows) throws IOException {
        Path p = tmp.resolve(name);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            Group g = f.newGroup();
            g.add("id", firstId + i);
            if (schema.containsField("at")) {
                g.add("at", 1_700_000_000_000L + i);
            }
            groups.add(g);
        }
        ParquetFiles.write(p, schema, groups, CompressionCodecName.SNAPPY, 1 << 20, 1 << 20);
        return p;
    }

    private static Types.GroupBuilder<MessageType> base() {
        return Types.buildMessage().required(PrimitiveTypeName.INT64).named("id");
    }

    @Test
    void severalFilesAreReadInOrderWithMillisecondsScaled() throws Exception {
        MessageType s = base().optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MILLIS))
                .named("at").named("e");
        Path a = write("a.parquet", s, 0, 5);
        Path b = write("b.parquet", s, 5, 3);
        List<Long> ids = new ArrayList<>();
        long atSum = 0;
        try (ParquetSource src = ParquetSource.open(TABLE, List.of(a, b), 2)) {
            InsertSource.ArrowBatch batch;
            while ((batch = src.next()) != null) {
                try (InsertSource.ArrowBatch x = batch) {
                    for (int r = 0; r < x.rowCount(); r++) {
                        ids.add(((BigIntVector) x.root().getVector("id")).get(r));
                        atSum += ((TimeStampVector) x.root().getVector("at")).get(r);
                    }
                }
            }
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), ids);
        // milliseconds 1.7e12 + (0..4) and 1.7e12 + (0..2), in microseconds
        assertEquals(1000L * (8 * 1_700_000_000_000L + 10 + 3), atSum);
    }

    @Test
    void aMissingColumnIsNamed() throws Exception {
        Path a = write("a.parquet", base().named("e"), 0, 1);
        IOException e = assertThrows(IOException.class, () -> ParquetSource.open(TABLE, List.of(a), 10));
        assertEquals("Parquet file " + a + " has no column at (table events expects TIMESTAMP WITH TIME ZONE)", e.getMessage());
    }

    @Test
    void aColumnTheTableLacksIsNamed() throws Exception {
        MessageType s = base().optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS))
                .named("at").optional(PrimitiveTypeName.INT32).named("extra").named("e");
        Path a = write("a.parquet", s, 0, 1);
        IOException e = assertThrows(IOException.class, () -> ParquetSource.open(TABLE, List.of(a), 10));
        assertEquals("Parquet file " + a + " has column extra, which table events does not have", e.getMessage());
    }

    @Test
    void aTimestampNotAdjustedToUtcDoesNotFeedTimestampWithTimeZone() throws Exception {
        MessageType s = base().optional(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS))
                .named("at").named("e");
        Path a = write("a.parquet", s, 0, 1);
        IOException e = assertThrows(IOException.class, () -> ParquetSource.open(TABLE, List.of(a), 10));
        assertEquals("Parquet file " + a + " column at: table events expects TIMESTAMP WITH TIME ZONE (Parquet int64"
                + " (TIMESTAMP(MILLIS|MICROS,true))), found optional int64 at (TIMESTAMP(MICROS,false))", e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = tmp.resolve("none.parquet");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ParquetSource.open(TABLE, List.of(missing), 10));
        assertEquals(missing + ": no such Parquet file", e.getMessage());
    }
}
