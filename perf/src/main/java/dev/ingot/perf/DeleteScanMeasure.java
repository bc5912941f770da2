package dev.ingot.perf;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.CompactionReport;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.StoreTransaction;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.columnstore.scan.SelectionScan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The deletion measurement of issue 10 (a measurement, not a test; it changes the store it is
 * given): full scans of lineitem (every column) before and after deleting 1% of the orders
 * (o_orderkey % 100 == 7) with their lineitems in one transaction, the disk cost of the deletion
 * vectors, and the time and file size of a compaction, with a scan after it.
 *
 * <p>Usage: {@code java -cp <perf jar and lib> dev.ingot.perf.DeleteScanMeasure STORE_DIR [SCANS]}
 * (a TPC-H store, e.g. from {@code ./ingot load-tpch --scale 1 --store DIR}), or
 * {@code ... DeleteScanMeasure --delete-only STORE} (only the deleting transaction), or
 * {@code ... DeleteScanMeasure --compare STORE_A STORE_B [ROUNDS]}: full lineitem scans of two
 * stores alternated (A, B, A, B, ...; a warm-up of each first), so that the load of a shared
 * machine hits both alike; prints each pair and the median of the per-round ratios B/A.
 */
public final class DeleteScanMeasure {
    /**
     * With {@code -Dingot.measure.cpu=true} scans are timed in the scanning thread's CPU time
     * (ThreadMXBean), which a loaded shared machine disturbs far less than wall time.
     */
    private static final boolean CPU_TIME = Boolean.getBoolean("ingot.measure.cpu");
    /**
     * With {@code -Dingot.measure.selection=true} scans go through {@link SelectionScan} (every row
     * of a row group in the vectors, deleted rows left out of the selection) instead of
     * {@link TableReader#scan} (deleted rows squeezed out of copies).
     */
    private static final boolean SELECTION = Boolean.getBoolean("ingot.measure.selection");

    private DeleteScanMeasure() {
    }

    public static void main(String[] args) throws IOException {
        if (args[0].equals("--delete-only")) {
            try (ColumnStore store = ColumnStore.open(Path.of(args[1])); StoreTransaction tx = store.begin()) {
                long o = tx.delete("orders", rowIdsWhere(store, "orders", "o_orderkey"));
                long l = tx.delete("lineitem", rowIdsWhere(store, "lineitem", "l_orderkey"));
                tx.commit();
                System.out.printf("deleted %,d orders and %,d lineitems%n", o, l);
            }
            return;
        }
        if (args[0].equals("--compare")) {
            compare(Path.of(args[1]), Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 9);
            return;
        }
        Path dir = Path.of(args[0]);
        int scans = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (ColumnStore store = ColumnStore.open(dir)) {
            long fileBefore = store.pager().fileSizeBytes();
            double[] before = scans(store, scans);
            report("scan before", before, store);

            long t0 = System.nanoTime();
            long deletedLines;
            long deletedOrders;
            try (StoreTransaction tx = store.begin()) {
                deletedOrders = tx.delete("orders", rowIdsWhere(store, "orders", "o_orderkey"));
                deletedLines = tx.delete("lineitem", rowIdsWhere(store, "lineitem", "l_orderkey"));
                tx.commit();
            }
            double deleteSeconds = (System.nanoTime() - t0) / 1e9;
            TableInfo li = store.table("lineitem").orElseThrow();
            long dvBytes = 0;
            int dvs = 0;
            for (String t : List.of("lineitem", "orders")) {
                for (RowGroupInfo g : store.table(t).orElseThrow().rowGroups()) {
                    if (g.hasDeletions()) {
                        dvBytes += store.pager().blobLength(g.deletionKey());
                        dvs++;
                    }
                }
            }
            System.out.printf("deleted %,d orders and %,d lineitems (%.2f%% of %,d) in %.2f s (finding the row ids by scanning the key"
                    + " columns included); %d deletion vectors, %,d bytes (%.2f bytes per deleted row); file %,d -> %,d bytes%n",
                    deletedOrders, deletedLines, 100.0 * deletedLines / li.rowCount(), li.rowCount(), deleteSeconds, dvs, dvBytes,
                    (double) dvBytes / (deletedLines + deletedOrders), fileBefore, store.pager().fileSizeBytes());

            double[] after = scans(store, scans);
            report("scan after deleting", after, store);
            System.out.printf("scan after / before (medians): %.3f%n", median(after) / median(before));

            CompactionReport c = store.compact();
            System.out.printf("compaction: %.2f s, tables %s, %,d rows removed, file %,d -> %,d bytes, live blobs %,d bytes%n",
                    c.nanos() / 1e9, c.tablesRewritten(), c.rowsRemoved(), c.fileBytesBefore(), c.fileBytesAfter(), c.liveBlobBytes());
            double[] compacted = scans(store, scans);
            report("scan after compaction", compacted, store);
        }
    }

