package dev.ingot.perf;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.StoreSnapshot;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.ingest.keys.ArrowValues;
import dev.ingot.ingest.keys.StoredTable;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A primary-key lookup ({@link Ingot#lookup}) split into its phases, each timed on its own, to show
 * where the slow lookups' time goes: {@code key -> row id} (the key set into a one-row key root and
 * found through the table's key index: sorted runs and/or hash partitions), then the point read of
 * each column ({@link TableReader#readRows(long[], List, VectorSchemaRoot)} into a kept one-column
 * root), then the copy of the row out into a map of Java values. This is what {@code Ingot.lookup}
 * does, with one {@code readRows} per column instead of one for the row (a few hundred nanoseconds
 * more per lookup).
 *
 * <p>Prints per phase the p50/p99/p99.9/max wall latency over the timed lookups, the whole lookup's
 * wall and thread CPU percentiles, and, for the lookups slower than the whole lookup's p99, which
 * phase took the most of each (count) and each phase's share of their summed time: the phase (or
 * column) that owns the tail.
 *
 * <p>Not thread-safe; used by one command run. Opens the store read-only; nothing is written.
 */
final class LookupPhases {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private LookupPhases() {
    }

    /**
     * Runs {@code count} untimed then {@code count} timed lookups of the keys of random live rows
     * (seed {@code seed}) of {@code table} in the store {@code store} and prints the report to {@code out}.
     *
     * @throws IllegalArgumentException if the table has no PRIMARY KEY or {@code count < 1}
     * @throws IOException on a read failure
     */
    static void run(Path store, String table, int count, long seed, PrintStream out) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("lookups must be at least 1: " + count);
        }
        try (Ingot db = Ingot.openReadOnly(store, IngotOptions.defaults());
             NativeAllocator memory = NativeAllocator.root("lookup-phases", 1L << 30);
             StoreSnapshot snapshot = db.store().snapshot();
             StoredTable t = new StoredTable(snapshot, table, db.store().pager().file(), memory, false, null)) { // as Ingot.lookup: sorted runs searched encoded
            TableDef def = t.info().def();
            ConstraintSpec pk = def.primaryKey().orElseThrow(() -> new IllegalArgumentException("table " + table + " has no PRIMARY KEY"));
            List<ColumnDef> columns = def.columns();
            int phases = columns.size() + 2; // key -> row id, each column, copy out
            String[] names = new String[phases];
            names[0] = "key -> row id";
            for (int c = 0; c < columns.size(); c++) {
                names[c + 1] = "read " + columns.get(c).name();
            }
            names[phases - 1] = "copy out";
            List<Object[]> keys = sampleKeys(t.reader(), pk, 2 * count, seed);
            Histogram[] phase = new Histogram[phases];
            for (int p = 0; p < phases; p++) {
                phase[p] = new Histogram(3);
            }
            Histogram total = new Histogram(3);
            Histogram cpu = new Histogram(3);
            long[][] times = new long[count][phases];
            long[] totals = new long[count];
            KeyIndex.Finder finder = t.keyIndex(pk.name(), null).newFinder();
            List<VectorSchemaRoot> roots = new ArrayList<>();
            try (VectorSchemaRoot key = ArrowValues.root(db.allocator(), ArrowValues.columns(def, pk.columns()), List.of());
                 VectorSchemaRoot row = ArrowValues.root(db.allocator(), columns, List.of())) {
                FieldVector[] keyColumns = key.getFieldVectors().toArray(new FieldVector[0]);
                for (ColumnDef c : columns) {
                    roots.add(ArrowValues.root(db.allocator(), List.of(c), List.of()));
                }
                List<List<String>> one = columns.stream().map(c -> List.of(c.name())).toList();
                long[] rowId = new long[1];
                long[] at = new long[phases];
                for (int i = -count; i < count; i++) {
                    long c0 = MX.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    ArrowValues.setRow(key, 0, Arrays.asList(keys.get(i + count)));
                    key.setRowCount(1);
                    finder.find(keyColumns, 0, 1, t.deleted(), rowId);
                    long t1 = System.nanoTime();
                    at[0] = t1 - t0;
                    if (rowId[0] < 0) {
                        throw new IllegalStateException("key " + Arrays.toString(keys.get(i + count)) + " of " + table + " not found");
                    }
                    for (int c = 0; c < columns.size(); c++) {
                        long s = System.nanoTime();
                        t.reader().readRows(rowId, one.get(c), roots.get(c));
                        at[c + 1] = System.nanoTime() - s;
                    }
                    long s = System.nanoTime();
                    for (int c = 0; c < columns.size(); c++) { // the row's map, as Ingot.lookup returns it
                        row.getVector(c).copyFromSafe(0, 0, roots.get(c).getVector(0));
                    }
                    row.setRowCount(1);
                    if (ArrowValues.row(row, 0).size() != columns.size()) {
                        throw new IllegalStateException("row of " + table + " lost columns");
                    }
                    long end = System.nanoTime();
                    at[phases - 1] = end - s;
                    long c1 = MX.getCurrentThreadCpuTime();
                    if (i >= 0) {
                        for (int p = 0; p < phases; p++) {
                            phase[p].recordValue(at[p]);
                        }
                        System.arraycopy(at, 0, times[i], 0, phases);
                        totals[i] = end - t0;
                        total.recordValue(end - t0);
                        cpu.recordValue(Math.max(0, c1 - c0));
                    }
                }
            } finally {
                for (VectorSchemaRoot r : roots) {
                    r.close();
                }
            }
            report(out, table, names, phase, total, cpu, times, totals);
        }
    }

    /** The PRIMARY KEY values of {@code n} random rows of the table (row ids drawn with {@code seed}). */
    private static List<Object[]> sampleKeys(TableReader reader, ConstraintSpec pk, int n, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long rows = reader.info().rowCount();
        List<Object[]> keys = new ArrayList<>(n);
        while (keys.size() < n) {
            long id = random.nextLong(rows);
            int g = reader.info().rowGroupOf(id);
            if (reader.info().rowGroups().get(g).hasDeletions() && reader.deletedRows(g).contains((int) (id - reader.info().rowGroups().get(g).firstRowId()))) {
                continue;
            }
            try (VectorSchemaRoot r = reader.readRows(new long[] {id}, pk.columns())) {
                keys.add(pk.columns().stream().map(c -> r.getVector(c).getObject(0)).toArray());
            }
        }
        return keys;
    }

    private static void report(PrintStream out, String table, String[] names, Histogram[] phase, Histogram total, Histogram cpu,
                               long[][] times, long[] totals) {
        out.printf("lookup phases of %s, %,d lookups (wall us):%n", table, total.getTotalCount());
        long p99 = total.getValueAtPercentile(99);
        int phases = names.length;
        int[] owns = new int[phases];
        double[] tailSum = new double[phases];
        int tail = 0;
        for (int i = 0; i < totals.length; i++) {
            if (totals[i] <= p99) {
                continue;
            }
            tail++;
            int max = 0;
            for (int p = 0; p < phases; p++) {
                tailSum[p] += times[i][p];
                if (times[i][p] > times[i][max]) {
                    max = p;
                }
            }
            owns[max]++;
        }
        double tailTotal = Arrays.stream(tailSum).sum();
        out.printf("  %-24s %8s %8s %8s %9s   %s%n", "phase", "p50", "p99", "p99.9", "max", "lookups above the p99: largest phase in / share of time");
        for (int p = 0; p < phases; p++) {
            out.printf("  %-24s %8.2f %8.2f %8.1f %9.1f   %5d  %5.1f%%%n", names[p], us(phase[p], 50), us(phase[p], 99), us(phase[p], 99.9),
                    phase[p].getMaxValue() / 1e3, owns[p], tailTotal == 0 ? 0 : 100 * tailSum[p] / tailTotal);
        }
        out.printf("  %-24s %8.2f %8.2f %8.1f %9.1f   %5d lookups above %.1f us%n", "whole lookup", us(total, 50), us(total, 99), us(total, 99.9),
                total.getMaxValue() / 1e3, tail, p99 / 1e3);
        out.printf("  %-24s %8.2f %8.2f %8.1f %9.1f%n", "whole lookup thread CPU", us(cpu, 50), us(cpu, 99), us(cpu, 99.9), cpu.getMaxValue() / 1e3);
    }

    private static double us(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }
}
