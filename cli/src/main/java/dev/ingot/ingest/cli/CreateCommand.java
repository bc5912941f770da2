package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ConstraintRules;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableWriter;
import dev.ingot.ingest.BulkLoader;
import dev.ingot.ingest.ddl.SqlSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ingot create}: creates the store if missing and the tables of a schema file
 * ({@code CREATE TABLE} statements, {@link SqlSchema}), empty, each committed in foreign-key
 * order. Everything is checked before the first table is created: the script parses, no table
 * exists yet, and the constraint definitions follow {@link ConstraintRules} together with the
 * stored tables. {@code ingot load --table} then fills each table once.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Creates the store if missing and the (empty) tables of a file of CREATE TABLE statements.")
final class CreateCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory (created if missing)")
    Path store;

    @Parameters(paramLabel = "SCHEMA.sql", description = "CREATE TABLE statements")
    Path schema;

    @Override
    public Integer call() throws Exception {
        String sql = Files.readString(schema, StandardCharsets.UTF_8);
        try (ColumnStore cs = ColumnStore.openOrCreate(store)) {
            List<TableDef> tables = SqlSchema.parse(sql, schema.toString(), name -> cs.table(name).map(TableInfo::def));
            for (TableDef t : tables) {
                if (cs.table(t.name()).isPresent()) {
                    throw new IOException("table " + t.name() + " already exists in store " + store);
                }
            }
            ConstraintRules.requireValid(tables, cs.tables().stream().map(TableInfo::def).toList());
            for (TableDef t : BulkLoader.foreignKeyOrder(tables)) {
                try (TableWriter w = cs.createTable(t, ColumnStoreWriteHints.estimate(t))) {
                    w.commit();
                }
                System.out.println("created table " + t.name());
            }
        }
        return 0;
    }
}
