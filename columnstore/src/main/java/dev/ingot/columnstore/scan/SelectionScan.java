package dev.ingot.columnstore.scan;

import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * A scan with pushdown over one {@link TableReader}: projection (only the chosen columns, plus
 * those the predicate reads while it needs them), row groups skipped by their zone maps
 * ({@link BoundPredicate#zone}), and for each remaining row group a batch of Arrow vectors of
 * every row of the group, deleted rows included, with a selection: the positions of the live rows
 * where the predicate is TRUE. Deleted rows (the group's deletion vector) are left out of the
 * selection, not moved out of the vectors, and nothing is copied to filter. (For dense vectors of
 * the matching rows, copy the selected rows, or use {@link TableReader#scan}, which returns live
 * rows of every group.)
 *
 * <p>Late materialization: the predicate reads its integer, DATE, TIME, TIMESTAMP and
 * DECIMAL(p &lt;= 18) columns straight from their chunks as Java arrays
 * ({@link TableReader#readLongs(int, int, long[])}) and other columns as vectors, each only when
 * the evaluation first needs it; output columns are read when asked for: all at once by
 * {@link #root()}, one by {@link #vector(int)}, or only the selected rows' values by
 * {@link #selectedLongs} (random access into the chunk where the selection is sparse). Vectors
 * are decoded into the previous batch's vectors of the same column
 * ({@link TableReader#readChunkInto}), so a scan does not allocate per row group.
 *
 * <p>{@link #next()} moves to the next row group that has at least one selected row. The current
 * batch ({@link #root()}, {@link #vector(int)}, {@link #selection()}, {@link #selectedLongs})
 * belongs to the scan and stays valid until the next call of {@link #next()} or {@link #close()}:
 * the next batch overwrites its vectors, {@link #close()} releases them. Do not close the root
 * or its vectors; copy or transfer what must outlive the batch.
 *
 * <p>Thread-safety: not thread-safe (neither is its reader). Scan the {@link RowGroupRange}s of
 * {@link RowGroupRange#split} on several threads with one reader and one scan each. Ownership:
 * the caller owns and closes the reader, after this scan.
 */
public final class SelectionScan implements AutoCloseable {
    private final TableReader reader;
    private final TableDef def;
    private final List<String> columns;
    private final BoundPredicate predicate;
    private final BoundPredicate.Evaluator evaluator;
    private final RowGroupRange range;
    private final int[] outputIndexes;
    private int next;
    private VectorSchemaRoot root;
    private int rowCount;
    private int[] selection = new int[0];
    private int selected;
    private boolean all;
    private int rowGroup = -1;
    private long rowGroupsRead;
    private long rowGroupsSkipped;
    private long[] ones = new long[0];
    /** The current batch's selection as bits, until {@link #selection()} turns it into positions (then null). */
    private long[] selectedWords;
    /** Whether {@link #selection} holds {@code 0 .. rowCount - 1} for the current all-selected batch. */
    private boolean identity;
    /** Whether there is a current batch (after {@link #next()} returned true). */
    private boolean current;
    /** Whether the current batch's selection was evaluated (its predicate columns are in the evaluator's arrays). */
    private boolean evaluated;
    private final GroupSource source;
    /**
     * The vectors of the table's columns read so far, by table column: those of the current
     * batch where {@link #vectorBatch} is {@link #batches}; the others are decoded into by the
     * next read of their column.
     */
    private final FieldVector[] vectors;
    private final int[] vectorBatch;
    /** Number of the current batch (moves on when a batch is released). */
    private int batches = 1;
    private long[] validityScratch;

    /**
     * @param reader    the table to scan (owned by the caller)
     * @param columns   output column names, in output order (null: every column in table order)
     * @param predicate rows to select (null: every live row)
     * @param range     row groups to scan (null: all)
     * @throws IllegalArgumentException for an unknown column, a predicate that does not bind to the
     *                                  table (see {@link Predicate#bind}) or a range past the table's row groups
     */
    public SelectionScan(TableReader reader, List<String> columns, Predicate predicate, RowGroupRange range) {
        this.reader = reader;
        this.def = reader.info().def();
        this.range = range != null ? range : RowGroupRange.all(reader.info());
        if (this.range.end() > reader.rowGroupCount()) {
            throw new IllegalArgumentException("row group range [" + this.range.first() + ", " + this.range.end() + ") outside the "
                    + reader.rowGroupCount() + " row groups of table " + def.name());
        }
        this.columns = columns == null ? def.columns().stream().map(c -> c.name()).toList() : List.copyOf(columns);
        this.outputIndexes = new int[this.columns.size()];
        for (int i = 0; i < outputIndexes.length; i++) {
            outputIndexes[i] = Predicate.column(def, this.columns.get(i));
        }
        this.predicate = predicate == null ? null : predicate.bind(def);
        this.evaluator = this.predicate == null ? null : this.predicate.evaluator();
        this.source = new GroupSource();
        this.vectors = new FieldVector[def.columns().size()];
        this.vectorBatch = new int[def.columns().size()];
        this.next = this.range.first();
    }

    /**
     * Moves to the next row group of the range with a selected row, skipping those the zone maps
     * rule out; false at the end. Releases the previous batch.
     *
     * @throws dev.ingot.pager.StoreCorruptedException if a chunk or deletion vector is damaged
     * @throws IOException on other read failures
     */
    public boolean next() throws IOException {
        release();
        while (next < range.end()) {
            int g = next++;
            BoundPredicate.ZoneMatch zone = predicate == null ? BoundPredicate.ZoneMatch.ALL : predicate.zone(c -> reader.chunkStats(c, g));
            if (zone == BoundPredicate.ZoneMatch.NONE) {
                rowGroupsSkipped++;
                continue;
            }
            RowGroupInfo info = reader.info().rowGroups().get(g);
            rowGroupsRead++;
            if (load(g, info, zone == BoundPredicate.ZoneMatch.SOME)) {
                return true;
            }
            release();
        }
        return false;
    }

    /**
     * Computes the selection of row group {@code g} (reading only the predicate's columns, each
     * when the evaluation first asks for it); whether any row is selected. The output columns
     * are read by {@link #root()} or {@link #selectedLongs}.
     */
    private boolean load(int g, RowGroupInfo info, boolean evaluate) throws IOException {
        int rows = info.rowCount();
        current = true;
        rowCount = rows;
        rowGroup = g;
        evaluated = evaluate;
        long[] words;
        if (evaluate) {
            try {
                words = evaluator.evaluate(source, rows);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else if (!info.hasDeletions()) {
            this.all = true;
            words = null;
        } else {
            int n = Vectors.words(rows);
            if (ones.length < n) {
                ones = new long[n];
            }
            Arrays.fill(ones, 0, n, -1L);
            if ((rows & 63) != 0) {
                ones[n - 1] = (1L << (rows & 63)) - 1;
            }
            words = ones;
        }
        if (words != null && info.hasDeletions()) {
            PeekableIntIterator it = reader.deletedRows(g).getIntIterator();
            while (it.hasNext()) {
                int p = it.next();
                words[p >>> 6] &= ~(1L << p);
            }
        }
        if (words == null) {
            selected = rows;
        } else {
            selectedWords = words;
            int n = 0;
            for (int w = 0, nw = Vectors.words(rows); w < nw; w++) {
                n += Long.bitCount(words[w]);
            }
            selected = n;
        }
        return selected > 0;
    }

    /**
     * The columns of the row group being evaluated, read from the reader when the evaluation
     * first asks: integral kinds as longs straight from their chunks, other kinds as the scan's
     * vectors (which {@link #root()} hands out as they are). Read failures leave as
     * {@link UncheckedIOException}s (unwrapped by {@link #load}).
     */
    private final class GroupSource implements BatchValues.Source {
        @Override
        public FieldVector vector(int column) {
            try {
                return columnVector(column);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean readsLongs(int column) {
            return ChunkEncoding.isIntegral(def.columns().get(column).type().kind());
        }

        @Override
        public long[] longs(int column, long[] reuse) {
            try {
                return reader.readLongs(column, rowGroup, reuse);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long[] gather(int column, int[] positions, int count, long[] reuse) {
            try {
                return reader.readLongs(column, rowGroup, positions, count, reuse);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public long[] validity(int column, long[] reuse) {
            try {
                return reader.readValidity(column, rowGroup, reuse);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

    }

    /**
     * The vector of table column {@code column} in the current batch, read into the column's
     * vector of the previous batch when first asked for in this one.
     */
    private FieldVector columnVector(int column) throws IOException {
        if (vectorBatch[column] != batches) {
            FieldVector v = vectors[column];
            vectors[column] = null;
            vectors[column] = reader.readChunkInto(column, rowGroup, v);
            vectorBatch[column] = batches;
        }
        return vectors[column];
    }

    /** Fills {@link #selection} from the set bits of {@code words}; returns their number. */
    private int select(long[] words, int rows) {
        if (selection.length < rows) {
            selection = new int[rows];
        }
        return BatchValues.setBits(words, Vectors.words(rows), selection);
    }

    private void release() {
        root = null; // its vectors are kept for the next batch to decode into
        batches++;
        current = false;
        evaluated = false;
        all = false;
        identity = false;
        selectedWords = null;
        selected = 0;
        rowCount = 0;
    }

    /**
     * The current batch: the output columns, every row of the row group (deleted ones included),
     * read when first asked for in this batch (output columns the predicate read as vectors are
     * not read again).
     *
     * @throws IllegalStateException if there is no current batch
     * @throws dev.ingot.pager.StoreCorruptedException if a chunk is damaged
     * @throws IOException on other read failures
     */
    public VectorSchemaRoot root() throws IOException {
        checkBatch();
        if (root == null) {
            List<FieldVector> out = new ArrayList<>(outputIndexes.length);
            List<Field> fields = new ArrayList<>(outputIndexes.length);
            for (int c : outputIndexes) {
                FieldVector v = columnVector(c);
                out.add(v);
                fields.add(v.getField());
            }
            root = new VectorSchemaRoot(fields, out, rowCount);
        }
        return root;
    }

    /**
     * The vector of output column {@code column} (0-based in the output columns) of the current
     * batch, as {@link #root()} holds it, read alone when first asked for (the other output
     * columns are not read); valid as long as the batch.
     *
     * @throws IllegalStateException    if there is no current batch
     * @throws IllegalArgumentException if {@code column} is outside the output columns
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    public FieldVector vector(int column) throws IOException {
        checkBatch();
        return columnVector(outputColumn(column));
    }

    /**
     * The values of output column {@code column} (0-based in the output columns) at the selected
     * rows of the current batch, element {@code i} for row {@code selection()[i]}, as
     * {@link Vectors#longs} gives them, read straight from the column's chunk into a Java array
     * without building its Arrow vector: sparse selections by random access into the chunk's
     * encoding, values the predicate already read from the same column without reading again.
     * For integers, DATE, TIME, TIMESTAMP and DECIMAL(p &lt;= 18) (see
     * {@link TableReader#readLongs(int, int, long[])}); values of NULL rows are unspecified
     * ({@link #selectedValidity}).
     *
     * @param reuse an array to fill when it holds {@link #selectedCount()} values, else a new one is returned (null: new)
     * @throws IllegalStateException    if there is no current batch
     * @throws IllegalArgumentException if {@code column} is outside the output columns or of another kind
     * @throws dev.ingot.pager.StoreCorruptedException if the chunk is damaged
     * @throws IOException on other read failures
     */
    public long[] selectedLongs(int column, long[] reuse) throws IOException {
        checkBatch();
        int c = outputColumn(column);
        if (all) {
            return reader.readLongs(c, rowGroup, reuse);
        }
        int[] sel = selection();
        int n = selected;
        long[] done = evaluated ? evaluator.values.cachedLongs(c) : null;
        if (done == null) {
            return reader.readLongs(c, rowGroup, sel, n, reuse);
        }
        long[] out = reuse != null && reuse.length >= n ? reuse : new long[Math.max(n, 1)];
        for (int i = 0; i < n; i++) {
            out[i] = done[sel[i]];
        }
        return out;
    }

    /**
     * Whether the selected rows of output column {@code column} are NULL: bit {@code i % 64} of
     * word {@code i / 64} set when row {@code selection()[i]} is not NULL (in {@code reuse} when
     * large enough); null when the column's chunk in this row group has no NULL at all.
     *
     * @throws IllegalStateException    if there is no current batch
     * @throws IllegalArgumentException if {@code column} is outside the output columns
     * @throws IOException on read failures
     */
    public long[] selectedValidity(int column, long[] reuse) throws IOException {
        checkBatch();
        int c = outputColumn(column);
        long[] valid = reader.readValidity(c, rowGroup, validityScratch);
        if (valid == null) {
            return null;
        }
        validityScratch = valid;
        int n = selected;
        int nw = Vectors.words(n);
        long[] out = reuse != null && reuse.length >= nw ? reuse : new long[Math.max(nw, 1)];
        if (all) {
            System.arraycopy(valid, 0, out, 0, nw);
            return out;
        }
        Arrays.fill(out, 0, nw, 0L);
        int[] sel = selection();
        for (int i = 0; i < n; i++) {
            int p = sel[i];
            out[i >>> 6] |= ((valid[p >>> 6] >>> p) & 1L) << i;
        }
        return out;
    }

    private int outputColumn(int column) {
        if (column < 0 || column >= outputIndexes.length) {
            throw new IllegalArgumentException("output column " + column + " outside the " + outputIndexes.length
                    + " columns of the scan of table " + def.name());
        }
        return outputIndexes[column];
    }

    private void checkBatch() {
        if (!current) {
            throw new IllegalStateException("no current batch of the scan of table " + def.name() + " (call next() first)");
        }
    }

    /** Rows of the current batch, selected or not (the row group's row count). */
    public int rowCount() {
        return rowCount;
    }

    /** Number of selected rows of the current batch (at least 1 after {@code next()} returned true). */
    public int selectedCount() {
        return selected;
    }

    /**
     * Whether every row of the current batch is selected (no deleted row, and the zone maps proved
     * the predicate TRUE for every row): then rows {@code [0, rowCount())} are the selection and
     * {@link #selection()} need not be built.
     */
    public boolean allSelected() {
        return all;
    }

    /**
     * The positions (ascending, 0-based in the row group) of the selected rows of the current
     * batch in elements {@code [0, selectedCount())}; the array is reused by the next batch.
     */
    public int[] selection() {
        if (selectedWords != null) {
            select(selectedWords, rowCount);
            selectedWords = null;
        }
        if (all && !identity) {
            if (selection.length < rowCount) {
                selection = new int[rowCount];
            }
            for (int i = 0; i < rowCount; i++) {
                selection[i] = i;
            }
            identity = true;
        }
        return selection;
    }

    /** The current batch's selection as a bitmap of positions (a new bitmap owned by the caller). */
    public RoaringBitmap selectionBitmap() {
        RoaringBitmap b = new RoaringBitmap();
        if (all) {
            b.add(0L, rowCount);
        } else {
            b.addN(selection(), 0, selected);
        }
        return b;
    }

    /** The current row group's index in the table. */
    public int rowGroup() {
        return rowGroup;
    }

    /** Row id of the current batch's row 0. */
    public long firstRowId() {
        return reader.info().rowGroups().get(rowGroup).firstRowId();
    }

    /** Row groups read so far (their selection may have been empty). */
    public long rowGroupsRead() {
        return rowGroupsRead;
    }

    /** Row groups skipped so far by their zone maps, without reading any of their data. */
    public long rowGroupsSkipped() {
        return rowGroupsSkipped;
    }

    /** Releases the current batch and the scan's vectors (not the reader). Idempotent. */
    @Override
    public void close() {
        release();
        for (int c = 0; c < vectors.length; c++) {
            if (vectors[c] != null) {
                vectors[c].close();
                vectors[c] = null;
            }
        }
    }
}
