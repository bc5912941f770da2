package dev.ingot.perf;

import dev.ingot.perf.BenchReport.RunResult;
import dev.ingot.perf.BenchReport.ScaleReport;
import dev.ingot.perf.BenchReport.VariantSummary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A self-contained HTML page of a {@link BenchReport}: inline CSS and SVG, no scripts, no
 * external resources. Per scale factor: wall time per variant (median bar, min-max whisker,
 * ratio to DuckDB), where the seconds go (stacked stage bars), seconds per table, and the
 * numbers as a table. Stateless.
 */
public final class HtmlReport {
    private static final int WIDTH = 960;
    private static final int LABEL_W = 150;
    private static final int RIGHT_W = 170;
    private static final int BAR_H = 22;
    private static final int GAP = 10;
    private static final String[] STAGE_COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    /** Fixed colours of the stages every report has, so charts of different runs read alike. */
    private static final Map<String, String> KNOWN_STAGE_COLORS = Map.ofEntries(
            Map.entry("source", "#4e79a7"), Map.entry("constraints", "#f28e2b"), Map.entry("append", "#59a14f"),
            Map.entry("flush", "#9c755f"), Map.entry("parents", "#bab0ac"),
            Map.entry("listeners", "#e15759"), Map.entry("commit", "#76b7b2"), Map.entry("schema", "#edc948"),
            Map.entry("copy", "#e8a33d"), Map.entry("checkpoint", "#b07aa1"), Map.entry("read", "#c8c8c8"),
            Map.entry("parse", "#7f7f7f"), Map.entry("gen", "#a5a5a5"));

    /**
     * Reported stages that are not time of the loading thread (the source's workers waiting for it),
     * so they are not stacked with the loading thread's stages; they stay in report.json and report.md.
     */
    private static final Set<String> NOT_STACKED = Set.of("backpressure");

    private HtmlReport() {
    }

    private static Map<String, Double> stacked(VariantSummary v) {
        Map<String, Double> m = new java.util.LinkedHashMap<>(v.stages());
        m.keySet().removeAll(NOT_STACKED);
        return m;
    }

