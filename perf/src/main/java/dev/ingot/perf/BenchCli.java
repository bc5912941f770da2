package dev.ingot.perf;

import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of perf's commands, which the {@code ./ingot} launcher dispatches to:
 * {@code ingot bench ...} (the ingest benchmark, {@link BenchCommand}) and
 * * {@code ingot bench-render --report report.json} (re-renders the Markdown and HTML),
 * {@code ingot bench-scan --store DIR [--table T]} (timed full scans of a stored table, {@link ScanCommand}), and
 * {@code ingot jmh [JMH options]}, which hands every argument unchanged to JMH's own
 * {@code org.openjdk.jmh.Main} (e.g. {@code ./ingot jmh -l} lists the benchmarks).
 * Exit codes: 0 success, 1 a run failed or did not verify, 2 bad usage.
 */
@Command(name = "ingot", mixinStandardHelpOptions = true, description = "Ingot measuring instruments.",
        subcommands = {BenchCommand.class, RenderCommand.class, SqlBenchCommand.class, ScanCommand.class, QueryBenchCommand.class, CommandLine.HelpCommand.class})
public final class BenchCli {
    private BenchCli() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length)); // exits itself
            return;
        }
        System.exit(run(args));
    }

    /** Runs a command (not {@code jmh}) and returns its exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new BenchCli());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("ingot: error: " + ex);
            if (Boolean.getBoolean("ingot.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }
}
