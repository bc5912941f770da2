package dev.ingot.spark;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Plans a sharded write: the shard count, the clustering columns (by default the PRIMARY KEY's;
 * every PRIMARY KEY and UNIQUE must include them, so that equal keys share a shard), and for each
 * FOREIGN KEY whether it is checked shard by shard (the parent is published with the same shard
 * function and count, clustered by the referenced columns that the child is clustered by, with
 * equal types) or by the job's anti-join. {@link #truncate()} (Spark's overwrite mode) replaces a
 * published table; without it, the table must be new to the data set.
 *
 * <p>Thread-safety: not thread-safe (the planner's thread).
 */
final class IngotWriteBuilder implements WriteBuilder, SupportsTruncate {
    private static final int DEFAULT_BATCH_ROWS = 65_536;
    private final IngotDataSource.Target target;
    private final CaseInsensitiveStringMap options;
    private boolean overwrite;

    IngotWriteBuilder(IngotDataSource.Target target, CaseInsensitiveStringMap options) {
        this.target = target;
        this.options = options;
    }

    @Override
    public WriteBuilder truncate() {
        overwrite = true;
        return this;
    }

    @Override
    public Write build() {
        TableDef def = target.def();
        String table = def.name();
        if (options.containsKey(IngotDataSource.SHARD_STORES)) {
            throw new IllegalArgumentException("option " + IngotDataSource.SHARD_STORES + " names shard stores to read; a write goes to a"
                    + " data set's directory (save(path))");
        }
        if (target.singleStore()) {
            throw new IllegalArgumentException(target.root() + " is a single Ingot store; Spark writes sharded data sets (a directory"
                    + " without " + dev.ingot.columnstore.ColumnStore.STORE_FILE_NAME + ")");
        }
        Optional<IngotDataSet> ds = target.dataSet();
        Optional<IngotDataSet.TableEntry> current = ds.flatMap(d -> d.entry(table));
        if (current.isPresent() && !overwrite) {
            throw new IllegalArgumentException("data set " + target.root() + " already holds table " + table + " (version of job "
                    + current.get().job() + "); write with mode(\"overwrite\") to replace it");
        }
        if (current.isPresent()) {
            for (TableDef other : ds.get().manifest().tables().keySet().stream().map(n -> ds.get().table(n).orElseThrow()).toList()) {
                for (ConstraintSpec fk : other.foreignKeys()) {
                    if (fk.referencedTable().equals(table) && !other.name().equals(table)) {
                        throw new IllegalArgumentException("table " + table + " of data set " + target.root() + " is referenced by FOREIGN KEY "
                                + fk.name() + " of table " + other.name() + "; replacing it could orphan those rows");
                    }
                }
            }
        }
        List<String> clusterBy = clustering(def);
        Map<String, List<String>> localParents = new LinkedHashMap<>();
        List<ConstraintSpec> joinChecked = new ArrayList<>();
        Integer parentShards = null;
        for (ConstraintSpec fk : def.foreignKeys()) {
            if (fk.referencedTable().equals(table)) {
                throw new IllegalArgumentException("FOREIGN KEY " + fk.name() + " of table " + table + " references its own table, which"
                        + " sharded writes do not check");
            }
            IngotDataSet.TableEntry parent = ds.flatMap(d -> d.entry(fk.referencedTable())).orElseThrow(() -> new IllegalArgumentException(
                    "FOREIGN KEY " + fk.name() + " of table " + table + " references table " + fk.referencedTable() + ", which data set "
                            + target.root() + " does not hold; write " + fk.referencedTable() + " first"));
            if (colocated(def, fk, ds.get(), parent, clusterBy)) {
                parentShards = parentShards == null ? parent.shardCount() : parentShards;
            }
        }
        int shards = options.containsKey(IngotDataSource.SHARDS) ? options.getInt(IngotDataSource.SHARDS, 0)
                : parentShards != null ? parentShards : SparkSession.active().sparkContext().defaultParallelism();
        if (shards <= 0) {
            throw new IllegalArgumentException("option " + IngotDataSource.SHARDS + " must be positive: " + shards);
        }
        for (ConstraintSpec fk : def.foreignKeys()) {
            IngotDataSet.TableEntry parent = ds.get().entry(fk.referencedTable()).orElseThrow();
            if (colocated(def, fk, ds.get(), parent, clusterBy) && parent.shardCount() == shards) {
                localParents.put(fk.name(), ds.get().shards(fk.referencedTable()).stream().map(Object::toString).toList());
            } else {
                joinChecked.add(fk);
            }
        }
        ShardFunction function = null;
        if (!clusterBy.isEmpty()) {
            int[] ordinals = new int[clusterBy.size()];
            DataType[] types = new DataType[ordinals.length];
            for (int i = 0; i < ordinals.length; i++) {
                ordinals[i] = def.columnIndex(clusterBy.get(i));
                types[i] = SparkTypes.sparkType(table, def.column(clusterBy.get(i)));
            }
            function = new ShardFunction(ordinals, types, shards);
        }
        int batchRows = options.getInt(IngotDataSource.BATCH_ROWS, DEFAULT_BATCH_ROWS);
        if (batchRows <= 0) {
            throw new IllegalArgumentException("option " + IngotDataSource.BATCH_ROWS + " must be positive: " + batchRows);
        }
        String job = UUID.randomUUID().toString();
        IngotBatchWrite batch = new IngotBatchWrite(target.root(), def, job, shards, clusterBy, function, localParents, joinChecked,
                current.map(IngotDataSet.TableEntry::job).orElse(null), batchRows);
        return new IngotWrite(def, clusterBy, function == null ? 0 : shards, batch, localParents.keySet(), joinChecked);
    }

    /** The clustering columns: the option, else the PRIMARY KEY's, else the first UNIQUE's, else none; checked against every key. */
    private List<String> clustering(TableDef def) {
        String opt = options.get(IngotDataSource.CLUSTER_BY);
        List<String> cols;
        if (opt != null) {
            cols = Arrays.stream(opt.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            for (String c : cols) {
                def.column(c); // throws for an unknown column
            }
        } else {
            cols = def.primaryKey().or(() -> def.keyConstraints().stream().findFirst()).map(ConstraintSpec::columns).orElse(List.of());
        }
        for (ConstraintSpec k : def.keyConstraints()) {
            if (cols.isEmpty() || !k.columns().containsAll(cols)) {
                throw new IllegalArgumentException(k.kind().sql() + " " + k.name() + " (" + String.join(", ", k.columns()) + ") of table "
                        + def.name() + " does not include every clustering column " + cols + ": equal keys could land in different"
                        + " shards; cluster by the key's columns or a subset of them");
            }
        }
        return cols;
    }

    /** Whether the child, clustered by {@code clusterBy}, holds each FOREIGN KEY value in the shard where the parent holds the key. */
    private static boolean colocated(TableDef child, ConstraintSpec fk, IngotDataSet ds, IngotDataSet.TableEntry parent, List<String> clusterBy) {
        if (!IngotDataSet.SHARD_FUNCTION.equals(parent.shardFunction()) || parent.clusteredBy().isEmpty()) {
            return false;
        }
        TableDef p = ds.table(fk.referencedTable()).orElseThrow();
        List<String> mapped = new ArrayList<>();
        for (String pc : parent.clusteredBy()) {
            int i = fk.referencedColumns().indexOf(pc);
            if (i < 0) {
                return false;
            }
            String cc = fk.columns().get(i);
            ColumnDef c = child.column(cc);
            if (!SparkTypes.sparkType(child.name(), c).equals(SparkTypes.sparkType(p.name(), p.column(pc)))) {
                return false;
            }
            mapped.add(cc);
        }
        return mapped.equals(clusterBy);
    }
}
