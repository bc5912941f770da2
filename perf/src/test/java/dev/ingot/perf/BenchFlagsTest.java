package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile-time flag copies (JMH annotations) match the root pom, and the launcher's heap line is read. */
class BenchFlagsTest {
    static final Path ROOT = Path.of("..");

    @Test
    void jmhFlagConstantsMatchTheRootPom() throws Exception {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher m = Pattern.compile("<ingot.jvm.flags>([^<]*)</ingot.jvm.flags>").matcher(pom);
        assertTrue(m.find(), "root pom defines ingot.jvm.flags");
        List<String> pomFlags = BenchFlags.words(m.group(1));
        // exactly the copies, in order: a flag added to the pom must reach the JMH forks and the
        // children started without the launcher's jvm.flags file too
        assertEquals(List.of(BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN), pomFlags);
        assertEquals(pomFlags, BenchFlags.moduleFlags(Path.of("no-such-root")), "the fallback when jvm.flags is missing");
    }

    @Test
    void heapFlagsComeFromTheLauncher() throws Exception {
        List<String> heap = BenchFlags.launcherHeap(ROOT.resolve("ingot"));
        assertFalse(heap.isEmpty(), "the launcher has a heap=(...) line");
        assertTrue(heap.stream().anyMatch(f -> f.startsWith("-Xmx")), heap.toString());
        assertEquals(heap, BenchFlags.heapFlags(ROOT));
    }

    @Test
    void launcherPropertyWins() {
        String old = System.getProperty(BenchFlags.HEAP_PROPERTY);
        System.setProperty(BenchFlags.HEAP_PROPERTY, "-Xmx3g  -XX:+UseSerialGC");
        try {
            assertEquals(List.of("-Xmx3g", "-XX:+UseSerialGC"), BenchFlags.heapFlags(ROOT));
        } finally {
            if (old == null) {
                System.clearProperty(BenchFlags.HEAP_PROPERTY);
            } else {
                System.setProperty(BenchFlags.HEAP_PROPERTY, old);
            }
        }
    }

    @Test
    void moduleFlagsFallBackToTheConstants(@TempDir Path empty) throws Exception {
        assertEquals(List.of(BenchFlags.ADD_OPENS_NIO, BenchFlags.LOG_WARN), BenchFlags.moduleFlags(empty));
        Path launcher = Files.createDirectories(empty.resolve("cli/target/launcher"));
        Files.writeString(launcher.resolve("jvm.flags"), "--a  --b\n");
        assertEquals(List.of("--a", "--b"), BenchFlags.moduleFlags(empty));
        assertEquals(BenchFlags.DEFAULT_HEAP, BenchFlags.heapFlags(empty));
    }

    @Test
    void helpListsTheVariantIdsThatVariantsAccepts() {
        String help = new picocli.CommandLine(new BenchCommand()).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        assertTrue(help.contains("variants to run, in this order (default: all): " + String.join(", ", Variant.ids())), help);
        assertEquals(Variant.INGOT_TBL, Variant.of(Variant.INGOT_TBL.id()));
    }
}
