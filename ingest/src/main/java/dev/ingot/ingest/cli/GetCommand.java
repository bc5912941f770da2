package dev.ingot.ingest.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.Lookup;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.text.TextParseException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ingot get}: prints the live row of a table whose PRIMARY KEY is the given key, as one JSON
 * object (the form of {@code ingot scan --format jsonl}), found through the persisted key index;
 * exit status 1 when no live row has the key. The key is the values of the key columns in key
 * order, in the text forms {@code ingot load} reads. Opens the store read-only.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Prints the row with the given PRIMARY KEY as JSON (exit 1 when absent; read-only).")
final class GetCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--table", required = true, description = "the table")
    String table;

    @Parameters(arity = "1..*", paramLabel = "KEY", description = "the key's values, in key column order")
    List<String> key;

    @Override
    public Integer call() throws Exception {
        try (Ingot db = Ingot.openReadOnly(store, IngotOptions.defaults())) {
            TableDef def = db.table(table).orElseThrow(() -> new IOException("table " + table + " does not exist in store " + store));
            ConstraintSpec pk = def.primaryKey().orElseThrow(() -> new IOException("table " + table + " has no PRIMARY KEY"));
            if (key.size() != pk.columns().size()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "table " + table + "'s PRIMARY KEY has "
                        + pk.columns().size() + " columns (" + String.join(", ", pk.columns()) + "), got " + key.size() + " values");
            }
            Path dir = Files.createTempDirectory("ingot-get");
            Path file = dir.resolve("arguments");
            try {
                Files.writeString(file, KeyInput.csvLine(key), StandardCharsets.UTF_8);
                boolean[] found = {false};
                KeyInput.read(db.allocator(), KeyInput.keyTable(def, pk), file, batch -> {
                    try (Lookup rows = db.lookup(table, pk.name(), batch.root(), null)) {
                        if (rows.found(0)) {
                            found[0] = true;
                            Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                            JsonGenerator json = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).createGenerator(out);
                            ScanCommand.writeJson(json, def.columns(), rows.rows(), 0);
                            json.close();
                            out.write('\n');
                            out.flush();
                        }
                    }
                });
                if (!found[0]) {
                    System.err.println("ingot: no row of table " + table + " has the key (" + String.join(", ", pk.columns()) + ")=("
                            + String.join(", ", key) + ")");
                    return IngotCli.EXIT_FAILED;
                }
                return 0;
            } catch (TextParseException e) {
                throw new IOException(e.getMessage().replace(file.toString(), "arguments"), e);
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
    }
}
