package dev.ingot.columnstore.scan;

import org.apache.arrow.vector.FieldVector;

/**
 * The values of one batch's columns as Java arrays ({@link Vectors}), read once per column and
 * batch however many predicate parts use them, into arrays reused from batch to batch; plus
 * scratch words for the evaluation of AND/OR.
 *
 * <p>Not thread-safe: part of one {@link BoundPredicate.Evaluator}.
 */
final class BatchValues {
    /**
     * Where the values of a batch's columns come from when they are not all given as vectors: a
     * row group read column by column, only the columns (and forms) the evaluation asks for.
     */
    interface Source {
        /** The Arrow vector of table column {@code column} (owned by the source). */
        FieldVector vector(int column);

        /** Whether {@link #longs} reads column {@code column} (else its values come from {@link #vector}). */
        boolean readsLongs(int column);

        /** The column's values as longs ({@link Vectors#longs}), in {@code reuse} when large enough. */
        long[] longs(int column, long[] reuse);

        /** The column's validity words ({@link Vectors#validity}), in {@code reuse} when large enough; null when no row is NULL. */
        long[] validity(int column, long[] reuse);

        /** The column's values at {@code positions[0, count)} ({@link #longs} of those rows), in {@code reuse} when large enough. */
        long[] gather(int column, int[] positions, int count, long[] reuse);
    }

    private FieldVector[] vectors;
    private Source source;
    int rows;
    private int batch;
    private final long[][] longs;
    private final int[] longsBatch;
    private final long[][] validity;
    private final int[] validityBatch;
    private final double[][] doubles;
    private final int[] doublesBatch;
    private final long[][] offsets;
    private final int[] offsetsBatch;
    private final byte[][] bytes;
    private final int[] bytesBatch;
    private long[][] scratch = new long[6][];
    private int[] positions = new int[0];
    private long[] gathered = new long[0];

    BatchValues(int columns) {
        longs = new long[columns][];
        longsBatch = new int[columns];
        validity = new long[columns][];
        validityBatch = new int[columns];
        doubles = new double[columns][];
        doublesBatch = new int[columns];
        offsets = new long[columns][];
        offsetsBatch = new int[columns];
        bytes = new byte[columns][];
        bytesBatch = new int[columns];
    }

    /** Starts a new batch: every cached array is stale. */
    void reset(FieldVector[] vectors, int rows) {
        this.vectors = vectors;
        this.source = null;
        this.rows = rows;
        batch++;
    }

    /** Starts a new batch of {@code rows} rows whose columns {@code source} reads when asked. */
    void reset(Source source, int rows) {
        this.vectors = null;
        this.source = source;
        this.rows = rows;
        batch++;
    }

    private FieldVector vector(int c) {
        return source != null ? source.vector(c) : vectors[c];
    }

    long[] validity(int c) {
        if (validityBatch[c] != batch) {
            if (source == null) {
                validity[c] = Vectors.validity(vectors[c], rows, validity[c]);
            } else {
                long[] v = source.validity(c, validity[c]);
                if (v == null) {
                    int n = Vectors.words(rows);
                    v = validity[c] == null || validity[c].length < n ? new long[Math.max(n, 1)] : validity[c];
                    java.util.Arrays.fill(v, 0, n, -1L);
                }
                validity[c] = v;
            }
            validityBatch[c] = batch;
        }
        return validity[c];
    }

    /** {@link Vectors#longs} of long-valued kinds; the two words per row of 16-byte kinds share this cache in {@link #words}. */
    long[] longs(int c) {
        if (longsBatch[c] != batch) {
            longs[c] = source != null && source.readsLongs(c) ? source.longs(c, longs[c]) : Vectors.longs(vector(c), rows, longs[c]);
            longsBatch[c] = batch;
        }
        return longs[c];
    }

    /**
     * The values {@link #longs} already read for column {@code c} in this batch from a
     * {@link Source}, or null (not read, or read from a vector).
     */
    long[] cachedLongs(int c) {
        return source != null && longsBatch[c] == batch && source.readsLongs(c) ? longs[c] : null;
    }

    /** Whether {@link #longs} read column {@code c} whole in this batch already. */
    boolean hasLongs(int c) {
        return longsBatch[c] == batch;
    }

    /** The positions of the set bits of {@code mask} (there are {@code count}) in a scratch array. */
    int[] positions(long[] mask, int count) {
        if (positions.length < count) {
            positions = new int[Math.max(count, 2 * positions.length)];
        }
        setBits(mask, Vectors.words(rows), positions);
        return positions;
    }

    /** Writes the positions of the set bits of {@code words[0, nWords)} to {@code out} in ascending order; returns their number. */
    static int setBits(long[] words, int nWords, int[] out) {
        int k = 0;
        for (int w = 0; w < nWords; w++) {
            long bits = words[w];
            while (bits != 0) {
                out[k++] = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        return k;
    }

    /**
     * The values of long-valued column {@code c} at {@code positions[0, count)} in a scratch
     * array (valid until the next call): read by random access from a {@link Source} that reads
     * the column as longs, else picked from {@link #longs}.
     */
    long[] gather(int c, int[] positions, int count) {
        if (source != null && source.readsLongs(c) && !hasLongs(c)) {
            gathered = source.gather(c, positions, count, gathered);
            return gathered;
        }
        long[] all = longs(c);
        if (gathered.length < count) {
            gathered = new long[Math.max(count, 2 * gathered.length)];
        }
        for (int k = 0; k < count; k++) {
            gathered[k] = all[positions[k]];
        }
        return gathered;
    }

    long[] words(int c) {
        if (longsBatch[c] != batch) {
            longs[c] = Vectors.words(vector(c), rows, longs[c]);
            longsBatch[c] = batch;
        }
        return longs[c];
    }

    double[] doubles(int c) {
        if (doublesBatch[c] != batch) {
            long[] bits = longs(c);
            double[] d = doubles[c] == null || doubles[c].length < rows ? new double[Math.max(rows, 1)] : doubles[c];
            for (int i = 0; i < rows; i++) {
                d[i] = Double.longBitsToDouble(bits[i]);
            }
            doubles[c] = d;
            doublesBatch[c] = batch;
        }
        return doubles[c];
    }

    long[] offsets(int c) {
        if (offsetsBatch[c] != batch) {
            offsets[c] = Vectors.offsets(vector(c), rows, offsets[c]);
            offsetsBatch[c] = batch;
        }
        return offsets[c];
    }

    byte[] bytes(int c) {
        if (bytesBatch[c] != batch) {
            long end = offsets(c)[rows];
            bytes[c] = Vectors.bytes(vector(c), (int) end, bytes[c]);
            bytesBatch[c] = batch;
        }
        return bytes[c];
    }

    /** Scratch words number {@code i}, at least one per 64 rows of the batch. */
    long[] scratch(int i) {
        if (i >= scratch.length) {
            scratch = java.util.Arrays.copyOf(scratch, Math.max(i + 1, 2 * scratch.length));
        }
        int n = Vectors.words(rows);
        if (scratch[i] == null || scratch[i].length < n) {
            scratch[i] = new long[Math.max(n, 1)];
        }
        return scratch[i];
    }
}
