package dev.ingot.constraints;

/**
 * What the key set of one PRIMARY KEY / UNIQUE constraint was at the end of a table's load.
 * Immutable.
 *
 * @param constraint the constraint's name
 * @param kind       how its keys were held at the end (the last kind it switched to)
 * @param peakBytes  the most off-heap bytes the set held at once during the load, including the
 *                   brief overlap of a kind switch
 * @param keys       keys in the set (rows whose key has a NULL column are not counted)
 */
public record KeySetReport(String constraint, KeySetKind kind, long peakBytes, long keys) {
}
