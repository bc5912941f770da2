package dev.ingot.ingest.tpch;

import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import io.trino.tpch.LineItem;
import io.trino.tpch.LineItemGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Rough throughput of the TPC-H sources (not a unit test; run its main). Arguments: scale
 * factor (default 0.1), batch rows (default 8192), repetitions (default 3), table (default
 * lineitem). Prints rows/s for the bare generator, the generator source and the .tbl parser at
 * 1 and 2 threads; the best of the repetitions is reported.
 */
public final class TpchThroughput {
    private TpchThroughput() {
    }

    public static void main(String[] args) throws Exception {
        double sf = args.length > 0 ? Double.parseDouble(args[0]) : 0.1;
        int batchRows = args.length > 1 ? Integer.parseInt(args[1]) : 8192;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        String table = args.length > 3 ? args[3] : "lineitem";
        if (table.equals("lineitem")) {
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                long n = 0;
                long sink = 0;
                for (LineItem l : new LineItemGenerator(sf, 1, 1)) {
                    n++;
                    sink += l.getComment().length() + l.getOrderKey();
                }
                report("bare io.trino.tpch iteration", n, 0, System.nanoTime() - t0, sink);
            }
        }
        try (BufferAllocator allocator = new RootAllocator()) {
            for (int threads : new int[] {1, 2}) {
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    long n;
                    try (TpchGeneratorSource s = TpchGeneratorSource.open(allocator, table, sf, batchRows, threads)) {
                        n = drain(s);
                    }
                    report("TpchGeneratorSource threads=" + threads, n, 0, System.nanoTime() - t0, 0);
                }
            }
            Path dir = Files.createTempDirectory("ingot-tbl-throughput");
            TblWriter.write(dir, sf, 2, List.of(table));
            Path file = dir.resolve(table + ".tbl");
            long bytes = Files.size(file);
            for (int threads : new int[] {1, 2}) {
                for (int r = 0; r < reps; r++) {
                    long t0 = System.nanoTime();
                    long n;
                    try (TblFileSource s = TblFileSource.open(allocator, TpchSchema.table(table), file, batchRows, threads)) {
                        n = drain(s);
                    }
                    report("TblFileSource threads=" + threads, n, bytes, System.nanoTime() - t0, 0);
                }
            }
            long t0 = System.nanoTime();
            TblWriter.write(dir, sf, 2, List.of(table));
            report("TblWriter threads=2", 0, bytes, System.nanoTime() - t0, 0);
            Files.delete(file);
            Files.delete(dir);
        }
    }

    private static long drain(BatchSource s) throws Exception {
        long n = 0;
        InsertSource.ArrowBatch b;
        while ((b = s.next()) != null) {
            n += b.rowCount();
            b.close();
        }
        return n;
    }

    private static void report(String what, long rows, long bytes, long nanos, long sink) {
        double sec = nanos / 1e9;
        System.out.printf("%-32s %,10d rows %8.3f s %,12.0f rows/s%s%s%n", what, rows, sec, rows / sec,
                bytes > 0 ? String.format(" %8.1f MB/s", bytes / sec / 1e6) : "", sink == 42 ? "!" : "");
    }
}
