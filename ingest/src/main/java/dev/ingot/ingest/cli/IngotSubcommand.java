package dev.ingot.ingest.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand of {@code ingot} that lives in a module depending on ingest (e.g. {@code ingot
 * sql} in the sql module, over Apache Calcite), found with {@link java.util.ServiceLoader}: the
 * implementing class carries picocli's {@code @Command(name = ...)}, has a public no-argument
 * constructor and is listed in {@code META-INF/services/dev.ingot.ingest.cli.IngotSubcommand}.
 * The command is present when its module is on the class path (the launcher puts it there).
 * Its failures go through {@link IngotCli}'s handler (exit 1, one line on standard error).
 */
public interface IngotSubcommand extends Callable<Integer> {
}
