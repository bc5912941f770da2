package dev.ingot.spark;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ddl.SchemaParseException;
import dev.ingot.ingest.ddl.SqlSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/**
 * Sent to the executors of a write job: makes each task's {@link ShardWriter}. Carries the table
 * as DDL (a {@link TableDef} is rebuilt on the executor), the shard function the rows must obey,
 * and for each FOREIGN KEY checked shard by shard the parent's shard store directories.
 *
 * <p>Thread-safety: immutable; serializable.
 *
 * @param root           the data set's directory
 * @param ddl            the table's {@code CREATE TABLE} (all its constraints)
 * @param job            the write job's id
 * @param shardFunction  the shard function of the clustering columns, or null when the table is not clustered
 * @param localParents   per FOREIGN KEY checked shard by shard: the parent's shard directories, shard 0 first
 * @param batchRows      rows per Arrow batch appended
 */
record ShardWriterFactory(String root, String ddl, String job, ShardFunction shardFunction,
                          Map<String, List<String>> localParents, int batchRows) implements DataWriterFactory {
    /** The table this factory writes, parsed from its DDL. */
    static TableDef parse(String ddl) {
        try {
            return SqlSchema.parse(ddl, "write job table").get(0);
        } catch (SchemaParseException e) {
            throw new IllegalStateException("the write job's table DDL does not parse: " + e.getMessage(), e);
        }
    }

    @Override
    public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
        try {
            return new ShardWriter(this, parse(ddl), partitionId, taskId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open shard " + partitionId + " of data set " + root, e);
        }
    }
}
