/**
 * <b>API (for the modules above).</b> The persisted key index of each PRIMARY KEY and UNIQUE constraint:
 * partitioned open-addressing segments written at append time, probed for key checks and point
 * lookups, merged by compaction.
 */
package dev.ingot.constraints.index;
