package dev.ingot.ingest.cli;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.columnstore.CompactionReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot compact}: rewrites the tables with deleted rows without them, gives the space of
 * deleted rows, dropped tables and aborted loads back (the file shrinks), and merges each table's key
 * index segments into one per key ({@link Ingot#compact()}); crash-safe. Prints what it did.
 */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Rewrites tables without their deleted rows, gives the space back and merges key indexes.")
final class CompactCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Override
    public Integer call() throws Exception {
        CompactionReport r;
        try (Ingot db = Ingot.open(store, IngotOptions.defaults())) {
            r = db.compact();
        }
        System.out.println("compacted " + store + ": removed " + r.rowsRemoved() + " deleted rows from "
                + (r.tablesRewritten().isEmpty() ? "no table" : String.join(", ", r.tablesRewritten()))
                + "; file " + r.fileBytesBefore() + " -> " + r.fileBytesAfter() + " bytes");
        return 0;
    }
}
