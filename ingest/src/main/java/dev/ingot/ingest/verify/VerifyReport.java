package dev.ingot.ingest.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link StoreVerifier#verify}: a profile per table that could be read, and every
 * problem found (checksum mismatches, constraint violations, NULLs in NOT NULL columns, row
 * count mismatches). Immutable.
 */
public record VerifyReport(List<TableProfile> tables, List<String> problems) {
    public VerifyReport {
        tables = List.copyOf(tables);
        problems = List.copyOf(problems);
    }

    /** Whether nothing was wrong. */
    public boolean ok() {
        return problems.isEmpty();
    }

    public Optional<TableProfile> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
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
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        ArrayNode tablesNode = doc.putArray("tables");
        for (TableProfile t : tables) {
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
            return mapper.writer().with(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).writeValueAsString(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise verify report", e);
        }
    }
}
