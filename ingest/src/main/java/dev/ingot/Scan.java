package dev.ingot;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.scan.SelectionScan;
import dev.ingot.ingest.keys.ArrowValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A scan of one table's live rows (deleted rows skipped), built with {@link #columns} and
 * {@link #where} and run by {@link #forEachBatch} (one Arrow batch per row group with matching rows; the filter pushed down) or
 * {@link #toList()}. Each run reads the last commit as of its start (its own snapshot), so a
 * transaction committing meanwhile does not change what it sees.
 *
 * <p>Thread-safety: not thread-safe; build and run it on one thread.
 */
public final class Scan {
    private final Ingot db;
    private final String table;
    private List<String> columns;
    private RowFilter filter;

    Scan(Ingot db, String table) {
        this.db = db;
        this.table = Objects.requireNonNull(table, "table");
    }

    /** Returns only these columns, in this order (default: all, in table order). */
    public Scan columns(String... names) {
        this.columns = List.of(names);
        return this;
    }

    /** Returns only the rows {@code filter} matches. */
    public Scan where(RowFilter filter) {
        this.filter = Objects.requireNonNull(filter, "filter");
        return this;
    }

    /**
     * Calls {@code sink} with the matching live rows of each row group that has some, in row
     * order, as dense vectors (the filter is pushed down: row groups whose zone maps rule it out
     * are not read, the rest evaluated vectorized into a {@link SelectionScan} selection, whose
     * rows are then copied). The batch belongs to the scan and is valid only during the call.
     *
     * @throws IllegalArgumentException if there is no such table or column, or the filter compares a
     *                                  column with a value of another kind
     * @throws IOException              on read failures (a damaged chunk names file and offset)
     */
    public void forEachBatch(Consumer<VectorSchemaRoot> sink) throws IOException {
        try (StoreSnapshot snap = db.store().snapshot()) {
            TableDef def = snap.table(table).orElseThrow(() -> new IllegalArgumentException("table " + table + " does not exist")).def();
            List<String> out = columns == null ? def.columns().stream().map(ColumnDef::name).toList() : columns;
            for (String c : out) {
                if (def.columnIndex(c) < 0) {
                    throw new IllegalArgumentException("table " + table + " has no column " + c);
                }
            }
            Schema schema = new Schema(ArrowValues.columns(def, out).stream().map(ColumnDef::arrowField).toList());
            try (TableReader reader = snap.openTable(table);
                 SelectionScan scan = new SelectionScan(reader, out, filter == null ? null : filter.predicate(), null)) {
                while (scan.next()) {
                    VectorSchemaRoot rows = scan.root();
                    if (scan.allSelected()) {
                        sink.accept(rows);
                        continue;
                    }
                    int[] sel = scan.selection();
                    int n = scan.selectedCount();
                    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, db.allocator())) {
                        batch.allocateNew();
                        for (int c = 0; c < out.size(); c++) {
                            FieldVector from = rows.getVector(c);
                            FieldVector to = batch.getVector(c);
                            for (int i = 0; i < n; i++) {
                                to.copyFromSafe(sel[i], i, from);
                            }
                            to.setValueCount(n);
                        }
                        batch.setRowCount(n);
                        sink.accept(batch);
                    }
                }
            }
        }
    }

    /** Every matching live row as a map from column name to value (small results only). */
    public List<Map<String, Object>> toList() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        forEachBatch(b -> {
            for (int r = 0; r < b.getRowCount(); r++) {
                out.add(ArrowValues.row(b, r));
            }
        });
        return out;
    }

    /** How many live rows match. */
    public long count() throws IOException {
        long[] n = {0};
        forEachBatch(b -> n[0] += b.getRowCount());
        return n[0];
    }
}
