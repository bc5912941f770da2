package dev.ingot.sql;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.scan.Predicate;
import dev.ingot.columnstore.scan.SelectionScan;
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
 * One scan of an Ingot table for Calcite: opens the store read-only and runs a
 * {@link SelectionScan} over the table with only the columns the query needs and the pushed
 * filter (row groups whose chunk statistics rule it out are skipped, the rest evaluated
 * vectorized into a selection), and yields the selected rows as {@code Object[]} of the
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
    private final AtomicBoolean cancel;
    /** Position of each table column among the scan's output columns (the projected ones, in table order), or -1. */
    private final int[] readPosition;
    private final ColumnStore store;
    private final TableReader reader;
    private final List<String> readColumns = new ArrayList<>();
    private final Predicate filter;
    private SelectionScan scan;
    /** Row groups read and skipped by scans before the last {@link #reset()}. */
    private long readBefore;
    private long skippedBefore;
    private final SqlTypes.ValueReader[] values;
    private boolean inBatch;
    private int row;
    private Object[] current;

    /**
     * @param directory the store directory, opened read-only here
     * @param projects  table column indices of the output row, in output order
     * @param filter    the pushed filter, or null for every row
     * @param cancel    Calcite's cancel flag for the statement (may be null)
     * @throws UncheckedIOException if the store cannot be opened or the table is gone
     */
    IngotScan(Path directory, TableDef def, int[] projects, Predicate filter, AtomicBoolean cancel) {
        this.def = def;
        this.projects = projects.clone();
        this.cancel = cancel;
        BitSet needed = new BitSet();
        for (int p : projects) {
            needed.set(p);
        }
        this.filter = filter;
        readPosition = new int[def.columns().size()];
        java.util.Arrays.fill(readPosition, -1);
        for (int c = needed.nextSetBit(0); c >= 0; c = needed.nextSetBit(c + 1)) {
            readPosition[c] = readColumns.size();
            readColumns.add(def.columns().get(c).name());
        }
        values = new SqlTypes.ValueReader[def.columns().size()];
        ColumnStore cs = null;
        TableReader r = null;
        try {
            cs = ColumnStore.openReadOnly(directory);
            if (cs.table(def.name()).isEmpty()) {
                throw new IOException("table " + def.name() + " no longer exists in store " + directory);
            }
            r = cs.openTable(def.name());
            if (!r.info().def().equals(def)) {
                throw new IOException("table " + def.name() + " of store " + directory + " was redefined after the SQL schema was read");
            }
            this.scan = new SelectionScan(r, readColumns, filter, null);
            this.reader = r;
            this.store = cs;
        } catch (IOException | RuntimeException e) {
            if (r != null) {
                r.close();
            }
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
                if (inBatch && ++row < scan.selectedCount()) {
                    int p = scan.selection()[row];
                    Object[] out = new Object[projects.length];
                    for (int i = 0; i < projects.length; i++) {
                        out[i] = values[projects[i]].read(p);
                    }
                    current = out;
                    return true;
                }
                if (cancel != null && cancel.get()) {
                    throw new IllegalStateException("query cancelled while scanning table " + def.name());
                }
                if (!scan.next()) {
                    inBatch = false;
                    current = null;
                    return false;
                }
                VectorSchemaRoot rows = scan.root();
                for (int c = 0; c < readPosition.length; c++) {
                    if (readPosition[c] >= 0) {
                        values[c] = SqlTypes.reader(def.columns().get(c).type(), rows.getVector(readPosition[c]));
                    }
                }
                inBatch = true;
                row = -1;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Row groups read so far. */
    long rowGroupsRead() {
        return readBefore + scan.rowGroupsRead();
    }

    /** Row groups skipped so far by their chunk statistics. */
    long rowGroupsSkipped() {
        return skippedBefore + scan.rowGroupsSkipped();
    }

    @Override
    public void reset() {
        readBefore += scan.rowGroupsRead();
        skippedBefore += scan.rowGroupsSkipped();
        scan.close();
        scan = new SelectionScan(reader, readColumns, filter, null);
        inBatch = false;
        current = null;
    }

    @Override
    public void close() {
        scan.close();
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
