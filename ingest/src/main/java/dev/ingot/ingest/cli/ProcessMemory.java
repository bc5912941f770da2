package dev.ingot.ingest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads this process's memory figures from {@code /proc/self/status} (Linux); -1 elsewhere. */
final class ProcessMemory {
    private ProcessMemory() {}

    /** Peak resident set size in bytes ({@code VmHWM}), the figure {@code /usr/bin/time -v} reports. */
    static long peakRssBytes() {
        return readKb("VmHWM:");
    }

    /** Current resident set size in bytes ({@code VmRSS}). */
    static long currentRssBytes() {
        return readKb("VmRSS:");
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
