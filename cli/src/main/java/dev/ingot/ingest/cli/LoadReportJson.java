package dev.ingot.ingest.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.constraints.KeySetReport;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.LoadStage;
import dev.ingot.ingest.TableLoadReport;
import dev.ingot.pager.PagerDiagnostics;
import dev.ingot.pager.PagerDiagnostics.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a load's report as JSON (the machine-readable twin of the printed summary), read by the
 * ingest benchmark. Shape ({@code "scale"} only for a TPC-H load, {@code load-tpch} and the
 * benchmark; a general {@code ingot load} has no scale and names its input files in {@code "source"}):
 * <pre>{@code
 * {"scale":1.0, "source":"generator", "mode":"IMMEDIATE", "wallSeconds":..., "rows":..., "peakRssBytes":..., "storeBytes":...,
 *  "constraintPeakBytes":..., "constraintOutstandingBytes":0, "failure":null,
 *  "tables":[{"name":..., "rows":..., "seconds":..., "batches":..., "batchRows":..., "chunkRows":..., "keySetBytes":...,
 *    "keySets":[{"constraint":..., "kind":"sorted|bitmap|sorted-array|hash", "bytes":peak, "keys":...}],
 *             "stages":{"source":s, "constraints":s, "append":s, "listeners":s, "commit":s},
 *             "batchLatencyMicros":{"count":..., "p50":..., "p99":..., "max":...},
 *             "pager":{"allocCalls":..., "keysAllocated":..., "putBatches":..., "blobsPut":..., "bytesWritten":..., "overwrites":...}}],
 *  "pager":{... the same pager keys for the whole load ...}}
 * }</pre>
 */
public final class LoadReportJson {
    private LoadReportJson() {}

    /**
     * Writes {@code report} to {@code file} in the shape above (also used by the benchmark's
     * Parquet load child).
     *
     * @param scale  the TPC-H scale factor, or null for a load that is not TPC-H (no {@code "scale"} field)
     * @param source what was loaded: {@code "generator"}, a directory, or the input files
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Double scale, String source, LoadReport report, long peakRssBytes, long storeBytes)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode doc = mapper.createObjectNode();
        if (scale != null) {
            doc.put("scale", scale);
        }
        doc.put("source", source);
        doc.put("mode", report.tables().isEmpty() ? null : report.tables().get(0).mode().name());
        doc.put("wallSeconds", report.seconds());
        doc.put("rows", report.totalRows());
        doc.put("peakRssBytes", peakRssBytes);
        doc.put("storeBytes", storeBytes);
        doc.put("constraintPeakBytes", report.constraintPeakBytes());
        doc.put("constraintOutstandingBytes", report.constraintOutstandingBytes());
        doc.put("failure", report.failure() == null ? null : IngotCli.oneLine(report.failure()));
        ArrayNode tables = doc.putArray("tables");
        for (TableLoadReport t : report.tables()) {
            ObjectNode tn = tables.addObject();
            tn.put("name", t.table());
            tn.put("rows", t.rows());
            tn.put("seconds", t.seconds());
            tn.put("batches", t.batches());
            tn.put("batchRows", t.batchRows());
            tn.put("chunkRows", t.chunkRows());
            tn.put("keySetBytes", t.keySetBytes());
            ArrayNode sets = tn.putArray("keySets");
            for (KeySetReport k : t.keySets()) {
                ObjectNode kn = sets.addObject();
                kn.put("constraint", k.constraint());
                kn.put("kind", k.kind().label());
                kn.put("bytes", k.peakBytes());
                kn.put("keys", k.keys());
                kn.put("spilledBytes", k.spilledBytes());
                kn.put("seconds", k.nanos() / 1e9);
            }
            ObjectNode stages = tn.putObject("stages");
            for (LoadStage s : LoadStage.values()) {
                stages.put(s.label(), t.stages().seconds(s));
            }
            ObjectNode lat = tn.putObject("batchLatencyMicros");
            lat.put("count", t.latency().count());
            lat.put("p50", t.latency().p50Micros());
            lat.put("p99", t.latency().p99Micros());
            lat.put("max", t.latency().maxMicros());
            pager(tn.putObject("pager"), t.pager());
        }
        pager(doc.putObject("pager"), report.pager());
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        mapper.writeValue(file.toFile(), doc);
    }

    private static void pager(ObjectNode n, PagerDiagnostics.Snapshot p) {
        n.put("allocCalls", p.get(Counter.ALLOC_CALLS));
        n.put("keysAllocated", p.get(Counter.KEYS_ALLOCATED));
        n.put("putBatches", p.get(Counter.PUT_BATCHES));
        n.put("blobsPut", p.get(Counter.BLOBS_PUT));
        n.put("bytesWritten", p.get(Counter.BYTES_WRITTEN));
        n.put("freshWrites", p.get(Counter.FRESH_WRITES));
        n.put("overwrites", p.get(Counter.OVERWRITES));
        n.put("frees", p.get(Counter.FREES));
        n.put("commits", p.get(Counter.COMMITS));
        n.put("forces", p.get(Counter.FORCES));
    }
}
