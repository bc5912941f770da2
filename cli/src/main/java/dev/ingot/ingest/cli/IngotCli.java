package dev.ingot.ingest.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Entry point of the {@code ingot} command-line tool. Exit codes: 0 success; 1 the job failed
 * (constraint violation, bad input, corruption found, I/O error), with a one-line cause on
 * standard error; 2 bad command-line usage.
 */
@Command(name = "ingot", mixinStandardHelpOptions = true, versionProvider = IngotCli.Version.class,
        description = "Ingot: an embedded off-heap columnar storage engine; bulk ingest with integrity.",
        commandListHeading = "%nCommands:%n")
public final class IngotCli {
    /**
     * The built-in subcommands, in the order of the help's command list (then picocli's
     * {@code help}, then the {@link IngotSubcommand}s found on the class path).
     */
    static final List<Class<?>> COMMANDS = List.of(CreateCommand.class, LoadCommand.class, ScanCommand.class, GetCommand.class,
            DeleteCommand.class, DropCommand.class, CompactCommand.class, SchemaCommand.class, LoadTpchCommand.class, VerifyCommand.class,
            GenTblCommand.class, DiagCommand.class);

    /** Exit code of a job that failed. */
    static final int EXIT_FAILED = 1;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the CLI and returns the exit code (for tests). When the first argument names a built-in
     * subcommand, only that subcommand's model is built: picocli reads every option of every
     * command it is given by reflection: about 0.16 s of CPU more per run for all of
     * them. Any other first argument (help, version, a command from {@link IngotSubcommand}, a
     * mistake) gets the whole command tree, so help and errors list every command.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new IngotCli());
        Class<?> only = args.length == 0 ? null : builtIn(args[0]);
        if (only != null) {
            cl.addSubcommand(only);
            cl.setCaseInsensitiveEnumValuesAllowed(true);
        } else {
            COMMANDS.forEach(cl::addSubcommand);
            cl.addSubcommand(CommandLine.HelpCommand.class);
            cl.setCaseInsensitiveEnumValuesAllowed(true); // the built-in commands' setting, as before the service-loaded ones
            java.util.ServiceLoader.load(IngotSubcommand.class).forEach(cl::addSubcommand);
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("ingot: error: " + oneLine(ex) + memoryLimitHint(ex));
            err.flush();
            if (Boolean.getBoolean("ingot.debug")) {
                ex.printStackTrace(err);
            }
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }

    /** The built-in subcommand named {@code name} (its {@code @Command} name), or null. */
    static Class<?> builtIn(String name) {
        for (Class<?> c : COMMANDS) {
            if (c.getAnnotation(Command.class).name().equals(name)) {
                return c;
            }
        }
        return null;
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

    /**
     * Fails the command as bad usage (exit 2) unless {@code value > 0}.
     *
     * @throws CommandLine.ParameterException naming the option and the value
     */
    static void requirePositive(CommandSpec spec, String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            String shown = value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : Double.toString(value);
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a positive number: " + shown);
        }
    }

    /**
     * For memory that ran out anywhere along the cause chain, a hint naming what to change: an
     * off-heap limit (Ingot's accounted allocator or Arrow's) is raised with
     * {@code --memory-limit-mb}; the Java heap (an {@code OutOfMemoryError}) with {@code -Xmx} in
     * {@code INGOT_JAVA_OPTS}, which the {@code ingot} launcher passes to the JVM after its own
     * {@code -Xmx512m}; otherwise "".
     */
    static String memoryLimitHint(Throwable e) {
        Throwable exhausted = dev.ingot.ingest.internal.Errors.memoryExhaustion(e);
        if (exhausted instanceof OutOfMemoryError) {
            return " (the Java heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB ran out: raise it with"
                    + " INGOT_JAVA_OPTS=-Xmx<size>, e.g. -Xmx2g)";
        }
        return exhausted == null ? "" : " (raise the off-heap limit with --memory-limit-mb)";
    }

    /** The version from the build ({@code version.properties}, filtered by Maven) and the JVM's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = IngotCli.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    throw new IOException("version.properties is missing from the class path");
                }
                p.load(in);
            }
            return new String[] {"ingot " + p.getProperty("version") + " on Java " + Runtime.version()};
        }
    }
}
