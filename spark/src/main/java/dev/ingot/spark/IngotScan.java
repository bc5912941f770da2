package dev.ingot.spark;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import dev.ingot.columnstore.scan.BoundPredicate;
import dev.ingot.columnstore.scan.Predicate;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.Statistics;
import org.apache.spark.sql.connector.read.SupportsReportStatistics;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A planned scan of one table over its shard stores: on the driver, the row groups whose zone maps
 * may satisfy every pushed predicate are listed per shard (chunk headers only; no data is read)
 * and cut into {@linkplain ShardRange input partitions} of about {@code rowsPerPartition} live rows;
 * the planner is told the live rows kept and their estimated size.
 *
 * <p>Thread-safety: immutable once planned (the plan is computed on first use, on the driver thread).
 */
final class IngotScan implements Scan, Batch, SupportsReportStatistics {
    private final TableDef def;
    private final List<Path> shards;
    private final StructType schema;
    private final List<Predicate> pushed;
    private final BoundPredicate filter;
    private final long rowsPerPartition;
    private List<ShardRange> plan;
    private long rowGroupsTotal;

    IngotScan(TableDef def, List<Path> shards, StructType schema, List<Predicate> pushed, long rowsPerPartition) {
        this.def = def;
        this.shards = List.copyOf(shards);
        this.schema = schema;
        this.pushed = List.copyOf(pushed);
        this.filter = SparkPredicates.bind(pushed, def).orElse(null);
        this.rowsPerPartition = rowsPerPartition;
    }

    @Override
    public StructType readSchema() {
        return schema;
    }

    @Override
    public String description() {
        return "IngotScan " + def.name() + " shards=" + shards.size() + " columns=" + Arrays.toString(schema.fieldNames())
                + " pushed=" + pushed;
    }

    @Override
    public Batch toBatch() {
        return this;
    }

    /** The input partitions: row-group ranges of the shard stores, pruned by the zone maps. */
    List<ShardRange> plan() {
        if (plan == null) {
            List<ShardRange> out = new ArrayList<>();
            long groups = 0;
            for (Path shard : shards) {
                groups += planShard(shard, out);
            }
            rowGroupsTotal = groups;
            plan = List.copyOf(out);
        }
        return plan;
    }

    /** Row groups of the table in all shards, before pruning (after {@link #plan()}). */
    long rowGroupsTotal() {
        plan();
        return rowGroupsTotal;
    }

    private int planShard(Path shard, List<ShardRange> out) {
        try (ColumnStore store = ColumnStore.openReadOnly(shard);
             TableReader reader = store.openTable(def.name())) {
            List<RowGroupInfo> groups = reader.info().rowGroups();
            List<Integer> kept = new ArrayList<>();
            long rows = 0;
            for (int g = 0; g < groups.size(); g++) {
                if (groups.get(g).liveRows() == 0 || !mayMatch(reader, g)) {
                    continue;
                }
                kept.add(g);
                rows += groups.get(g).liveRows();
                if (rows >= rowsPerPartition) {
                    out.add(range(shard, kept, rows));
                    kept.clear();
                    rows = 0;
                }
            }
            if (!kept.isEmpty()) {
                out.add(range(shard, kept, rows));
            }
            return groups.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot plan the scan of table " + def.name() + " in shard store " + shard, e);
        }
    }

    private boolean mayMatch(TableReader reader, int g) throws IOException {
        return filter == null || filter.zone(c -> reader.chunkStats(c, g)) != BoundPredicate.ZoneMatch.NONE;
    }

    private ShardRange range(Path shard, List<Integer> groups, long rows) {
        return new ShardRange(shard.toString(), def.name(), groups.stream().mapToInt(Integer::intValue).toArray(), rows);
    }

    @Override
    public InputPartition[] planInputPartitions() {
        return plan().toArray(InputPartition[]::new);
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
        return new ShardReaderFactory(Arrays.asList(schema.fieldNames()));
    }

    @Override
    public Statistics estimateStatistics() {
        long rows = plan().stream().mapToLong(ShardRange::rows).sum();
        long width = 0;
        for (StructField f : schema.fields()) {
            ColumnDef c = def.column(f.name());
            int fixed = c.type().kind().fixedWidth();
            width += fixed > 0 ? fixed : fixed == 0 ? 1 : f.dataType().defaultSize();
        }
        long size = Math.max(1, rows * Math.max(1, width));
        return new Statistics() {
            @Override
            public OptionalLong sizeInBytes() {
                return OptionalLong.of(size);
            }

            @Override
            public OptionalLong numRows() {
                return OptionalLong.of(rows);
            }
        };
    }
}
