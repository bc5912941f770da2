package dev.ingot.ingest.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.ingest.text.DelimitedTextWriter;
import dev.ingot.ingest.text.TextDialect;
import dev.ingot.ingest.text.TextForm;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ingot scan}: prints a table's rows, opening the store read-only.
 * <ul>
 *   <li>{@code csv} (default): a header line of column names, then one line per row in the
 *       syntax {@code ingot load} reads ({@link TextForm}); NULL is the empty field; a text
 *       value that is empty or holds a comma, quote or line break is quoted (quotes doubled), so
 *       the output loads back with {@code --header} to the same values.</li>
 *   <li>{@code jsonl}: one JSON object per row (Jackson), keys = column names in table order,
 *       NULL = {@code null}; integers and decimals as JSON numbers (decimals exact, in plain
 *       notation with the column's scale), REAL/DOUBLE as JSON numbers (NaN and infinities as
 *       the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}), BOOLEAN as JSON
 *       booleans, dates, times, timestamps and UUIDs as ISO strings ({@link TextForm}), text as
 *       JSON strings, VARBINARY as base64 strings.</li>
 * </ul>
 */
@Command(name = "scan", mixinStandardHelpOptions = true, description = "Prints a table's rows as CSV or JSON lines (read-only).")
final class ScanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--table", required = true, description = "table to scan")
    String table;

    @Option(names = "--columns", split = ",", description = "columns to print, comma-separated (default: all, in table order)")
    List<String> columns;

    @Option(names = "--format", description = "csv or jsonl (default: ${DEFAULT-VALUE})", defaultValue = "csv")
    String format;

    @Option(names = "--limit", description = "print at most N rows")
    Long limit;

    @Override
    public Integer call() throws Exception {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("csv") && !fmt.equals("jsonl")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be csv or jsonl: " + format);
        }
        if (limit != null && limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0: " + limit);
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            TableInfo info = cs.table(table).orElseThrow(() -> new IOException("table " + table + " does not exist in store " + store));
            TableDef def = info.def();
            List<ColumnDef> cols = new ArrayList<>();
            for (String c : columns == null ? def.columns().stream().map(ColumnDef::name).toList() : columns) {
                if (def.columnIndex(c) < 0) {
                    throw new IOException("table " + table + " has no column " + c);
                }
                cols.add(def.column(c));
            }
            List<String> names = cols.stream().map(ColumnDef::name).toList();
            long left = limit == null ? Long.MAX_VALUE : limit;
            JsonGenerator json = fmt.equals("jsonl") ? new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).createGenerator(out) : null;
            DelimitedTextWriter csv = json == null ? new DelimitedTextWriter(out, TextDialect.csv()) : null;
            if (json != null) {
                json.setRootValueSeparator(null);
            } else {
                csv.writeRecord(names);
            }
            try (TableReader reader = cs.openTable(table)) {
                for (int rg = 0; rg < reader.rowGroupCount() && left > 0; rg++) {
                    try (VectorSchemaRoot rows = reader.readRowGroup(rg, names)) {
                        int n = (int) Math.min(left, rows.getRowCount());
                        for (int r = 0; r < n; r++) {
                            if (json != null) {
                                writeJson(json, cols, rows, r);
                                json.flush();
                                out.write('\n');
                            } else {
                                List<String> cells = new ArrayList<>(cols.size());
                                for (int c = 0; c < cols.size(); c++) {
                                    cells.add(TextForm.of(cols.get(c).type(), rows.getVector(c), r));
                                }
                                csv.writeRecord(cells);
                            }
                        }
                        left -= n;
                    }
                }
            }
            if (json != null) {
                json.close();
            }
        } finally {
            out.flush();
        }
        return 0;
    }

    static void writeJson(JsonGenerator json, List<ColumnDef> cols, VectorSchemaRoot rows, int r) throws IOException {
        json.writeStartObject();
        for (int c = 0; c < cols.size(); c++) {
            ColumnDef col = cols.get(c);
            FieldVector v = rows.getVector(c);
            json.writeFieldName(col.name());
            if (v.isNull(r)) {
                json.writeNull();
                continue;
            }
            switch (col.type().kind()) {
                case BOOLEAN: json.writeBoolean(((BitVector) v).get(r) != 0); break;
                case INT8: json.writeNumber(((TinyIntVector) v).get(r)); break;
                case INT16: json.writeNumber(((SmallIntVector) v).get(r)); break;
                case INT32: json.writeNumber(((IntVector) v).get(r)); break;
                case INT64: json.writeNumber(((BigIntVector) v).get(r)); break;
                case FLOAT32: json.writeNumber(((Float4Vector) v).get(r)); break;
                case FLOAT64: json.writeNumber(((Float8Vector) v).get(r)); break;
                case DECIMAL64:
                case DECIMAL128: json.writeNumber(TextForm.decimal((DecimalVector) v, r).toPlainString()); break;
                case VARBINARY: json.writeBinary(((VarBinaryVector) v).get(r)); break;
                default: json.writeString(TextForm.of(col.type(), v, r)); break;
            }
        }
        json.writeEndObject();
    }
}
