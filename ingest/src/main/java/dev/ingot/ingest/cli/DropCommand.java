package dev.ingot.ingest.cli;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot drop}: drops a table (refused, exit 1, while another table references it); its space
 * is given back by {@code ingot compact}.
 */
@Command(name = "drop", mixinStandardHelpOptions = true, description = "Drops a table (refused while another table references it).")
final class DropCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--table", required = true, description = "the table")
    String table;

    @Override
    public Integer call() throws Exception {
        try (Ingot db = Ingot.open(store, IngotOptions.defaults())) {
            if (db.table(table).isEmpty()) {
                throw new IOException("table " + table + " does not exist in store " + store);
            }
            db.drop(table);
        }
        System.out.println("dropped table " + table);
        return 0;
    }
}
