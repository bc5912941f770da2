package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ChunkVerification;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.pager.StoreCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** {@link StoreSnapshot} implementation: a {@link ColumnStoreImpl.Pin} of one catalog version. Thread-safe. */
final class StoreSnapshotImpl implements StoreSnapshot {
    private final ColumnStoreImpl store;
    private final ColumnStoreImpl.Pin pin;

    StoreSnapshotImpl(ColumnStoreImpl store, ColumnStoreImpl.Pin pin) {
        this.store = store;
        this.pin = pin;
    }

    private void ensureOpen() {
        if (pin.released()) {
            throw new IllegalStateException("snapshot of generation " + generation() + " of " + store.directory() + " is closed");
        }
        store.ensureOpen();
    }

    @Override
    public long generation() {
        return pin.catalog.generation();
    }

    @Override
    public List<TableInfo> tables() {
        return List.copyOf(pin.catalog.tables().values());
    }

    @Override
    public Optional<TableInfo> table(String name) {
        return Optional.ofNullable(pin.catalog.tables().get(name));
    }

    @Override
    public TableReader openTable(String name) {
        ensureOpen();
        TableInfo info = pin.catalog.tables().get(name);
        if (info == null) {
            throw new IllegalArgumentException("no table " + name + " in the snapshot of generation " + generation());
        }
        return new TableReaderImpl(store, info, pin.catalog.view(), pin, false);
    }

    @Override
    public ByteBuffer indexPart(String table, String index, int part) throws IOException {
        return indexPart(table, index, part, null);
    }

    @Override
    public ByteBuffer indexPart(String table, String index, int part, BlobCheck check) throws IOException {
        ensureOpen();
        TableInfo info = pin.catalog.tables().get(table);
        if (info == null) {
            throw new IllegalArgumentException("no table " + table + " in the snapshot of generation " + generation());
        }
        IndexInfo i = info.index(index).orElseThrow(() -> new IllegalArgumentException("table " + table + " has no index " + index));
        if (part < 0 || part >= i.parts()) {
            throw new IllegalArgumentException("index " + index + " of table " + table + " has " + i.parts() + " parts"
                    + (i.stale() ? " (stale: rebuild it)" : "") + "; no part " + part);
        }
        long key = i.partKey(part);
        try {
            if (check == null) {
                return pin.catalog.view().getVerified(key);
            }
            ByteBuffer blob = pin.catalog.view().get(key);
            ChunkVerification policy = store.options().chunkVerification();
            if (policy == ChunkVerification.EVERY_READ) {
                check.check(blob.duplicate().order(blob.order()));
            } else if (policy == ChunkVerification.FIRST_READ) {
                long fileOffset = pin.catalog.view().blobFileOffset(key);
                if (!store.chunkVerified(key, fileOffset)) {
                    check.check(blob.duplicate().order(blob.order()));
                    store.markChunkVerified(key, fileOffset);
                }
            }
            return blob;
        } catch (NoSuchElementException e) {
            throw new StoreCorruptedException(store.pager().file(), -1, "table " + table + " index " + index + " part " + part
                    + " (pager key " + key + ") has no blob");
        }
    }

    @Override
    public void close() {
        pin.close();
    }

    @Override
    public String toString() {
        return "StoreSnapshot[" + store.directory() + ", generation " + generation() + "]";
    }
}
