package dev.ingot.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimeVerboseTest {
    /** Captured from GNU time 1.9 on this machine (a JVM that exited with status 1). */
    static final String SAMPLE = String.join("\n",
            "Command exited with non-zero status 1",
            "\tCommand being timed: \"java -Xmx1g -cp a:b dev.ingot.ingest.cli.IngotCli load-tpch --scale 1\"",
            "\tUser time (seconds): 51.27",
            "\tSystem time (seconds): 6.93",
            "\tPercent of CPU this job got: 184%",
            "\tElapsed (wall clock) time (h:mm:ss or m:ss): 0:31.62",
            "\tAverage shared text size (kbytes): 0",
            "\tAverage unshared data size (kbytes): 0",
            "\tAverage stack size (kbytes): 0",
            "\tAverage total size (kbytes): 0",
            "\tMaximum resident set size (kbytes): 1434876",
            "\tAverage resident set size (kbytes): 0",
            "\tMajor (requiring I/O) page faults: 12",
            "\tMinor (reclaiming a frame) page faults: 512345",
            "\tVoluntary context switches: 40123",
            "\tInvoluntary context switches: 2345",
            "\tSwaps: 0",
            "\tFile system inputs: 88",
            "\tFile system outputs: 2801232",
            "\tSocket messages sent: 0",
            "\tSocket messages received: 0",
            "\tSignals delivered: 0",
            "\tPage size (bytes): 4096",
            "\tExit status: 1", "");

    @Test
    void parsesWallCpuAndPeakRss() {
        TimeVerbose t = TimeVerbose.parse(SAMPLE);
        assertEquals(31.62, t.wallSeconds(), 1e-9);
        assertEquals(51.27, t.userSeconds(), 1e-9);
        assertEquals(6.93, t.systemSeconds(), 1e-9);
        assertEquals(58.20, t.cpuSeconds(), 1e-9);
        assertEquals(1434876L * 1024, t.maxRssBytes());
    }

    @Test
    void parsesHourClockFormat() {
        assertEquals(3723.5, TimeVerbose.parseClock("1:02:03.5"), 1e-9);
        assertEquals(65.25, TimeVerbose.parseClock("1:05.25"), 1e-9);
        TimeVerbose t = TimeVerbose.parse("\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:00:00\n");
        assertEquals(3600, t.wallSeconds(), 1e-9);
    }

    @Test
    void missingFiguresAreEmpty() {
        TimeVerbose t = TimeVerbose.parse("nothing here\n");
        assertTrue(t.wall().isEmpty());
        assertTrue(t.maxRss().isEmpty());
        assertTrue(Double.isNaN(t.cpuSeconds()));
    }

    @Test
    void malformedValueIsAnError() {
        assertThrows(IllegalArgumentException.class,
                () -> TimeVerbose.parse("\tMaximum resident set size (kbytes): lots\n"));
    }
}
