package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.RowGroupInfo;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.encoding.ChunkEncoding;
import dev.ingot.columnstore.internal.ChunkFormat;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingot diag}: what a store holds and what opening it cost. */
@Command(name = "diag", mixinStandardHelpOptions = true,
        description = "Prints a store's commit epoch, file size, live blobs and per-table row groups (read-only).")
final class DiagCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--columns", description = "also per column: the chunks of each encoding, their mean bit width, stored bytes,"
            + " and the bytes the same chunks take plain (chunk format version 2)")
    boolean columns;

    @Override
    public Integer call() throws Exception {
        try (ColumnStore cs = ColumnStore.openReadOnly(store, ColumnStoreOptions.defaults())) {
            Pager pager = cs.pager();
            long[] keys = pager.liveKeys();
            long blobBytes = 0;
            for (long k : keys) {
                blobBytes += pager.blobLength(k);
            }
            System.out.printf("store %s: epoch %d, file %s, %d live blobs holding %s%n", pager.file(), pager.epoch(),
                    PagerDiagnostics.humanBytes(pager.fileSizeBytes()), keys.length, PagerDiagnostics.humanBytes(blobBytes));
            for (TableInfo t : cs.tables()) {
                System.out.printf("  %-10s %,12d rows, %,6d row groups of up to %,d rows, %d columns, %d constraints%n", t.def().name(),
                        t.rowCount(), t.rowGroups().size(), t.chunkRows(), t.def().columns().size(), t.def().constraints().size());
                if (columns) {
                    printColumns(pager, t);
                }
            }
            System.out.println("pager: " + pager.diagnostics().snapshot());
        }
        return 0;
    }

    /**
     * One line per column: chunks per encoding ("+lz4" counts LZ4-compressed text), mean bit width
     * of the packed values, codes or lengths, stored bytes (whole chunks, headers included) and
     * the bytes of the same chunks plain. Reads only the chunk headers.
     */
    private static void printColumns(Pager pager, TableInfo t) throws IOException {
        long tableStored = 0;
        long tablePlain = 0;
        for (int c = 0; c < t.def().columns().size(); c++) {
            ColumnDef def = t.def().columns().get(c);
            ColumnType.Kind kind = def.type().kind();
            Map<ChunkEncoding, Integer> chunks = new EnumMap<>(ChunkEncoding.class);
            int lz4 = 0;
            long widths = 0;
            int packed = 0;
            long stored = 0;
            long plain = 0;
            for (int g = 0; g < t.rowGroups().size(); g++) {
                RowGroupInfo group = t.rowGroups().get(g);
                ByteBuffer blob = pager.get(group.chunkKey(c)).slice().order(ByteOrder.LITTLE_ENDIAN);
                ChunkFormat.Header h = ChunkFormat.parse(blob, kind, group.rowCount(), pager.file(), "table " + t.def().name() + " column "
                        + def.name() + " row group " + g, false);
                chunks.merge(h.encoding(), 1, Integer::sum);
                lz4 += h.compression() != ChunkFormat.COMPRESSION_NONE ? 1 : 0; // one LZ4 block (version 3) or LZ4 text blocks
                if (h.encoding() != ChunkEncoding.PLAIN) {
                    widths += h.bitWidth();
                    packed++;
                }
                int rows = h.rowCount();
                long validity = ChunkFormat.align(ChunkFormat.validityBytes(rows));
                long data = kind.isVariableWidth() ? ChunkFormat.align(4L * rows + 4) + h.textBytes() : kind.dataBytes(rows);
                stored += h.blobBytes();
                plain += ChunkFormat.HEADER_BYTES + validity + data;
            }
            StringBuilder enc = new StringBuilder();
            for (Map.Entry<ChunkEncoding, Integer> e : chunks.entrySet()) {
                enc.append(enc.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
                if (e.getKey() == ChunkEncoding.PACKED_TEXT && lz4 > 0) {
                    enc.append(" (").append(lz4).append(" lz4)");
                }
            }
            String width = packed == 0 ? "-" : String.format("%.1f", (double) widths / packed);
            System.out.printf("    %-16s %-24s %-40s width %5s  %10s of %10s plain (%5.1f%%)%n", def.name(), def.type().sqlName(), enc, width,
                    PagerDiagnostics.humanBytes(stored), PagerDiagnostics.humanBytes(plain), 100.0 * stored / Math.max(plain, 1));
            tableStored += stored;
            tablePlain += plain;
        }
        System.out.printf("    %-16s %-24s %-40s       %5s  %10s of %10s plain (%5.1f%%)%n", "(all columns)", "", "", "",
                PagerDiagnostics.humanBytes(tableStored), PagerDiagnostics.humanBytes(tablePlain), 100.0 * tableStored / Math.max(tablePlain, 1));
    }
}
