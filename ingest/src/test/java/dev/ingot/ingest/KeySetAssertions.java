package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.constraints.ConstraintService;

/**
 * Assertions on constraint key-set memory that look before anything frees it: a load's own report
 * ({@link LoadReport#constraintOutstandingBytes()}, recorded before the loader closes its
 * constraint service) or a caller's {@link ConstraintService} while it is still open. Asserting on
 * the allocator after the service closed cannot fail: {@link ConstraintService#close()} frees every
 * set whatever its holders.
 */
public final class KeySetAssertions {
    private KeySetAssertions() {}

    /**
     * Every key set of a checked TPC-H load was released by its holders: nothing outstanding when
     * the load ended, every committed table reports a key set (each TPC-H table has a PRIMARY KEY),
     * and the peak covers the largest of them.
     */
    public static void assertReleased(LoadReport report) {
        assertEquals(0, report.constraintOutstandingBytes(),
                () -> "constraint key sets still held when the load ended; failure: " + report.failure());
        long largest = 0;
        for (TableLoadReport t : report.tables()) {
            if (t.mode() != ConstraintMode.UNCHECKED) {
                // an empty table's or a sorted key's set may hold no bytes, but its kind is reported
                assertTrue(!t.keySets().isEmpty(), () -> "table " + t.table() + " reports no key set");
            }
            for (dev.ingot.constraints.KeySetReport k : t.keySets()) {
                largest = Math.max(largest, k.peakBytes());
            }
        }
        long peak = largest;
        assertTrue(report.constraintPeakBytes() >= peak,
                () -> "peak " + report.constraintPeakBytes() + " below the largest table's key sets " + peak);
    }

    /** The open {@code constraints} hold no key set any more, and held some at one point. */
    public static void assertReleased(ConstraintService constraints) {
        assertEquals(0, constraints.outstandingBytes(), "key-set bytes still held before the constraint service closes");
        assertTrue(constraints.peakBytes() > 0, "the key sets never held memory: " + constraints.peakBytes());
    }
}
