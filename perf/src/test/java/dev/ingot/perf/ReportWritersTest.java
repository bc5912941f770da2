package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ingot.perf.BenchReport.RunResult;
import dev.ingot.perf.BenchReport.ScaleReport;
import dev.ingot.perf.BenchReport.TableRun;
import dev.ingot.perf.BenchReport.VariantSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWritersTest {
    static final List<Variant> VARIANTS = List.of(Variant.INGOT_TBL, Variant.DUCKDB, Variant.FLOOR_PARSE);

    static RunResult run(String variant, int run, double wall, String lineitemRows) {
        Map<String, Double> stages = new LinkedHashMap<>();
        stages.put(variant.startsWith("ingot") ? "source" : "copy", wall * 0.6);
        stages.put(variant.startsWith("ingot") ? "append" : "checkpoint", wall * 0.2);
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("rows.lineitem", lineitemRows);
        checks.put("rows.orders", "15000");
        if (!variant.startsWith("floor")) {
            checks.put("sum.l_extendedprice", "215218976047");
        }
        return new RunResult(variant, run, true, List.of(), wall, wall - 0.4, wall * 1.7, 300L << 20, "time -v",
                variant.startsWith("floor") ? -1 : 12L << 20, 75175, stages,
                List.of(new TableRun("lineitem", 60175, wall * 0.7, Map.of()), new TableRun("orders", 15000, wall * 0.2, Map.of())),
                checks);
    }

    static TblCache.TblSet tbl() {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("orders", 15000L);
        rows.put("lineitem", 60175L);
        Map<String, Long> bytes = new LinkedHashMap<>();
        bytes.put("orders", 1_700_000L);
        bytes.put("lineitem", 7_500_000L);
        return new TblCache.TblSet(Path.of("x"), 0.01, rows, bytes);
    }

    static BenchReport report(List<RunResult> runs) {
        TblCache.TblSet tbl = tbl();
        List<RunResult> checked = BenchCommand.crossCheck(runs, tbl);
        ScaleReport s = new ScaleReport(0.01, tbl.totalBytes(), tbl.totalRows(), tbl.rowsPerTable(),
                BenchReport.summarize(VARIANTS, checked, 2, tbl.totalBytes()), checked, checked.stream().allMatch(RunResult::ok));
        return new BenchReport("2026-01-01T00:00:00Z", Map.of("processors", "2"), List.of("-Xmx1g"), 2, List.of(s), s.ok());
    }

    static List<RunResult> goodRuns() {
        List<RunResult> runs = new ArrayList<>();
        runs.add(run("ingot-tbl", 1, 2.0, "60175"));
        runs.add(run("duckdb", 1, 4.0, "60175"));
        runs.add(run("floor-parse", 1, 1.0, "60175"));
        runs.add(run("ingot-tbl", 2, 3.0, "60175"));
        runs.add(run("duckdb", 2, 3.0, "60175"));
        runs.add(run("floor-parse", 2, 1.5, "60175"));
        return runs;
    }

    @Test
    void summaryMathUsesPairedRuns() {
        BenchReport r = report(goodRuns());
        assertTrue(r.ok());
        VariantSummary ingot = r.scales().get(0).variant("ingot-tbl");
        assertEquals(2.5, ingot.medianWallSeconds(), 1e-12);
        assertEquals(2.0, ingot.minWallSeconds(), 1e-12);
        assertEquals(3.0, ingot.maxWallSeconds(), 1e-12);
        assertEquals(0.75, ingot.ratioToDuckDb(), 1e-12); // median of 2/4 and 3/3
        assertEquals(2.0, ingot.ratioToParseFloor(), 1e-12); // 2/1 and 3/1.5
        assertEquals(75175 / 2.5, ingot.rowsPerSecond(), 1e-6);
        assertEquals(9.2 / 2.5, ingot.tblMegabytesPerSecond(), 1e-9);
        assertEquals(1.5, ingot.stages().get("source"), 1e-12);
        assertEquals(2, ingot.okRuns());
    }

    @Test
    void aWrongAnswerFailsTheRunAndTheReport() {
        List<RunResult> runs = goodRuns();
        runs.set(3, run("ingot-tbl", 2, 0.1, "60174"));
        BenchReport r = report(runs);
        assertFalse(r.ok());
        RunResult bad = r.scales().get(0).runs().get(3);
        assertFalse(bad.ok());
        assertTrue(bad.problems().stream().anyMatch(p -> p.contains("rows.lineitem")), bad.problems().toString());
        VariantSummary ingot = r.scales().get(0).variant("ingot-tbl");
        assertEquals(1, ingot.okRuns());
        assertEquals(1, ingot.failedRuns());
        assertEquals(2.0, ingot.medianWallSeconds(), 1e-12); // the fast wrong run is not counted
        assertTrue(TextReport.text(r).contains("FAILED ingot-tbl run 2"));
    }

    @Test
    void aColumnSumThatDiffersFromDuckDbFails() {
        List<RunResult> runs = goodRuns();
        RunResult r0 = runs.get(0);
        Map<String, String> checks = new LinkedHashMap<>(r0.checks());
        checks.put("sum.l_extendedprice", "1");
        runs.set(0, new RunResult(r0.variant(), 1, true, List.of(), r0.wallSeconds(), r0.loadSeconds(), r0.cpuSeconds(),
                r0.peakRssBytes(), r0.rssSource(), r0.storeBytes(), r0.rows(), r0.stages(), r0.tables(), checks));
        BenchReport r = report(runs);
        assertFalse(r.scales().get(0).runs().get(0).ok());
        assertTrue(r.scales().get(0).runs().get(0).problems().get(0).contains("sum.l_extendedprice"));
    }

    @Test
    void jsonParsesBack(@TempDir Path dir) throws Exception {
        BenchReport r = report(goodRuns());
        Path file = dir.resolve("report.json");
        r.writeJson(file);
        JsonNode doc = new ObjectMapper().readTree(file.toFile());
        assertTrue(doc.path("ok").asBoolean());
        JsonNode scale = doc.path("scales").get(0);
        assertEquals(0.01, scale.path("scale").asDouble(), 1e-12);
        assertEquals(3, scale.path("variants").size());
        assertEquals(6, scale.path("runs").size());
        assertEquals(0.75, scale.path("variants").get(0).path("ratioToDuckDb").asDouble(), 1e-12);
        assertEquals(3.0, scale.path("variants").get(1).path("ratioToParseFloor").asDouble(), 1e-12); // 4/1, 3/1.5
        assertEquals("ingot-tbl", scale.path("runs").get(0).path("variant").asText());
        assertEquals(-1, scale.path("variants").get(2).path("storeBytes").asLong());
    }

    @Test
    void htmlIsSelfContainedWithCharts() {
        String html = HtmlReport.render(report(goodRuns()));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<svg"));
        assertTrue(html.split("<svg", -1).length - 1 >= 3, "three charts");
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http://") && !html.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").matches("(?s).*(src|href)=\"https?:.*"), "no external resources");
        assertTrue(html.contains("ingot-tbl"));
        assertTrue(html.endsWith("</html>\n"));
    }

    @Test
    void markdownHasOneRowPerVariant() {
        String md = TextReport.markdown(report(goodRuns()));
        assertTrue(md.contains("| variant | ok | median s |"), md);
        assertTrue(md.contains("| ingot-tbl | 2/2 | 2.50 | 2.00 | 3.00 |"), md);
        assertTrue(md.contains("| 0.75x |"), md);
        assertEquals(3, md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| variant")).count());
    }
}
