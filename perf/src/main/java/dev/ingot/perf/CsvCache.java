package dev.ingot.perf;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ddl.SqlSchema;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The TPC-H tables of a {@link TblCache.TblSet} as CSV for the text-loading variants:
 * {@code <tbl dir>-csv/<table>.csv} with a header line of column names, {@code ,} between fields
 * and every CHAR/VARCHAR field quoted ({@code "}, inner quotes doubled; dbgen text holds commas),
 * numbers and dates bare; plus {@value #SCHEMA_FILE}, the schema as {@code CREATE TABLE}
 * statements ({@link SqlSchema#toDdl}). Written into a temporary directory and renamed into place
 * once complete, so an interrupted conversion never looks complete.
 *
 * <p>Thread-safety: one process at a time per cache directory.
 */
public final class CsvCache {
    /** The schema file in a CSV directory. */
    public static final String SCHEMA_FILE = "tpch.sql";

    private CsvCache() {
    }

    /**
     * The CSV directory of {@code tbl}, converting the {@code .tbl} files first if it is missing.
     *
     * @throws IOException if a file cannot be read or written, or a line has the wrong field count
     */
    public static Path ensure(TblCache.TblSet tbl) throws IOException {
        Path dir = tbl.dir().resolveSibling(tbl.dir().getFileName() + "-csv");
        if (Files.isRegularFile(dir.resolve(SCHEMA_FILE))) {
            return dir;
        }
        Path tmp = tbl.dir().resolveSibling(tbl.dir().getFileName() + "-csv.tmp-" + ProcessHandle.current().pid());
        TblCache.deleteTree(tmp);
        Files.createDirectories(tmp);
        for (TableDef t : TpchSchema.tables()) {
            convert(t, tbl.dir().resolve(t.name() + ".tbl"), tmp.resolve(t.name() + ".csv"));
        }
        Files.writeString(tmp.resolve(SCHEMA_FILE), SqlSchema.toDdl(TpchSchema.tables()), StandardCharsets.UTF_8);
        TblCache.deleteTree(dir);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
    }

    /** One {@code .tbl} file to CSV (its fields never hold {@code |} or line breaks). */
    static void convert(TableDef t, Path tblFile, Path csvFile) throws IOException {
        List<ColumnDef> cols = t.columns();
        boolean[] quoted = new boolean[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            quoted[c] = cols.get(c).type().kind().isText();
        }
        try (BufferedReader in = Files.newBufferedReader(tblFile, StandardCharsets.UTF_8);
             BufferedWriter out = Files.newBufferedWriter(csvFile, StandardCharsets.UTF_8)) {
            out.write(String.join(",", cols.stream().map(ColumnDef::name).toList()));
            out.write('\n');
            StringBuilder sb = new StringBuilder(256);
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                sb.setLength(0);
                int from = 0;
                for (int c = 0; c < cols.size(); c++) {
                    int bar = line.indexOf('|', from);
                    if (bar < 0) {
                        throw new IOException(tblFile + " line " + n + ": expected " + cols.size() + " fields");
                    }
                    if (c > 0) {
                        sb.append(',');
                    }
                    if (quoted[c]) {
                        sb.append('"');
                        for (int i = from; i < bar; i++) {
                            char ch = line.charAt(i);
                            if (ch == '"') {
                                sb.append('"');
                            }
                            sb.append(ch);
                        }
                        sb.append('"');
                    } else {
                        sb.append(line, from, bar);
                    }
                    from = bar + 1;
                }
                out.append(sb).append('\n');
            }
        }
    }
}
