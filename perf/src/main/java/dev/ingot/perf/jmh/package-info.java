/**
 * JMH microbenchmarks of Ingot's hot paths, each next to its physical limit or the library it is
 * compared with: pager alloc/put/get, {@code ColumnWriter.appendBatch} against a raw memory copy,
 * the constraint hash set against Agrona's {@code LongHashSet} and {@code java.util.HashSet}, and
 * {@code .tbl} parsing. Run them with {@code ./ingot jmh [JMH options]}, e.g.
 * {@code ./ingot jmh -rf json -rff jmh.json} (everything; an estimated 10-15 minutes on 2 cores) or
 * {@code ./ingot jmh ColumnWriterBench -p type=BIGINT}. Every benchmark forks with the project's
 * JVM flags ({@link dev.ingot.perf.BenchFlags}); {@code JmhSmokeTest} runs each once in CI.
 */
package dev.ingot.perf.jmh;
