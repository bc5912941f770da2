package dev.ingot.spark;

import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One input partition of a scan: row groups of one shard store's table, read in order by one
 * Spark task. Immutable; serializable (sent to executors).
 *
 * @param store     the shard store's directory (a path every executor can open)
 * @param table     the table name
 * @param rowGroups the row groups to read (ascending; the ones zone maps kept)
 * @param rows      live rows in those row groups
 */
record ShardRange(String store, String table, int[] rowGroups, long rows) implements InputPartition {
}
