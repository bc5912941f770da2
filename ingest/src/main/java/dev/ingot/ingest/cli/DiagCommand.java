package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.pager.Pager;
import dev.ingot.pager.PagerDiagnostics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingot diag}: what a store holds and what opening it cost. */
@Command(name = "diag", mixinStandardHelpOptions = true,
        description = "Prints a store's commit epoch, file size, live blobs and per-table row groups (read-only).")
final class DiagCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

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
            }
            System.out.println("pager: " + pager.diagnostics().snapshot());
        }
        return 0;
    }
}
