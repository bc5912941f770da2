package dev.ingot.ingest;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.memory.NativeAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Test helper: tables given as rows of Java values (Long, Integer, String or null for BIGINT,
 * INTEGER and VARCHAR/CHAR columns), turned into Arrow batches of a chosen size whose rows name the lines of a
 * pretend file {@code <table>.rows} (row i is line i + 1), and loaded through {@link BulkLoader}.
 */
final class MemoryRows {
    private MemoryRows() {}

    /** Rows {@code [from, to)} of {@code rows} as a batch with {@code def}'s schema (owned by the caller). */
    static VectorSchemaRoot batch(BufferAllocator arrow, TableDef def, List<Object[]> rows, int from, int to) {
        VectorSchemaRoot root = VectorSchemaRoot.create(def.arrowSchema(), arrow);
        root.allocateNew();
        for (int c = 0; c < def.columns().size(); c++) {
            FieldVector v = root.getVector(c);
            for (int r = from; r < to; r++) {
                Object value = rows.get(r)[c];
                if (value == null) {
                    v.setNull(r - from);
                } else if (v instanceof BigIntVector b) {
                    b.setSafe(r - from, (Long) value);
                } else if (v instanceof IntVector i) {
                    i.setSafe(r - from, (Integer) value);
                } else {
                    ((VarCharVector) v).setSafe(r - from, ((String) value).getBytes(StandardCharsets.UTF_8));
                }
            }
            v.setValueCount(to - from);
        }
        root.setRowCount(to - from);
        return root;
    }

    /** A source of {@code rows} in batches of {@code batchRows}, each with its line numbers. */
    static BatchSource source(BufferAllocator arrow, TableDef def, List<Object[]> rows, int batchRows) {
        return new BatchSource() {
            int next;

            @Override
            public InsertSource.ArrowBatch next() {
                if (next >= rows.size()) {
                    return null;
                }
                int to = Math.min(rows.size(), next + batchRows);
                InsertSource.ArrowBatch b = new InsertSource.ArrowBatch(batch(arrow, def, rows, next, to),
                        new RowOrigin(def.name() + ".rows", next + 1));
                next = to;
                return b;
            }

            @Override
            public void close() {}
        };
    }

    /** Loads {@code tables} (rows by table name) with {@code options}; returns the report. */
    static LoadReport load(ColumnStore store, NativeAllocator memory, BufferAllocator arrow, LoadOptions options,
                           List<TableDef> tables, Map<String, List<Object[]>> rows, int batchRows) {
        return new BulkLoader(store, memory, options).load(tables,
                (def, hinted, threads) -> source(arrow, def, rows.get(def.name()), batchRows), t -> 0, new BulkLoader.Progress() {});
    }

    static List<Object[]> rows(Object[]... rows) {
        return List.of(rows);
    }

    static Object[] row(Object... values) {
        return values;
    }
}