    /** Row ids of the live rows of {@code table} whose {@code keyColumn} % 100 == 7. */
    private static long[] rowIdsWhere(ColumnStore store, String table, String keyColumn) throws IOException {
        long[] out = new long[1 << 16];
        int n = 0;
        try (TableReader r = store.openTable(table)) {
            for (int g = 0; g < r.rowGroupCount(); g++) {
                long[] ids = r.liveRowIds(g);
                try (VectorSchemaRoot root = r.readRowGroup(g, List.of(keyColumn))) {
                    BigIntVector k = (BigIntVector) root.getVector(0);
                    for (int i = 0; i < root.getRowCount(); i++) {
                        if (k.get(i) % 100 == 7) {
                            if (n == out.length) {
                                out = Arrays.copyOf(out, n * 2);
                            }
                            out[n++] = ids[i];
                        }
                    }
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static void compare(Path a, Path b, int rounds) throws IOException {
        try (ColumnStore sa = ColumnStore.openReadOnly(a); ColumnStore sb = ColumnStore.openReadOnly(b)) {
            scans(sa, 0);
            scans(sb, 0);
            double[] ratios = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                double ta = scans(sa, 1)[0];
                double tb = scans(sb, 1)[0];
                ratios[i] = tb / ta;
                System.out.printf("round %d: A %.3f s, B %.3f s, B/A %.3f%n", i + 1, ta, tb, ratios[i]);
            }
            System.out.printf("A %s (%,d live lineitems), B %s (%,d live lineitems, %,d deleted): median B/A %.3f over %d rounds%n",
                    a, sa.table("lineitem").orElseThrow().liveRowCount(), b, sb.table("lineitem").orElseThrow().liveRowCount(),
                    sb.table("lineitem").orElseThrow().deletedRowCount(), median(ratios), rounds);
        }
    }

    private static double[] scans(ColumnStore store, int n) throws IOException {
        double[] s = new double[n + 1];
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i <= n; i++) { // the first is a warm-up
            long t = CPU_TIME ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            long rows = 0;
            try (TableReader r = store.openTable("lineitem")) {
                if (SELECTION) {
                    try (SelectionScan scan = new SelectionScan(r, null, null, null)) {
                        while (scan.next()) {
                            rows += scan.selectedCount();
                            for (FieldVector v : scan.root().getFieldVectors()) {
                                rows += v.getNullCount();
                            }
                        }
                    }
                    s[i] = ((CPU_TIME ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t) / 1e9;
                    continue;
                }
                Iterator<VectorSchemaRoot> it = r.scan(null);
                while (it.hasNext()) {
                    try (VectorSchemaRoot root = it.next()) {
                        rows += root.getRowCount();
                        for (FieldVector v : root.getFieldVectors()) {
                            rows += v.getNullCount();
                        }
                    }
                }
            }
            s[i] = ((CPU_TIME ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - t) / 1e9;
        }
        return Arrays.copyOfRange(s, 1, s.length);
    }

    private static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static void report(String what, double[] seconds, ColumnStore store) {
        List<String> each = new ArrayList<>();
        for (double s : seconds) {
            each.add(String.format("%.3f", s));
        }
        System.out.printf("%s: median %.3f s (%s), lineitem %,d live rows%n", what, median(seconds), String.join(" ", each),
                store.table("lineitem").orElseThrow().liveRowCount());
    }
}
