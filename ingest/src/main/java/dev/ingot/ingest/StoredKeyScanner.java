package dev.ingot.ingest;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.KeyScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Streams a stored table's key columns, row group by row group, so the constraint service can
 * build the key set of a referenced table that is already in the store (read only the key
 * columns, once).
 */
final class StoredKeyScanner implements KeyScanner {
    private final ColumnStore store;
    private final String table;

    StoredKeyScanner(ColumnStore store, String table) {
        this.store = store;
        this.table = table;
    }

    @Override
    public void scan(List<String> columnNames, BatchSink sink) {
        try (TableReader reader = store.openTable(table)) {
            for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                try (VectorSchemaRoot root = reader.readRowGroup(rg, columnNames)) {
                    FieldVector[] cols = new FieldVector[columnNames.size()];
                    for (int i = 0; i < cols.length; i++) {
                        cols[i] = root.getVector(columnNames.get(i));
                    }
                    sink.accept(cols, root.getRowCount());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading key columns " + columnNames + " of stored table " + table + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long estimatedRows() {
        return store.table(table).map(t -> t.rowCount()).orElse(0L);
    }
}
