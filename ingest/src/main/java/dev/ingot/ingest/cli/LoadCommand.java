package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.parquet.ParquetSource;
import dev.ingot.ingest.text.DelimitedTextSource;
import dev.ingot.ingest.text.RejectedLines;
import dev.ingot.ingest.text.TextDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ingot load}: loads CSV, TSV, dbgen {@code .tbl}, Parquet or Arrow IPC files into tables, with
 * every constraint enforced, in two forms:
 * <ul>
 *   <li>{@code --table T FILE...}: into table T, which {@code ingot create} made (empty);</li>
 *   <li>{@code --schema SCHEMA.sql T1=FILE T2=FILE ...}: creates the schema's tables (those not
 *       in the store yet) and loads them in foreign-key order, in parallel where independent; a
 *       table may be named several times (its files are read in order), a schema table named by
 *       no argument is created empty.</li>
 * </ul>
 * The store is created if missing. Loading into a table that already holds rows appends to it: the
 * new rows' keys are checked against the stored rows through the persisted key indexes, at a cost
 * proportional to the rows appended, and the append commits with its index segments. Options apply to every file of the command; the format comes from
 * {@code --format} or else each file's extension ({@code .csv}, {@code .txt}: CSV; {@code .tsv}:
 * CSV with a tab delimiter; {@code .tbl}: dbgen; {@code .parquet}: Parquet; {@code .arrow}: Arrow IPC file).
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = {"Loads delimited text (CSV, TSV, .tbl), Parquet or Arrow IPC files into tables, every constraint enforced.",
                "Either --table T FILE... (a table made by 'ingot create') or --schema SCHEMA.sql T1=FILE T2=FILE ..."})
