package dev.ingot.columnstore.scan;

import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
 * <p>{@link #next()} moves to the next row group that has at least one selected row. The current
 * batch ({@link #root()}, {@link #selection()}) belongs to the scan and stays valid until the next
 * call of {@link #next()} or {@link #close()}, which release it.
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
    /** The predicate's columns that are not among the output columns. */
    private final List<String> extra = new ArrayList<>();
    private final int[] outputIndexes;
    private final int[] extraIndexes;
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
        Set<String> out = new LinkedHashSet<>(this.columns);
        if (this.predicate != null) {
            for (int c : this.predicate.columns()) {
                String name = def.columns().get(c).name();
                if (!out.contains(name)) {
                    extra.add(name);
                }
            }
        }
        extraIndexes = extra.stream().mapToInt(def::columnIndex).toArray();
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

    /** Reads row group {@code g} and computes its selection; whether any row is selected. */
    private boolean load(int g, RowGroupInfo info, boolean evaluate) throws IOException {
        List<String> read = columns;
        if (evaluate && !extra.isEmpty()) {
            read = new ArrayList<>(columns);
            read.addAll(extra);
        }
        VectorSchemaRoot all = reader.readRowGroup(g, read, true);
        int rows = all.getRowCount();
        List<FieldVector> vectors = all.getFieldVectors();
        try {
            long[] words;
            if (evaluate) {
                FieldVector[] byColumn = new FieldVector[def.columns().size()];
                for (int i = 0; i < outputIndexes.length; i++) {
                    byColumn[outputIndexes[i]] = vectors.get(i);
                }
                for (int i = 0; i < extraIndexes.length; i++) {
                    byColumn[extraIndexes[i]] = vectors.get(columns.size() + i);
                }
                words = evaluator.evaluate(byColumn, rows);
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
        } catch (IOException | RuntimeException | Error e) {
            for (int i = 0; i < columns.size(); i++) {
                vectors.get(i).close();
            }
            throw e;
        } finally {
            for (int i = columns.size(); i < vectors.size(); i++) {
                vectors.get(i).close();
            }
        }
        List<FieldVector> out = new ArrayList<>(vectors.subList(0, columns.size()));
        List<Field> fields = new ArrayList<>(out.size());
        for (FieldVector v : out) {
            fields.add(v.getField());
        }
        root = new VectorSchemaRoot(fields, out, rows);
        rowCount = rows;
        rowGroup = g;
        return selected > 0;
    }

    /** Fills {@link #selection} from the set bits of {@code words}; returns their number. */
    private int select(long[] words, int rows) {
        if (selection.length < rows) {
            selection = new int[rows];
        }
        int n = 0;
        int[] sel = selection;
        for (int w = 0, nw = Vectors.words(rows); w < nw; w++) {
            long bits = words[w];
            while (bits != 0) {
                sel[n++] = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        return n;
    }

    private void release() {
        if (root != null) {
            root.close();
            root = null;
        }
        all = false;
        identity = false;
        selectedWords = null;
        selected = 0;
        rowCount = 0;
    }

    /** The current batch: the output columns, every row of the row group (deleted ones included). */
    public VectorSchemaRoot root() {
        if (root == null) {
            throw new IllegalStateException("no current batch of the scan of table " + def.name() + " (call next() first)");
        }
        return root;
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

    /** Releases the current batch (not the reader). Idempotent. */
    @Override
    public void close() {
        release();
    }
}
