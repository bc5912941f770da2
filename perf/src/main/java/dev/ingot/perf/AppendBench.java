package dev.ingot.perf;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.RowFilter;
import dev.ingot.Transaction;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The append benchmark of issue 10 (not a test): into a loaded TPC-H store (orders and lineitem with
 * their persisted key indexes), appends {@code N} new orders and their lineitems (about 4 N) in one
 * transaction, every key checked: orders' PRIMARY KEY against 1.5 M stored orders (SF1) and its
 * FOREIGN KEY to customer, lineitem's composite PRIMARY KEY against the stored lineitems and its
 * FOREIGN KEYs to the new orders and to partsupp. The rows are the store's first {@code N} orders
 * and their lineitems with the order keys moved past the stored ones (so every other column, and
 * every reference, is real). Each round appends and rolls back (nothing is published); the last
 * round commits, then the appended rows are deleted again (one more commit) so the store keeps its
 * contents.
 *
 * <p>Usage: {@code AppendBench STORE_DIR [N=15000] [ROUNDS=5]}; prints one line per round
 * (seconds for the appends and checks, and for the commit, wall clock and the main thread's CPU
 * time, which a loaded machine inflates less) and the medians.
 */
public final class AppendBench {
    private AppendBench() {}

    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        int orders = args.length > 1 ? Integer.parseInt(args[1]) : 15_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long shift = 100_000_000L;
        try (Ingot db = Ingot.open(store, IngotOptions.defaults())) {
            List<VectorSchemaRoot> o = new ArrayList<>();
            List<VectorSchemaRoot> l = new ArrayList<>();
            try {
                long maxKey = orderKeyBound(db, orders);
                collect(db, "orders", RowFilter.le("o_orderkey", maxKey), "o_orderkey", shift, o);
                collect(db, "lineitem", RowFilter.le("l_orderkey", maxKey), "l_orderkey", shift, l);
                long oRows = o.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
                long lRows = l.stream().mapToLong(VectorSchemaRoot::getRowCount).sum();
                System.out.printf("appending %,d orders and %,d lineitems (keys checked against %,d orders and %,d lineitems)%n",
                        oRows, lRows, db.store().table("orders").orElseThrow().liveRowCount(),
                        db.store().table("lineitem").orElseThrow().liveRowCount());
                List<Double> times = new ArrayList<>();
                List<Double> cpus = new ArrayList<>();
                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                for (int r = 0; r < rounds; r++) {
                    boolean commit = r == rounds - 1;
                    long c0 = threads.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    long t1;
                    long c1;
                    try (Transaction tx = db.begin()) {
                        for (VectorSchemaRoot b : o) {
                            tx.append("orders", b);
                        }
                        for (VectorSchemaRoot b : l) {
                            tx.append("lineitem", b);
                        }
                        t1 = System.nanoTime();
                        c1 = threads.getCurrentThreadCpuTime();
                        if (commit) {
                            tx.commit();
                        }
                    }
                    long t2 = System.nanoTime();
                    long c2 = threads.getCurrentThreadCpuTime();
                    double s = (t2 - t0) / 1e9;
                    times.add(s);
                    cpus.add((c2 - c0) / 1e9);
                    System.out.printf("round %d: append+checks %.3f s (cpu %.3f s), %s %.3f s (cpu %.3f s), total %.3f s (cpu %.3f s)%n",
                            r + 1, (t1 - t0) / 1e9, (c1 - c0) / 1e9, commit ? "commit" : "rollback", (t2 - t1) / 1e9, (c2 - c1) / 1e9, s,
                            (c2 - c0) / 1e9);
                }
                times.sort(Double::compare);
                cpus.sort(Double::compare);
                System.out.printf("median %.3f s (thread cpu %.3f s) over %d rounds%n", times.get(times.size() / 2), cpus.get(cpus.size() / 2),
                        rounds);
                try (Transaction tx = db.begin()) { // give the store its contents back
                    tx.deleteWhere("lineitem", RowFilter.gt("l_orderkey", shift));
                    tx.deleteWhere("orders", RowFilter.gt("o_orderkey", shift));
                    tx.commit();
                }
            } finally {
                o.forEach(VectorSchemaRoot::close);
                l.forEach(VectorSchemaRoot::close);
            }
        }
    }

    /** The order key of the {@code n}-th order in row order. */
    private static long orderKeyBound(Ingot db, int n) throws Exception {
        long[] seen = {0, 0};
        db.scan("orders").columns("o_orderkey").forEachBatch(b -> {
            BigIntVector k = (BigIntVector) b.getVector(0);
            for (int i = 0; i < b.getRowCount() && seen[0] < n; i++, seen[0]++) {
                seen[1] = Math.max(seen[1], k.get(i));
            }
        });
        return seen[1];
    }

    /** Copies the matching rows, with {@code keyColumn} moved up by {@code shift}, into batches the caller closes. */
    private static void collect(Ingot db, String table, RowFilter filter, String keyColumn, long shift, List<VectorSchemaRoot> out)
            throws Exception {
        db.scan(table).where(filter).forEachBatch(b -> {
            if (b.getRowCount() == 0) {
                return;
            }
            VectorSchemaRoot copy = VectorSchemaRoot.create(b.getSchema(), db.allocator());
            copy.allocateNew();
            for (int c = 0; c < b.getFieldVectors().size(); c++) {
                for (int r = 0; r < b.getRowCount(); r++) {
                    copy.getVector(c).copyFromSafe(r, r, b.getVector(c));
                }
                copy.getVector(c).setValueCount(b.getRowCount());
            }
            copy.setRowCount(b.getRowCount());
            BigIntVector k = (BigIntVector) copy.getVector(keyColumn);
            for (int r = 0; r < copy.getRowCount(); r++) {
                k.set(r, k.get(r) + shift);
            }
            out.add(copy);
        });
    }
}
