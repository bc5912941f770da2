package dev.ingot.columnstore.internal;

import dev.ingot.columnstore.ChunkStats;
import dev.ingot.columnstore.ChunkVerification;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.pager.BlobView;
import dev.ingot.pager.StoreCorruptedException;
import dev.ingot.pager.UnsupportedFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.memory.ArrowMemory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.Field;
import org.roaringbitmap.RoaringBitmap;

/**
 * {@link TableReader} implementation: fetches chunks with {@link BlobView#get} (zero-copy views of
 * the mapped file), validates each header ({@link ChunkFormat#parse}) and rebuilds Arrow vectors
 * with bulk copies (plain chunks) or by decoding them ({@link ChunkDecoder}, encoded chunks).
 *
 * <p>Thread-safety: not thread-safe.
 */
final class TableReaderImpl implements TableReader {
    private final ColumnStoreImpl store;
    private final TableInfo info;
    private final BlobView pager;
    private final ChunkDecoder decoder = new ChunkDecoder();
    private final RowReads rowReads = new RowReads(decoder);
    /**
     * Chunks fetched for point reads (a validated header and a view of the mapped blob, a few
     * hundred bytes each), by row group and then column, so that the columns of one row are one
     * array of references (one cache line for 16 columns): no hashing, no boxed key. At most
     * {@link #POINT_CHUNKS} are kept, the oldest fetched first out ({@link #pointOrder}, a ring of
     * {@code rowGroup * columns + column}); that holds every chunk of SF10 lineitem (1,221 row
     * groups x 16 columns), so warm point reads parse no header. A row group's array is dropped
     * when its last chunk goes.
     */
    private final Chunk[][] pointChunks;
    /** Chunks kept in {@link #pointChunks}, by row group. */
    private final int[] pointCount;
    /** The slots of {@link #pointChunks} in the order they were filled, a ring of {@link #POINT_CHUNKS}; {@link #pointKept} of them in use. */
    private long[] pointOrder = new long[64]; // grows to pointLimit as chunks are kept (most readers keep few)
    private int pointLimit = POINT_CHUNKS;
    private int pointKept;
    private int pointNext;
    /** Reused by {@link #fillRows}: row groups, positions in them and chunks of the rows read. */
    private int[] rowGroups = new int[1];
    private int[] rowPositions = new int[1];
    private Chunk[] rowChunks = new Chunk[1];
    static final int POINT_CHUNKS = 32768;
    /** Most (row, column) reads of one {@link #fillRows} whose first bytes are touched before any is read. */
    static final int TOUCH_CELLS = 256;
    /** Where the touched bytes go, so the loads are not optimized away. */
    private int touchSink;
    /** The reused vectors of every {@link #scan} of this reader, closed with it. */
    private final List<Slot[]> scans = new ArrayList<>();
    /** The catalog version this reader holds (released on close), or null for a writer's validation reader. */
    private final ColumnStoreImpl.Pin pin;
    private final boolean ownsPin;
    /**
     * The zero-copy views {@link #readChunkInto} handed out (weakly held), so that one given back
     * for reuse is closed instead of written into.
     */
    private final java.util.WeakHashMap<FieldVector, Boolean> views = new java.util.WeakHashMap<>();
    /** By column: the chunk fetched last (header parsed and checked) and its row group. */
    private final Chunk[] recent;
    private final int[] recentGroup;
    /**
     * The columns argument (a copy), their indexes and the vectors of the root that
     * {@link #readRows(long[], List, VectorSchemaRoot)} checked last: a warm lookup reading into
     * the same root again skips the check of its vectors' names and types. Null until then.
     */
    private List<String> checkedColumns;
    private int[] checkedIndexes;
    private FieldVector[] checkedVectors;
    /** Deletion vectors read so far, by row group. */
    private final RoaringBitmap[] deleted;
    /** {@link #deleted} as live runs, by row group, made as scans need them. */
    private final LiveRows[] live;
    private boolean closed;