final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    LoadRunOptions run;

    @Option(names = "--store", required = true, description = "store directory (created if missing)")
    Path store;

    @Option(names = "--table", description = "the table to load (made by 'ingot create')")
    String table;

    @Option(names = "--schema", description = "a file of CREATE TABLE statements; the arguments are then TABLE=FILE")
    Path schema;

    @Option(names = "--format", description = "csv, tbl, parquet or arrow (default: from each file's extension)")
    String format;

    @Mixin
    DialectOptions dialectOptions;

    @Option(names = "--max-errors", description = "skip up to N rejected lines (each written to --rejects); more fail the load"
            + " (default: 0, all-or-nothing)", defaultValue = "0")
    long maxErrors;

    @Option(names = "--rejects", description = "CSV file of the skipped lines: file, line, column, reason (with --max-errors)")
    Path rejects;







    @Parameters(paramLabel = "FILE", arity = "1..*", description = "files (with --table), or TABLE=FILE pairs (with --schema)")
    List<String> inputs;

    @Override
    public Integer call() throws Exception {
        if ((table == null) == (schema == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --table and --schema");
        }
        run.validate(spec);
        if (maxErrors < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-errors must be >= 0: " + maxErrors);
        }
        if (maxErrors > 0 && rejects == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-errors needs --rejects FILE");
        }
        Map<String, List<Path>> files = new LinkedHashMap<>();
        if (table != null) {
            files.put(table, inputs.stream().map(Path::of).toList());
        } else {
            for (String arg : inputs) {
                int eq = arg.indexOf('=');
                if (eq <= 0 || eq == arg.length() - 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "with --schema every argument is TABLE=FILE: " + arg);
                }
                files.computeIfAbsent(arg.substring(0, eq), k -> new ArrayList<>()).add(Path.of(arg.substring(eq + 1)));
            }
        }
        String banner = String.format("ingot: loading %s into %s (%s)", String.join(", ", files.keySet()), store, run.describe());
        try (RejectedLines rejected = maxErrors > 0 ? new RejectedLines(rejects, maxErrors) : null) {
            int code = LoadRun.run(store, false, run.memoryLimitBytes(), run.loadOptions(), !run.noProgress, banner, (cs, arrow) ->
                    new LoadRun.Plan(tablesToLoad(cs, files), (def, batchRows, n) -> open(arrow, def,
                            files.getOrDefault(def.name(), List.of()), batchRows, n, rejected), t -> 0, totalSize(files),
                            t -> files.containsKey(t) ? files.get(t).stream().map(Path::toString).collect(Collectors.joining(", ")) : null),
                    run.reportJson == null ? null : (report, peakRss, storeBytes) -> LoadReportJson.write(run.reportJson, null,
                            String.join(" ", inputs), report, peakRss, storeBytes));
            if (rejected != null) {
                System.err.println("ingot: " + rejected.count() + " rejected lines written to " + rejects);
            }
            return code;
        }
    }

    /** The input files' total size in bytes (the progress bar's total); a file that cannot be sized counts 0 (its source reports it). */
    private static long totalSize(Map<String, List<Path>> files) {
        long total = 0;
        for (List<Path> paths : files.values()) {
            for (Path p : paths) {
                try {
                    total += Files.size(p);
                } catch (IOException e) {
                    // opening the source names the file and the cause
                }
            }
        }
        return total;
    }

    /** The tables of the load, checked against the store: each absent, or present with the same definition. */
    private List<TableDef> tablesToLoad(ColumnStore cs, Map<String, List<Path>> files) throws IOException {
        List<TableDef> tables = new ArrayList<>();
        if (schema != null) {
            String sql = Files.readString(schema, StandardCharsets.UTF_8);
            tables.addAll(SqlSchema.parse(sql, schema.toString(), name -> cs.table(name).map(TableInfo::def)));
            for (String name : files.keySet()) {
                if (tables.stream().noneMatch(t -> t.name().equals(name))) {
                    throw new IOException("table " + name + " is not defined in " + schema);
                }
            }
        } else {
            TableInfo info = cs.table(table).orElseThrow(() -> new IOException("table " + table + " does not exist in store " + store
                    + " (define it with: ingot create --store " + store + " SCHEMA.sql)"));
            tables.add(info.def());
        }
        for (TableDef t : tables) {
            TableInfo existing = cs.table(t.name()).orElse(null);
            if (existing != null && !existing.def().equals(t)) {
                throw new IOException("table " + t.name() + " exists in store " + store + " with a different definition:\n"
                        + SqlSchema.toDdl(List.of(existing.def())));
            }
        }
        return tables;
    }

    private BatchSource open(BufferAllocator arrow, TableDef def, List<Path> paths, int batchRows, int threads,
                             RejectedLines rejected) throws IOException {
        if (paths.isEmpty()) {
            return new BatchSource() { // a schema table named by no argument: created empty
                @Override
                public dev.ingot.ingest.InsertSource.ArrowBatch next() {
                    return null;
                }

                @Override
                public void close() {
                }
            };
        }
        String fmt = formatOf(paths.get(0));
        for (Path p : paths) {
            if (!formatOf(p).equals(fmt)) {
                throw new IOException("files of table " + def.name() + " have different formats: " + paths.get(0) + " (" + fmt + "), "
                        + p + " (" + formatOf(p) + "); load them with separate commands or give --format");
            }
        }
        switch (fmt) {
            case "arrow":
                if (paths.size() != 1) {
                    throw new IOException("table " + def.name() + ": one Arrow IPC file per table, got " + paths.size());
                }
                return ArrowIpcSource.open(arrow, def, paths.get(0));
            case "parquet":
                return ParquetSource.open(arrow, def, paths, batchRows, threads);
            default:
                return DelimitedTextSource.open(arrow, def, dialect(fmt, paths.get(0)), paths, batchRows, threads, rejected);
        }
    }

    /** csv, tsv, tbl, arrow or parquet: {@code --format}, else the file's extension. */
    private String formatOf(Path p) throws IOException {
        if (format != null) {
            String f = format.toLowerCase(Locale.ROOT);
            if (!List.of("csv", "tsv", "tbl", "arrow", "parquet").contains(f)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--format must be csv, tbl, parquet or arrow: " + format);
            }
            return f;
        }
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        switch (ext) {
            case "csv":
            case "txt": return "csv";
            case "tsv": return "tsv";
            case "tbl": return "tbl";
            case "arrow": return "arrow";
            case "parquet": return "parquet";
            default:
                throw new IOException("cannot tell the format of " + p + " from its extension (.csv .tsv .txt .tbl .parquet .arrow);"
                        + " give --format");
        }
    }

    /** The format's dialect with the command's options over it. */
    private TextDialect dialect(String fmt, Path first) {
        TextDialect d = fmt.equals("tbl") ? TextDialect.tbl() : fmt.equals("tsv") ? TextDialect.tsv() : TextDialect.csv();
        try {
            if (run.maxLineBytes != null) {
                d = d.withMaxLineBytes(run.maxLineBytes);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + " (reading " + first + ")");
        }
        return dialectOptions.apply(d, spec, "(reading " + first + ")");
    }
}
