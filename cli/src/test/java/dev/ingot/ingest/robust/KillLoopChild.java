package dev.ingot.ingest.robust;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.LoadOptions;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TableLoadReport;
import dev.ingot.ingest.tpch.TblFileSource;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.memory.NativeAllocator;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Child-JVM entry point of {@link KillLoopTest} for a second load into a store that already
 * holds committed tables: loads, from {@code <tblDir>/<table>.tbl}, every TPC-H table the store
 * at {@code <storeDir>} does not hold yet (the CLI's {@code load-tpch} refuses a store with any
 * TPC-H table). Prints {@code committed <table> <rows>} on standard error per table; exits 0 when
 * every table loaded, 1 otherwise.
 *
 * <p>Usage: {@code KillLoopChild <tblDir> <storeDir>}.
 */
public final class KillLoopChild {
    private KillLoopChild() {}

    public static void main(String[] args) throws Exception {
        Path tblDir = Path.of(args[0]);
        Path storeDir = Path.of(args[1]);
        int exit;
        try (BufferAllocator arrow = new RootAllocator(1L << 30);
             NativeAllocator memory = NativeAllocator.root("kill-loop-child", 1L << 30);
             ColumnStore cs = ColumnStore.openOrCreate(storeDir, ColumnStoreOptions.defaults())) {
            List<TableDef> missing = TpchSchema.tables().stream().filter(t -> cs.table(t.name()).isEmpty()).toList();
            BulkLoader.SourceFactory sources = (def, batchRows, threads) ->
                    TblFileSource.open(arrow, def, tblDir.resolve(def.name() + ".tbl"), batchRows, threads);
            LoadReport report = new BulkLoader(cs, memory, LoadOptions.defaults()).load(missing, sources, t -> 0,
                    new BulkLoader.Progress() {
                        @Override
                        public void tableFinished(TableLoadReport r) {
                            System.err.println("committed " + r.table() + " " + r.rows());
                        }
                    });
            exit = report.succeeded() ? 0 : 1;
            if (!report.succeeded()) {
                System.err.println("load failed: " + report.failure());
            }
        }
        System.exit(exit);
    }
}
