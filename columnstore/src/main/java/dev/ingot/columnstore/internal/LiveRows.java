package dev.ingot.columnstore.internal;

import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The live rows of a chunk as runs: the rows of a row group that its deletion vector does not
 * hold, as ascending, non-overlapping, non-empty row ranges {@code [start(r), end(r))} (a run is
 * the rows between two deleted ones). A chunk without deletions is one run over all its rows
 * ({@link #all}, {@link #isAll}): {@link ChunkDecoder} then stores every row with its bulk loops.
 * Otherwise it decodes the chunk and stores only the rows of the runs, each run moved left by the
 * deleted rows before it, in the same pass that stores them (no second pass moves the decoded
 * bytes).
 *
 * <p>Thread-safety: immutable after construction; shared by the scans of a reader.
 */
final class LiveRows {
    /** {@code [start(0), end(0), start(1), end(1), ...]}. */
    private final int[] bounds;
    private final int runs;
    private final int rows;
    private final int liveRows;

    private LiveRows(int[] bounds, int runs, int rows, int liveRows) {
        this.bounds = bounds;
        this.runs = runs;
        this.rows = rows;
        this.liveRows = liveRows;
    }

    /** Every row of a chunk of {@code rows} rows live: one run (none for an empty chunk). */
    static LiveRows all(int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
        return rows == 0 ? new LiveRows(new int[0], 0, 0, 0) : new LiveRows(new int[] {0, rows}, 1, rows, rows);
    }

    /**
     * The rows of {@code [0, rows)} not in {@code deleted} (positions within the row group; those at
     * or past {@code rows} are ignored).
     *
     * @throws IllegalArgumentException if {@code rows} is negative
     */
    static LiveRows of(RoaringBitmap deleted, int rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
        int[] b = new int[8];
        int n = 0;
        int live = 0;
        int from = 0;
        PeekableIntIterator it = deleted.getIntIterator();
        while (from < rows) {
            int stop = rows;
            while (it.hasNext()) { // the next deleted row at or after `from`
                int d = it.next();
                if (d >= from) {
                    stop = Math.min(d, rows);
                    break;
                }
            }
            if (stop > from) {
                if (n + 2 > b.length) {
                    b = java.util.Arrays.copyOf(b, 2 * b.length);
                }
                b[n++] = from;
                b[n++] = stop;
                live += stop - from;
            }
            from = stop + 1;
        }
        return new LiveRows(b, n / 2, rows, live);
    }

    /** Runs (0 when no row is live). */
    int runs() {
        return runs;
    }

    /** First row of run {@code r}. */
    int start(int r) {
        return bounds[2 * r];
    }

    /** Row after the last row of run {@code r}. */
    int end(int r) {
        return bounds[2 * r + 1];
    }

    /** Rows of the chunk, live or deleted. */
    int rows() {
        return rows;
    }

    /** Rows in the runs. */
    int liveRows() {
        return liveRows;
    }

    /** Whether every row of the chunk is live. */
    boolean isAll() {
        return liveRows == rows;
    }

    /**
     * Ends of the {@code n} runs of an RLE chunk ({@code ends[0, n)}, ascending, the last at the
     * row count) mapped to the live rows: {@code out[r]} = the live rows before {@code ends[r]},
     * so that run {@code r} fills the live rows of its rows only (a run with no live row becomes
     * empty). Returns {@code out}.
     */
    int[] clipRunEnds(int[] ends, int n, int[] out) {
        int run = 0;
        int before = 0; // live rows of the runs before `run`
        for (int r = 0; r < n; r++) {
            int e = ends[r];
            while (run < runs && end(run) <= e) {
                before += end(run) - start(run);
                run++;
            }
            out[r] = before + (run < runs && start(run) < e ? e - start(run) : 0);
        }
        return out;
    }

    /**
     * Bits {@code [0, rows)} of {@code src} (bit {@code i % 64} of word {@code i / 64}) with only
     * those of live rows kept, moved together: bit {@code k} of the result is the bit of the
     * {@code k}-th live row; bits past the live rows are clear. Returns {@code dst}, which must
     * hold {@code (liveRows + 63) / 64} words.
     */
    long[] liveBits(long[] src, long[] dst) {
        int words = (liveRows + 63) >>> 6;
        java.util.Arrays.fill(dst, 0, words, 0L);
        int at = 0;
        for (int r = 0; r < runs; r++) {
            int s = start(r);
            int n = end(r) - s;
            while (n > 0) { // pieces that stay within one source word and one destination word
                int k = Math.min(n, Math.min(64 - (s & 63), 64 - (at & 63)));
                long bits = src[s >>> 6] >>> (s & 63);
                if (k < 64) {
                    bits &= (1L << k) - 1;
                }
                dst[at >>> 6] |= bits << (at & 63);
                s += k;
                at += k;
                n -= k;
            }
        }
        return dst;
    }
}
