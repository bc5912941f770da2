package dev.ingot.perf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one {@code ./ingot bench} invocation measured, as written to {@code report.json}
 * (Jackson serialises the records field by field; seconds are wall-clock seconds, sizes bytes).
 * Immutable.
 *
 * @param createdAt   ISO-8601 time the bench started
 * @param environment java version, OS, processors, DuckDB version and the like
 * @param jvmFlags    the flags of every child JVM
 * @param runs        runs per variant
 * @param scales      one report per scale factor
 * @param ok          whether every run of every variant loaded and verified
 */
public record BenchReport(String createdAt, Map<String, String> environment, List<String> jvmFlags, int runs,
                          List<ScaleReport> scales, boolean ok) {

    /**
     * One scale factor.
     *
     * @param tblBytes     bytes of the 8 {@code .tbl} files (the input MB/s is computed from)
     * @param rows         rows of the 8 tables
     * @param tableRows    rows per table (from the {@code .tbl} files)
     * @param variants     summaries, in the order run
     * @param runs         every run, in the order run (run 1 of every variant, then run 2, ...)
     */
    public record ScaleReport(double scale, long tblBytes, long rows, Map<String, Long> tableRows,
                              List<VariantSummary> variants, List<RunResult> runs, boolean ok) {
        /** The summary of variant {@code id}, or null. */
        public VariantSummary variant(String id) {
            return variants.stream().filter(v -> v.variant().equals(id)).findFirst().orElse(null);
        }
    }

    /**
     * One run of one variant.
     *
     * @param wallSeconds  process wall time from {@code /usr/bin/time -v} (JVM start to exit), or
     *                     measured by the bench when that tool is missing
     * @param loadSeconds  the child's own wall time of the load (without JVM start and exit)
     * @param cpuSeconds   user + system CPU seconds of the child (NaN without /usr/bin/time)
     * @param peakRssBytes peak resident set size of the child
     * @param rssSource    {@code time -v} or {@code child} (the child's VmHWM, when time is missing)
     * @param storeBytes   allocated bytes of the store on disk ({@code du}), -1 for floors
     * @param stages       seconds per stage: Ingot loader-thread seconds summed over tables
     *                     (tables overlap, so the sum can exceed the wall time), DuckDB schema /
     *                     copy / checkpoint, a floor's one stage
     * @param tables       per-table rows and seconds
     * @param checks       the {@link LoadChecks} values
     * @param problems     why the run failed (empty when ok)
     */
    public record RunResult(String variant, int run, boolean ok, List<String> problems, double wallSeconds,
                            double loadSeconds, double cpuSeconds, long peakRssBytes, String rssSource,
                            long storeBytes, long rows, Map<String, Double> stages, List<TableRun> tables,
                            Map<String, String> checks) {
        /** A copy with more problems (and ok false if there are any). */
        public RunResult withProblems(List<String> more) {
            if (more.isEmpty()) {
                return this;
            }
            List<String> all = new ArrayList<>(problems);
            all.addAll(more);
            return new RunResult(variant, run, false, all, wallSeconds, loadSeconds, cpuSeconds, peakRssBytes, rssSource,
                    storeBytes, rows, stages, tables, checks);
        }
    }

    /** Rows and seconds of one table in one run ({@code stages} empty when the child gave none). */
    public record TableRun(String name, long rows, double seconds, Map<String, Double> stages) {
    }

    /**
     * Summary of one variant at one scale over its successful runs.
     *
     * @param okRuns             runs that loaded and verified
     * @param medianWallSeconds  median process wall time
     * @param rowsPerSecond      rows / median wall
     * @param tblMegabytesPerSecond .tbl bytes (10^6) / median wall (for the generator: the .tbl
     *                           equivalent of what it produced)
     * @param peakRssBytes       largest peak RSS over the runs
     * @param storeBytes         median allocated store bytes, -1 for floors
     * @param ratioToDuckDb      median over runs of wall / DuckDB's wall in the same run (NaN without DuckDB)
     * @param ratioToParseFloor  median over runs of wall / floor-parse's wall in the same run
     * @param stages             median seconds per stage
     * @param tableSeconds       median seconds per table
     */
    public record VariantSummary(String variant, String description, int okRuns, int failedRuns,
                                 double medianWallSeconds, double minWallSeconds, double maxWallSeconds,
                                 double medianLoadSeconds, double medianCpuSeconds, double rowsPerSecond,
                                 double tblMegabytesPerSecond, long peakRssBytes, long storeBytes,
                                 double ratioToDuckDb, double ratioToParseFloor, Map<String, Double> stages,
                                 Map<String, Double> tableSeconds) {
    }

    /** Summarises the runs of one scale: per variant statistics and pairwise ratios. */
    public static List<VariantSummary> summarize(List<Variant> variants, List<RunResult> runs, int runCount,
                                                 long tblBytes) {
        Map<String, double[]> walls = new LinkedHashMap<>();
        for (Variant v : variants) {
            double[] w = new double[runCount];
            java.util.Arrays.fill(w, Double.NaN);
            for (RunResult r : runs) {
                if (r.variant().equals(v.id()) && r.ok() && r.run() >= 1 && r.run() <= runCount) {
                    w[r.run() - 1] = r.wallSeconds();
                }
            }
            walls.put(v.id(), w);
        }
        List<VariantSummary> out = new ArrayList<>();
        for (Variant v : variants) {
            List<RunResult> ok = runs.stream().filter(r -> r.variant().equals(v.id()) && r.ok()).toList();
            int failed = (int) runs.stream().filter(r -> r.variant().equals(v.id()) && !r.ok()).count();
            double[] w = walls.get(v.id());
            double median = Stats.median(w);
            long rows = ok.isEmpty() ? 0 : ok.get(0).rows();
            Map<String, Double> stages = new LinkedHashMap<>();
            Map<String, Double> tables = new LinkedHashMap<>();
            for (RunResult r : ok) {
                r.stages().keySet().forEach(k -> stages.put(k, Double.NaN));
                r.tables().forEach(t -> tables.put(t.name(), Double.NaN));
            }
            stages.replaceAll((k, x) -> Stats.median(ok.stream().mapToDouble(r -> r.stages().getOrDefault(k, Double.NaN)).toArray()));
            tables.replaceAll((k, x) -> Stats.median(ok.stream().mapToDouble(r -> r.tables().stream()
                    .filter(t -> t.name().equals(k)).mapToDouble(TableRun::seconds).findFirst().orElse(Double.NaN)).toArray()));
            double[] w0 = walls.get(Variant.DUCKDB.id());
            double[] wp = walls.get(Variant.FLOOR_PARSE.id());
            out.add(new VariantSummary(v.id(), v.description(), ok.size(), failed, median, Stats.min(w), Stats.max(w),
                    Stats.median(ok.stream().mapToDouble(RunResult::loadSeconds).toArray()),
                    Stats.median(ok.stream().mapToDouble(RunResult::cpuSeconds).toArray()),
                    rows > 0 ? rows / median : Double.NaN, tblBytes / 1e6 / median,
                    ok.stream().mapToLong(RunResult::peakRssBytes).max().orElse(-1),
                    (long) Stats.median(ok.stream().mapToDouble(r -> (double) r.storeBytes()).toArray()),
                    w0 == null ? Double.NaN : Stats.medianRatio(w, w0),
                    wp == null ? Double.NaN : Stats.medianRatio(w, wp), stages, tables));
        }
        return out;
    }

    /** Writes this report as indented JSON (NaN written as the JSON string "NaN"). */
    public void writeJson(Path file) throws IOException {
        mapper().writeValue(file.toFile(), this);
    }

    /** The JSON text of this report. */
    public String toJson() throws IOException {
        return mapper().writeValueAsString(this);
    }

    static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        m.getFactory().enable(com.fasterxml.jackson.core.json.JsonWriteFeature.WRITE_NAN_AS_STRINGS.mappedFeature());
        return m;
    }
}
