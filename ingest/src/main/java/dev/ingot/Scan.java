package dev.ingot;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.ingest.keys.ArrowValues;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A scan of one table's live rows (deleted rows skipped), built with {@link #columns} and
 * {@link #where} and run by {@link #forEachBatch} (one Arrow batch per row group) or
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
     * Calls {@code sink} with each row group's matching live rows (possibly none), in row order. The
     * batch belongs to the scan and is valid only during the call.
     *
     * @throws IllegalArgumentException if there is no such table or column
     * @throws IOException              on read failures (a damaged chunk names file and offset)
     */
    public void forEachBatch(Consumer<VectorSchemaRoot> sink) throws IOException {
        try (StoreSnapshot snap = db.store().snapshot()) {
            TableDef def = snap.table(table).orElseThrow(() -> new IllegalArgumentException("table " + table + " does not exist")).def();
            List<String> out = columns == null ? def.columns().stream().map(ColumnDef::name).toList() : columns;
            Set<String> read = new LinkedHashSet<>(out);
            if (filter != null) {
                read.addAll(filter.columns());
            }
            for (String c : read) {
                if (def.columnIndex(c) < 0) {
                    throw new IllegalArgumentException("table " + table + " has no column " + c);
                }
            }
            Schema schema = new Schema(ArrowValues.columns(def, out).stream().map(ColumnDef::arrowField).toList());
            try (TableReader reader = snap.openTable(table)) {
                for (int g = 0; g < reader.rowGroupCount(); g++) {
                    try (VectorSchemaRoot rows = reader.readRowGroup(g, List.copyOf(read))) {
                        if (filter == null && read.size() == out.size()) {
                            sink.accept(rows);
                            continue;
                        }
                        boolean[] keep = filter == null ? null : filter.matches(rows);
                        try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema, db.allocator())) {
                            batch.allocateNew();
                            int n = 0;
                            for (int r = 0; r < rows.getRowCount(); r++) {
                                if (keep != null && !keep[r]) {
                                    continue;
                                }
                                for (int c = 0; c < out.size(); c++) {
                                    batch.getVector(c).copyFromSafe(r, n, rows.getVector(out.get(c)));
                                }
                                n++;
                            }
                            for (FieldVector v : batch.getFieldVectors()) {
                                v.setValueCount(n);
                            }
                            batch.setRowCount(n);
                            sink.accept(batch);
                        }
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
