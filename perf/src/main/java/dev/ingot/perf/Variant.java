package dev.ingot.perf;

import java.util.Arrays;
import java.util.List;

/**
 * The loads and floors {@code ./ingot bench} runs, each as a fresh child JVM. Immutable.
 */
public enum Variant {
    /** Ingot {@code load-tpch} from the cached {@code .tbl} files, every PK and FK enforced. */
    INGOT_TBL("ingot-tbl", "Ingot load-tpch from .tbl files, all PKs and FKs enforced", Kind.INGOT),
    /** Ingot {@code load-tpch --source generator}, every PK and FK enforced. */
    INGOT_GEN("ingot-gen", "Ingot load-tpch from the in-process generator, all PKs and FKs enforced", Kind.INGOT),
    /** Ingot's bulk loader from Parquet files (the {@code .tbl} files converted by DuckDB), every PK and FK enforced. */
    INGOT_PARQUET("ingot-parquet", "Ingot BulkLoader from Parquet files (DuckDB-written from the same .tbl), all PKs and FKs enforced",
            Kind.INGOT),
    /** Ingot {@code load --schema} from the same tables as CSV (header, every text field quoted), every PK and FK enforced. */
    INGOT_CSV("ingot-csv", "Ingot load --schema from CSV (header, text quoted), all PKs and FKs enforced", Kind.INGOT),
    /** DuckDB {@code COPY} with the PRIMARY and FOREIGN KEYs declared. */
    DUCKDB("duckdb", "DuckDB 2.0 COPY from .tbl files, all PKs and FKs declared", Kind.DUCKDB),
    /** DuckDB {@code COPY} of the same CSV files as {@link #INGOT_CSV}, keys declared. */
    DUCKDB_CSV("duckdb-csv", "DuckDB 2.0 COPY from the CSV files, all PKs and FKs declared", Kind.DUCKDB),
    /** DuckDB {@code COPY} without constraints. */
    DUCKDB_NOKEYS("duckdb-nokeys", "DuckDB 2.0 COPY from .tbl files, no constraints", Kind.DUCKDB),
    /** Read the {@code .tbl} bytes, nothing else. */
    FLOOR_READ("floor-read", "floor: read every .tbl file's bytes (FileChannel, page cache)", Kind.FLOOR),
    /** Parse the {@code .tbl} files into Arrow batches, no store. */
    FLOOR_PARSE("floor-parse", "floor: parse .tbl into Arrow batches with the loader's threads, no store", Kind.FLOOR),
    /** Generate the tables into Arrow batches, no store. */
    FLOOR_GEN("floor-gen", "floor: generate the tables into Arrow batches, no store", Kind.FLOOR);

    /** What runs in the child. */
    public enum Kind { INGOT, DUCKDB, FLOOR }

    private final String id;
    private final String description;
    private final Kind kind;

    Variant(String id, String description, Kind kind) {
        this.id = id;
        this.description = description;
        this.kind = kind;
    }

    /** The name used on the command line and in reports, e.g. {@code ingot-tbl}. */
    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * The variant named {@code id}.
     *
     * @throws IllegalArgumentException naming the valid ids
     */
    public static Variant of(String id) {
        return Arrays.stream(values()).filter(v -> v.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unknown variant " + id + " (expected one of " + ids() + ")"));
    }

    /** Every variant id. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Variant::id).toList();
    }
}
