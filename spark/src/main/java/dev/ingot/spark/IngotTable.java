package dev.ingot.spark;

import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * One Ingot table as Spark sees it: its schema ({@link SparkTypes}), scans over its shard stores
 * and writes of a new version into a sharded data set.
 *
 * <p>Thread-safety: immutable.
 */
final class IngotTable implements SupportsRead, SupportsWrite {
    private static final long DEFAULT_ROWS_PER_PARTITION = 1_000_000;
    private final IngotDataSource.Target target;
    private final CaseInsensitiveStringMap options;
    private final StructType schema;

    IngotTable(IngotDataSource.Target target, CaseInsensitiveStringMap options) {
        this.target = target;
        this.options = options;
        this.schema = SparkTypes.schema(target.table(), target.def().columns());
    }

    @Override
    public String name() {
        return "ingot:" + target.root() + "#" + target.table();
    }

    @Override
    @SuppressWarnings("deprecation") // Table.columns() derives its columns from schema()
    public StructType schema() {
        return schema;
    }

    @Override
    public Set<TableCapability> capabilities() {
        return EnumSet.of(TableCapability.BATCH_READ, TableCapability.BATCH_WRITE, TableCapability.TRUNCATE);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
        if (target.shards().isEmpty()) {
            throw IngotDataSource.noTable(target.root(), target.table(), target.dataSet());
        }
        long rows = scanOptions.getLong(IngotDataSource.ROWS_PER_PARTITION, options.getLong(IngotDataSource.ROWS_PER_PARTITION,
                DEFAULT_ROWS_PER_PARTITION));
        if (rows <= 0) {
            throw new IllegalArgumentException("option " + IngotDataSource.ROWS_PER_PARTITION + " must be positive: " + rows);
        }
        return new IngotScanBuilder(target.def(), target.shards(), schema, rows);
    }

    @Override
    public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
        return new IngotWriteBuilder(target, new CaseInsensitiveStringMap(merge(options, info.options())));
    }

    private static java.util.Map<String, String> merge(CaseInsensitiveStringMap a, CaseInsensitiveStringMap b) {
        java.util.Map<String, String> m = new java.util.HashMap<>(a.asCaseSensitiveMap());
        m.putAll(b.asCaseSensitiveMap());
        return m;
    }
}
