package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.CompactionReport;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.TableInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * {@link dev.ingot.columnstore.ColumnStore#compact()}: rewrites the tables with deleted rows
 * through table writers (their live rows, read row group by row group, appended to new row groups
 * of the same chunk rows), publishes every rewritten table with one catalog commit (their old
 * blobs freed, since no snapshot is open), then {@link dev.ingot.pager.Pager#compact()} packs the
 * file. Holds the store's transaction slot throughout, so no transaction, and refuses to start
 * while any writer, reader or snapshot of this process is open; new ones are refused until it
 * ends ({@link ColumnStoreImpl#compacting()}).
 */
final class Compactor implements TableWriterImpl.Owner {
    private final ColumnStoreImpl store;
    private TableInfo finished;

    Compactor(ColumnStoreImpl store) {
        this.store = store;
    }

    CompactionReport run() throws IOException {
        long start = System.nanoTime();
        store.ensureOpen();
        if (store.readOnly()) {
            throw new IllegalStateException("column store " + store.directory() + " is open read-only; cannot compact it");
        }
        if (!store.tryTakeTransactionSlot()) {
            throw new IllegalStateException("cannot compact column store " + store.directory() + ": a transaction is open");
        }
        try {
            synchronized (store.commitLock()) {
                int pins = store.openPins();
                if (pins > 0) {
                    throw new IllegalStateException("cannot compact column store " + store.directory() + ": " + pins
                            + " reader(s) or snapshot(s) of it are open in this process; close them first");
                }
                if (store.openWriterCount() > 0 || !store.loading().isEmpty()) {
                    throw new IllegalStateException("cannot compact column store " + store.directory() + ": a load is in progress ("
                            + store.loading().keySet() + ")");
                }
                store.setCompacting(true);
            }
            try (java.io.Closeable hold = store.pager().excludeReaders()) {
                long before = store.pager().fileSizeBytes();
                Map<String, TableInfo> tables = new LinkedHashMap<>(store.catalog().tables());
                List<String> rewritten = new ArrayList<>();
                List<Long> retire = new ArrayList<>();
                List<Long> written = new ArrayList<>();
                long removed = 0;
                try {
                    for (TableInfo t : store.catalog().tables().values()) {
                        if (t.deletedRowCount() == 0) {
                            continue;
                        }
                        TableInfo next = rewrite(t);
                        for (long k : ColumnStoreImpl.keysOf(next)) {
                            written.add(k);
                        }
                        for (long k : ColumnStoreImpl.keysOf(t)) {
                            retire.add(k);
                        }
                        tables.put(t.name(), next);
                        rewritten.add(t.name());
                        removed += t.deletedRowCount();
                    }
                    if (!rewritten.isEmpty()) {
                        synchronized (store.commitLock()) {
                            store.publish(tables, retire.stream().mapToLong(Long::longValue).toArray());
                        }
                    }
                } catch (IOException | RuntimeException | Error e) {
                    for (long k : written) {
                        store.pager().free(k);
                    }
                    throw e;
                }
                long after = store.pager().compact();
                long liveBytes = 0;
                for (long k : store.pager().liveKeys()) {
                    liveBytes += store.pager().blobLength(k);
                }
                return new CompactionReport(rewritten, removed, before, after, liveBytes, System.nanoTime() - start);
            } finally {
                synchronized (store.commitLock()) {
                    store.setCompacting(false);
                }
            }
        } finally {
            store.releaseTransactionSlot();
        }
    }

    /** {@code t} without its deleted rows: new row groups, no deletion vectors, its indexes marked stale. */
    private TableInfo rewrite(TableInfo t) throws IOException {
        finished = null;
        ColumnStoreWriteHints hints = ColumnStoreWriteHints.estimate(t.def()).withChunkRows(t.chunkRows());
        try (TableReaderImpl reader = new TableReaderImpl(store, t, store.pager(), null, false);
             TableWriterImpl writer = store.newWriter(this, t.def(), hints, 0)) {
            for (int g = 0; g < reader.rowGroupCount(); g++) {
                try (VectorSchemaRoot live = reader.readRowGroup(g, null)) {
                    if (live.getRowCount() > 0) {
                        writer.appendBatch(live);
                    }
                }
            }
            writer.commit();
        }
        TableInfo rows = finished;
        List<IndexInfo> indexes = new ArrayList<>();
        for (IndexInfo i : t.indexes()) {
            indexes.add(new IndexInfo(i.name(), new long[0], i.tableRows(), true));
        }
        return new TableInfo(t.def(), rows.rowCount(), t.chunkRows(), rows.rowGroups(), indexes);
    }

    @Override
    public void writerFinished(TableWriterImpl writer, TableInfo rows) {
        finished = rows;
    }

    @Override
    public void writerClosed(TableWriterImpl writer) {
    }
}
