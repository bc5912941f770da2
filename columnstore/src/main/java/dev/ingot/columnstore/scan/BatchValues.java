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
    private FieldVector[] vectors;
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
    private long[][] scratch = new long[4][];

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
        this.rows = rows;
        batch++;
    }

    long[] validity(int c) {
        if (validityBatch[c] != batch) {
            validity[c] = Vectors.validity(vectors[c], rows, validity[c]);
            validityBatch[c] = batch;
        }
        return validity[c];
    }

    /** {@link Vectors#longs} of long-valued kinds; the two words per row of 16-byte kinds share this cache in {@link #words}. */
    long[] longs(int c) {
        if (longsBatch[c] != batch) {
            longs[c] = Vectors.longs(vectors[c], rows, longs[c]);
            longsBatch[c] = batch;
        }
        return longs[c];
    }

    long[] words(int c) {
        if (longsBatch[c] != batch) {
            longs[c] = Vectors.words(vectors[c], rows, longs[c]);
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
            offsets[c] = Vectors.offsets(vectors[c], rows, offsets[c]);
            offsetsBatch[c] = batch;
        }
        return offsets[c];
    }

    byte[] bytes(int c) {
        if (bytesBatch[c] != batch) {
            long end = offsets(c)[rows];
            bytes[c] = Vectors.bytes(vectors[c], (int) end, bytes[c]);
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
