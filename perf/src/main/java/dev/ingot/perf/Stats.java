package dev.ingot.perf;

import java.util.Arrays;
import java.util.List;

/**
 * Summary statistics of repeated measurements: median, min, max, and the median of pairwise
 * ratios (run i of variant A against run i of variant B, so both saw the same machine state).
 *
 * <p>Thread-safety: stateless. NaN values (a failed or missing run) are ignored.
 */
public final class Stats {
    private Stats() {
    }

    /** Median of the non-NaN values (the mean of the two middle ones for an even count), NaN if none. */
    public static double median(double... values) {
        double[] v = finite(values);
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        int mid = v.length / 2;
        return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    }

    /** Median of a list (see {@link #median(double...)}). */
    public static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Smallest non-NaN value, NaN if none. */
    public static double min(double... values) {
        double[] v = finite(values);
        return v.length == 0 ? Double.NaN : Arrays.stream(v).min().getAsDouble();
    }

    /** Largest non-NaN value, NaN if none. */
    public static double max(double... values) {
        double[] v = finite(values);
        return v.length == 0 ? Double.NaN : Arrays.stream(v).max().getAsDouble();
    }

    /**
     * The median over runs {@code i} of {@code numerator[i] / denominator[i]}, skipping pairs where
     * either side is NaN or the denominator is not positive; NaN when no pair is left.
     *
     * @throws IllegalArgumentException if the arrays differ in length
     */
    public static double medianRatio(double[] numerator, double[] denominator) {
        if (numerator.length != denominator.length) {
            throw new IllegalArgumentException("runs differ: " + numerator.length + " vs " + denominator.length);
        }
        double[] ratios = new double[numerator.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = Double.isNaN(numerator[i]) || !(denominator[i] > 0) ? Double.NaN : numerator[i] / denominator[i];
        }
        return median(ratios);
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(d -> !Double.isNaN(d)).toArray();
    }
}
