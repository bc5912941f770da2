package dev.ingot.pager.internal;

import dev.ingot.pager.OpenMode;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerOptions;
import java.io.Closeable;
import java.nio.file.Path;

/**
 * A child JVM's view of a store's locks, for {@link ReadOnlyPagerTest}: tries one open (or the
 * exclusive hold) of the file and prints {@code opened} or the exception's class and message.
 * Arguments: {@code READ_ONLY|READ_WRITE|EXCLUSIVE <file>}.
 */
public final class LockProbe {
    private LockProbe() {}

    public static void main(String[] args) {
        Path file = Path.of(args[1]);
        try {
            if ("EXCLUSIVE".equals(args[0])) {
                try (Closeable hold = Pager.lockExclusively(file)) {
                    System.out.println("opened");
                }
            } else {
                try (Pager p = Pager.open(file, PagerOptions.defaults(), OpenMode.valueOf(args[0]))) {
                    System.out.println("opened epoch " + p.epoch());
                }
            }
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Runs the probe in a fresh JVM with this JVM's class path; returns its one line of output. */
    static String run(String mode, Path file) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), mode, file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return out;
    }
}
