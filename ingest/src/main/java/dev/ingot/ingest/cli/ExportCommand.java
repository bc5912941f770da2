package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.ingest.export.TableExporter;
import dev.ingot.ingest.text.TextDialect;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ingot export}: writes one table (or some of its columns) to a Parquet, Arrow IPC or
 * CSV file that {@code ingot load} reads back into an identical table ({@link TableExporter});
 * opens the store read-only. CSV takes the dialect options of {@code ingot load}. Registered as an
 * {@link IngotSubcommand} (META-INF/services), like the commands of other modules.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes a table to a Parquet, Arrow IPC or CSV file that 'ingot load' reads back (read-only).")
public final class ExportCommand implements IngotSubcommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--table", required = true, description = "table to export")
    String table;

    @Option(names = "--format", required = true, description = "parquet, arrow or csv")
    String format;

    @Option(names = "--out", required = true, description = "output file (must not exist)")
    Path out;

    @Option(names = "--columns", split = ",", description = "columns to write, comma-separated, in this order (default: all, in table order)")
    List<String> columns;

    @Mixin
    DialectOptions dialectOptions;

    @Override
    public Integer call() throws Exception {
        TableExporter.Format fmt;
        try {
            fmt = TableExporter.Format.of(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be parquet, arrow or csv: " + format);
        }
        TextDialect dialect = dialectOptions.apply(TextDialect.csv(), spec, "(writing " + out + ")");
        if (fmt != TableExporter.Format.CSV && dialect != TextDialect.csv() && !dialect.equals(TextDialect.csv())) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--header, --delimiter, --quote, --escape and --null apply to --format csv only");
        }
        long t0 = System.nanoTime();
        long rows;
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            rows = TableExporter.export(cs, table, columns, fmt, dialect, out);
        }
        System.err.printf("ingot: exported %,d rows of %s to %s (%s) in %.2f s%n", rows, table, out, fmt, (System.nanoTime() - t0) / 1e9);
        return 0;
    }
}
