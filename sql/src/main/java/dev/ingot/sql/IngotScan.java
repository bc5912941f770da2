package dev.ingot.sql;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.linq4j.Enumerator;

/**
 * One scan of an Ingot table for Calcite: opens the store read-only, reads the table's row groups
 * in order with only the columns the query needs, skips the row groups whose chunk statistics
 * rule the pushed filter out, and yields the rows that satisfy it as {@code Object[]} of the
 * projected columns in Calcite's internal representation ({@link SqlTypes}).
 *
 * <p>Counters: {@link #rowGroupsRead()} and {@link #rowGroupsSkipped()} ({@link IngotTable} adds
 * them up when the scan closes).
 *
 * <p>Not thread-safe (Calcite drives an enumerator from one thread). Ownership: the scan owns its
 * store, reader and the current row group's vectors and releases them all in {@link #close()}
 * (Calcite closes the enumerator when the result set closes); read failures surface as
 * {@link UncheckedIOException}.
 */
class IngotScan implements Enumerator<Object[]> {
    private final TableDef def;
    private final int[] projects;
    private final PushedFilter filter;
    private final AtomicBoolean cancel;
    /** The table columns read: the projected ones and those the filter reads, in table order. */
    private final List<String> readColumns = new ArrayList<>();
    /** Position of each table column in {@link #readColumns}, or -1. */
    private final int[] readPosition;
    private final ColumnStore store;
    private final TableReader reader;
    private final SqlTypes.ValueReader[] values;
    private VectorSchemaRoot rows;
    private int rowGroup = -1;
    private int row;
    private Object[] current;
    private long rowGroupsRead;
    private long rowGroupsSkipped;

    /**
     * @param directory the store directory, opened read-only here
     * @param projects  table column indices of the output row, in output order
     * @param filter    the pushed filter, or null for every row
     * @param cancel    Calcite's cancel flag for the statement (may be null)
     * @throws UncheckedIOException if the store cannot be opened or the table is gone
     */
    IngotScan(Path directory, TableDef def, int[] projects, PushedFilter filter, AtomicBoolean cancel) {
        this.def = def;
        this.projects = projects.clone();
        this.filter = filter;
        this.cancel = cancel;
        BitSet needed = new BitSet();
        for (int p : projects) {
            needed.set(p);
        }
        if (filter != null) {
            filter.columns(needed);
        }
        readPosition = new int[def.columns().size()];
        java.util.Arrays.fill(readPosition, -1);
        for (int c = needed.nextSetBit(0); c >= 0; c = needed.nextSetBit(c + 1)) {
            readPosition[c] = readColumns.size();
            readColumns.add(def.columns().get(c).name());
        }
        values = new SqlTypes.ValueReader[def.columns().size()];
        ColumnStore cs = null;
        try {
            cs = ColumnStore.openReadOnly(directory);
            if (cs.table(def.name()).isEmpty()) {
                throw new IOException("table " + def.name() + " no longer exists in store " + directory);
            }
            TableReader r = cs.openTable(def.name());
            if (!r.info().def().equals(def)) {
                r.close();
                throw new IOException("table " + def.name() + " of store " + directory + " was redefined after the SQL schema was read");
            }
            this.reader = r;
            this.store = cs;
        } catch (IOException | RuntimeException e) {
            if (cs != null) {
                try {
                    cs.close();
                } catch (Exception closeFailure) {
                    e.addSuppressed(closeFailure);
                }
            }
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    @Override
    public Object[] current() {
        return current;
    }

    @Override
    public boolean moveNext() {
        try {
            while (true) {
                if (rows != null) {
                    int n = rows.getRowCount();
                    while (++row < n) {
                        if (filter == null || filter.test(this::value)) {
                            Object[] out = new Object[projects.length];
                            for (int i = 0; i < projects.length; i++) {
                                out[i] = values[projects[i]].read(row);
                            }
                            current = out;
                            return true;
                        }
                    }
                    rows.close();
                    rows = null;
                }
                if (cancel != null && cancel.get()) {
                    throw new IllegalStateException("query cancelled while scanning table " + def.name());
                }
                if (++rowGroup >= reader.rowGroupCount()) {
                    current = null;
                    return false;
                }
                int rg = rowGroup;
                if (filter != null && !filter.mayMatch(column -> stats(column, rg))) {
                    rowGroupsSkipped++;
                    continue;
                }
                rows = reader.readRowGroup(rg, readColumns);
                rowGroupsRead++;
                for (int c = 0; c < readPosition.length; c++) {
                    if (readPosition[c] >= 0) {
                        values[c] = SqlTypes.reader(def.columns().get(c).type(), rows.getVector(readPosition[c]));
                    }
                }
                row = -1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChunkStats stats(int column, int rg) throws IOException {
        return reader.chunkStats(column, rg);
    }

    private Object value(int column) {
        return values[column].read(row);
    }

    /** Row groups read so far. */
    long rowGroupsRead() {
        return rowGroupsRead;
    }

    /** Row groups skipped so far by their chunk statistics. */
    long rowGroupsSkipped() {
        return rowGroupsSkipped;
    }

    @Override
    public void reset() {
        if (rows != null) {
            rows.close();
            rows = null;
        }
        rowGroup = -1;
        current = null;
    }

    @Override
    public void close() {
        reset();
        try {
            reader.close();
        } finally {
            try {
                store.close();
            } catch (IOException e) {
                throw new UncheckedIOException("closing store " + store.directory() + " after a scan of " + def.name() + " failed", e);
            }
        }
    }
}
