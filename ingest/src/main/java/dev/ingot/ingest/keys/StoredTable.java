package dev.ingot.ingest.keys;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.IndexInfo;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.constraints.index.KeyIndexBuilder;
import dev.ingot.constraints.index.KeyIndexSegment;
import dev.ingot.constraints.index.KeyIndexWriter;
import dev.ingot.constraints.index.KeyRunSearch;
import dev.ingot.constraints.internal.KeyEncoding;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.memory.internal.Failures;
import dev.ingot.pager.StoreCorruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongPredicate;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.roaringbitmap.RoaringBitmap;

/**
 * One table as a committed snapshot holds it, for key checks and lookups: its catalog entry, the
 * deletion test of its rows (the snapshot's deletion vectors, read lazily per row group) and, per
 * PRIMARY KEY / UNIQUE constraint, its persisted key index.
 *
 * <p><b>Index segments</b> are per-table index blobs of the column store named
 * {@code key/<constraint>/<first row id, 19 digits>} (one per append of rows, in the layout of
 * {@link KeyIndexSegment}: a sorted run, whose keys are the stored key columns themselves, searched by
 * a {@link KeyRunReader}, and/or hash partitions); a segment covers the rows from its first row id up to the
 * {@link IndexInfo#tableRows()} recorded when it was put. Rows no segment covers (a table loaded
 * before the index existed, a load whose index commit was lost to a crash, or every row after a
 * compaction, which marks the segments stale) are indexed here from their key columns, once per
 * snapshot, into a <em>catch-up</em> writer: reading only the rows not covered, so the cost is
 * proportional to them. A writer persists catch-up writers with its next commit
 * ({@link #catchUp()}).
 *
 * <p>Thread-safety: not thread-safe. Ownership: the caller closes it (frees the catch-up writers and
 * the reader); the snapshot must stay open meanwhile.
 */
public final class StoredTable implements AutoCloseable {
    /** Prefix of every key index segment's name. */
    public static final String PREFIX = "key/";

    private final StoreSnapshot snapshot;
    private final TableInfo info;
    private final TableReader reader;
    private final Path file;
    private final NativeAllocator memory;
    private final RoaringBitmap[] deletions;
    /** Whether any row group has deleted rows (else every deletion test is false at once). */
    private final boolean anyDeletions;
    private final Map<String, Index> indexes = new LinkedHashMap<>();
    private final Map<String, KeyRunReader> runReaders = new LinkedHashMap<>();
    private final boolean reindex;
    private final KeyRunCache runCache;

    /**
     * One key constraint's stored segments (oldest first, with their index names) and its catch-up
     * writer (null when every row is covered).
     */
    public record Index(ConstraintSpec key, List<ColumnType> types, List<KeyIndexSegment> segments, KeyIndexWriter catchUp,
                        long catchUpFirstRowId, List<String> segmentNames) {}

    /**
     * @param snapshot the snapshot holding the table
     * @param table    the table's name
     * @param file     the store file, for messages
     * @param memory   where catch-up writers live
     * @throws IllegalArgumentException if the snapshot has no such table
     * @throws dev.ingot.pager.StoreCorruptedException if an index segment is damaged
     * @throws IOException on read failures
     */
    public StoredTable(StoreSnapshot snapshot, String table, Path file, NativeAllocator memory) throws IOException {
        this(snapshot, table, file, memory, false);
    }

    /**
     * As {@link #StoredTable(StoreSnapshot, String, Path, NativeAllocator)}; with {@code reindex}
     * the stored segments are ignored and every row is indexed from the key columns (a writer then
     * replaces all segments by one: how segments are merged).
     */
    public StoredTable(StoreSnapshot snapshot, String table, Path file, NativeAllocator memory, boolean reindex) throws IOException {
        this(snapshot, table, file, memory, reindex, new KeyRunCache());
    }

