package dev.ingot.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM flags of every process the benchmarks start, in one place: the heap flags (those of
 * the {@code ./ingot} launcher's {@code heap=(...)} line, which the launcher passes in the
 * {@value #HEAP_PROPERTY} property; read from the script when run without it), the module flags from the root pom's
 * {@code ingot.jvm.flags} property (read from {@code cli/target/launcher/jvm.flags}, which the
 * launcher reads too) and, for JMH forks, compile-time copies of both (annotation values must be
 * constants; {@code BenchFlagsTest} checks that the copies match the pom and the launcher).
 *
 * <p>Thread-safety: stateless.
 */
public final class BenchFlags {
    /** Heap flags used when neither the launcher's property nor its script can be read. */
    public static final List<String> DEFAULT_HEAP = List.of("-Xms256m", "-Xmx1g", "-XX:+UseParallelGC");
    /** System property in which the launcher passes its heap flags (space-separated). */
    public static final String HEAP_PROPERTY = "ingot.launcher.heap";

    /** {@code --add-opens} Arrow needs on JDK 17+ (copy of the root pom's {@code ingot.jvm.flags}). */
    public static final String ADD_OPENS_NIO = "--add-opens=java.base/java.nio=ALL-UNNAMED";
    /** Quiet slf4j-simple (copy of the root pom's {@code ingot.jvm.flags}). */
    public static final String LOG_WARN = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn";
    /** Agrona 2.x {@code UnsafeBuffer} reads {@code jdk.internal.misc.Unsafe} (JMH comparison only). */
    public static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** System property the launcher sets to the repository root (where {@code cli/target/launcher} is). */
    public static final String ROOT_PROPERTY = "ingot.root";

    private BenchFlags() {
    }

    /**
     * The module flags for child JVMs: the words of {@code <root>/cli/target/launcher/jvm.flags}
     * (plus {@code jvm.flags.jdk24} on JDK 24+), or the compile-time copies when the file is
     * missing (tests run from the module directory).
     *
     * @param root repository root, or null for the {@value #ROOT_PROPERTY} property / current directory
     */
    public static List<String> moduleFlags(Path root) {
        Path base = root != null ? root : Path.of(System.getProperty(ROOT_PROPERTY, "."));
        Path file = base.resolve("cli/target/launcher/jvm.flags");
        List<String> out = new ArrayList<>();
        try {
            if (Files.isRegularFile(file)) {
                out.addAll(words(Files.readString(file)));
                Path jdk24 = base.resolve("cli/target/launcher/jvm.flags.jdk24");
                if (Runtime.version().feature() >= 24 && Files.isRegularFile(jdk24)) {
                    out.addAll(words(Files.readString(jdk24)));
                }
                return out;
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return List.of(ADD_OPENS_NIO, LOG_WARN);
    }

    /**
     * The launcher's heap flags: the {@value #HEAP_PROPERTY} property, else the {@code heap=(...)}
     * line of {@code <root>/ingot}, else {@link #DEFAULT_HEAP}.
     */
    public static List<String> heapFlags(Path root) {
        String prop = System.getProperty(HEAP_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return words(prop);
        }
        Path base = root != null ? root : Path.of(System.getProperty(ROOT_PROPERTY, "."));
        try {
            List<String> fromScript = launcherHeap(base.resolve("ingot"));
            return fromScript.isEmpty() ? DEFAULT_HEAP : fromScript;
        } catch (IOException e) {
            return DEFAULT_HEAP;
        }
    }

    /** The words inside {@code heap=( ... )} in the launcher script, or an empty list. */
    static List<String> launcherHeap(Path script) throws IOException {
        if (!Files.isRegularFile(script)) {
            return List.of();
        }
        for (String line : Files.readAllLines(script)) {
            String t = line.trim();
            if (t.startsWith("heap=(") && t.endsWith(")")) {
                return words(t.substring("heap=(".length(), t.length() - 1));
            }
        }
        return List.of();
    }

    /** {@link #heapFlags(Path)} followed by {@link #moduleFlags(Path)}: the flags of every benchmarked child JVM. */
    public static List<String> childJvmFlags(Path root) {
        List<String> out = new ArrayList<>(heapFlags(root));
        out.addAll(moduleFlags(root));
        return out;
    }

    static List<String> words(String text) {
        String t = text.trim();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }
}
