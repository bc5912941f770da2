package dev.ingot.ingest.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ingot.ingest.verify.ColumnProfile;
import dev.ingot.ingest.verify.TableProfile;
import dev.ingot.ingest.verify.VerifyReport;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The JSON form of a {@link VerifyReport}, as {@code ingot verify --json} prints it (Jackson).
 * Stateless and thread-safe.
 */
public final class VerifyReportJson {
    private VerifyReportJson() {
    }

    /** Puts one profile value as its JSON form: integers and decimals as numbers, booleans, non-finite doubles and UUIDs as strings. */
    private static void putValue(ObjectNode node, String key, Object v) {
        if (v == null) {
            node.putNull(key);
        } else if (v instanceof Long l) {
            node.put(key, l);
        } else if (v instanceof BigInteger b) {
            node.put(key, b);
        } else if (v instanceof BigDecimal d) {
            node.put(key, d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros());
        } else if (v instanceof Boolean b) {
            node.put(key, b);
        } else if (v instanceof Double d) {
            if (Double.isFinite(d)) {
                node.put(key, d);
            } else {
                node.put(key, d.toString());
            }
        } else {
            node.put(key, v.toString());
        }
    }

    /**
     * The JSON document {@code {"tables":[{"name":..., "rows":N, "columns":[{"name":..., "type":...,
     * "nulls":N, "min":..., "max":..., "sum":...}, ...]}]}}; CHAR/VARCHAR/VARBINARY columns carry
     * {@code "bytes"} instead of min/max/sum. Values per type as in {@link ColumnProfile}:
     * integers, decimals (unscaled) and exact sums as JSON numbers, BOOLEAN min/max as JSON
     * booleans, REAL/DOUBLE min/max as JSON numbers ("NaN", "Infinity", "-Infinity" as strings),
     * their exact sum as a plain decimal number and {@code "nonFinite"} as a count, UUID min/max as
     * strings and no sum. Contains nothing that depends on where the data came from (no
     * times, paths or store layout), so two loads of the same data print the same document.
     */
    public static String toJson(VerifyReport report) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        ArrayNode tablesNode = doc.putArray("tables");
        for (TableProfile t : report.tables()) {
            ObjectNode tn = tablesNode.addObject();
            tn.put("name", t.name());
            tn.put("rows", t.rows());
            ArrayNode cols = tn.putArray("columns");
            for (ColumnProfile c : t.columns()) {
                ObjectNode cn = cols.addObject();
                cn.put("name", c.name());
                cn.put("type", c.type());
                cn.put("nulls", c.nulls());
                if (c.isText()) {
                    cn.put("bytes", c.textBytes());
                } else {
                    putValue(cn, "min", c.min());
                    putValue(cn, "max", c.max());
                    if (c.sum() != null) {
                        putValue(cn, "sum", c.sum());
                    }
                    if (c.nonFinite() != null) {
                        cn.put("nonFinite", c.nonFinite());
                    }
                }
            }
        }
        try {
            return mapper.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise verify report", e);
        }
    }
}