    /**
     * As {@link #StoredTable(StoreSnapshot, String, Path, NativeAllocator, boolean)}, with the
     * decoded sorted-run keys kept in {@code runCache}, which the other snapshots' tables of the same
     * open store may share (and never those of another store); with a null {@code runCache} the
     * sorted runs are searched by random access in their encoded key chunks and nothing decoded is
     * kept (point lookups: see {@link KeyRunReader}).
     */
    public StoredTable(StoreSnapshot snapshot, String table, Path file, NativeAllocator memory, boolean reindex, KeyRunCache runCache)
            throws IOException {
        this.runCache = runCache;
        this.reindex = reindex;
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        this.info = snapshot.table(table).orElseThrow(() -> new IllegalArgumentException("table " + table + " does not exist"));
        this.file = file;
        this.memory = memory;
        this.reader = snapshot.openTable(table);
        this.deletions = new RoaringBitmap[info.rowGroups().size()];
        this.anyDeletions = info.rowGroups().stream().anyMatch(RowGroupInfo::hasDeletions);
    }

    /** The table's catalog entry in the snapshot. */
    public TableInfo info() {
        return info;
    }

    /** A reader of the table's version in the snapshot (owned by this object). */
    public TableReader reader() {
        return reader;
    }

    /** Whether row id {@code rowId} is deleted in the snapshot (false for row ids beyond its rows). */
    public boolean isDeleted(long rowId) {
        if (!anyDeletions || rowId < 0 || rowId >= info.rowCount()) {
            return false;
        }
        int g = info.rowGroupOf(rowId);
        RowGroupInfo rg = info.rowGroups().get(g);
        if (!rg.hasDeletions()) {
            return false;
        }
        RoaringBitmap b = deletions[g];
        if (b == null) {
            try {
                b = reader.deletedRows(g);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("reading the deletion vector of table " + info.name() + " row group " + g
                        + ": " + e.getMessage(), e);
            }
            deletions[g] = b;
        }
        return b.contains((int) (rowId - rg.firstRowId()));
    }

    /** {@link #isDeleted} as a predicate. */
    public LongPredicate deleted() {
        return this::isDeleted;
    }

    /** The name of the segment of {@code constraint} whose first row id is {@code firstRowId}. */
    public static String segmentName(String constraint, long firstRowId) {
        return PREFIX + constraint + "/" + String.format("%019d", firstRowId);
    }

    /** The constraint a segment name belongs to, or null if {@code name} is not a key index segment's. */
    static String constraintOf(String name) {
        int slash = name.lastIndexOf('/');
        if (!name.startsWith(PREFIX) || slash <= PREFIX.length() || name.length() - slash - 1 != 19) {
            return null;
        }
        return name.substring(PREFIX.length(), slash);
    }

    /** The first row id a segment name carries. */
    public static long firstRowIdOf(String name) {
        return Long.parseLong(name.substring(name.lastIndexOf('/') + 1));
    }

    /**
     * The index of the PRIMARY KEY / UNIQUE constraint {@code constraint}: opens its segments (each
     * partition checked against its CRC32C once) and builds the catch-up writer of the rows they do
     * not cover. Cached.
     *
     * @throws IllegalArgumentException if the table has no such PRIMARY KEY / UNIQUE constraint
     */
    public Index index(String constraint) throws IOException {
        Index idx = indexes.get(constraint);
        if (idx != null) {
            return idx;
        }
        ConstraintSpec key = info.def().constraints().stream().filter(c -> c.isKey() && c.name().equals(constraint)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("table " + info.name() + " has no PRIMARY KEY or UNIQUE constraint " + constraint));
        List<ColumnType> types = new ArrayList<>();
        for (String c : key.columns()) {
            types.add(info.def().column(c).type());
        }
        List<KeyIndexSegment> segments = new ArrayList<>();
        List<String> names = new ArrayList<>();
        long covered = openSegments(key, types, segments, names, true);
        KeyIndexWriter catchUp = covered < info.rowCount() ? buildCatchUp(key, types, covered) : null;
        idx = new Index(key, List.copyOf(types), List.copyOf(segments), catchUp, covered, List.copyOf(names));
        indexes.put(constraint, idx);
        return idx;
    }

