package dev.ingot.perf;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The figures of one GNU {@code /usr/bin/time -v} report: wall-clock time, user and system CPU
 * time, and maximum resident set size. Immutable.
 *
 * <p>Format (GNU time 1.7+ {@code -v}, one tab-indented {@code "label: value"} per line):
 * <pre>
 *   Command exited with non-zero status 1              (only when it did)
 *   	User time (seconds): 12.34
 *   	System time (seconds): 1.23
 *   	Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.34   (or 1:02:03, or 0:05.12)
 *   	Maximum resident set size (kbytes): 123456
 *   	Exit status: 0
 * </pre>
 *
 * @param wallSeconds   elapsed wall-clock seconds, or NaN when the report has none
 * @param userSeconds   user CPU seconds, or NaN
 * @param systemSeconds system CPU seconds, or NaN
 * @param maxRssBytes   maximum resident set size in bytes (kbytes * 1024), or -1
 */
public record TimeVerbose(double wallSeconds, double userSeconds, double systemSeconds, long maxRssBytes) {
    /** The wrapper program the benchmark uses when it is present. */
    public static final String TIME_BINARY = "/usr/bin/time";

    /**
     * Parses a {@code /usr/bin/time -v} report; unknown lines are ignored, missing figures are NaN / -1.
     *
     * @throws IllegalArgumentException if a recognised line has a malformed value
     */
    public static TimeVerbose parse(String text) {
        double wall = Double.NaN;
        double user = Double.NaN;
        double sys = Double.NaN;
        long rss = -1;
        for (String raw : text.split("\\R")) {
            String line = raw.trim();
            int colon = line.lastIndexOf(": ");
            if (colon < 0) {
                continue;
            }
            String value = line.substring(colon + 2).trim();
            try {
                if (line.startsWith("Elapsed (wall clock) time")) {
                    wall = parseClock(value);
                } else if (line.startsWith("User time (seconds)")) {
                    user = Double.parseDouble(value);
                } else if (line.startsWith("System time (seconds)")) {
                    sys = Double.parseDouble(value);
                } else if (line.startsWith("Maximum resident set size (kbytes)")) {
                    rss = Long.parseLong(value) * 1024;
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed /usr/bin/time line: " + line, e);
            }
        }
        return new TimeVerbose(wall, user, sys, rss);
    }

    /** Seconds of an {@code h:mm:ss} or {@code m:ss.ss} clock value. */
    static double parseClock(String value) {
        String[] parts = value.split(":");
        double seconds = 0;
        for (String p : parts) {
            seconds = seconds * 60 + Double.parseDouble(p);
        }
        return seconds;
    }

    /** The wall time, if the report had one. */
    public OptionalDouble wall() {
        return Double.isNaN(wallSeconds) ? OptionalDouble.empty() : OptionalDouble.of(wallSeconds);
    }

    /** The peak RSS, if the report had one. */
    public OptionalLong maxRss() {
        return maxRssBytes < 0 ? OptionalLong.empty() : OptionalLong.of(maxRssBytes);
    }

    /** User plus system CPU seconds (NaN if either is missing). */
    public double cpuSeconds() {
        return userSeconds + systemSeconds;
    }
}
