package dev.ingot.constraints;

/**
 * What the key set of one PRIMARY KEY / UNIQUE constraint was at the end of a table's load.
 * Immutable.
 *
 * @param constraint   the constraint's name
 * @param kind         how its keys were held at the end (the last kind it switched to;
 *                     {@link KeySetKind#EXTERNAL} once it spilled)
 * @param peakBytes    the most off-heap bytes the set held at once during the load, including the
 *                     brief overlap of a kind switch (for an external check: its run buffer)
 * @param keys         keys in the set (rows whose key has a NULL column are not counted); for an
 *                     external check, the keys spilled (duplicates of an aborted load included)
 * @param spilledBytes bytes written to temporary run and key files (0 in memory)
 * @param nanos        time spent checking this constraint's keys, in nanoseconds (adding, spilling,
 *                     merging, freezing)
 */
public record KeySetReport(String constraint, KeySetKind kind, long peakBytes, long keys, long spilledBytes, long nanos) {
    /** A report of an in-memory set without spill or time figures. */
    public KeySetReport(String constraint, KeySetKind kind, long peakBytes, long keys) {
        this(constraint, kind, peakBytes, keys, 0, 0);
    }
}
