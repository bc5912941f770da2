package dev.ingot.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.cli.ProcessMemory;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The reference load: the 8 TPC-H tables into a fresh DuckDB database file with DuckDB's own
 * {@code COPY ... FROM '<table>.tbl'}, through duckdb_jdbc, in foreign-key order.
 *
 * <p>Schema parity with Ingot ({@link TpchSchema}): the same column names, order and types
 * ({@code BIGINT} keys, {@code INTEGER}, {@code DECIMAL(15,2)}, {@code DATE}, {@code CHAR(n)},
 * {@code VARCHAR(n)}), every column {@code NOT NULL}, and, unless {@code --no-keys}, the same
 * {@code PRIMARY KEY} and {@code FOREIGN KEY} clauses declared in {@code CREATE TABLE} (DuckDB
 * enforces both on insert). dbgen's trailing {@code |} needs no workaround: with the target
 * table's column list fixed and {@code AUTO_DETECT false}, DuckDB 2.0's CSV reader accepts the
 * empty field after the last delimiter (checked by {@code DuckDbLoadTest} against the row counts
 * and sums of an Ingot load).
 *
 * <p>Timed: from opening the connection to closing it (DuckDB checkpoints the WAL into the
 * database file on close), the same span as an Ingot load's commit. Not timed: the checks
 * ({@link LoadChecks}) computed afterwards on a new connection.
 *
 * <p>Output (the {@code --report-json} file):
 * <pre>
 * {"engine":"duckdb","keys":true,"wallSeconds":31.2,"rows":8661245,"dbBytes":1,"walBytes":0,"peakRssBytes":1,
 *  "stages":{"schema":0.01,"copy":30.1,"checkpoint":1.1},
 *  "tables":[{"name":"region","rows":5,"seconds":0.01}, ...], "checks":{"rows.region":"5", ...}}
 * </pre>
 * Thread-safety: a command-line program; {@link #load} may be called from tests.
 */
@Command(name = "duckdb-load", mixinStandardHelpOptions = true,
        description = "Loads TPC-H .tbl files into a fresh DuckDB database with COPY (PKs and FKs declared).")
public final class DuckDbLoad implements Callable<Integer> {
    @Option(names = "--tbl", required = true, description = "directory of <table>.tbl files")
    Path tblDir;

    @Option(names = "--db", required = true, description = "database file to create (must not exist)")
    Path dbFile;

    @Option(names = "--report-json", required = true, description = "where to write the JSON result")
    Path reportFile;

    @Option(names = "--no-keys", description = "declare no PRIMARY KEY / FOREIGN KEY constraints")
    boolean noKeys;

    @Option(names = "--csv", description = "read <table>.csv files (RFC 4180, header line) from the --tbl directory instead")
    boolean csv;

    /** The result of one load. */
    public record Result(boolean keys, double wallSeconds, long rows, double schemaSeconds, double copySeconds,
                         double checkpointSeconds, List<TableTime> tables, long dbBytes, long walBytes,
                         LoadChecks checks) {
    }

    /** Seconds and rows of one table's COPY. */
    public record TableTime(String name, long rows, double seconds) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DuckDbLoad()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Result r = load(tblDir, dbFile, !noKeys, csv);
        Files.writeString(reportFile, toJson(r, ProcessMemory.peakRssBytes()));
        System.err.printf("duckdb: loaded %,d rows in %.2f s (%s)%n", r.rows(), r.wallSeconds(),
                r.keys() ? "PRIMARY KEY and FOREIGN KEY declared" : "no keys");
        return 0;
    }

    /**
     * Creates {@code dbFile} and loads {@code tblDir/<table>.tbl} into it, then computes the checks.
     *
     * @param keys whether to declare the primary and foreign keys
     * @throws IOException  if {@code dbFile} already exists or a .tbl file is missing
     * @throws SQLException if DuckDB rejects a statement (a constraint violation, a parse error)
     */
    public static Result load(Path tblDir, Path dbFile, boolean keys) throws IOException, SQLException {
        return load(tblDir, dbFile, keys, false);
    }

    /**
     * As {@link #load(Path, Path, boolean)}; with {@code csv}, from {@code <table>.csv} files with a
     * header line (as {@link CsvCache} writes them) instead of {@code .tbl} files.
     */
    public static Result load(Path tblDir, Path dbFile, boolean keys, boolean csv) throws IOException, SQLException {
        String ext = csv ? ".csv" : ".tbl";
        if (Files.exists(dbFile)) {
            throw new IOException("database file " + dbFile + " already exists");
        }
        for (String t : TpchSchema.tableNames()) {
            if (!Files.isRegularFile(tblDir.resolve(t + ext))) {
                throw new IOException("missing " + tblDir.resolve(t + ext));
            }
        }
        String url = "jdbc:duckdb:" + dbFile.toAbsolutePath();
        List<TableTime> times = new ArrayList<>();
        long start = System.nanoTime();
        double schemaSeconds;
        long copyStart;
        long closeStart;
        long rows = 0;
        Connection c = DriverManager.getConnection(url);
        try (Statement s = c.createStatement()) {
            for (TableDef t : TpchSchema.tables()) {
                s.execute(createTableSql(t, keys));
            }
            copyStart = System.nanoTime();
            schemaSeconds = (copyStart - start) / 1e9;
            for (TableDef t : TpchSchema.tables()) { // foreign-key order
                long t0 = System.nanoTime();
                long n = s.executeUpdate(csv ? csvCopySql(t.name(), tblDir.resolve(t.name() + ext))
                        : copySql(t.name(), tblDir.resolve(t.name() + ext)));
                times.add(new TableTime(t.name(), n, (System.nanoTime() - t0) / 1e9));
                rows += n;
            }
            closeStart = System.nanoTime();
        } finally {
            c.close();
        }
        long end = System.nanoTime();
        LoadChecks checks;
        try (Connection check = DriverManager.getConnection(url)) {
            checks = LoadChecks.ofDuckDb(check);
        }
        Path wal = dbFile.resolveSibling(dbFile.getFileName() + ".wal");
        return new Result(keys, (end - start) / 1e9, rows, schemaSeconds, (closeStart - copyStart) / 1e9,
                (end - closeStart) / 1e9, times, Files.size(dbFile), Files.exists(wal) ? Files.size(wal) : 0, checks);
    }

    /** {@code CREATE TABLE} for {@code t}: Ingot's columns and types, NOT NULL, and (if {@code keys}) its PK and FKs. */
    static String createTableSql(TableDef t, boolean keys) {
        StringBuilder sb = new StringBuilder("CREATE TABLE ").append(t.name()).append(" (");
        List<String> parts = new ArrayList<>();
        for (ColumnDef col : t.columns()) {
            parts.add(col.name() + " " + col.type().sqlName() + (col.nullable() ? "" : " NOT NULL"));
        }
        if (keys) {
            for (ConstraintSpec k : t.constraints()) {
                String cols = String.join(", ", k.columns());
                switch (k.kind()) {
                    case PRIMARY_KEY: parts.add("PRIMARY KEY (" + cols + ")"); break;
                    case UNIQUE: parts.add("UNIQUE (" + cols + ")"); break;
                    default: parts.add("FOREIGN KEY (" + cols + ") REFERENCES " + k.referencedTable()
                            + " (" + String.join(", ", k.referencedColumns()) + ")");
                }
            }
        }
        return sb.append(String.join(", ", parts)).append(")").toString();
    }

    /** The COPY statement for one {@code .tbl} file. */
    static String copySql(String table, Path file) {
        return "COPY " + table + " FROM '" + file.toAbsolutePath().toString().replace("'", "''")
                + "' (FORMAT csv, DELIMITER '|', HEADER false, AUTO_DETECT false)";
    }

    /** The COPY statement for one CSV file with a header line (DuckDB's CSV defaults otherwise: {@code ,} and {@code "}). */
    static String csvCopySql(String table, Path file) {
        return "COPY " + table + " FROM '" + file.toAbsolutePath().toString().replace("'", "''")
                + "' (FORMAT csv, HEADER true, AUTO_DETECT false)";
    }

    static String toJson(Result r, long peakRssBytes) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode doc = m.createObjectNode();
        doc.put("engine", "duckdb");
        doc.put("keys", r.keys());
        doc.put("wallSeconds", r.wallSeconds());
        doc.put("rows", r.rows());
        doc.put("dbBytes", r.dbBytes());
        doc.put("walBytes", r.walBytes());
        doc.put("peakRssBytes", peakRssBytes);
        ObjectNode stages = doc.putObject("stages");
        stages.put("schema", r.schemaSeconds());
        stages.put("copy", r.copySeconds());
        stages.put("checkpoint", r.checkpointSeconds());
        ArrayNode tables = doc.putArray("tables");
        for (TableTime t : r.tables()) {
            tables.addObject().put("name", t.name()).put("rows", t.rows()).put("seconds", t.seconds());
        }
        ObjectNode checks = doc.putObject("checks");
        r.checks().values().forEach(checks::put);
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
