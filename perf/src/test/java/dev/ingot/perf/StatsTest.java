package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, Stats.median(3, 1, 2));
        assertEquals(2.5, Stats.median(4, 1, 3, 2));
        assertEquals(7.0, Stats.median(7));
    }

    @Test
    void nanIsIgnoredAndEmptyIsNan() {
        assertEquals(2.0, Stats.median(1, Double.NaN, 3));
        assertTrue(Double.isNaN(Stats.median()));
        assertTrue(Double.isNaN(Stats.median(Double.NaN)));
        assertEquals(1.0, Stats.min(Double.NaN, 1, 3));
        assertEquals(3.0, Stats.max(Double.NaN, 1, 3));
        assertTrue(Double.isNaN(Stats.min()));
    }

    @Test
    void ratioIsTheMedianOfPerRunRatiosNotTheRatioOfMedians() {
        double[] a = {10, 30, 20};
        double[] b = {5, 10, 40};
        // per run: 2.0, 3.0, 0.5 -> median 2.0; the ratio of medians would be 20/10 = 2.0 by chance, so use another set
        assertEquals(2.0, Stats.medianRatio(a, b), 1e-12);
        double[] c = {10, 10, 30};
        double[] d = {10, 2, 10};
        // per run: 1, 5, 3 -> median 3; ratio of medians = 10/10 = 1
        assertEquals(3.0, Stats.medianRatio(c, d), 1e-12);
    }

    @Test
    void ratioSkipsFailedRunsOnEitherSide() {
        assertEquals(2.0, Stats.medianRatio(new double[] {Double.NaN, 4, 6}, new double[] {1, 2, Double.NaN}), 1e-12);
        assertEquals(1.5, Stats.medianRatio(new double[] {3, 4}, new double[] {2, 0}), 1e-12);
        assertTrue(Double.isNaN(Stats.medianRatio(new double[] {1}, new double[] {Double.NaN})));
        assertThrows(IllegalArgumentException.class, () -> Stats.medianRatio(new double[1], new double[2]));
    }
}
