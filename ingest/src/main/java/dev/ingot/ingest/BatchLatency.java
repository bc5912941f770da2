package dev.ingot.ingest;

import org.HdrHistogram.Histogram;

/**
 * Per-batch latency of a table load (constraint checks + append + listeners for one batch, on
 * the loading thread), summarised from an HdrHistogram. Immutable.
 *
 * @param count     batches recorded
 * @param p50Micros median, microseconds
 * @param p99Micros 99th percentile, microseconds
 * @param maxMicros maximum, microseconds
 */
public record BatchLatency(long count, double p50Micros, double p99Micros, double maxMicros) {
    /** No batches. */
    public static final BatchLatency EMPTY = new BatchLatency(0, 0, 0, 0);

    /** Summarises a histogram of microsecond values. */
    public static BatchLatency of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new BatchLatency(micros.getTotalCount(), micros.getValueAtPercentile(50), micros.getValueAtPercentile(99),
                micros.getMaxValue());
    }
}
