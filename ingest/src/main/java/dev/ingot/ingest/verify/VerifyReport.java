package dev.ingot.ingest.verify;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link StoreVerifier#verify}: a profile per table that could be read, and every
 * problem found (checksum mismatches, constraint violations, NULLs in NOT NULL columns, row
 * count mismatches). Immutable. Its JSON form ({@code ingot verify --json}) is written by the CLI
 * module's {@code dev.ingot.ingest.cli.VerifyReportJson}.
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
}