    /**
     * Opens the stored segments of {@code constraint} that cover the rows from 0 on without a gap
     * (each partition's header and CRC32C checked) into {@code segments}, oldest first.
     *
     * @return the first row id they do not cover
     */
    private long openSegments(ConstraintSpec key, List<ColumnType> types, List<KeyIndexSegment> segments, List<String> names,
                              boolean searchable) throws IOException {
        String constraint = key.name();
        int runColumns = KeyEncoding.of(types) == KeyEncoding.BYTES ? 0 : types.size();
        KeyRunSearch search = KeyRunSearch.NONE;
        if (searchable && runColumns > 0) {
            search = runReaders.computeIfAbsent(constraint, c -> new KeyRunReader(info, reader, key.columns(), runCache));
        }
        List<IndexInfo> mine = new ArrayList<>();
        for (IndexInfo i : info.indexes()) {
            if (!reindex && !i.stale() && constraint.equals(constraintOf(i.name()))) {
                mine.add(i);
            }
        }
        mine.sort(Comparator.comparingLong(i -> firstRowIdOf(i.name())));
        long covered = 0;
        for (IndexInfo i : mine) {
            long first = firstRowIdOf(i.name());
            if (first != covered || i.tableRows() <= first || i.tableRows() > info.rowCount()) {
                break; // a gap or an overlap: index the rest again from the columns
            }
            List<ByteBuffer> parts = new ArrayList<>(i.parts());
            String where = "table " + info.name() + " key index " + i.name();
            for (int p = 0; p < i.parts(); p++) {
                if (searchable) {
                    // checked in full on the first read in the open store (as chunks are), not at every open
                    int part = p;
                    parts.add(snapshot.indexPart(info.name(), i.name(), p, blob -> KeyIndexSegment.checkBlob(blob, file, where, part)));
                    continue;
                }
                try {
                    parts.add(snapshot.indexPart(info.name(), i.name(), p));
                } catch (StoreCorruptedException e) {
                    StoreCorruptedException named = new StoreCorruptedException(e.file(), e.fileOffset(),
                            "table " + info.name() + " key index " + i.name() + " partition " + p + ": " + e.detail());
                    named.initCause(e);
                    throw named;
                }
            }
            segments.add(KeyIndexSegment.open(parts, file, where, runColumns, search, !searchable));
            names.add(i.name());
            covered = i.tableRows();
        }
        return covered;
    }

    /**
     * Opens every stored key index segment of every PRIMARY KEY / UNIQUE constraint, checking each
     * partition, without indexing uncovered rows ({@code verify}).
     *
     * @throws StoreCorruptedException naming the table, index, partition and offset of damage
     */
    public void verifySegments() throws IOException {
        for (ConstraintSpec k : info.def().keyConstraints()) {
            List<ColumnType> types = new ArrayList<>();
            for (String c : k.columns()) {
                types.add(info.def().column(c).type());
            }
            List<KeyIndexSegment> segments = new ArrayList<>();
            List<String> names = new ArrayList<>();
            openSegments(k, types, segments, names, false);
            for (int s = 0; s < segments.size(); s++) {
                if (segments.get(s).sortedRunRows() > 0) {
                    verifyRun(k, names.get(s), segments.get(s).sortedRunFirstRowId(), segments.get(s).sortedRunRows());
                }
            }
        }
    }

    /**
     * Checks that the stored keys of a sorted run's rows are strictly increasing, as the run says
     * (lookups binary-search them), reading the key columns of the run's row groups.
     *
     * @throws StoreCorruptedException naming the table, index, row id and the two keys out of order
     */
    private void verifyRun(ConstraintSpec key, String name, long first, long rows) throws IOException {
        long end = first + rows;
        long prevA = 0;
        long prevB = 0;
        boolean any = false;
        for (int g = info.rowGroupOf(first); g < info.rowGroups().size() && info.rowGroups().get(g).firstRowId() < end; g++) {
            RowGroupInfo rg = info.rowGroups().get(g);
            try (VectorSchemaRoot root = reader.readRowGroup(g, key.columns(), true)) {
                int n = root.getRowCount();
                long[] a = new long[n];
                long[] b = new long[n];
                dev.ingot.constraints.internal.KeyVectors.readLongs(root.getVector(0), 0, n, a);
                if (key.columns().size() == 2) {
                    dev.ingot.constraints.internal.KeyVectors.readLongs(root.getVector(1), 0, n, b);
                }
                for (int i = (int) Math.max(0, first - rg.firstRowId()); i < n && rg.firstRowId() + i < end; i++) {
                    boolean nulls = root.getVector(0).isNull(i) || (key.columns().size() == 2 && root.getVector(1).isNull(i));
                    int c = any ? (a[i] != prevA ? Long.compare(a[i], prevA) : Long.compare(b[i], prevB)) : 1;
                    if (nulls || c <= 0) {
                        throw new StoreCorruptedException(file, -1, "table " + info.name() + " key index " + name + " sorted run: row id "
                                + (rg.firstRowId() + i) + (nulls ? " has a NULL key" : " has key " + describe(key, a[i], b[i])
                                + ", not above the previous row's " + describe(key, prevA, prevB)));
                    }
                    prevA = a[i];
                    prevB = b[i];
                    any = true;
                }
            }
        }
    }

