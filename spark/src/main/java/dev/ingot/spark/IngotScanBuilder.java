package dev.ingot.spark;

import dev.ingot.columnstore.TableDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.StructType;

/**
 * Builds an {@link IngotScan}: takes the columns Spark needs (column pruning: only their chunks
 * are read) and the predicates whose zone maps can skip row groups (those {@link SparkPredicates}
 * translates into Ingot {@link dev.ingot.columnstore.scan.Predicate}s). Every
 * predicate is also returned to Spark to evaluate on the rows read, since zone maps prune whole
 * row groups, not rows.
 *
 * <p>Thread-safety: not thread-safe (used by the planner on one thread).
 */
final class IngotScanBuilder implements ScanBuilder, SupportsPushDownRequiredColumns, SupportsPushDownV2Filters {
    private final TableDef def;
    private final List<Path> shards;
    private final long rowsPerPartition;
    private StructType schema;
    private Predicate[] pushed = new Predicate[0];
    private List<dev.ingot.columnstore.scan.Predicate> filters = List.of();

    IngotScanBuilder(TableDef def, List<Path> shards, StructType schema, long rowsPerPartition) {
        this.def = def;
        this.shards = shards;
        this.schema = schema;
        this.rowsPerPartition = rowsPerPartition;
    }

    @Override
    public void pruneColumns(StructType requiredSchema) {
        this.schema = requiredSchema;
    }

    @Override
    public Predicate[] pushPredicates(Predicate[] predicates) {
        List<Predicate> used = new ArrayList<>();
        List<dev.ingot.columnstore.scan.Predicate> translated = new ArrayList<>();
        for (Predicate p : predicates) {
            SparkPredicates.translate(p, def).ifPresent(t -> {
                used.add(p);
                translated.add(t);
            });
        }
        pushed = used.toArray(Predicate[]::new);
        filters = List.copyOf(translated);
        return predicates;
    }

    @Override
    public Predicate[] pushedPredicates() {
        return pushed.clone();
    }

    @Override
    public Scan build() {
        return new IngotScan(def, shards, schema, filters, rowsPerPartition);
    }
}
