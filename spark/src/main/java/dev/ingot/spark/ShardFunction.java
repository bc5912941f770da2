package dev.ingot.spark;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Murmur3HashFunction;
import org.apache.spark.sql.types.DataType;

/**
 * The shard function of a sharded data set ({@link IngotDataSet#SHARD_FUNCTION}): Spark's hash
 * partitioning of the clustering columns, {@code pmod(murmur3(c1, ..., cn; seed 42), shardCount)}, as
 * {@code HashPartitioning.partitionIdExpression} evaluates it (a NULL column leaves the running
 * hash unchanged). Used to check that the rows Spark hands a writer task really belong to its
 * shard, and to place a child's foreign key values on the parent's shards.
 *
 * <p>Thread-safety: immutable; thread-safe. Serializable.
 *
 * @param ordinals   the clustering columns' positions in the rows
 * @param types      their Spark types
 * @param shardCount the number of shards
 */
record ShardFunction(int[] ordinals, DataType[] types, int shardCount) implements Serializable {
    /** Spark's seed for {@code Murmur3Hash} in hash partitioning. */
    static final int SEED = 42;

    /** The shard of {@code row}. */
    int shardOf(InternalRow row) {
        int hash = SEED;
        for (int i = 0; i < ordinals.length; i++) {
            if (!row.isNullAt(ordinals[i])) {
                hash = (int) Murmur3HashFunction.hash(row.get(ordinals[i], types[i]), types[i], hash);
            }
        }
        int m = hash % shardCount;
        return m < 0 ? m + shardCount : m;
    }
}
