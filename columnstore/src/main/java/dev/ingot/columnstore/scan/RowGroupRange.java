package dev.ingot.columnstore.scan;

import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * A split of a table for parallel scans: the row groups {@code [first, end)} of one table version.
 * {@link #split} cuts a table into contiguous ranges of about equal row counts that together cover
 * every row group exactly once; each range is scanned by its own {@link SelectionScan} over its
 * own {@link dev.ingot.columnstore.TableReader} (readers are not thread-safe; open one per thread
 * from the same {@link dev.ingot.columnstore.StoreSnapshot}, which is, so every split reads the
 * same committed version).
 *
 * <p>Immutable value; thread-safe.
 *
 * @param first first row group (inclusive)
 * @param end   row group after the last one (exclusive)
 */
public record RowGroupRange(int first, int end) {
    /** @throws IllegalArgumentException unless {@code 0 <= first <= end} */
    public RowGroupRange {
        if (first < 0 || end < first) {
            throw new IllegalArgumentException("row group range [" + first + ", " + end + ") is not a range");
        }
    }

    /** The range of every row group of {@code table}. */
    public static RowGroupRange all(TableInfo table) {
        return new RowGroupRange(0, table.rowGroups().size());
    }

    /** Number of row groups in the range. */
    public int size() {
        return end - first;
    }

    /**
     * At most {@code n} non-empty contiguous ranges, in row group order, covering every row group
     * of {@code table} exactly once, cut where the running row count (deleted rows included)
     * crosses each multiple of {@code rowCount / n}; fewer when the table has fewer row groups
     * (none for a table without row groups).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static List<RowGroupRange> split(TableInfo table, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("cannot split table " + table.name() + " into " + n + " ranges");
        }
        List<RowGroupInfo> groups = table.rowGroups();
        long total = 0;
        for (RowGroupInfo g : groups) {
            total += g.rowCount();
        }
        List<RowGroupRange> out = new ArrayList<>();
        int first = 0;
        long seen = 0;
        for (int g = 0; g < groups.size(); g++) {
            seen += groups.get(g).rowCount();
            int part = out.size() + 1;
            boolean last = g == groups.size() - 1;
            // cut after this group once it reaches this range's share (never leaving later ranges without groups to take)
            if (last || part < n && seen * n >= total * part) {
                out.add(new RowGroupRange(first, g + 1));
                first = g + 1;
            }
        }
        return out;
    }
}