    /**
     * @param view blobs as of the reader's catalog version
     * @param pin  the catalog version read (reads fail once it is released); null when the caller keeps the blobs alive
     * @param ownsPin whether {@link #close()} releases {@code pin} (a reader of a {@link dev.ingot.columnstore.StoreSnapshot} does not)
     */
    TableReaderImpl(ColumnStoreImpl store, TableInfo info, BlobView view, ColumnStoreImpl.Pin pin, boolean ownsPin) {
        this.store = store;
        this.ownsPin = ownsPin;
        this.info = info;
        this.pager = view;
        this.pin = pin;
        this.deleted = new RoaringBitmap[info.rowGroups().size()];
        this.live = new LiveRows[info.rowGroups().size()];
        this.recent = new Chunk[info.def().columns().size()];
        this.recentGroup = new int[info.def().columns().size()];
        this.pointChunks = new Chunk[info.rowGroups().size()][];
        this.pointCount = new int[info.rowGroups().size()];
    }

    @Override
    public TableInfo info() {
        return info;
    }

    @Override
    public int rowGroupCount() {
        return info.rowGroups().size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("reader of table " + info.name() + " is closed");
        }
        store.ensureOpen();
        if (pin != null && pin.released()) {
            throw new IllegalStateException("the snapshot of the reader of table " + info.name() + " is closed");
        }
    }

    private RowGroupInfo group(int rowGroup) {
        if (rowGroup < 0 || rowGroup >= info.rowGroups().size()) {
            throw new IllegalArgumentException("row group " + rowGroup + " outside [0, " + info.rowGroups().size() + ") of table " + info.name());
        }
        return info.rowGroups().get(rowGroup);
    }

    private ColumnDef columnDef(int column) {
        if (column < 0 || column >= info.def().columns().size()) {
            throw new IllegalArgumentException("column " + column + " outside table " + info.name() + " of " + info.def().columns().size() + " columns");
        }
        return info.def().columns().get(column);
    }

    private String where(int column, int rowGroup, long key) {
        return "table " + info.name() + " column " + info.def().columns().get(column).name() + " row group " + rowGroup + " (pager key " + key + ")";
    }

    /** The chunk blob, normalized so index 0 is the chunk's first byte, and its validated header. */
    private record Chunk(ByteBuffer blob, ChunkFormat.Header header, long key, String where) {}

    /**
     * {@link #fetch} for the steps of a scan, which ask for the statistics, the validity and the
     * values of one chunk in turn: the last chunk fetched per column is kept (its header parsed
     * and checked once) unless every read must verify its checksum. Other reads fetch afresh.
     */
    private Chunk scanChunk(int column, int rowGroup) throws IOException {
        boolean keep = store.options().chunkVerification() != ChunkVerification.EVERY_READ;
        if (keep && recent[column] != null && recentGroup[column] == rowGroup) {
            return recent[column];
        }
        Chunk chunk = fetch(column, rowGroup, false);
        if (keep) {
            recent[column] = chunk;
            recentGroup[column] = rowGroup;
        }
        return chunk;
    }

    private Chunk fetch(int column, int rowGroup, boolean verified) throws IOException {
        ColumnDef def = columnDef(column);
        RowGroupInfo g = group(rowGroup);
        long key = g.chunkKey(column);
        String where = where(column, rowGroup, key);
        ByteBuffer blob;
        try {
            blob = verified ? pager.getVerified(key) : pager.get(key);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            throw new StoreCorruptedException(pager.file(), -1, where + ": the chunk's pager key has no blob (" + e.getMessage() + ")");
        } catch (StoreCorruptedException e) {
            StoreCorruptedException wrapped = new StoreCorruptedException(e.file(), e.fileOffset(), where + ": " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
        blob = blob.slice().order(ByteOrder.LITTLE_ENDIAN);
        long fileOffset = -1;
        boolean crc;
        switch (store.options().chunkVerification()) {
            case EVERY_READ:
                crc = true;
                break;
            case NEVER:
                crc = verified;
                break;
            default:
                fileOffset = pager.blobFileOffset(key);
                crc = verified || !store.chunkVerified(key, fileOffset);
                break;
        }
        ChunkFormat.Header h;
        try {
            h = ChunkFormat.parse(blob, def.type().kind(), g.rowCount(), pager.file(), where, crc);
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(key));
        } catch (UnsupportedFormatException e) {
            throw e.atFileOffset(pager.blobFileOffset(key));
        }
        if (crc && fileOffset >= 0) {
            store.markChunkVerified(key, fileOffset);
        }
        return new Chunk(blob, h, key, where);
    }

    @Override
    public ChunkStats chunkStats(int column, int rowGroup) throws IOException {
        ensureOpen();
        return scanChunk(column, rowGroup).header().stats();
    }

    @Override
    public FieldVector readChunkInto(int column, int rowGroup, FieldVector reuse) throws IOException {
        ensureOpen();
        ColumnDef def = columnDef(column);
        if (reuse != null && !reuse.getField().getType().equals(def.arrowField().getType())) {
            throw new IllegalArgumentException("vector " + reuse.getName() + " of type " + reuse.getField().getType() + " cannot hold column "
                    + def.name() + " of table " + info.name() + " (" + def.arrowField().getType() + ")");
        }
        Chunk c = scanChunk(column, rowGroup);
        FieldVector view = zeroCopy(column, c);
        if (reuse != null && (view != null || views.containsKey(reuse))) { // a view is never written into
            views.remove(reuse);
            reuse.close();
            reuse = null;
        }
        if (view != null) {
            views.put(view, Boolean.TRUE);
            return view;
        }
        return decode(column, c, reuse, LiveRows.all(c.header().rowCount()));
    }

    @Override
    public long[] readLongs(int column, int rowGroup, long[] reuse) throws IOException {
        ensureOpen();
        Chunk c = scanChunk(integral(column), rowGroup);
        try {
            return decoder.longs(c.header(), c.blob(), reuse, pager.file(), c.where());
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(c.key()));
        }
    }

    @Override
    public long[] readLongs(int column, int rowGroup, int[] positions, int count, long[] reuse) throws IOException {
        ensureOpen();
        if (count < 0 || count > positions.length) {
            throw new IllegalArgumentException(count + " positions asked of an array of " + positions.length);
        }
        Chunk c = scanChunk(integral(column), rowGroup);
        int rows = c.header().rowCount();
        for (int i = 0; i < count; i++) {
            if (positions[i] < 0 || positions[i] >= rows) {
                throw new IllegalArgumentException("position " + positions[i] + " outside the " + rows + " rows of " + c.where());
            }
        }
        try {
            return decoder.longs(c.header(), c.blob(), positions, count, reuse, pager.file(), c.where());
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(c.key()));
        }
    }

    @Override
    public long readLong(int column, int rowGroup, int row) throws IOException {
        ensureOpen();
        Chunk c = pointChunk(integral(column), rowGroup);
        int rows = c.header().rowCount();
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("position " + row + " outside the " + rows + " rows of " + c.where());
        }
        try {
            return RowReads.value(c.header(), c.blob(), row, pager.file(), c.where());
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(c.key()));
        }
    }

    @Override
    public void equalRange(int column, int rowGroup, int fromRow, int toRow, long value, int[] range) throws IOException {
        ensureOpen();
        Chunk c = pointChunk(integral(column), rowGroup);
        int rows = c.header().rowCount();
        if (fromRow < 0 || fromRow > toRow || toRow > rows) {
            throw new IllegalArgumentException("rows [" + fromRow + ", " + toRow + ") outside the " + rows + " rows of " + c.where());
        }
        if (c.header().nullCount() > 0) {
            throw new IllegalArgumentException(c.where() + " holds " + c.header().nullCount() + " NULLs: no sorted search");
        }
        try {
            RowReads.equalRange(c.header(), c.blob(), fromRow, toRow, value, range, pager.file(), c.where());
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(c.key()));
        }
    }

    @Override
    public long[] readValidity(int column, int rowGroup, long[] reuse) throws IOException {
        ensureOpen();
        Chunk c = scanChunk(column, rowGroup);
        return ChunkDecoder.validity(c.header(), c.blob(), reuse);
    }

    /** {@code column}, checked to be of a kind {@link #readLongs(int, int, long[])} reads. */
    private int integral(int column) {
        ColumnDef def = columnDef(column);
        if (!ChunkEncoding.isIntegral(def.type().kind())) {
            throw new IllegalArgumentException("column " + def.name() + " of table " + info.name() + " is " + def.type()
                    + ", not read as longs (integers, DATE, TIME, TIMESTAMP and DECIMAL up to 18 digits are)");
        }
        return column;
    }

    @Override
    public FieldVector readChunk(int column, int rowGroup) throws IOException {
        ensureOpen();
        return readChunk(column, rowGroup, false, null);
    }

    /**
     * The vector of one column of a scan, reused from row group to row group: a decoded vector
     * keeps its buffers for the next chunk, a zero-copy vector is replaced.
     */
    private static final class Slot {
        FieldVector vector;
        /** Whether {@link #vector} is a zero-copy view (read-only: never decoded into). */
        boolean view;

        void set(FieldVector v, boolean isView) {
            if (vector != null && vector != v) {
                vector.close();
            }
            vector = v;
            view = isView;
        }

        void close() {
            set(null, false);
        }
    }

    /** A batch of {@link #scan}: its vectors are the scan's {@link Slot}s, reused by the next batch; closing it does nothing. */
    private static final class ScanBatch extends VectorSchemaRoot {
        ScanBatch(List<Field> fields, List<FieldVector> vectors, int rows) {
            super(fields, vectors, rows);
        }

        @Override
        public void close() {
            // the reader owns the vectors (TableReader#scan)
        }
    }

    /**
     * The rows of one chunk: a zero-copy view where possible, else decoded into {@code slot}'s
     * vector (or a new vector when {@code slot} is null), deleted rows skipped by the decoder
     * unless {@code includeDeleted}.
     */
    private FieldVector readChunk(int column, int rowGroup, boolean includeDeleted, Slot slot) throws IOException {
        boolean skip = !includeDeleted && group(rowGroup).hasDeletions();
        Chunk c = fetch(column, rowGroup, false);
        FieldVector view = skip ? null : zeroCopy(column, c); // a view holds every row
        if (view != null) {
            if (slot != null) {
                slot.set(view, true);
            }
            return view;
        }
        if (slot != null && slot.view) {
            slot.close();
        }
        FieldVector v = decode(column, c, slot == null ? null : slot.vector, skip ? liveRows(rowGroup) : LiveRows.all(c.header().rowCount()));
        if (slot != null) {
            slot.set(v, false);
        }
        return v;
    }

    /** The live rows of {@code rowGroup} as runs, made once per reader from its deletion vector. */
    private LiveRows liveRows(int rowGroup) throws IOException {
        LiveRows l = live[rowGroup];
        if (l == null) {
            l = LiveRows.of(deletedRows0(rowGroup), group(rowGroup).rowCount());
            live[rowGroup] = l;
        }
        return l;
    }

    @Override
    public RoaringBitmap deletedRows(int rowGroup) throws IOException {
        ensureOpen();
        return deletedRows0(rowGroup).clone();
    }

    /** The cached deletion vector of {@code rowGroup} (not to be changed). */
    private RoaringBitmap deletedRows0(int rowGroup) throws IOException {
        RowGroupInfo g = group(rowGroup);
        RoaringBitmap d = deleted[rowGroup];
        if (d == null) {
            d = g.hasDeletions() ? readDeletionVector(pager, info, rowGroup) : new RoaringBitmap();
            deleted[rowGroup] = d;
        }
        return d;
    }

    /**
     * Reads and checks the deletion vector of row group {@code rowGroup} of {@code info} through
     * {@code view} (pager checksum, then the blob's own framing and contents).
     */
    static RoaringBitmap readDeletionVector(BlobView view, TableInfo info, int rowGroup) throws IOException {
        RowGroupInfo g = info.rowGroups().get(rowGroup);
        long key = g.deletionKey();
        String where = "table " + info.name() + " row group " + rowGroup + " deletion vector (pager key " + key + ")";
        ByteBuffer blob;
        try {
            blob = view.getVerified(key);
        } catch (NoSuchElementException | IllegalArgumentException e) {
            throw new StoreCorruptedException(view.file(), -1, where + ": the pager key has no blob (" + e.getMessage() + ")");
        } catch (StoreCorruptedException e) {
            StoreCorruptedException wrapped = new StoreCorruptedException(e.file(), e.fileOffset(), where + ": " + e.getMessage());
            wrapped.initCause(e);
            throw wrapped;
        }
        try {
            return DeletionVectorCodec.decode(blob, g.rowCount(), g.deletedRows(), view.file(), where);
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(view.blobFileOffset(key));
        } catch (UnsupportedFormatException e) {
            throw e.atFileOffset(view.blobFileOffset(key));
        }
    }

    @Override
    public VectorSchemaRoot readRows(long[] rowIds, List<String> columns) throws IOException {
        ensureOpen();
        int[] indexes = resolve(columns);
        List<FieldVector> vectors = new ArrayList<>(indexes.length);
        try {
            for (int c : indexes) {
                vectors.add(columnDef(c).arrowField().createVector(store.allocator()));
            }
            fillRows(rowIds, indexes, vectors);
        } catch (IOException | RuntimeException | Error e) {
            for (FieldVector v : vectors) {
                v.close();
            }
            throw e;
        }
        return new VectorSchemaRoot(fieldsOf(vectors), vectors, rowIds.length);
    }

    @Override
    public void readRows(long[] rowIds, List<String> columns, VectorSchemaRoot into) throws IOException {
        ensureOpen();
        List<FieldVector> vectors = into.getFieldVectors();
        int[] indexes;
        if (checkedVectors != null && java.util.Objects.equals(columns, checkedColumns) && checked(vectors)) { // the root checked last time, read again (warm lookups)
            indexes = checkedIndexes;
        } else {
            indexes = resolve(columns);
            if (vectors.size() != indexes.length) {
                throw new IllegalArgumentException("root to read " + indexes.length + " columns of table " + info.name()
                        + " into has " + vectors.size() + " columns");
            }
            for (int i = 0; i < indexes.length; i++) {
                Field want = columnDef(indexes[i]).arrowField();
                if (!vectors.get(i).getField().getType().equals(want.getType()) || !vectors.get(i).getName().equals(want.getName())) {
                    throw new IllegalArgumentException("column " + i + " of the root to read table " + info.name() + " into is "
                            + vectors.get(i).getField() + ", not " + want);
                }
            }
            checkedColumns = columns == null ? null : List.copyOf(columns);
            checkedIndexes = indexes;
            checkedVectors = vectors.toArray(new FieldVector[0]);
        }
        try {
            fillRows(rowIds, indexes, vectors);
        } catch (IOException | RuntimeException | Error e) {
            into.setRowCount(0); // no half-read row is shown
            throw e;
        }
        into.setRowCount(rowIds.length);
    }

    /** Whether {@code vectors} are, one for one, the vectors {@link #readRows(long[], List, VectorSchemaRoot)} checked last. */
    private boolean checked(List<FieldVector> vectors) {
        FieldVector[] c = checkedVectors;
        if (c == null || c.length != vectors.size()) {
            return false;
        }
        for (int i = 0; i < c.length; i++) {
            if (c[i] != vectors.get(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets rows {@code [0, rowIds.length)} of {@code vectors} (one per column of {@code indexes}) to
     * the rows {@code rowIds}: a vector with room for them is reset (its buffers kept), a smaller
     * one allocated anew.
     */
    private void fillRows(long[] rowIds, int[] indexes, List<FieldVector> vectors) throws IOException {
        if (rowIds.length == 0) {
            throw new IllegalArgumentException("no row ids to read from table " + info.name());
        }
        int n = rowIds.length;
        if (rowGroups.length < n) {
            rowGroups = new int[n];
            rowPositions = new int[n];
        }
        int[] groups = rowGroups;
        int[] positions = rowPositions;
        for (int i = 0; i < n; i++) {
            int g = info.rowGroupOf(rowIds[i]);
            RowGroupInfo rg = info.rowGroups().get(g);
            int pos = (int) (rowIds[i] - rg.firstRowId());
            if (rg.hasDeletions() && deletedRows0(g).contains(pos)) {
                throw new IllegalArgumentException("row id " + rowIds[i] + " of table " + info.name() + " is deleted");
            }
            groups[i] = g;
            positions[i] = pos;
        }
        int columns = indexes.length;
        // a few rows: fetch every chunk first and touch the bytes each read starts with, loads that
        // do not wait for one another, so their cache and TLB misses overlap instead of coming one
        // column after the other
        boolean touched = (long) n * columns <= TOUCH_CELLS;
        if (touched) {
            if (rowChunks.length < n * columns) {
                rowChunks = new Chunk[n * columns];
            }
            int sum = 0;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < columns; k++) {
                    Chunk chunk = pointChunk(indexes[k], groups[i]);
                    rowChunks[i * columns + k] = chunk;
                    sum += RowReads.touch(chunk.header(), chunk.blob(), positions[i]);
                }
            }
            for (int i = 0; i < n; i++) { // then the loads that need the first ones (dictionary entries)
                for (int k = 0; k < columns; k++) {
                    Chunk chunk = rowChunks[i * columns + k];
                    sum += RowReads.touchEntry(chunk.header(), chunk.blob(), positions[i]);
                }
            }
            touchSink = sum;
        }
        for (int k = 0; k < columns; k++) {
            int c = indexes[k];
            FieldVector v = vectors.get(k);
            if (v.getValueCapacity() >= n && v.getDataBuffer().capacity() > 0) {
                v.reset();
            } else if (v instanceof BaseVariableWidthVector) {
                ((BaseVariableWidthVector) v).allocateNew(n);
            } else {
                ((BaseFixedWidthVector) v).allocateNew(n);
            }
            for (int i = 0; i < n; i++) {
                Chunk chunk = touched ? rowChunks[i * columns + k] : pointChunk(c, groups[i]);
                try {
                    rowReads.copy(chunk.header(), chunk.blob(), chunk.key(), positions[i], v, i, pager.file(), chunk.where());
                } catch (BlobCorruptedException e) {
                    throw e.atFileOffset(pager.blobFileOffset(chunk.key()));
                }
            }
            v.setValueCount(n);
        }
        if (touched) {
            java.util.Arrays.fill(rowChunks, 0, n * columns, null);
        }
    }

    /**
     * The chunk of {@code column} in {@code rowGroup}, fetched once per reader for point reads
     * (kept in {@link #pointChunks}).
     *
     * @throws IllegalArgumentException if there is no such row group or column
     */
    private Chunk pointChunk(int column, int rowGroup) throws IOException {
        if (rowGroup >= 0 && rowGroup < pointChunks.length) {
            Chunk[] kept = pointChunks[rowGroup];
            if (kept != null && column >= 0 && column < kept.length && kept[column] != null) {
                return kept[column];
            }
        }
        Chunk c = fetch(column, rowGroup, false); // checks the row group and the column
        int columns = info.def().columns().size();
        if (pointKept == pointLimit) { // full: the oldest goes
            long slot = pointOrder[pointNext];
            int g = (int) (slot / columns);
            pointChunks[g][(int) (slot % columns)] = null;
            if (--pointCount[g] == 0) {
                pointChunks[g] = null;
            }
        } else {
            if (pointKept == pointOrder.length) { // not full: the ring is filled in order, pointNext == pointKept
                pointOrder = java.util.Arrays.copyOf(pointOrder, Math.min(pointLimit, pointOrder.length * 2));
            }
            pointKept++;
        }
        Chunk[] kept = pointChunks[rowGroup];
        if (kept == null) {
            kept = new Chunk[columns];
            pointChunks[rowGroup] = kept;
        }
        kept[column] = c;
        pointCount[rowGroup]++;
        pointOrder[pointNext] = (long) rowGroup * columns + column;
        pointNext = pointNext + 1 == pointLimit ? 0 : pointNext + 1;
        return c;
    }

    /** Keeps at most {@code limit} chunks for point reads from now on, none yet (tests; default {@link #POINT_CHUNKS}). */
    void pointChunkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("point chunk limit " + limit + " is below 1");
        }
        java.util.Arrays.fill(pointChunks, null);
        java.util.Arrays.fill(pointCount, 0);
        pointLimit = limit;
        pointOrder = new long[Math.min(limit, 4)];
        pointKept = 0;
        pointNext = 0;
    }

    /** The chunks kept for point reads, counted in {@link #pointChunks} (tests). */
    int pointChunksKept() {
        int kept = 0;
        for (Chunk[] group : pointChunks) {
            if (group != null) {
                int inGroup = 0;
                for (Chunk c : group) {
                    inGroup += c == null ? 0 : 1;
                }
                if (inGroup == 0) {
                    throw new IllegalStateException("a row group's array of point chunks is kept empty");
                }
                kept += inGroup;
            }
        }
        return kept;
    }

    @Override
    public long[] liveRowIds(int rowGroup) throws IOException {
        ensureOpen();
        RowGroupInfo g = group(rowGroup);
        RoaringBitmap d = deletedRows0(rowGroup);
        long[] ids = new long[g.liveRows()];
        int n = 0;
        for (int i = 0; i < g.rowCount(); i++) {
            if (!d.contains(i)) {
                ids[n++] = g.firstRowId() + i;
            }
        }
        return ids;
    }

    /**
     * The vector of a PLAIN chunk as slices of one Arrow buffer over the mapped blob (no copy), or
     * null where the stored layout is not Arrow's (DECIMAL(p &lt;= 18) is stored in 8 bytes), a
     * buffer would be empty, the blob is not direct, zero-copy reads are off or no pin keeps the
     * blobs alive. The buffer leases the reader's pin ({@link ColumnStoreImpl.Pin#lease()}) until
     * its last reference is released.
     */
    private FieldVector zeroCopy(int column, Chunk c) {
        ChunkFormat.Header h = c.header();
        if (pin == null || !store.options().zeroCopyReads() || h.encoding() != ChunkEncoding.PLAIN
                || h.kind() == ColumnType.Kind.DECIMAL64 || h.rowCount() == 0 || h.dataLength() == 0 || !c.blob().isDirect()) {
            return null;
        }
        BufferAllocator allocator = store.allocator();
        pin.lease();
        ArrowBuf whole;
        try {
            whole = ArrowMemory.wrap(allocator, c.blob(), 0, c.blob().capacity(), pin::unlease);
        } catch (RuntimeException | Error e) {
            pin.unlease();
            throw e;
        }
        FieldVector v = null;
        try {
            v = columnDef(column).arrowField().createVector(allocator);
            // without nulls (or all NULL) Arrow builds the validity bitmap itself and ignores this one
            ArrowBuf validity = h.nullCount() > 0 && h.nullCount() < h.rowCount()
                    ? whole.slice(h.validityOffset(), h.validityLength()) : allocator.getEmpty();
            ArrowBuf data = whole.slice(h.dataOffset(), h.dataLength());
            List<ArrowBuf> buffers = h.kind().isVariableWidth()
                    ? List.of(validity, whole.slice(h.offsetsOffset(), h.offsetsLength()), data) : List.of(validity, data);
            v.loadFieldBuffers(new ArrowFieldNode(h.rowCount(), h.nullCount()), buffers);
            return v;
        } catch (RuntimeException | Error e) {
            if (v != null) {
                v.close();
            }
            throw e;
        } finally {
            whole.close(); // the vector holds its own references
        }
    }

    /** The vector of the live rows {@code live} of a fetched chunk; corruption found while decoding is reported at its file offset. */
    private FieldVector decode(int column, Chunk c, FieldVector into, LiveRows live) throws IOException {
        try {
            return decoder.decode(columnDef(column), c.header(), c.blob(), store.allocator(), into, live, pager.file(), c.where());
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(c.key()));
        }
    }

    @Override
    public VectorSchemaRoot readRowGroup(int rowGroup, List<String> columns) throws IOException {
        return readRowGroup(rowGroup, columns, false);
    }

    @Override
    public VectorSchemaRoot readRowGroup(int rowGroup, List<String> columns, boolean includeDeleted) throws IOException {
        ensureOpen();
        RowGroupInfo g = group(rowGroup);
        int[] indexes = resolve(columns);
        List<FieldVector> vectors = new ArrayList<>(indexes.length);
        try {
            for (int i : indexes) {
                vectors.add(readChunk(i, rowGroup, includeDeleted, null));
            }
        } catch (IOException | RuntimeException | Error e) {
            for (FieldVector v : vectors) {
                v.close();
            }
            throw e;
        }
        return new VectorSchemaRoot(fieldsOf(vectors), vectors, includeDeleted ? g.rowCount() : g.liveRows());
    }

    private static List<Field> fieldsOf(List<FieldVector> vectors) {
        List<Field> fields = new ArrayList<>(vectors.size());
        for (FieldVector v : vectors) {
            fields.add(v.getField());
        }
        return fields;
    }

    /** The live rows of {@code rowGroup} in the scan's reused {@code slots} (one per column of {@code indexes}). */
    private VectorSchemaRoot scanGroup(int rowGroup, int[] indexes, Slot[] slots) throws IOException {
        ensureOpen();
        RowGroupInfo g = group(rowGroup);
        List<FieldVector> vectors = new ArrayList<>(indexes.length);
        for (int k = 0; k < indexes.length; k++) {
            vectors.add(readChunk(indexes[k], rowGroup, false, slots[k]));
        }
        return new ScanBatch(fieldsOf(vectors), vectors, g.liveRows());
    }

    private int[] resolve(List<String> columns) {
        if (columns == null) {
            int[] all = new int[info.def().columns().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] idx = new int[columns.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = info.def().columnIndex(columns.get(i));
            if (idx[i] < 0) {
                throw new IllegalArgumentException("table " + info.name() + " has no column " + columns.get(i));
            }
        }
        return idx;
    }

    @Override
    public Iterator<VectorSchemaRoot> scan(List<String> columns) {
        ensureOpen();
        int[] indexes = resolve(columns);
        Slot[] slots = new Slot[indexes.length];
        for (int k = 0; k < slots.length; k++) {
            slots[k] = new Slot();
        }
        scans.add(slots);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next < rowGroupCount()) {
                    return true;
                }
                if (scans.remove(slots)) { // exhausted: the last batch is released
                    for (Slot slot : slots) {
                        slot.close();
                    }
                }
                return false;
            }

            @Override
            public VectorSchemaRoot next() {
                if (next >= rowGroupCount()) {
                    throw new NoSuchElementException();
                }
                try {
                    return scanGroup(next++, indexes, slots);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @Override
    public long verifyChecksums() throws IOException {
        ensureOpen();
        long chunks = 0;
        for (int g = 0; g < rowGroupCount(); g++) {
            for (int c = 0; c < info.def().columns().size(); c++) {
                Chunk chunk = fetch(c, g, true);
                if (chunk.header().encoding() != ChunkEncoding.PLAIN) {
                    decode(c, chunk, null, LiveRows.all(chunk.header().rowCount())).close(); // every check of the encoded values runs while decoding
                } else if (chunk.header().kind().isVariableWidth()) {
                    checkOffsets(chunk);
                }
                chunks++;
            }
            if (group(g).hasDeletions()) {
                readDeletionVector(pager, info, g);
                chunks++;
            }
        }
        return chunks;
    }

    /**
     * Checks the offsets of a PLAIN text chunk ({@link ChunkDecoder#plainTextOffsets}), which a
     * read of every row copies as they are.
     */
    private void checkOffsets(Chunk c) throws StoreCorruptedException {
        try {
            decoder.plainTextOffsets(c.header(), c.blob(), pager.file(), c.where());
        } catch (BlobCorruptedException e) {
            throw e.atFileOffset(pager.blobFileOffset(c.key()));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            for (Slot[] slots : scans) {
                for (Slot slot : slots) {
                    slot.close();
                }
            }
            scans.clear();
        }
        closed = true;
        if (pin != null && ownsPin) {
            pin.close();
        }
    }
}
