package dev.ingot.sql.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ingot.ingest.cli.IngotSubcommand;
import dev.ingot.ingest.text.DelimitedTextWriter;
import dev.ingot.ingest.text.TextDialect;
import dev.ingot.ingest.text.TextForm;
import dev.ingot.sql.IngotDriver;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ingot sql}: runs one SQL query over a store through Apache Calcite ({@link IngotDriver},
 * read-only) and prints its result:
 * <ul>
 *   <li>{@code table} (default): column names, a rule, then the rows as aligned columns
 *       (numbers right-aligned), NULL as {@code NULL}, and a line with the row count;</li>
 *   <li>{@code csv}: a header line of column names, then one line per row, RFC 4180 quoting
 *       ({@link DelimitedTextWriter} in {@link TextDialect#csv()}), NULL as the empty field;</li>
 *   <li>{@code jsonl}: one JSON object per row, keys = column labels, values as
 *       {@code ingot scan --format jsonl} prints them: integers and decimals as JSON numbers
 *       (decimals in plain notation), REAL/DOUBLE as numbers (NaN and infinities as strings),
 *       BOOLEAN as booleans, text, dates, times, timestamps and UUIDs as strings, VARBINARY as
 *       base64, NULL as {@code null}.</li>
 * </ul>
 * Text forms in {@code table} and {@code csv}: decimals in plain notation, REAL/DOUBLE as Java's
 * shortest round-trip form, DATE {@code YYYY-MM-DD}, TIME {@code HH:MM:SS}, TIMESTAMP
 * {@code YYYY-MM-DD HH:MM:SS} (Calcite's), VARBINARY as {@code \x} hex.
 *
 * <p>The query comes from {@code --file} or the one argument; a trailing {@code ;} is dropped.
 * Calcite's Enumerable executor holds joins and aggregations on the Java heap: give large
 * queries a larger heap ({@code INGOT_JAVA_OPTS=-Xmx4g}).
 */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Runs a SQL query over a store through Apache Calcite (read-only).")
public final class SqlCommand implements IngotSubcommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--file", description = "file holding the query")
    Path file;

    @Option(names = "--format", description = "table, csv or jsonl (default: ${DEFAULT-VALUE})", defaultValue = "table")
    String format;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "the query (or give --file)")
    String query;

    /** Public for {@link java.util.ServiceLoader}. */
    public SqlCommand() {}

    @Override
    public Integer call() throws Exception {
        String fmt = format.toLowerCase(Locale.ROOT);
        if (!fmt.equals("table") && !fmt.equals("csv") && !fmt.equals("jsonl")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be table, csv or jsonl: " + format);
        }
        if ((query == null) == (file == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give the query as the argument or with --file, not both");
        }
        String sql = query != null ? query : Files.readString(file, StandardCharsets.UTF_8);
        sql = stripTerminator(sql);
        if (!Files.isDirectory(store)) {
            throw new IOException("store directory " + store + " does not exist");
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        long t0 = System.nanoTime();
        long rows;
        try (Connection c = new IngotDriver().connect(IngotDriver.PREFIX + store, new Properties());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            switch (fmt) {
                case "csv": rows = writeCsv(rs, out); break;
                case "jsonl": rows = writeJsonl(rs, out); break;
                default: rows = writeTable(rs, out); break;
            }
        } catch (SQLException e) {
            throw new SQLException("query failed" + (file != null ? " (" + file + ")" : "") + ": " + IngotDriverMessages.of(e), e);
        } finally {
            out.flush();
        }
        PrintStream err = System.err;
        err.printf("ingot: %,d rows in %.3f s%n", rows, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    /** The query without trailing whitespace and one trailing semicolon. */
    static String stripTerminator(String sql) {
        String s = sql.strip();
        return s.endsWith(";") ? s.substring(0, s.length() - 1).strip() : s;
    }

    private static List<String> labels(ResultSetMetaData md) throws SQLException {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            names.add(md.getColumnLabel(i));
        }
        return names;
    }

    /** The text of column {@code i} of the current row, or null for NULL. */
    static String text(ResultSet rs, ResultSetMetaData md, int i) throws SQLException {
        switch (md.getColumnType(i)) {
            case Types.DECIMAL:
            case Types.NUMERIC: {
                BigDecimal d = rs.getBigDecimal(i);
                return d == null ? null : d.toPlainString();
            }
            case Types.REAL:
            case Types.FLOAT: {
                float f = rs.getFloat(i);
                return rs.wasNull() ? null : Float.toString(f);
            }
            case Types.DOUBLE: {
                double d = rs.getDouble(i);
                return rs.wasNull() ? null : Double.toString(d);
            }
            case Types.BINARY:
            case Types.VARBINARY: {
                byte[] b = rs.getBytes(i);
                return b == null ? null : TextForm.hex(b);
            }
            default: {
                Object o = rs.getObject(i);
                return o == null ? null : o instanceof String s ? s : rs.getString(i);
            }
        }
    }

    private static long writeCsv(ResultSet rs, Writer out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        DelimitedTextWriter csv = new DelimitedTextWriter(out, TextDialect.csv());
        csv.writeRecord(labels(md));
        long rows = 0;
        List<String> fields = new ArrayList<>();
        while (rs.next()) {
            fields.clear();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                fields.add(text(rs, md, i));
            }
            csv.writeRecord(fields);
            rows++;
        }
        return rows;
    }

    private static long writeJsonl(ResultSet rs, Writer out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> names = labels(md);
        long rows = 0;
        try (JsonGenerator json = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).createGenerator(out)) {
            json.setRootValueSeparator(null);
            while (rs.next()) {
                json.writeStartObject();
                for (int i = 1; i <= names.size(); i++) {
                    json.writeFieldName(names.get(i - 1));
                    writeJsonValue(json, rs, md, i);
                }
                json.writeEndObject();
                json.flush();
                out.write('\n');
                rows++;
            }
        }
        return rows;
    }

    private static void writeJsonValue(JsonGenerator json, ResultSet rs, ResultSetMetaData md, int i) throws SQLException, IOException {
        Object o = rs.getObject(i);
        if (o == null) {
            json.writeNull();
            return;
        }
        switch (md.getColumnType(i)) {
            case Types.BOOLEAN: json.writeBoolean(rs.getBoolean(i)); break;
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT: json.writeNumber(rs.getLong(i)); break;
            case Types.DECIMAL:
            case Types.NUMERIC: json.writeNumber(rs.getBigDecimal(i).toPlainString()); break;
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE: {
                double d = rs.getDouble(i);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    json.writeString(Double.toString(d));
                } else if (md.getColumnType(i) == Types.DOUBLE) {
                    json.writeNumber(d);
                } else {
                    json.writeNumber(rs.getFloat(i));
                }
                break;
            }
            case Types.BINARY:
            case Types.VARBINARY: json.writeBinary(rs.getBytes(i)); break;
            default: json.writeString(text(rs, md, i)); break;
        }
    }

    private static long writeTable(ResultSet rs, Writer out) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> names = labels(md);
        int n = names.size();
        boolean[] right = new boolean[n];
        int[] width = new int[n];
        for (int i = 0; i < n; i++) {
            int t = md.getColumnType(i + 1);
            right[i] = t == Types.TINYINT || t == Types.SMALLINT || t == Types.INTEGER || t == Types.BIGINT || t == Types.DECIMAL
                    || t == Types.NUMERIC || t == Types.REAL || t == Types.FLOAT || t == Types.DOUBLE;
            width[i] = names.get(i).length();
        }
        List<String[]> rows = new ArrayList<>();
        while (rs.next()) {
            String[] row = new String[n];
            for (int i = 0; i < n; i++) {
                String s = text(rs, md, i + 1);
                row[i] = s == null ? "NULL" : s;
                width[i] = Math.max(width[i], row[i].length());
            }
            rows.add(row);
        }
        writeAligned(out, names.toArray(new String[0]), width, new boolean[n]);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < n; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        out.write(rule.append('\n').toString());
        for (String[] row : rows) {
            writeAligned(out, row, width, right);
        }
        out.write("(" + rows.size() + (rows.size() == 1 ? " row)\n" : " rows)\n"));
        return rows.size();
    }

    private static void writeAligned(Writer out, String[] cells, int[] width, boolean[] right) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(" | ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            sb.append(right[i] ? pad + cells[i] : i == cells.length - 1 ? cells[i] : cells[i] + pad);
        }
        out.write(sb.append('\n').toString());
    }
}
