package dev.ingot.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one benchmarked program as a fresh child JVM, wrapped in {@code /usr/bin/time -v} when
 * that exists (its report goes to a file, not to the child's standard error), with standard
 * output and error sent to files in the run's directory.
 *
 * <p>Thread-safety: stateless apart from the configuration; one child at a time per caller.
 */
public final class ChildRunner {
    /**
     * What a child did.
     *
     * @param exitCode    the child's exit code (-1 after a timeout)
     * @param wallSeconds wall time per {@code time -v}, or measured around the process without it
     * @param cpuSeconds  user + system seconds per {@code time -v}, NaN without it
     * @param maxRssBytes peak RSS per {@code time -v}, -1 without it
     * @param timedOut    whether the child was killed after the timeout
     * @param stdout      file with its standard output
     * @param stderr      file with its standard error
     */
    public record Outcome(int exitCode, double wallSeconds, double cpuSeconds, long maxRssBytes, boolean timedOut,
                          Path stdout, Path stderr) {
        /** The last {@code lines} lines of standard error (for failure messages). */
        public String stderrTail(int lines) {
            try {
                List<String> all = Files.readAllLines(stderr);
                return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                return "(no stderr: " + e.getMessage() + ")";
            }
        }
    }

    private final Path javaBinary;
    private final List<String> jvmFlags;
    private final String classPath;
    private final boolean useTime;
    private final long timeoutSeconds;

    /**
     * @param jvmFlags       flags of every child (heap and module flags)
     * @param classPath      the children's class path
     * @param useTime        whether to wrap children in {@code /usr/bin/time -v} (ignored if it is missing)
     * @param timeoutSeconds a child still running after this is killed (its run fails)
     */
    public ChildRunner(List<String> jvmFlags, String classPath, boolean useTime, long timeoutSeconds) {
        this.javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        this.jvmFlags = List.copyOf(jvmFlags);
        this.classPath = classPath;
        this.useTime = useTime && Files.isExecutable(Path.of(TimeVerbose.TIME_BINARY));
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Whether children run under {@code /usr/bin/time -v}. */
    public boolean usesTime() {
        return useTime;
    }

    /** The command line for {@code mainClass args} (without the time wrapper). */
    public List<String> javaCommand(String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary.toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Runs {@code mainClass args} in a child JVM and waits for it.
     *
     * @param logDir directory for {@code stdout.txt}, {@code stderr.txt} and {@code time.txt}
     * @throws IOException          if the child cannot be started
     * @throws InterruptedException if interrupted while waiting (the child is killed)
     */
    public Outcome run(String mainClass, List<String> args, Path logDir) throws IOException, InterruptedException {
        Files.createDirectories(logDir);
        Path out = logDir.resolve("stdout.txt");
        Path err = logDir.resolve("stderr.txt");
        Path timeFile = logDir.resolve("time.txt");
        List<String> cmd = new ArrayList<>();
        if (useTime) {
            cmd.addAll(List.of(TimeVerbose.TIME_BINARY, "-v", "-o", timeFile.toString()));
        }
        cmd.addAll(javaCommand(mainClass, args));
        Files.writeString(logDir.resolve("command.txt"), String.join(" ", cmd) + "\n");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        boolean done;
        try {
            done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e;
        }
        double measured = (System.nanoTime() - start) / 1e9;
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
            return new Outcome(-1, measured, Double.NaN, -1, true, out, err);
        }
        int exit = p.exitValue();
        if (useTime && Files.isRegularFile(timeFile)) {
            TimeVerbose tv = TimeVerbose.parse(Files.readString(timeFile));
            return new Outcome(exit, tv.wall().orElse(measured), tv.cpuSeconds(), tv.maxRssBytes(), false, out, err);
        }
        return new Outcome(exit, measured, Double.NaN, -1, false, out, err);
    }
}
