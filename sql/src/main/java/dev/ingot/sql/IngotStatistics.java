package dev.ingot.sql;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Distinct-value counts of one Ingot table's columns and column sets, for join ordering
 * ({@link IngotJoinOrderRule}): upper bounds the planner can trust, each from the committed
 * table as the schema read it.
 *
 * <p>The distinct count of a column set is the smallest of:
 * <ul>
 *   <li>the table's live row count;</li>
 *   <li>the live row count when the set holds every column of a PRIMARY KEY or UNIQUE constraint
 *       (that count exactly);</li>
 *   <li>the referenced table's live row count when the set holds every column of a FOREIGN KEY
 *       (a child's key values are among its parent's);</li>
 *   <li>the product of its columns' counts, where one column's count is bounded by the width of
 *       its value range in the chunk stats (zone maps: {@code max - min + 1} over every row group)
 *       for the kinds whose stats are 64-bit integers (integers, DATE, DECIMAL(p&lt;=18), TIME,
 *       TIMESTAMP), and is otherwise counted exactly by one scan of that column.</li>
 * </ul>
 * A column's bound from chunk stats or a scan is computed once, on the first question, and cached
 * for the life of the schema.
 *
 * <p>Thread-safe (the cache is concurrent; two threads may compute the same column once each).
 * Holds no open store: computing a column's bound opens the store read-only and closes it.
 */
final class IngotStatistics {
    private final Path directory;
    private final TableInfo info;
    /** Live row counts of every table of the store, by name (for the referenced tables of foreign keys). */
    private final Map<String, Long> liveRows;
    /** Bound of each single column computed from chunk stats or a scan, by column index. */
    private final Map<Integer, Double> columnBounds = new ConcurrentHashMap<>();

    IngotStatistics(Path directory, TableInfo info, Map<String, Long> liveRows) {
        this.directory = directory;
        this.info = info;
        this.liveRows = Map.copyOf(liveRows);
    }

    /** Live rows of the table (committed rows minus deleted ones). */
    double rowCount() {
        return info.liveRowCount();
    }

    /**
     * An upper bound of the number of distinct value combinations of {@code columns} (table
     * column indices) over the table's live rows; at least 1.
     *
     * @throws IllegalArgumentException if {@code columns} is empty or names a column the table does not have
     * @throws UncheckedIOException     if the store cannot be read to compute a column's bound
     */
    double distinctCount(ImmutableBitSet columns) {
        TableDef def = info.def();
        if (columns.isEmpty() || columns.length() > def.columns().size()) {
            throw new IllegalArgumentException("columns " + columns + " of table " + def.name() + " (" + def.columns().size() + " columns)");
        }
        double rows = Math.max(1, rowCount());
        double bound = rows;
        for (ConstraintSpec c : def.constraints()) {
            if (!columns.contains(bitsOf(def, c.columns()))) {
                continue;
            }
            if (c.isKey()) {
                return rows;
            }
            Long parent = liveRows.get(c.referencedTable());
            if (parent != null) {
                bound = Math.min(bound, Math.max(1, parent));
            }
        }
        double product = 1;
        for (int column : columns) {
            product *= columnBounds.computeIfAbsent(column, this::computeColumnBound);
            if (product >= bound) {
                return bound;
            }
        }
        return Math.max(1, Math.min(bound, product));
    }

    private static ImmutableBitSet bitsOf(TableDef def, List<String> names) {
        return ImmutableBitSet.of(names.stream().mapToInt(def::columnIndex).toArray());
    }

    /** The distinct count bound of one column from its chunk stats' value range, or counted by a scan. */
    private double computeColumnBound(int column) {
        ColumnDef c = info.def().columns().get(column);
        try (ColumnStore cs = ColumnStore.openReadOnly(directory); TableReader reader = cs.openTable(info.name())) {
            if (rangeBounded(c)) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                boolean anyNull = false;
                for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                    ChunkStats s = reader.chunkStats(column, rg);
                    anyNull |= s.nullCount() > 0;
                    if (s.hasMinMax()) {
                        min = Math.min(min, s.min());
                        max = Math.max(max, s.max());
                    }
                }
                // NULL is one more value for the count; a column of NULLs only has that one
                return min > max ? 1 : (double) max - (double) min + 1 + (anyNull ? 1 : 0);
            }
            Set<Object> values = new HashSet<>();
            for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                try (VectorSchemaRoot rows = reader.readRowGroup(rg, List.of(c.name()))) {
                    SqlTypes.ValueReader r = SqlTypes.reader(c.type(), rows.getVector(0));
                    for (int i = 0; i < rows.getRowCount(); i++) {
                        values.add(r.read(i) == null ? NULL : r.read(i));
                    }
                }
            }
            return Math.max(1, values.size());
        } catch (IOException e) {
            throw new UncheckedIOException("computing the distinct count of " + info.name() + "." + c.name() + " in store " + directory, e);
        }
    }

    /** Stands for NULL in the set of values counted (a HashSet holds one null too, but this says so). */
    private static final Object NULL = new Object();

    /** Whether the column's chunk stats hold 64-bit integers that identify its values (so a range bounds their count). */
    private static boolean rangeBounded(ColumnDef c) {
        switch (c.type().kind()) {
            case INT8: case INT16: case INT32: case INT64: case DATE32: case DECIMAL64: case TIME64: case TIMESTAMP:
                return true;
            default:
                return false;
        }
    }
}
