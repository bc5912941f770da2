package dev.ingot.ingest.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

    /**
     * The JSON document {@code {"tables":[{"name":..., "rows":N, "columns":[{"name":..., "type":...,
     * "nulls":N, "min":..., "max":..., "sum":...}, ...]}]}}; text columns carry {@code "bytes"}
     * instead of min/max/sum. Contains nothing that depends on where the data came from (no
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
                    if (c.min() == null) {
                        cn.putNull("min");
                        cn.putNull("max");
                    } else {
                        cn.put("min", c.min());
                        cn.put("max", c.max());
                    }
                    cn.put("sum", c.sum());
                }
            }
        }
        try {
            return mapper.writeValueAsString(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise verify report", e);
        }
    }
}
