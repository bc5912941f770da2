package dev.ingot.spark;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.ddl.SchemaParseException;
import dev.ingot.ingest.ddl.SqlSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The Spark data source {@code "ingot"} (DataSource V2): reads a table of one Ingot store or of a
 * sharded data set ({@link IngotDataSet}), and writes a table into a sharded data set.
 *
 * <pre>{@code
 * Dataset<Row> orders = spark.read().format("ingot").option("table", "orders").load("/data/tpch");
 * lineitem.write().format("ingot").option("table", "lineitem").option("ddl", ddl)
 *         .option("clusterBy", "l_orderkey").mode("append").save("/data/tpch");
 * }</pre>
 *
 * <p>Options (case-insensitive): {@value #TABLE} (required); reads: {@value #ROWS_PER_PARTITION}
 * (live rows per input partition, default 1,000,000), {@value #SHARD_STORES} (read these shard
 * store directories, one per line, instead of a path's published ones); writes: {@value #DDL}
 * (the table's {@code CREATE TABLE}; FOREIGN KEYs may reference the data set's tables),
 * {@value #SCHEMA_STORE} (take table T's definition from this Ingot store), {@value #PRIMARY_KEY}
 * (for a table derived from the DataFrame's schema: comma-separated key columns),
 * {@value #SHARDS} (shard count, default the parent's for a table whose FOREIGN KEY can be checked
 * shard by shard, else Spark's default parallelism), {@value #CLUSTER_BY} (comma-separated clustering
 * columns, default the PRIMARY KEY's), {@value #BATCH_ROWS} (rows per appended Arrow batch, default 65,536).
 * The table definition of a write is, in this order: {@value #DDL}, {@value #SCHEMA_STORE}, the
 * data set's current one, the DataFrame's schema. Writes take {@code mode("append")} for a new table
 * and {@code mode("overwrite")} to replace one.
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
public final class IngotDataSource implements TableProvider, DataSourceRegister {
    /** The format name. */
    public static final String SHORT_NAME = "ingot";
    /** Option: the table. */
    public static final String TABLE = "table";
    /** Option: explicit shard store directories to read, one per line. */
    public static final String SHARD_STORES = "shardStores";
    /** Option: live rows per input partition. */
    public static final String ROWS_PER_PARTITION = "rowsPerPartition";
    /** Option: the table's CREATE TABLE statement. */
    public static final String DDL = "ddl";
    /** Option: an Ingot store holding the table's definition. */
    public static final String SCHEMA_STORE = "schemaStore";
    /** Option: PRIMARY KEY columns of a table derived from the DataFrame. */
    public static final String PRIMARY_KEY = "primaryKey";
    /** Option: number of shards written. */
    public static final String SHARDS = "shards";
    /** Option: the clustering columns. */
    public static final String CLUSTER_BY = "clusterBy";
    /** Option: rows per appended batch. */
    public static final String BATCH_ROWS = "batchRows";

    /** Where a table lives and how it is defined. {@code shards} is empty when the data set does not hold the table yet. */
    record Target(Path root, String table, TableDef def, List<Path> shards, Optional<IngotDataSet> dataSet, boolean singleStore) {
    }

    @Override
    public String shortName() {
        return SHORT_NAME;
    }

    @Override
    public boolean supportsExternalMetadata() {
        return true;
    }

    @Override
    public StructType inferSchema(CaseInsensitiveStringMap options) {
        Target t = resolve(options, null);
        if (t.shards().isEmpty()) {
            throw noTable(t.root(), t.table(), t.dataSet());
        }
        return SparkTypes.schema(t.table(), t.def().columns());
    }

    @Override
    public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
        CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
        return new IngotTable(resolve(options, schema), options);
    }

    /** The error of a read of a table the data set does not hold, naming the tables it holds. */
    static IllegalArgumentException noTable(Path root, String table, Optional<IngotDataSet> ds) {
        return new IllegalArgumentException("data set " + root + " holds no table " + table
                + ds.map(d -> " (tables: " + d.manifest().tables().keySet() + ")").orElse(" (it has no manifest " + IngotDataSet.MANIFEST + ")"));
    }

    static String required(CaseInsensitiveStringMap options, String key) {
        String v = options.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("the ingot data source needs the option \"" + key + "\"");
        }
        return v;
    }

    /** Finds the table: explicit shard stores, a single store, or a data set (with the write's definition sources). */
    static Target resolve(CaseInsensitiveStringMap options, StructType dataFrameSchema) {
        String table = required(options, TABLE);
        try {
            String list = options.get(SHARD_STORES);
            if (list != null) {
                List<Path> stores = Arrays.stream(list.split("\n")).filter(s -> !s.isBlank()).map(Path::of).toList();
                if (stores.isEmpty()) {
                    throw new IllegalArgumentException("option " + SHARD_STORES + " names no store");
                }
                return new Target(stores.get(0).getParent(), table, storeTable(stores.get(0), table), stores, Optional.empty(), false);
            }
            Path root = Path.of(required(options, "path"));
            if (IngotDataSet.isStore(root)) {
                return new Target(root, table, storeTable(root, table), List.of(root), Optional.empty(), true);
            }
            Optional<IngotDataSet> ds = IngotDataSet.open(root);
            Optional<TableDef> published = ds.flatMap(d -> d.table(table));
            List<Path> shards = published.isPresent() ? ds.get().shards(table) : List.of();
            TableDef def = writeDefinition(options, table, ds).or(() -> published).orElse(null);
            if (def == null && dataFrameSchema != null) {
                String pk = options.get(PRIMARY_KEY);
                List<String> key = pk == null ? List.of() : Arrays.stream(pk.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                def = SparkTypes.tableDef(table, dataFrameSchema, key);
            }
            if (def == null) {
                throw noTable(root, table, ds);
            }
            return new Target(root, table, def, shards, ds, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static Optional<TableDef> writeDefinition(CaseInsensitiveStringMap options, String table, Optional<IngotDataSet> ds)
            throws IOException {
        String ddl = options.get(DDL);
        if (ddl != null) {
            List<TableDef> defs;
            try {
                defs = SqlSchema.parse(ddl, "option " + DDL, n -> ds.flatMap(d -> d.table(n)));
            } catch (SchemaParseException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            List<String> names = new ArrayList<>();
            for (TableDef d : defs) {
                if (d.name().equals(table)) {
                    return Optional.of(d);
                }
                names.add(d.name());
            }
            throw new IllegalArgumentException("option " + DDL + " defines no table " + table + " (it defines " + names + ")");
        }
        String store = options.get(SCHEMA_STORE);
        if (store != null) {
            return Optional.of(storeTable(Path.of(store), table));
        }
        return Optional.empty();
    }

    private static TableDef storeTable(Path store, String table) throws IOException {
        try (ColumnStore s = ColumnStore.openReadOnly(store)) {
            return s.table(table).map(TableInfo::def).orElseThrow(() -> new IllegalArgumentException(
                    "Ingot store " + store + " holds no table " + table + " (tables: "
                            + s.tables().stream().map(TableInfo::name).toList() + ")"));
        }
    }
}
