/**
 * <b>API (for the modules above).</b> The persisted key index of each PRIMARY KEY and UNIQUE constraint:
 * LSM-like segments written at append time, each an implicit sorted run (keys that arrive in order:
 * only the run's bounds are stored, the table's key columns are searched) and/or partitioned
 * open-addressing hash partitions, probed for key checks and point lookups, merged by compaction.
 */
package dev.ingot.constraints.index;