    private static String describe(ConstraintSpec key, long a, long b) {
        return key.columns().size() == 2 ? "(" + a + ", " + b + ")" : "(" + a + ")";
    }

    private KeyIndexWriter buildCatchUp(ConstraintSpec key, List<ColumnType> types, long fromRowId) throws IOException {
        KeyIndexWriter w = new KeyIndexWriter(types, memory, info.rowCount() - fromRowId);
        try {
            readKeyColumns(reader, key.columns(), fromRowId, (cols, offset, length, firstRowId) -> {
                int dup = w.add(cols, offset, length, firstRowId, this::isDeleted);
                if (dup >= 0) {
                    throw new IllegalStateException("stored table " + info.name() + " holds a duplicate live key of "
                            + key.kind().sql() + " " + key.name() + " at row id " + (firstRowId + dup));
                }
            });
            return w;
        } catch (IOException | RuntimeException | Error e) {
            w.close();
            throw e;
        }
    }

    /**
     * Reads the stored columns {@code columns} (deleted rows included) of the rows from
     * {@code fromRowId} on, row group by row group, handing each group's vectors to {@code window}
     * (valid during the call): the rows a {@link KeyIndexBuilder} or a catch-up writer indexes.
     *
     * @throws IOException if reading a chunk fails
     */
    public static void readKeyColumns(TableReader reader, List<String> columns, long fromRowId, KeyIndexBuilder.KeyWindow window)
            throws IOException {
        List<RowGroupInfo> groups = reader.info().rowGroups();
        for (int g = 0; g < groups.size(); g++) {
            RowGroupInfo rg = groups.get(g);
            if (rg.firstRowId() + rg.rowCount() <= fromRowId) {
                continue;
            }
            try (VectorSchemaRoot root = reader.readRowGroup(g, columns, true)) {
                FieldVector[] cols = new FieldVector[columns.size()];
                for (int c = 0; c < cols.length; c++) {
                    cols[c] = root.getVector(c);
                }
                int skip = (int) Math.max(0, fromRowId - rg.firstRowId());
                window.accept(cols, skip, root.getRowCount() - skip, rg.firstRowId() + skip);
            }
        }
    }

    /**
     * A {@link KeyIndex} of the constraint over the stored segments and one pending writer: the
     * catch-up writer, which a writer's unit of work goes on filling with its appended rows, or when
     * there is none, {@code pending} (null for none).
     */
    public KeyIndex keyIndex(String constraint, KeyIndexWriter pending) throws IOException {
        Index idx = index(constraint);
        KeyIndexWriter w = idx.catchUp() != null ? idx.catchUp() : pending;
        return KeyIndex.of(idx.types(), idx.segments(), w == null ? List.of() : List.of(w));
    }

    /** A {@link KeyIndex} of the constraint over the stored segments only. */
    public KeyIndex segmentsOnly(String constraint) throws IOException {
        Index idx = index(constraint);
        return KeyIndex.of(idx.types(), idx.segments(), List.of());
    }

    /** The catch-up writers built so far, by constraint (a writer puts them as segments at its commit). */
    public List<Index> catchUp() {
        List<Index> out = new ArrayList<>();
        for (Index i : indexes.values()) {
            if (i.catchUp() != null) {
                out.add(i);
            }
        }
        return out;
    }

    /** The key's column definitions, in key order. */
    public List<ColumnDef> keyColumns(ConstraintSpec key) {
        List<ColumnDef> cols = new ArrayList<>();
        for (String c : key.columns()) {
            cols.add(info.def().column(c));
        }
        return cols;
    }

    /** Frees the catch-up writers and closes the reader; idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (Index i : indexes.values()) {
            if (i.catchUp() != null) {
                try {
                    i.catchUp().close();
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                }
            }
        }
        indexes.clear();
        runReaders.clear();
        try {
            reader.close();
        } catch (RuntimeException e) {
            failure = Failures.chain(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
