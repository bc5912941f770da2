package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnValueException;
import dev.ingot.columnstore.ColumnWriter;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@link TableWriter} implementation: one {@link ColumnWriterImpl} per column, a
 * {@link PagerWriter} span named after the table, and a child native allocator for staging.
 * Row groups sealed through {@link #appendBatch} are put with one gathering
 * {@code putBatch} (one blob per column); chunks filled through {@link #column(int)} are put
 * one by one.
 *
 * <p>Thread-safety: not thread-safe (one thread per table writer); the store serializes commits.
 */
final class TableWriterImpl implements TableWriter {
    private enum State { OPEN, FAILED, COMMITTED, ABORTED }

    /** Who receives a writer's rows at {@link #commit()} and hears of its end. */
    interface Owner {
        /** Takes the writer's row groups ({@code rows}: every put group, numbered from its first row id); throws to refuse. */
        void writerFinished(TableWriterImpl writer, TableInfo rows) throws IOException;

        /** The writer was committed or aborted (called once, from its close). */
        void writerClosed(TableWriterImpl writer);
    }

    private final ColumnStoreImpl store;
    /** The store (a table of {@link dev.ingot.columnstore.ColumnStore#createTable}), a transaction or a compaction. */
    private final Owner owner;
    private final long firstRowId;
    private final TableDef def;
    private final ColumnStoreWriteHints hints;
    private final PagerWriter pagerWriter;
    private final NativeAllocator allocator;
    private final ColumnWriterImpl[] columns;
    private State state = State.OPEN;
    private Throwable failure;
    /** Nanoseconds spent sealing chunks and putting them into the pager. */
    private long sealFlushNanos;
    /** Set by {@link #sealForValidation()}: every appended row is in put row groups; no more appends. */
    private boolean sealed;

    TableWriterImpl(ColumnStoreImpl store, Owner owner, TableDef def, ColumnStoreWriteHints hints,
                    long firstRowId, PagerWriter pagerWriter, NativeAllocator parentAllocator, long maxBlobBytes) {
        this.store = store;
        this.owner = owner;
        this.firstRowId = firstRowId;
        this.def = def;
        this.hints = hints;
        this.pagerWriter = pagerWriter;
        this.allocator = parentAllocator.newChild(def.name(), Long.MAX_VALUE);
        this.columns = new ColumnWriterImpl[def.columns().size()];
        try {
            for (int i = 0; i < columns.length; i++) {
                columns[i] = new ColumnWriterImpl(this, def.columns().get(i), i, hints.chunkRows(), allocator, maxBlobBytes);
            }
        } catch (RuntimeException | Error e) {
            releaseStaging(e);
            throw e;
        }
    }

    @Override
    public TableDef def() {
        return def;
    }

    @Override
    public ColumnStoreWriteHints hints() {
        return hints;
    }

    @Override
    public ColumnWriter column(int index) {
        if (index < 0 || index >= columns.length) {
            throw new IndexOutOfBoundsException("column " + index + " of table " + def.name() + " with " + columns.length + " columns");
        }
        return columns[index];
    }

    @Override
    public long firstRowId() {
        return firstRowId;
    }

    @Override
    public long rowCount() {
        long min = Long.MAX_VALUE;
        for (ColumnWriterImpl c : columns) {
            min = Math.min(min, c.rowCount());
        }
        return min;
    }

    @Override
    public PagerDiagnostics diagnostics() {
        return pagerWriter.diagnostics();
    }

    @Override
    public boolean isCommitted() {
        return state == State.COMMITTED;
    }

    /** Like {@link #ensureAppendable()}, and refuses rows after {@link #sealForValidation()}. */
    void ensureAcceptsRows() {
        ensureAppendable();
        if (sealed) {
            throw new IllegalStateException("table " + def.name() + " was sealed for validation; no more rows can be appended");
        }
    }

    void ensureAppendable() {
        switch (state) {
            case OPEN: return;
            case FAILED: throw new IllegalStateException("writer of table " + def.name() + " failed earlier (" + failure + "); abort it");
            case COMMITTED: throw new IllegalStateException("table " + def.name() + " is already committed");
            default: throw new IllegalStateException("load of table " + def.name() + " was aborted");
        }
    }

    @Override
    public void appendBatch(VectorSchemaRoot root, int offset, int length) throws IOException {
        ensureAcceptsRows();
        List<FieldVector> vectors = root.getFieldVectors();
        if (vectors.size() != columns.length) {
            throw new IllegalArgumentException("batch has " + vectors.size() + " columns, table " + def.name() + " has " + columns.length);
        }
        if (offset < 0 || length < 0 || (long) offset + length > root.getRowCount()) {
            throw new IllegalArgumentException("rows [" + offset + ", +" + length + ") outside batch of " + root.getRowCount() + " rows");
        }
        int bad = def.firstMismatchedColumn(vectors.stream().map(FieldVector::getField).toList());
        if (bad >= 0) {
            ColumnDef c = def.columns().get(bad);
            Field f = vectors.get(bad).getField();
            throw new IllegalArgumentException("batch column " + bad + " is " + f.getName() + " " + f.getType() + ", table "
                    + def.name() + " expects " + c.name() + " " + c.type().arrowType());
        }
        long rows = columns[0].rowCount();
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].rowCount() != rows) {
                throw new IllegalStateException("columns of table " + def.name() + " have different row counts ("
                        + columns[0].rowCount() + " vs " + columns[i].rowCount() + "); appendBatch needs aligned columns");
            }
            columns[i].checkVector(vectors.get(i));
            columns[i].checkRange(vectors.get(i), offset, length);
        }
        validateLowestRow(vectors, offset, length, firstRowId + rows);
        int chunkRows = hints.chunkRows();
        int done = 0;
        try {
            while (done < length) {
                int k = Math.min(length - done, chunkRows - columns[0].stagedRows());
                for (int i = 0; i < columns.length; i++) {
                    k = columns[i].rowsThatFit(vectors.get(i), offset + done, k);
                }
                if (k == 0) {
                    // a text column's chunk is full by bytes: seal the row group early, or, if it
                    // is empty, the one value is larger than any chunk can be
                    if (columns[0].stagedRows() == 0) {
                        throw valueTooLargeForChunk(vectors, offset + done, firstRowId + rows + done);
                    }
                    putRowGroup();
                    continue;
                }
                for (int i = 0; i < columns.length; i++) {
                    columns[i].stage(vectors.get(i), offset + done, k);
                }
                done += k;
                if (columns[0].stagedRows() == chunkRows) {
                    putRowGroup();
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /**
     * Validates every column's values of the range and, if any is invalid, throws the
     * {@link ColumnValueException} of the lowest row (for one row, the first column in table
     * order): each column is checked only below the lowest bad row found so far.
     */
    private void validateLowestRow(List<FieldVector> vectors, int offset, int length, long firstRowId) {
        ColumnValueException lowest = null;
        int limit = length;
        for (int i = 0; i < columns.length && limit > 0; i++) {
            try {
                columns[i].validate(vectors.get(i), offset, limit, firstRowId);
            } catch (ColumnValueException e) {
                lowest = e;
                limit = (int) (e.rowId() - firstRowId);
            }
        }
        if (lowest != null) {
            throw lowest;
        }
    }

    private IllegalArgumentException valueTooLargeForChunk(List<FieldVector> vectors, int row, long rowId) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].rowsThatFit(vectors.get(i), row, 1) == 0) {
                return new IllegalArgumentException("value of column " + def.name() + "." + columns[i].def().name() + " in row " + rowId
                        + " has " + ColumnWriterImpl.valueBytes(vectors.get(i), row) + " bytes; a chunk holds at most "
                        + columns[i].maxTextBytes() + " bytes (the pager's largest blob)");
            }
        }
        throw new IllegalStateException("internal: no row fits an empty row group of table " + def.name());
    }

    /** Seals every column's staged chunk (on the store's {@link SealWorkers} and this thread) and puts them with one gathering write. */
    private void putRowGroup() throws IOException {
        long start = System.nanoTime();
        try {
            sealAndPutRowGroup();
        } finally {
            sealFlushNanos += System.nanoTime() - start;
        }
    }

    private void sealAndPutRowGroup() throws IOException {
        long[] keys = new long[columns.length];
        ByteBuffer[] blobs = new ByteBuffer[columns.length];
        try {
            store.sealWorkers().sealAll(columns, blobs);
            for (int i = 0; i < columns.length; i++) {
                keys[i] = pagerWriter.nextKey();
            }
            pagerWriter.putBatch(keys, blobs);
        } catch (IOException | RuntimeException | Error e) {
            for (ColumnWriterImpl c : columns) {
                c.releaseSealTemp();
            }
            throw e;
        }
        for (int i = 0; i < columns.length; i++) {
            columns[i].chunkPut(keys[i]);
        }
    }

    /** Seals and puts one column's full chunk (appends through {@link ColumnWriter}). */
    void putChunk(ColumnWriterImpl column) throws IOException {
        long start = System.nanoTime();
        try {
            ByteBuffer blob = column.seal();
            long key = pagerWriter.nextKey();
            pagerWriter.put(key, blob);
            column.chunkPut(key);
        } catch (IOException | RuntimeException | Error e) {
            column.releaseSealTemp();
            fail(e);
            throw e;
        } finally {
            sealFlushNanos += System.nanoTime() - start;
        }
    }

    @Override
    public long sealFlushNanos() {
        return sealFlushNanos;
    }

    private void fail(Throwable e) {
        if (state == State.OPEN) {
            state = State.FAILED;
            failure = e;
        }
    }

    @Override
    public TableReader sealForValidation() throws IOException {
        ensureAppendable();
        if (sealed) {
            throw new IllegalStateException("table " + def.name() + " was sealed for validation already");
        }
        putLastRowGroup();
        sealed = true;
        return new TableReaderImpl(store, pendingInfo(), store.pager(), null, false);
    }

    @Override
    public void commit() throws IOException {
        ensureAppendable();
        if (!sealed) {
            putLastRowGroup();
        }
        TableInfo info = pendingInfo();
        owner.writerFinished(this, info); // throws with nothing taken; the writer stays OPEN (abortable)
        state = State.COMMITTED;
        releaseStaging(null);
    }

    /** Checks the columns are aligned and puts the partial last row group, if any. */
    private void putLastRowGroup() throws IOException {
        long rows = columns[0].rowCount();
        for (ColumnWriterImpl c : columns) {
            if (c.rowCount() != rows) {
                throw new IllegalStateException("cannot commit table " + def.name() + ": column " + columns[0].def().name() + " has "
                        + rows + " rows, column " + c.def().name() + " has " + c.rowCount());
            }
        }
        try {
            if (columns[0].stagedRows() > 0) {
                putRowGroup();
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
            throw e;
        }
    }

    /**
     * The rows of this writer as {@link #commit()} publishes them: every put row group, numbered
     * from {@link #firstRowId()} (for an append, the transaction adds the stored row groups).
     */
    private TableInfo pendingInfo() {
        long rows = columns[0].rowCount();
        int groups = columns[0].chunkCount();
        List<RowGroupInfo> rowGroups = new ArrayList<>(groups);
        long first = firstRowId;
        for (int g = 0; g < groups; g++) {
            int groupRows = columns[0].chunkRowCount(g);
            long[] keys = new long[columns.length];
            for (int i = 0; i < columns.length; i++) {
                keys[i] = columns[i].chunkKey(g);
            }
            rowGroups.add(new RowGroupInfo(first, groupRows, keys));
            first += groupRows;
        }
        return new TableInfo(def, firstRowId + rows, hints.chunkRows(), rowGroups);
    }

    @Override
    public void abort() {
        if (state == State.COMMITTED) {
            throw new IllegalStateException("table " + def.name() + " is already committed");
        }
        if (state == State.ABORTED) {
            return;
        }
        state = State.ABORTED;
        for (ColumnWriterImpl c : columns) {
            if (c == null) {
                continue;
            }
            for (int g = 0; g < c.chunkCount(); g++) {
                pagerWriter.free(c.chunkKey(g));
            }
        }
        releaseStaging(null);
    }

    @Override
    public void close() {
        if (state != State.COMMITTED) {
            abort();
        }
    }

    private void releaseStaging(Throwable earlier) {
        try {
            for (ColumnWriterImpl c : columns) {
                if (c != null) {
                    c.release();
                }
            }
            allocator.close();
        } catch (RuntimeException e) {
            if (earlier != null) {
                earlier.addSuppressed(e);
            } else {
                throw e;
            }
        } finally {
            owner.writerClosed(this);
        }
    }
}
