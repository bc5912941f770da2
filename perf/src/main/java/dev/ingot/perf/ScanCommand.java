package dev.ingot.perf;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot bench-scan}: times full scans of one stored table through the public
 * {@link TableReader#scan} (every column, or the listed ones), in this JVM after warm-up scans,
 * and prints per run the wall time, the scanning thread's CPU time and the GB/s of Arrow data
 * produced (the bytes of every buffer of every returned vector, validity included); then the
 * medians. With {@code --per-column} each column is scanned alone and its median CPU printed,
 * which shows where a scan's time goes (e.g. which chunk encodings cost).
 *
 * <p>The store is opened read-only; nothing is written. Exit code 0, or 1 on an error.
 */
@Command(name = "bench-scan", mixinStandardHelpOptions = true,
        description = "Times full scans of a stored table (TableReader.scan) in one warm JVM: wall, thread CPU, GB/s of Arrow data.")
final class ScanCommand implements Callable<Integer> {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--table", defaultValue = "lineitem", description = "table to scan (default: ${DEFAULT-VALUE})")
    String table;

    @Option(names = "--columns", split = ",", description = "columns to scan (default: all)")
    List<String> columns;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed scans first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--runs", defaultValue = "7", description = "timed scans (0: none, only with --point-reads or --lookup-phases; default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--per-column", description = "also scan each column alone and print its median CPU")
    boolean perColumn;

    @Option(names = "--point-reads", defaultValue = "0",
            description = "also time this many full-row reads of random row ids (TableReader.readRows) and as many primary-key lookups"
                    + " (Ingot.lookup), each after as many untimed ones, and print their latency percentiles (default: ${DEFAULT-VALUE})")
    int pointReads;

    @Option(names = "--lookup-phases", defaultValue = "0",
            description = "also time this many primary-key lookups split into phases (key -> row id, each column's point read, copy out),"
                    + " after as many untimed ones, and print each phase's latency percentiles and which phase the lookups above the"
                    + " p99 spend their time in (default: ${DEFAULT-VALUE})")
    int lookupPhases;

    /** One scan's figures. */
    record Scan(long rows, long arrowBytes, double wallMs, double cpuMs) {}

    @Override
    public Integer call() throws Exception {
        if (runs < (pointReads > 0 || lookupPhases > 0 ? 0 : 1) || warmup < 0) {
            throw new IllegalArgumentException("--runs must be at least 1 (0 with --point-reads or --lookup-phases) and --warmup at least 0, not "
                    + runs + " and " + warmup);
        }
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            double[] wall = new double[runs];
            double[] cpu = new double[runs];
            Scan last = null;
            for (int i = -warmup; i < runs; i++) {
                Scan s = scan(cs, columns);
                if (i >= 0) {
                    wall[i] = s.wallMs();
                    cpu[i] = s.cpuMs();
                    last = s;
                    System.out.printf("run %d: %,d rows, %,d Arrow bytes, %.1f ms wall, %.1f ms cpu, %.2f GB/s (cpu)%n", i, s.rows(),
                            s.arrowBytes(), s.wallMs(), s.cpuMs(), s.arrowBytes() / (s.cpuMs() * 1e6));
                }
            }
            if (runs > 0) { // --runs 0: only the point reads or lookup phases
                double medCpu = Stats.median(cpu);
                System.out.printf("%s: median %.1f ms wall, %.1f ms cpu (min %.1f, max %.1f) over %d runs; %.2f GB/s of Arrow data per CPU second%n",
                        table, Stats.median(wall), medCpu, Stats.min(cpu), Stats.max(cpu), runs, last.arrowBytes() / (medCpu * 1e6));
            }
            if (perColumn && runs > 0) {
                double sum = 0;
                try (TableReader r = cs.openTable(table)) {
                    for (ColumnDef c : r.info().def().columns()) {
                        if (columns != null && !columns.contains(c.name())) {
                            continue;
                        }
                        double[] each = new double[runs];
                        for (int i = -warmup; i < runs; i++) {
                            Scan s = scan(cs, List.of(c.name()));
                            if (i >= 0) {
                                each[i] = s.cpuMs();
                            }
                        }
                        sum += Stats.median(each);
                        System.out.printf("  %-20s cpu median %7.1f ms%n", c.name(), Stats.median(each));
                    }
                }
                System.out.printf("  %-20s cpu        %7.1f ms%n", "(sum of medians)", sum);
            }
            if (pointReads > 0) {
                pointReads(cs);
            }
        }
        if (lookupPhases > 0) {
            LookupPhases.run(store, table, lookupPhases, 13, System.out);
        }
        return 0;
    }

    /**
     * Times {@link #pointReads} full-row reads of random row ids through one reader, then as many
     * lookups by the table's PRIMARY KEY (keys of random rows) through {@link dev.ingot.Ingot#lookup},
     * each after as many untimed warm-up reads; prints p50/p99/p99.9/max in microseconds.
     */
    private void pointReads(ColumnStore cs) throws java.io.IOException {
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        org.HdrHistogram.Histogram reads = new org.HdrHistogram.Histogram(3);
        java.util.List<Object[]> keys = new java.util.ArrayList<>();
        dev.ingot.columnstore.TableDef def;
        try (TableReader r = cs.openTable(table)) {
            def = r.info().def();
            long rows = r.info().rowCount();
            java.util.Optional<dev.ingot.columnstore.ConstraintSpec> pk = def.primaryKey();
            for (int i = -pointReads; i < pointReads; i++) {
                long id = random.nextLong(rows);
                long t0 = System.nanoTime();
                try (VectorSchemaRoot row = r.readRows(new long[] {id}, null)) {
                    long t = System.nanoTime() - t0;
                    if (i >= 0) {
                        reads.recordValue(t);
                    }
                    if (pk.isPresent()) {
                        keys.add(pk.get().columns().stream().map(c -> row.getVector(c).getObject(0)).toArray());
                    }
                }
            }
        }
        printLatency("readRows (1 row id, all columns)", reads);
        if (keys.isEmpty()) {
            return;
        }
        org.HdrHistogram.Histogram lookups = new org.HdrHistogram.Histogram(3);
        org.HdrHistogram.Histogram lookupCpu = new org.HdrHistogram.Histogram(3);
        try (dev.ingot.Ingot db = dev.ingot.Ingot.openReadOnly(store, dev.ingot.IngotOptions.defaults())) {
            for (int i = 0; i < keys.size(); i++) {
                long t0 = System.nanoTime();
                long c0 = MX.getCurrentThreadCpuTime();
                if (db.lookup(table, keys.get(i)).isEmpty()) {
                    throw new IllegalStateException("key " + java.util.Arrays.toString(keys.get(i)) + " of " + table + " not found");
                }
                if (i >= pointReads) {
                    lookupCpu.recordValue(Math.max(0, MX.getCurrentThreadCpuTime() - c0));
                    lookups.recordValue(System.nanoTime() - t0);
                }
            }
        }
        printLatency("Ingot.lookup (primary key, all columns)", lookups);
        // the same lookups' own thread CPU: what a lookup costs without the waits of a shared machine (descheduling, other threads)
        printLatency("Ingot.lookup thread CPU", lookupCpu);
    }

    private static void printLatency(String what, org.HdrHistogram.Histogram h) {
        System.out.printf("%s: %,d reads, p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us%n", what, h.getTotalCount(),
                h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
    }

    private Scan scan(ColumnStore cs, List<String> cols) throws java.io.IOException {
        long t0 = System.nanoTime();
        long c0 = MX.getCurrentThreadCpuTime();
        long rows = 0;
        long bytes = 0;
        try (TableReader r = cs.openTable(table)) {
            Iterator<VectorSchemaRoot> it = r.scan(cols);
            while (it.hasNext()) {
                try (VectorSchemaRoot root = it.next()) {
                    rows += root.getRowCount();
                    for (FieldVector v : root.getFieldVectors()) {
                        for (ArrowBuf b : v.getFieldBuffers()) {
                            bytes += b.readableBytes();
                        }
                    }
                }
            }
        }
        return new Scan(rows, bytes, (System.nanoTime() - t0) / 1e6, (MX.getCurrentThreadCpuTime() - c0) / 1e6);
    }
}
