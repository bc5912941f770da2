package dev.ingot.perf.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * CI smoke run of every JMH benchmark: in this JVM (forks 0, so no JVM start per benchmark; the
 * surefire argLine carries the same module flags as the forks), no warmup, one 100 ms
 * iteration, smallest sizes only. Asserts only that every benchmark produced a result.
 */
class JmhSmokeTest {
    @Test
    void everyBenchmarkProducesAResult() throws Exception {
        Options options = new OptionsBuilder()
                .include("dev\\.ingot\\.perf\\.jmh\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .timeout(TimeValue.seconds(60))
                .param("blobBytes", "1024")
                .param("rows", "65536")
                .param("impl", "ingot", "agrona", "jdk")
                .param("keys", "1000000")
                .param("table", "lineitem")
                .param("scale", "0.01")
                .param("width", "12")
                .timeUnit(TimeUnit.MICROSECONDS)
                .verbosity(VerboseMode.SILENT)
                .shouldFailOnError(true)
                .build();
        // the smoke run measures nothing, so a JMH run of another build on this machine (which holds
        // /tmp/jmh.lock) must not fail it
        System.setProperty("jmh.ignoreLock", "true");
        Collection<RunResult> results = new Runner(options).run();
        // pager 3, column writer 2 x 8 types, key set 2 x 3 impls, parse 1 table x 2 formats, memory view 5, table scan 1 + row
        // read 1, key lookup 3, bit packing 1 width
        assertEquals(3 + 16 + 6 + 2 + 5 + 2 + 3 + 1, results.size());
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark() + " " + r.getParams();
            assertFalse(Double.isNaN(r.getPrimaryResult().getScore()), label);
            assertTrue(r.getPrimaryResult().getScore() > 0, label);
            if (label.contains("ColumnWriterBench") || label.contains("TblParseBench")) {
                assertTrue(r.getSecondaryResults().containsKey("bytes"), label);
            }
        }
    }
}
