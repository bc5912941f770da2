package dev.ingot.ingest.cli;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.Transaction;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot delete}: deletes the rows of a table whose PRIMARY KEY is listed in a CSV file (one
 * key per line, values in key column order, header optional; see {@link KeyInput}), in one
 * transaction, and prints how many rows were deleted (keys no live row holds are ignored). FOREIGN
 * KEY RESTRICT: if a live row of another table still references a deleted key, nothing is deleted
 * and the error names the referencing table, the constraint and the key (exit 1).
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Deletes the rows whose PRIMARY KEY is listed in a CSV file; prints how many were deleted.")
final class DeleteCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--table", required = true, description = "the table")
    String table;

    @Option(names = "--keys", required = true, description = "CSV file of key values, one key per line (header optional)")
    Path keys;

    @Override
    public Integer call() throws Exception {
        try (Ingot db = Ingot.open(store, IngotOptions.defaults())) {
            TableDef def = db.table(table).orElseThrow(() -> new IOException("table " + table + " does not exist in store " + store));
            ConstraintSpec pk = def.primaryKey().orElseThrow(() -> new IOException("table " + table + " has no PRIMARY KEY"));
            long deleted;
            try (Transaction tx = db.begin()) {
                long[] n = {0};
                KeyInput.read(db.allocator(), KeyInput.keyTable(def, pk), keys, batch -> n[0] += tx.delete(table, batch.root()));
                tx.commit();
                deleted = n[0];
            }
            System.out.println("deleted " + deleted + (deleted == 1 ? " row" : " rows") + " from " + table);
        }
        return 0;
    }
}
