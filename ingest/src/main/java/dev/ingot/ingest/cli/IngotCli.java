package dev.ingot.ingest.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code ingot} command-line tool. Exit codes: 0 success; 1 the job failed
 * (constraint violation, bad input, corruption found, I/O error), with a one-line cause on
 * standard error; 2 bad command-line usage.
 */
@Command(name = "ingot", mixinStandardHelpOptions = true, versionProvider = IngotCli.Version.class,
        description = "Ingot: an embedded off-heap columnar storage engine; bulk ingest with integrity.",
        subcommands = {LoadTpchCommand.class, VerifyCommand.class, GenTblCommand.class, DiagCommand.class,
                CommandLine.HelpCommand.class})
public final class IngotCli {
    /** Exit code of a job that failed. */
    static final int EXIT_FAILED = 1;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new IngotCli()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("ingot: error: " + oneLine(ex));
            err.flush();
            if (Boolean.getBoolean("ingot.debug")) {
                ex.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }

    /** The first non-empty message along the cause chain, on one line. */
    static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().replace('\n', ' ');
            }
        }
        return e.toString();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = IngotCli.class.getPackage().getImplementationVersion();
            return new String[] {"ingot " + (v == null ? "dev" : v) + " on Java " + Runtime.version()};
        }
    }
}
