package dev.ingot.spark;

import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What a writer task reports when its shard store is committed. Immutable; serializable.
 *
 * @param partition the shard number (Spark's partition id)
 * @param shard     the shard store's directory, relative to the data set's root ({@code /}-separated)
 * @param rows      rows written
 */
record ShardCommit(int partition, String shard, long rows) implements WriterCommitMessage {
}
