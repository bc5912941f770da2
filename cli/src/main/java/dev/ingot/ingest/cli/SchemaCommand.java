package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.ddl.SqlSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ingot schema}: prints the store's tables as {@code CREATE TABLE} statements
 * ({@link SqlSchema#toDdl}), referenced tables first; {@code ingot create} of the output makes
 * the same tables. Opens the store read-only.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Prints the store's tables as CREATE TABLE statements (read-only).")
final class SchemaCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Override
    public Integer call() throws Exception {
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            List<TableDef> tables = cs.tables().stream().map(TableInfo::def).toList();
            System.out.print(SqlSchema.toDdl(BulkLoader.foreignKeyOrder(tables)));
        }
        return 0;
    }
}
