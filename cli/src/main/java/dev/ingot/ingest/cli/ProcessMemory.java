package dev.ingot.ingest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads this process's peak resident set from {@code /proc/self/status} (Linux); -1 elsewhere.
 * Used by the load summary and by the benchmark's child programs. Thread-safe (stateless).
 */
public final class ProcessMemory {
    private ProcessMemory() {}

    /** Peak resident set size in bytes ({@code VmHWM}), the figure {@code /usr/bin/time -v} reports. */
    public static long peakRssBytes() {
        return readKb("VmHWM:");
    }

    private static long readKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String v = line.substring(key.length()).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
