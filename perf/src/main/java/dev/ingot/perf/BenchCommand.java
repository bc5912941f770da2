package dev.ingot.perf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.memory.NativeAllocator;
import dev.ingot.perf.BenchReport.RunResult;
import dev.ingot.perf.BenchReport.ScaleReport;
import dev.ingot.perf.BenchReport.TableRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot bench}: the ingest benchmark. For each scale factor it makes sure the
 * {@code .tbl} files are cached, then runs every variant ({@link Variant}) as a fresh child JVM,
 * interleaved (run 1 of every variant, then run 2, ...), verifies every load, and writes
 * {@code report.json}, {@code report.md} and {@code report.html} and prints a table.
 *
 * <p>Verification: every run's row counts must equal the {@code .tbl} line counts, and every
 * load's {@link LoadChecks} must equal those of the reference run (the first successful
 * {@code duckdb} run, else the first successful Ingot run). Ingot stores are also checked in
 * full by {@link StoreVerifier} (checksums, NOT NULL, every PK and FK re-checked) on the runs
 * {@code --full-verify} selects. Any failure marks the run FAILED and the command exits 1.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Ingest benchmark: Ingot load-tpch (from .tbl and from the generator) against DuckDB COPY",
                "with the same PKs and FKs, plus read/parse/generate floors; each run is a fresh JVM."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--scale", split = ",", defaultValue = "0.1,1", description = "scale factors (default: ${DEFAULT-VALUE})")
    List<Double> scales;

    @Option(names = "--runs", defaultValue = "3", description = "runs per variant (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--variants", split = ",", description = "variants to run, in this order (default: all): ${COMPLETION-CANDIDATES}",
            converter = VariantConverter.class, completionCandidates = VariantIds.class)
    List<Variant> variants;

    @Option(names = "--no-duckdb-unconstrained", description = "skip the duckdb-nokeys variant")
    boolean noDuckDbUnconstrained;

    @Option(names = "--out", description = "report directory (default: .ingot-cache/bench-<timestamp>)")
    Path out;

    @Option(names = "--cache", defaultValue = ".ingot-cache", description = "cache of .tbl files and scratch stores (default: ${DEFAULT-VALUE})")
    Path cache;

    @Option(names = "--full-verify", defaultValue = "first", description = "full StoreVerifier check of Ingot stores: first (run 1), all or none (default: ${DEFAULT-VALUE})")
    String fullVerify;

    @Option(names = "--timeout", defaultValue = "1800", description = "seconds after which a child is killed (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--keep", description = "keep the stores and databases of every run (default: delete after checking)")
    boolean keep;

    @Option(names = "--no-time", description = "do not wrap children in /usr/bin/time -v (use the child's own peak RSS)")
    boolean noTime;

    /** The ids {@code --variants} accepts, as its help lists them (picocli would list the enum constants' names). */
    static final class VariantIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Variant.ids().iterator();
        }
    }

    static final class VariantConverter implements picocli.CommandLine.ITypeConverter<Variant> {
        @Override
        public Variant convert(String value) {
            return Variant.of(value.trim());
        }
    }

    private final PrintStream stdout;
    private final PrintStream stderr;

    BenchCommand() {
        this(System.out, System.err);
    }

    BenchCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be >= 1");
        }
        if (!List.of("first", "all", "none").contains(fullVerify)) {
            throw new IllegalArgumentException("--full-verify must be first, all or none: " + fullVerify);
        }
        List<Variant> chosen = new ArrayList<>(variants != null ? variants : List.of(Variant.values()));
        if (noDuckDbUnconstrained) {
            chosen.remove(Variant.DUCKDB_NOKEYS);
        }
        Path outDir = out != null ? out : cache.resolve("bench-" + OffsetDateTime.now().toString().replace(':', '-').substring(0, 19));
        Files.createDirectories(outDir);
        Path work = cache.resolve("bench-work");
        List<String> flags = BenchFlags.childJvmFlags(null);
        ChildRunner runner = new ChildRunner(flags, System.getProperty("java.class.path"), !noTime, timeoutSeconds);
        if (!runner.usesTime()) {
            stderr.println("bench: /usr/bin/time not used; wall time measured around the child, peak RSS from the child's VmHWM");
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        List<ScaleReport> scaleReports = new ArrayList<>();
        for (double sf : scales) {
            TblCache.TblSet tbl = TblCache.ensure(cache, sf, cpus);
            List<RunResult> results = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                for (Variant v : chosen) {
                    Path runDir = work.resolve("sf" + TblCache.formatScale(sf) + "-" + v.id() + "-run" + run);
                    TblCache.deleteTree(runDir);
                    RunResult r = runOne(runner, v, sf, tbl, run, runDir);
                    results.add(r);
                    stderr.printf("bench: SF%s %-13s run %d/%d: %7.2f s wall, %7.1f MiB peak RSS%s%n", TblCache.formatScale(sf),
                            v.id(), run, runs, r.wallSeconds(), r.peakRssBytes() / 1048576.0,
                            r.ok() ? "" : "  FAILED: " + String.join("; ", r.problems()));
                    if (!keep) {
                        TblCache.deleteTree(runDir.resolve("store"));
                        TblCache.deleteTree(runDir.resolve("db"));
                    }
                }
            }
            results = crossCheck(results, tbl);
            ScaleReport sr = new ScaleReport(sf, tbl.totalBytes(), tbl.totalRows(), tbl.rowsPerTable(),
                    BenchReport.summarize(chosen, results, runs, tbl.totalBytes()), results,
                    results.stream().allMatch(RunResult::ok));
            scaleReports.add(sr);
        }
        BenchReport report = new BenchReport(OffsetDateTime.now().toString(), environment(cpus), flags, runs, scaleReports,
                scaleReports.stream().allMatch(ScaleReport::ok));
        report.writeJson(outDir.resolve("report.json"));
        Files.writeString(outDir.resolve("report.md"), TextReport.markdown(report), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("report.html"), HtmlReport.render(report), StandardCharsets.UTF_8);
        stdout.print(TextReport.text(report));
        stdout.println("reports: " + outDir.resolve("report.html") + ", report.md, report.json");
        if (!report.ok()) {
            stderr.println("bench: FAILED: some runs did not load or verify (see the report)");
            return 1;
        }
        return 0;
    }

    private RunResult runOne(ChildRunner runner, Variant v, double sf, TblCache.TblSet tbl, int run, Path runDir)
            throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        Path json = runDir.resolve("result.json");
        String scale = TblCache.formatScale(sf);
        List<String> args;
        String main;
        switch (v) {
            case INGOT_TBL:
            case INGOT_GEN:
                main = "dev.ingot.ingest.cli.IngotCli";
                args = List.of("load-tpch", "--scale", scale, "--source", v == Variant.INGOT_TBL ? tbl.dir().toString() : "generator",
                        "--store", runDir.resolve("store").toString(), "--replace", "--no-progress", "--report-json", json.toString());
                break;
            case INGOT_PARQUET:
                main = ParquetLoad.class.getName();
                args = List.of("--parquet", ParquetLoad.ensureFiles(cache, tbl).toString(), "--scale", scale, "--store", runDir.resolve("store").toString(),
                        "--report-json", json.toString());
                break;
            case INGOT_CSV: {
                main = "dev.ingot.ingest.cli.IngotCli";
                Path csv = CsvCache.ensure(tbl);
                List<String> a = new ArrayList<>(List.of("load", "--store", runDir.resolve("store").toString(), "--schema",
                        csv.resolve(CsvCache.SCHEMA_FILE).toString(), "--header", "--no-progress", "--report-json", json.toString()));
                for (String t : tbl.rowsPerTable().keySet()) {
                    a.add(t + "=" + csv.resolve(t + ".csv"));
                }
                args = a;
                break;
            }
            case DUCKDB:
            case DUCKDB_NOKEYS:
            case DUCKDB_CSV:
                main = DuckDbLoad.class.getName();
                Files.createDirectories(runDir.resolve("db"));
                args = new ArrayList<>(List.of("--tbl", v == Variant.DUCKDB_CSV ? CsvCache.ensure(tbl).toString() : tbl.dir().toString(),
                        "--db", runDir.resolve("db/tpch.duckdb").toString(), "--report-json", json.toString()));
                if (v == Variant.DUCKDB_NOKEYS) {
                    args.add("--no-keys");
                }
                if (v == Variant.DUCKDB_CSV) {
                    args.add("--csv");
                }
                break;
            default:
                main = Floors.class.getName();
                args = List.of("--mode", v.id().substring("floor-".length()), "--scale", scale, "--tbl", tbl.dir().toString(),
                        "--report-json", json.toString());
        }
        ChildRunner.Outcome o = runner.run(main, args, runDir);
        List<String> problems = new ArrayList<>();
        if (o.timedOut()) {
            problems.add("timed out after " + timeoutSeconds + " s");
        } else if (o.exitCode() != 0) {
            problems.add("exit code " + o.exitCode() + ": " + o.stderrTail(3));
        }
        JsonNode doc = null;
        if (problems.isEmpty()) {
            if (Files.isRegularFile(json)) {
                doc = new ObjectMapper().readTree(json.toFile());
            } else {
                problems.add("no result file " + json);
            }
        }
        long peak = o.maxRssBytes() >= 0 ? o.maxRssBytes() : doc == null ? -1 : doc.path("peakRssBytes").asLong(-1);
        String rssSource = o.maxRssBytes() >= 0 ? "time -v" : "child";
        Map<String, Double> stages = new LinkedHashMap<>();
        List<TableRun> tables = new ArrayList<>();
        Map<String, String> checks = new LinkedHashMap<>();
        long storeBytes = -1;
        double loadSeconds = Double.NaN;
        long rows = 0;
        if (doc != null) {
            loadSeconds = doc.path("wallSeconds").asDouble(Double.NaN);
            rows = doc.path("rows").asLong(0);
            for (JsonNode t : doc.path("tables")) {
                Map<String, Double> ts = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = t.path("stages").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    ts.put(e.getKey(), e.getValue().asDouble());
                    stages.merge(e.getKey(), e.getValue().asDouble(), Double::sum);
                }
                tables.add(new TableRun(t.path("name").asText(), t.path("rows").asLong(-1), t.path("seconds").asDouble(Double.NaN), ts));
            }
            switch (v.kind()) {
                case INGOT:
                    Path store = runDir.resolve("store");
                    storeBytes = allocatedBytes(store);
                    try {
                        checks.putAll(LoadChecks.ofIngotStore(store).values());
                    } catch (IOException | RuntimeException e) {
                        problems.add("cannot read the store back: " + e);
                    }
                    if ("all".equals(fullVerify) || ("first".equals(fullVerify) && run == 1)) {
                        problems.addAll(fullVerify(store));
                    }
                    break;
                case DUCKDB:
                    doc.path("stages").fields().forEachRemaining(e -> stages.put(e.getKey(), e.getValue().asDouble()));
                    storeBytes = allocatedBytes(runDir.resolve("db"));
                    break;
                default:
                    stages.put(v.id().substring("floor-".length()), loadSeconds);
            }
            doc.path("checks").fields().forEachRemaining(e -> checks.putIfAbsent(e.getKey(), e.getValue().asText()));
            if (v == Variant.FLOOR_READ && doc.path("bytes").asLong() != tbl.totalBytes()) {
                problems.add("read " + doc.path("bytes").asLong() + " bytes, expected " + tbl.totalBytes());
            }
        }
        if (Double.isNaN(loadSeconds)) {
            loadSeconds = o.wallSeconds();
        }
        return new RunResult(v.id(), run, problems.isEmpty(), problems, o.wallSeconds(), loadSeconds, o.cpuSeconds(), peak,
                rssSource, storeBytes, rows, stages, tables, checks);
    }

    /** Row counts against the .tbl files for every run; column checks against the reference run. */
    static List<RunResult> crossCheck(List<RunResult> results, TblCache.TblSet tbl) {
        LoadChecks expectedRows = LoadChecks.ofRows(tbl.rowsPerTable());
        RunResult reference = results.stream().filter(r -> r.ok() && r.variant().equals(Variant.DUCKDB.id())).findFirst()
                .or(() -> results.stream().filter(r -> r.ok() && r.variant().startsWith("ingot")).findFirst()).orElse(null);
        LoadChecks refChecks = reference == null ? null : new LoadChecks(reference.checks());
        String refName = reference == null ? "" : reference.variant() + " run " + reference.run();
        List<RunResult> out = new ArrayList<>();
        for (RunResult r : results) {
            if (!r.ok() || r.variant().equals(Variant.FLOOR_READ.id())) {
                out.add(r);
                continue;
            }
            LoadChecks mine = new LoadChecks(r.checks());
            List<String> problems = new ArrayList<>(mine.mismatches(expectedRows, r.variant(), ".tbl"));
            if (refChecks != null && !r.variant().startsWith("floor")) {
                problems.addAll(mine.mismatches(refChecks, r.variant(), refName));
            }
            out.add(r.withProblems(problems));
        }
        return out;
    }

    private static List<String> fullVerify(Path store) {
        try (NativeAllocator memory = NativeAllocator.root("bench-verify", 4L << 30);
             ColumnStore cs = ColumnStore.openOrCreate(store, ColumnStoreOptions.defaults())) {
            VerifyReport vr = StoreVerifier.verify(cs, memory);
            List<String> out = new ArrayList<>();
            for (String p : vr.problems()) {
                out.add("verify: " + p);
            }
            if (vr.tables().size() != TpchSchema.tableNames().size()) {
                out.add("verify: store holds " + vr.tables().size() + " tables, expected " + TpchSchema.tableNames().size());
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of("verify failed: " + e);
        }
    }

    /** Allocated bytes under {@code path} per {@code du -s -B1}; the sum of file sizes if du fails. */
    static long allocatedBytes(Path path) throws IOException {
        if (!Files.exists(path)) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("du", "-s", "-B1", path.toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0 && !text.isEmpty()) {
                return Long.parseLong(text.split("\\s+")[0]);
            }
        } catch (IOException | NumberFormatException e) {
            // fall back below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static Map<String, String> environment(int cpus) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        env.put("processors", Integer.toString(cpus));
        env.put("memoryMiB", Long.toString(totalMemoryMiB()));
        env.put("duckdb", duckDbVersion());
        env.put("cpu", cpuModel());
        return env;
    }

    private static long totalMemoryMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static String duckDbVersion() {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException | RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
