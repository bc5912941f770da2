package dev.ingot.perf;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.scan.Predicate;
import dev.ingot.columnstore.scan.RowGroupRange;
import dev.ingot.columnstore.scan.SelectionScan;
import dev.ingot.columnstore.scan.Vectors;
import dev.ingot.ingest.tpch.TpchSchema;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot bench-queries}: TPC-H Q1 and Q6 over lineitem through Ingot's scan API
 * ({@link SelectionScan} with the WHERE clause pushed down: row groups skipped by zone maps, the
 * rest evaluated into a selection; the aggregates computed by plain Java loops over
 * {@link Vectors} arrays, exact in unscaled longs) and through DuckDB over its own database file
 * of the same {@code .tbl} data (built once with {@code COPY} and cached), with 1 and 2 threads
 * ({@link RowGroupRange#split} for Ingot, {@code SET threads} for DuckDB), side by side in one
 * JVM: for each run every (query, threads) pair runs once per engine, alternating, so machine
 * drift hits both. Before any time is printed the answers of both engines are compared (Q6's
 * revenue and Q1's sums and counts exactly, its averages to 1e-12 relative); a mismatch fails
 * the command. Then the full scan of lineitem's 16 columns ({@link SelectionScan} without a
 * predicate) in GB/s of Arrow data (every buffer of every returned vector), per wall second and
 * per CPU second of the scanning threads. Beside the wall times, the process CPU time of each
 * query (all threads of the JVM, DuckDB's native workers included) and the median of the per-run
 * CPU ratios: on a machine shared with other work, wall time also counts waiting for a core.
 *
 * <p>The store is opened read-only. Exit code 0, or 1 on an error or mismatch.
 */
@Command(name = "bench-queries", mixinStandardHelpOptions = true,
        description = "TPC-H Q1 and Q6 over the Ingot scan API and DuckDB (1 and 2 threads), and the full lineitem scan in GB/s.")
final class QueryBenchCommand implements Callable<Integer> {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final LocalDate Q6_FROM = LocalDate.of(1994, 1, 1);
    private static final LocalDate Q1_TO = LocalDate.of(1998, 12, 1).minusDays(90);

    @Option(names = "--store", required = true, description = "Ingot store holding TPC-H lineitem")
    Path store;

    @Option(names = "--tbl", required = true, description = "directory of the .tbl files the store was loaded from (DuckDB loads lineitem.tbl)")
    Path tbl;

    @Option(names = "--duckdb-file", required = true, description = "DuckDB database of lineitem, built from --tbl when missing")
    Path duckFile;

    @Option(names = "--threads", split = ",", defaultValue = "1,2", description = "thread counts (default: ${DEFAULT-VALUE})")
    List<Integer> threads;

    @Option(names = "--runs", defaultValue = "5", description = "timed runs (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed runs first (default: ${DEFAULT-VALUE})")
    int warmup;

    /** Q1's answer: per group (returnflag, linestatus) exact sums in unscaled longs and the count. */
    record Q1Row(String flag, String status, BigDecimal sumQty, BigDecimal sumBase, BigDecimal sumDisc, BigDecimal sumCharge,
                 double avgQty, double avgPrice, double avgDisc, long count) {}

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("--runs must be at least 1 and --warmup at least 0, not " + runs + " and " + warmup);
        }
        buildDuckDb();
        int maxThreads = threads.stream().mapToInt(Integer::intValue).max().orElse(1);
        ExecutorService pool = Executors.newFixedThreadPool(maxThreads);
        try (ColumnStore cs = ColumnStore.openReadOnly(store);
             Connection duck = DriverManager.getConnection("jdbc:duckdb:" + duckFile.toAbsolutePath(), readOnly())) {
            // answers first: both engines, every thread count
            for (int t : threads) {
                setThreads(duck, t);
                BigDecimal i6 = q6Ingot(cs, pool, t);
                BigDecimal d6 = q6Duck(duck);
                if (i6.compareTo(d6) != 0) {
                    throw new IllegalStateException("Q6 answers differ at " + t + " threads: Ingot " + i6 + ", DuckDB " + d6);
                }
                List<Q1Row> i1 = q1Ingot(cs, pool, t);
                List<Q1Row> d1 = q1Duck(duck);
                compareQ1(i1, d1, t);
                System.out.printf("answers equal at %d thread(s): Q6 revenue %s; Q1 %d groups, count %,d%n", t, i6.toPlainString(), i1.size(),
                        i1.stream().mapToLong(Q1Row::count).sum());
            }
            String[] queries = {"Q6", "Q1"};
            double[][][] ms = new double[queries.length][threads.size()][2 * runs];
            double[][][] cpuMs = new double[queries.length][threads.size()][2 * runs];
            for (int r = -warmup; r < runs; r++) {
                for (int q = 0; q < queries.length; q++) {
                    for (int ti = 0; ti < threads.size(); ti++) {
                        int t = threads.get(ti);
                        setThreads(duck, t);
                        long ca = processCpu();
                        long a = System.nanoTime();
                        Object ia = q == 0 ? q6Ingot(cs, pool, t) : q1Ingot(cs, pool, t);
                        long b = System.nanoTime();
                        long cb = processCpu();
                        Object da = q == 0 ? q6Duck(duck) : q1Duck(duck);
                        long c = System.nanoTime();
                        long cc = processCpu();
                        if (ia == null || da == null) {
                            throw new IllegalStateException("no answer");
                        }
                        if (r >= 0) {
                            ms[q][ti][r] = (b - a) / 1e6;
                            ms[q][ti][runs + r] = (c - b) / 1e6;
                            cpuMs[q][ti][r] = (cb - ca) / 1e6;
                            cpuMs[q][ti][runs + r] = (cc - cb) / 1e6;
                        }
                    }
                }
            }
            System.out.printf("%n| query | threads | Ingot scan API (median ms, min-max) | DuckDB (median ms, min-max) | Ingot / DuckDB"
                    + " | CPU ms Ingot / DuckDB (medians) | CPU ratio |%n");
            System.out.printf("|---|--:|--:|--:|--:|--:|--:|%n");
            for (int q = 0; q < queries.length; q++) {
                for (int ti = 0; ti < threads.size(); ti++) {
                    double[] in = java.util.Arrays.copyOfRange(ms[q][ti], 0, runs);
                    double[] du = java.util.Arrays.copyOfRange(ms[q][ti], runs, 2 * runs);
                    double[] ic = java.util.Arrays.copyOfRange(cpuMs[q][ti], 0, runs);
                    double[] dc = java.util.Arrays.copyOfRange(cpuMs[q][ti], runs, 2 * runs);
                    double[] ratio = new double[runs];
                    double[] cpuRatio = new double[runs];
                    for (int i = 0; i < runs; i++) {
                        ratio[i] = in[i] / du[i];
                        cpuRatio[i] = ic[i] / dc[i];
                    }
                    System.out.printf(Locale.ROOT, "| %s | %d | %.1f (%.1f-%.1f) | %.1f (%.1f-%.1f) | %.2fx | %.1f / %.1f | %.2fx |%n", queries[q],
                            threads.get(ti), Stats.median(in), Stats.min(in), Stats.max(in), Stats.median(du), Stats.min(du), Stats.max(du),
                            Stats.median(ratio), Stats.median(ic), Stats.median(dc), Stats.median(cpuRatio));
                }
            }
            System.out.printf("%n| full lineitem scan, 16 columns | threads | Arrow GB | median wall ms | GB/s (wall) | GB/s per CPU second |%n");
            System.out.printf("|---|--:|--:|--:|--:|--:|%n");
            for (int t : threads) {
                double[] wall = new double[runs];
                double[] cpu = new double[runs];
                long bytes = 0;
                for (int r = -warmup; r < runs; r++) {
                    long a = System.nanoTime();
                    long[] res = fullScan(cs, pool, t);
                    long b = System.nanoTime();
                    if (r >= 0) {
                        wall[r] = (b - a) / 1e6;
                        cpu[r] = res[1] / 1e6;
                        bytes = res[0];
                    }
                }
                double w = Stats.median(wall);
                double c = Stats.median(cpu);
                System.out.printf(Locale.ROOT, "| SelectionScan (no predicate) | %d | %.2f | %.1f | %.2f | %.2f |%n", t, bytes / 1e9, w,
                        bytes / (w * 1e6), bytes / (c * 1e6));
            }
        } finally {
            pool.shutdownNow();
        }
        return 0;
    }

    private void buildDuckDb() throws Exception {
        if (Files.exists(duckFile)) {
            return;
        }
        Files.createDirectories(duckFile.toAbsolutePath().getParent());
        Path tmp = duckFile.resolveSibling(duckFile.getFileName() + ".building");
        Files.deleteIfExists(tmp);
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + tmp.toAbsolutePath()); Statement st = c.createStatement()) {
            st.execute(DuckDbLoad.createTableSql(TpchSchema.table("lineitem"), false));
            st.execute(DuckDbLoad.copySql("lineitem", tbl.resolve("lineitem.tbl")));
            st.execute("CHECKPOINT");
        }
        Files.move(tmp, duckFile);
        System.out.printf("built DuckDB file %s from %s in %.1f s%n", duckFile, tbl.resolve("lineitem.tbl"), (System.nanoTime() - t0) / 1e9);
    }

    private static java.util.Properties readOnly() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("duckdb.read_only", "true");
        return p;
    }

    /** CPU time of the whole process (every thread: the query's, DuckDB's native workers, and the JVM's own), in nanoseconds. */
    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void setThreads(Connection duck, int t) throws Exception {
        try (Statement st = duck.createStatement()) {
            st.execute("SET threads=" + t);
        }
    }

    /** One task per split of lineitem, each with its own reader of the shared snapshot; the results in split order. */
    private static <T> List<T> parallel(ColumnStore cs, ExecutorService pool, int threads, SplitTask<T> task) throws Exception {
        try (StoreSnapshot snap = cs.snapshot()) {
            List<RowGroupRange> splits = RowGroupRange.split(snap.table("lineitem").orElseThrow(), threads);
            List<T> out = new ArrayList<>();
            if (splits.size() == 1) {
                try (TableReader r = snap.openTable("lineitem")) {
                    out.add(task.run(r, splits.get(0)));
                }
                return out;
            }
            List<Future<T>> fs = new ArrayList<>();
            for (RowGroupRange s : splits) {
                fs.add(pool.submit(() -> {
                    try (TableReader r = snap.openTable("lineitem")) {
                        return task.run(r, s);
                    }
                }));
            }
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        }
    }

    @FunctionalInterface
    interface SplitTask<T> {
        T run(TableReader reader, RowGroupRange range) throws Exception;
    }

    static BigDecimal q6Ingot(ColumnStore cs, ExecutorService pool, int threads) throws Exception {
        Predicate where = Predicate.and(
                Predicate.compare("l_shipdate", Predicate.Op.GE, Q6_FROM),
                Predicate.compare("l_shipdate", Predicate.Op.LT, Q6_FROM.plusYears(1)),
                Predicate.between("l_discount", new BigDecimal("0.05"), new BigDecimal("0.07")),
                Predicate.compare("l_quantity", Predicate.Op.LT, 24));
        long sum = 0;
        for (long s : parallel(cs, pool, threads, (r, range) -> {
            long acc = 0;
            long[] price = null;
            long[] disc = null;
            try (SelectionScan scan = new SelectionScan(r, List.of("l_extendedprice", "l_discount"), where, range)) {
                while (scan.next()) { // the selected rows' values only, read straight from the chunks
                    price = scan.selectedLongs(0, price);
                    disc = scan.selectedLongs(1, disc);
                    for (int i = 0, m = scan.selectedCount(); i < m; i++) {
                        acc += price[i] * disc[i];
                    }
                }
            }
            return acc;
        })) {
            sum += s;
        }
        return BigDecimal.valueOf(sum, 4);
    }

    static BigDecimal q6Duck(Connection duck) throws Exception {
        try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(
                "select sum(l_extendedprice * l_discount) as revenue from lineitem where l_shipdate >= date '1994-01-01'"
                        + " and l_shipdate < date '1995-01-01' and l_discount between 0.05 and 0.07 and l_quantity < 24")) {
            rs.next();
            return rs.getBigDecimal(1);
        }
    }

    /** Group index of (returnflag, linestatus): flag byte * 256 + status byte. */
    static List<Q1Row> q1Ingot(ColumnStore cs, ExecutorService pool, int threads) throws Exception {
        Predicate where = Predicate.compare("l_shipdate", Predicate.Op.LE, Q1_TO);
        List<String> cols = List.of("l_returnflag", "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_tax");
        List<long[][]> parts = parallel(cs, pool, threads, (r, range) -> {
            long[][] acc = new long[6][65536]; // qty, base, disc price, charge, discount, count
            long[] qty = null;
            long[] price = null;
            long[] disc = null;
            long[] tax = null;
            long[] fo = null;
            long[] so = null;
            byte[] fb = null;
            byte[] sb = null;
            try (SelectionScan scan = new SelectionScan(r, cols, where, range)) {
                while (scan.next()) {
                    int n = scan.rowCount();
                    FieldVector f = scan.vector(0);
                    FieldVector s = scan.vector(1);
                    fo = Vectors.offsets(f, n, fo);
                    so = Vectors.offsets(s, n, so);
                    fb = Vectors.bytes(f, (int) fo[n], fb);
                    sb = Vectors.bytes(s, (int) so[n], sb);
                    qty = scan.selectedLongs(2, qty); // element i: row sel[i]
                    price = scan.selectedLongs(3, price);
                    disc = scan.selectedLongs(4, disc);
                    tax = scan.selectedLongs(5, tax);
                    int[] sel = scan.selection();
                    long[] sq = acc[0];
                    long[] sbase = acc[1];
                    long[] sdisc = acc[2];
                    long[] scharge = acc[3];
                    long[] sd = acc[4];
                    long[] cnt = acc[5];
                    for (int i = 0, m = scan.selectedCount(); i < m; i++) {
                        int p = sel[i];
                        int g = (fb[(int) fo[p]] & 0xFF) << 8 | (sb[(int) so[p]] & 0xFF);
                        long dp = price[i] * (100 - disc[i]);
                        sq[g] += qty[i];
                        sbase[g] += price[i];
                        sdisc[g] += dp;
                        scharge[g] += dp * (100 + tax[i]);
                        sd[g] += disc[i];
                        cnt[g]++;
                    }
                }
            }
            return acc;
        });
        long[][] acc = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            for (int k = 0; k < 6; k++) {
                for (int g = 0; g < 65536; g++) {
                    acc[k][g] += parts.get(i)[k][g];
                }
            }
        }
        List<Q1Row> out = new ArrayList<>();
        for (int g = 0; g < 65536; g++) { // ascending (flag, status): ORDER BY 1, 2 for ASCII
            long n = acc[5][g];
            if (n > 0) {
                out.add(new Q1Row(String.valueOf((char) (g >> 8)), String.valueOf((char) (g & 0xFF)), BigDecimal.valueOf(acc[0][g], 2),
                        BigDecimal.valueOf(acc[1][g], 2), BigDecimal.valueOf(acc[2][g], 4), BigDecimal.valueOf(acc[3][g], 6),
                        acc[0][g] / 100.0 / n, acc[1][g] / 100.0 / n, acc[4][g] / 100.0 / n, n));
            }
        }
        return out;
    }

    static List<Q1Row> q1Duck(Connection duck) throws Exception {
        List<Q1Row> out = new ArrayList<>();
        try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(
                "select l_returnflag, l_linestatus, sum(l_quantity) as sum_qty, sum(l_extendedprice) as sum_base_price,"
                        + " sum(l_extendedprice * (1 - l_discount)) as sum_disc_price,"
                        + " sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as sum_charge, avg(l_quantity) as avg_qty,"
                        + " avg(l_extendedprice) as avg_price, avg(l_discount) as avg_disc, count(*) as count_order from lineitem"
                        + " where l_shipdate <= date '1998-12-01' - interval '90' day group by l_returnflag, l_linestatus"
                        + " order by l_returnflag, l_linestatus")) {
            while (rs.next()) {
                out.add(new Q1Row(rs.getString(1), rs.getString(2), rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5),
                        rs.getBigDecimal(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9), rs.getLong(10)));
            }
        }
        return out;
    }

    private static void compareQ1(List<Q1Row> ingot, List<Q1Row> duck, int threads) {
        boolean same = ingot.size() == duck.size();
        for (int i = 0; same && i < ingot.size(); i++) {
            Q1Row a = ingot.get(i);
            Q1Row b = duck.get(i);
            same = a.flag().equals(b.flag()) && a.status().equals(b.status()) && a.sumQty().compareTo(b.sumQty()) == 0
                    && a.sumBase().compareTo(b.sumBase()) == 0 && a.sumDisc().compareTo(b.sumDisc()) == 0
                    && a.sumCharge().compareTo(b.sumCharge()) == 0 && a.count() == b.count() && close(a.avgQty(), b.avgQty())
                    && close(a.avgPrice(), b.avgPrice()) && close(a.avgDisc(), b.avgDisc());
        }
        if (!same) {
            throw new IllegalStateException("Q1 answers differ at " + threads + " threads:\nIngot  " + ingot + "\nDuckDB " + duck);
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
    }

    /** Bytes of Arrow data and CPU nanoseconds of the scanning threads of one full scan. */
    static long[] fullScan(ColumnStore cs, ExecutorService pool, int threads) throws Exception {
        long[] total = new long[2];
        for (long[] p : parallel(cs, pool, threads, (r, range) -> {
            long c0 = MX.getCurrentThreadCpuTime();
            long bytes = 0;
            try (SelectionScan scan = new SelectionScan(r, null, null, range)) {
                while (scan.next()) {
                    for (FieldVector v : scan.root().getFieldVectors()) {
                        bytes += v.getBufferSize();
                    }
                }
            }
            return new long[] {bytes, MX.getCurrentThreadCpuTime() - c0};
        })) {
            total[0] += p[0];
            total[1] += p[1];
        }
        return total;
    }
}