    /** The page. */
    public static String render(BenchReport report) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ingot ingest benchmark</title>\n<style>\n")
                .append("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1000px;color:#222;background:#fff}\n")
                .append("h1{font-size:24px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}")
                .append("h3{font-size:15px;margin:20px 0 6px;color:#444}.sub{color:#666;font-size:13px}\n")
                .append("table{border-collapse:collapse;font-size:12.5px;margin:8px 0}th,td{padding:4px 8px;border-bottom:1px solid #eee;text-align:right}")
                .append("th{background:#f6f6f6;font-weight:600}td:first-child,th:first-child{text-align:left}\n")
                .append(".fail{color:#b00020;font-weight:600}.ok{color:#2e7d32;font-weight:600}svg{display:block}\n")
                .append("svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}\n</style></head><body>\n");
        sb.append("<h1>Ingot ingest benchmark</h1>\n<div class=\"sub\">").append(esc(report.createdAt())).append(" &middot; ");
        List<String> env = new ArrayList<>();
        report.environment().forEach((k, v) -> env.add(esc(k) + ": " + esc(v)));
        sb.append(String.join(" &middot; ", env)).append("<br>").append(report.runs())
                .append(" run(s) per variant, each a fresh JVM (").append(esc(String.join(" ", report.jvmFlags())))
                .append("), interleaved; wall = whole process (JVM start to exit) from <code>/usr/bin/time -v</code>. Result: ")
                .append(report.ok() ? "<span class=\"ok\">all loads verified</span>" : "<span class=\"fail\">FAILED</span>")
                .append("</div>\n");
        for (ScaleReport s : report.scales()) {
            scale(sb, report, s);
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void scale(StringBuilder sb, BenchReport report, ScaleReport s) {
        sb.append(String.format(Locale.ROOT, "<h2>TPC-H SF%s <span class=\"sub\">%,d rows, %.1f MB of .tbl text%s</span></h2>%n",
                TblCache.formatScale(s.scale()), s.rows(), s.tblBytes() / 1e6,
                s.ok() ? ", every load verified" : " &mdash; <span class=\"fail\">FAILED</span>"));
        sb.append("<h3>Wall time per variant (median; whisker min&ndash;max; ratio to DuckDB with keys)</h3>\n");
        wallChart(sb, s.variants());
        sb.append("<h3>Where the seconds go (median per stage)</h3>\n<div class=\"sub\">Ingot: loader-thread seconds per stage summed over")
                .append(" the 8 tables (tables load in parallel, and constraint checks overlap appends on their own thread, so the")
                .append(" stack can be longer than the load; the parser/generator workers' back-pressure wait is in report.md); DuckDB: schema, COPY,")
                .append(" checkpoint on close; floors: their one job. &#9646; = the load's own wall time, &#9647; = process wall")
                .append(" (JVM start and exit included).</div>\n");
        stageChart(sb, s.variants());
        sb.append("<h3>Seconds per table (median)</h3>\n");
        tableChart(sb, s);
        sb.append("<h3>Numbers</h3>\n<table><tr>");
        for (String h : TextReport.HEADER) {
            sb.append("<th>").append(esc(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (VariantSummary v : s.variants()) {
            sb.append("<tr title=\"").append(esc(v.description())).append("\">");
            for (String c : TextReport.cells(v, report.runs())) {
                sb.append("<td>").append(esc(c)).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
        for (RunResult r : s.runs()) {
            if (!r.ok()) {
                sb.append("<div class=\"fail\">FAILED ").append(esc(r.variant())).append(" run ").append(r.run()).append(": ")
                        .append(esc(String.join("; ", r.problems()))).append("</div>\n");
            }
        }
    }

    private static void wallChart(StringBuilder sb, List<VariantSummary> variants) {
        double max = variants.stream().mapToDouble(v -> nz(v.maxWallSeconds())).max().orElse(1);
        Axis axis = new Axis(max);
        int h = 30 + variants.size() * (BAR_H + GAP) + 10;
        svgOpen(sb, h);
        axis.grid(sb, 20, h - 10);
        int y = 30;
        for (VariantSummary v : variants) {
            String color = colorOf(v.variant());
            label(sb, y, v.variant());
            if (!Double.isNaN(v.medianWallSeconds())) {
                rect(sb, axis.x(0), y, axis.w(v.medianWallSeconds()), BAR_H, color, v.variant() + ": median "
                        + TextReport.num(v.medianWallSeconds(), 2) + " s");
                double x1 = axis.x(nz(v.minWallSeconds()));
                double x2 = axis.x(nz(v.maxWallSeconds()));
                int cy = y + BAR_H / 2;
                sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %d H%.1f M%.1f %d V%d M%.1f %d V%d\" stroke=\"#333\" stroke-width=\"1.3\" fill=\"none\"/>%n",
                        x1, cy, x2, x1, cy - 5, cy + 5, x2, cy - 5, cy + 5));
                String text = TextReport.num(v.medianWallSeconds(), 2) + " s"
                        + (Double.isNaN(v.ratioToDuckDb()) || v.variant().equals("duckdb") ? "" : " \u00b7 " + TextReport.ratio(v.ratioToDuckDb()) + " DuckDB");
                text(sb, axis.x(nz(v.maxWallSeconds())) + 8, y + BAR_H / 2 + 4, text, "start", 12, "#222", v.variant().startsWith("ingot"));
            } else {
                text(sb, axis.x(0) + 6, y + BAR_H / 2 + 4, "failed", "start", 12, "#b00020", true);
            }
            y += BAR_H + GAP;
        }
        sb.append("</svg>\n");
    }

    private static void stageChart(StringBuilder sb, List<VariantSummary> variants) {
        double max = 0;
        Set<String> stageNames = new LinkedHashSet<>();
        for (VariantSummary v : variants) {
            double sum = stacked(v).values().stream().mapToDouble(HtmlReport::nz).sum();
            max = Math.max(max, Math.max(sum, nz(v.medianWallSeconds())));
            stageNames.addAll(stacked(v).keySet());
        }
        List<String> names = new ArrayList<>(stageNames);
        Axis axis = new Axis(max);
        int legendRows = (names.size() + 5) / 6;
        int h = 30 + variants.size() * (BAR_H + GAP) + 14 + legendRows * 20;
        svgOpen(sb, h);
        int chartBottom = 30 + variants.size() * (BAR_H + GAP);
        axis.grid(sb, 20, chartBottom);
        int y = 30;
        for (VariantSummary v : variants) {
            label(sb, y, v.variant());
            double x = axis.x(0);
            for (Map.Entry<String, Double> e : stacked(v).entrySet()) {
                double w = axis.w(nz(e.getValue()));
                if (w > 0) {
                    rect(sb, x, y, w, BAR_H, stageColor(e.getKey(), names),
                            v.variant() + " " + e.getKey() + ": " + TextReport.num(e.getValue(), 2) + " s");
                    if (w > 42) {
                        text(sb, x + w / 2, y + BAR_H / 2 + 4, TextReport.num(e.getValue(), 1), "middle", 11, "#fff", false);
                    }
                    x += w;
                }
            }
            double load = nz(v.medianLoadSeconds());
            double wall = nz(v.medianWallSeconds());
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"#111\"><title>load %.2f s</title></rect>%n",
                    axis.x(load) - 1.5, y - 3, BAR_H + 6, load));
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"#fff\" stroke=\"#111\" stroke-width=\"1\"><title>process wall %.2f s</title></rect>%n",
                    axis.x(wall) - 1.5, y - 3, BAR_H + 6, wall));
            text(sb, Math.max(x, axis.x(wall)) + 8, y + BAR_H / 2 + 4, TextReport.num(load, 2) + " s load", "start", 12, "#222", false);
            y += BAR_H + GAP;
        }
        int ly = chartBottom + 14;
        for (int i = 0; i < names.size(); i++) {
            double lx = LABEL_W + (i % 6) * 125;
            int row = ly + (i / 6) * 20;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>%n",
                    lx, row, stageColor(names.get(i), names)));
            text(sb, lx + 17, row + 10, names.get(i), "start", 12, "#333", false);
        }
        sb.append("</svg>\n");
    }

    private static void tableChart(StringBuilder sb, ScaleReport s) {
        List<VariantSummary> shown = s.variants().stream().filter(v -> !v.tableSeconds().isEmpty()
                && !v.variant().equals("floor-read")).toList();
        if (shown.isEmpty()) {
            sb.append("<div class=\"sub\">no per-table times</div>\n");
            return;
        }
        List<String> tables = new ArrayList<>(s.tableRows().keySet());
        double max = shown.stream().flatMap(v -> v.tableSeconds().values().stream()).mapToDouble(HtmlReport::nz).max().orElse(1);
        Axis axis = new Axis(max);
        int barH = 9;
        int groupH = shown.size() * (barH + 2) + 10;
        int h = 30 + tables.size() * groupH + 14 + 20;
        svgOpen(sb, h);
        int bottom = 30 + tables.size() * groupH;
        axis.grid(sb, 20, bottom);
        int y = 30;
        for (String t : tables) {
            text(sb, LABEL_W - 10, y + groupH / 2 - 2, t, "end", 13, "#222", false);
            int by = y;
            for (VariantSummary v : shown) {
                Double sec = v.tableSeconds().get(t);
                if (sec != null && !sec.isNaN()) {
                    rect(sb, axis.x(0), by, Math.max(1, axis.w(sec)), barH, colorOf(v.variant()),
                            v.variant() + " " + t + ": " + TextReport.num(sec, 2) + " s");
                    text(sb, axis.x(0) + Math.max(1, axis.w(sec)) + 4, by + barH - 1, TextReport.num(sec, 2), "start", 10, "#555", false);
                }
                by += barH + 2;
            }
            y += groupH;
        }
        for (int i = 0; i < shown.size(); i++) {
            double lx = LABEL_W + i * 125;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" rx=\"2\" fill=\"%s\"/>%n",
                    lx, bottom + 12, colorOf(shown.get(i).variant())));
            text(sb, lx + 17, bottom + 22, shown.get(i).variant(), "start", 12, "#333", false);
        }
        sb.append("</svg>\n");
    }

    /** A linear x axis from 0 to a rounded maximum, over the plot area. */
    private static final class Axis {
        final double max;
        final double step;

        Axis(double dataMax) {
            double m = dataMax > 0 ? dataMax : 1;
            double raw = m / 6;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double norm = raw / mag;
            step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10) * mag;
            max = Math.ceil(m / step) * step;
        }

        double x(double v) {
            return LABEL_W + w(v);
        }

        double w(double v) {
            return Math.max(0, v) / max * (WIDTH - LABEL_W - RIGHT_W);
        }

        void grid(StringBuilder sb, int top, int bottom) {
            for (double v = 0; v <= max + step / 2; v += step) {
                double x = x(v);
                sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1\"/>%n",
                        x, top, x, bottom, v == 0 ? "#999" : "#e6e6e6"));
                text(sb, x, top - 6, (step < 1 ? TextReport.num(v, 1) : TextReport.num(v, 0)) + (v == 0 ? "" : " s"), "middle", 11, "#777", false);
            }
        }
    }

    private static void svgOpen(StringBuilder sb, int height) {
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n",
                WIDTH, height, WIDTH, height));
    }

    private static void label(StringBuilder sb, int y, String text) {
        text(sb, LABEL_W - 10, y + BAR_H / 2 + 4, text, "end", 13, "#222", text.startsWith("ingot"));
    }

    private static void rect(StringBuilder sb, double x, int y, double w, int h, String fill, String title) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" rx=\"2\" fill=\"%s\"><title>%s</title></rect>%n",
                x, y, w, h, fill, esc(title)));
    }

    private static void text(StringBuilder sb, double x, double y, String text, String anchor, int size, String fill, boolean bold) {
        sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\"%s>%s</text>%n",
                x, y, anchor, size, fill, bold ? " font-weight=\"600\"" : "", esc(text)));
    }

    private static String stageColor(String stage, List<String> names) {
        String known = KNOWN_STAGE_COLORS.get(stage);
        return known != null ? known : STAGE_COLORS[Math.max(0, names.indexOf(stage)) % STAGE_COLORS.length];
    }

    /** Fill colour of a variant: Ingot blues, DuckDB ambers, floors greys. */
    static String colorOf(String variant) {
        switch (variant) {
            case "ingot-tbl": return "#1f5fa8";
            case "ingot-gen": return "#5b9bd5";
            case "duckdb": return "#e8a33d";
            case "duckdb-nokeys": return "#f3cf8e";
            case "floor-parse": return "#7f7f7f";
            case "floor-gen": return "#a5a5a5";
            default: return "#c8c8c8";
        }
    }

    private static double nz(double d) {
        return Double.isNaN(d) ? 0 : d;
    }

    private static double nz(Double d) {
        return d == null || d.isNaN() ? 0 : d;
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
