package dev.ingot.spark;

import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;

/**
 * A planned sharded write: asks Spark to cluster the rows by the clustering columns into exactly
 * {@code shardCount} partitions (Spark's hash partitioning is the shard function), so partition
 * {@code i} is shard {@code i}. An unclustered table (no key) takes Spark's partitions as they come.
 *
 * <p>Thread-safety: immutable.
 */
final class IngotWrite implements RequiresDistributionAndOrdering {
    private final TableDef def;
    private final List<String> clusterBy;
    private final int shardCount;
    private final IngotBatchWrite batch;
    private final Set<String> local;
    private final List<ConstraintSpec> joined;

    IngotWrite(TableDef def, List<String> clusterBy, int shardCount, IngotBatchWrite batch, Set<String> local, List<ConstraintSpec> joined) {
        this.def = def;
        this.clusterBy = clusterBy;
        this.shardCount = shardCount;
        this.batch = batch;
        this.local = Set.copyOf(local);
        this.joined = List.copyOf(joined);
    }

    @Override
    public Distribution requiredDistribution() {
        if (clusterBy.isEmpty()) {
            return Distributions.unspecified();
        }
        return Distributions.clustered(clusterBy.stream().map(Expressions::column).toArray(Expression[]::new));
    }

    @Override
    public int requiredNumPartitions() {
        return shardCount;
    }

    @Override
    public SortOrder[] requiredOrdering() {
        return new SortOrder[0];
    }

    @Override
    public String description() {
        return "IngotWrite " + def.name() + " shards=" + shardCount + " clusterBy=" + clusterBy + " fkPerShard=" + local
                + " fkAntiJoin=" + joined.stream().map(ConstraintSpec::name).toList();
    }

    @Override
    public BatchWrite toBatch() {
        return batch;
    }
}
