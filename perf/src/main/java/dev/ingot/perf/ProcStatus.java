package dev.ingot.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's peak resident set size from {@code /proc/self/status} (Linux); -1 elsewhere. Stateless. */
final class ProcStatus {
    private ProcStatus() {
    }

    /** Peak RSS in bytes ({@code VmHWM}, the figure {@code /usr/bin/time -v} reports), or -1. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    String v = line.substring("VmHWM:".length()).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
