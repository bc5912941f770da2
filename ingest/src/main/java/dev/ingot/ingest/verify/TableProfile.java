package dev.ingot.ingest.verify;

import java.util.List;

/** Row count and per-column profiles of one stored table. Immutable. */
public record TableProfile(String name, long rows, List<ColumnProfile> columns) {
    public TableProfile {
        columns = List.copyOf(columns);
    }

    /** The profile of column {@code column}. @throws IllegalArgumentException if absent */
    public ColumnProfile column(String column) {
        return columns.stream().filter(c -> c.name().equals(column)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column " + column + " in table " + name));
    }
}
