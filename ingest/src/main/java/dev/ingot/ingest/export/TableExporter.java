package dev.ingot.ingest.export;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.columnstore.TableReader;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.ingest.text.DelimitedTextWriter;
import dev.ingot.ingest.text.TextDialect;
import dev.ingot.ingest.text.TextForm;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Exports a committed table (all of its columns or some, in the order given) to a file that
 * {@code ingot load} reads back into an identical table:
 * <ul>
 *   <li>{@link Format#PARQUET}: through parquet-java (the library of the import path,
 *       {@link dev.ingot.ingest.parquet.ParquetSource}), one Parquet row group per Ingot row group,
 *       Snappy-compressed, each column as its standard Parquet logical type
 *       ({@link ParquetRowWriter});</li>
 *   <li>{@link Format#ARROW}: an Arrow IPC file, one record batch per row group, fields as
 *       {@link ColumnDef#arrowField()} (the form {@link ArrowIpcSource} reads);</li>
 *   <li>{@link Format#CSV}: delimited text in a {@link TextDialect} (the options of
 *       {@code ingot load}), values in their {@link TextForm}, written by
 *       {@link DelimitedTextWriter}; a header line of column names when the dialect has one.</li>
 * </ul>
 *
 * <p>Files: the output must not exist (Ingot never overwrites or deletes a file it did not
 * create); the data goes to {@code OUT.ingot-export-tmp} beside it, which is moved onto
 * {@code OUT} when complete and deleted if the export fails, so {@code OUT} either holds the
 * whole table or does not exist.
 *
 * <p>Stateless and thread-safe; each call reads through its own {@link TableReader}.
 */
public final class TableExporter {
    /** Suffix of the file an export writes before moving it onto the output path. */
    public static final String TEMP_SUFFIX = ".ingot-export-tmp";

    /** Output formats. */
    public enum Format {
        PARQUET, ARROW, CSV;

        /**
         * The format named {@code name} (case-insensitive).
         *
         * @throws IllegalArgumentException naming the value and the accepted ones
         */
        public static Format of(String name) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(name)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("export format must be parquet, arrow or csv: " + name);
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private TableExporter() {}

    /**
     * Writes table {@code table} of {@code store} to {@code out}.
     *
     * @param columns the columns to write, in this order; null or empty for every column in table order
     * @param dialect the text dialect for {@link Format#CSV} (ignored otherwise; null means {@link TextDialect#csv()})
     * @return the number of rows written
     * @throws IllegalArgumentException for an unknown table or column, a column named twice, or a
     *                                  CSV value that needs quotes in a dialect without quoting
     * @throws IOException              if {@code out} or its temporary file already exists, or on
     *                                  read and write failures (the temporary file is deleted)
     */
    public static long export(ColumnStore store, String table, List<String> columns, Format format, TextDialect dialect, Path out)
            throws IOException {
        TableInfo info = store.table(table).orElseThrow(() -> new IllegalArgumentException("table " + table
                + " does not exist in store " + store.directory()));
        List<ColumnDef> cols = columns(info.def(), columns);
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("export output " + out + " already exists (Ingot does not overwrite files; remove it or choose another path)");
        }
        Path tmp = out.resolveSibling(out.getFileName() + TEMP_SUFFIX);
        if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("export temporary file " + tmp + " already exists (left by an interrupted export? remove it first)");
        }
        long rows;
        boolean done = false;
        try (TableReader reader = store.openTable(table)) {
            switch (format) {
                case PARQUET: rows = ParquetRowWriter.write(reader, cols, tmp); break;
                case ARROW: rows = writeArrow(store, reader, cols, tmp); break;
                default: rows = writeCsv(reader, cols, dialect == null ? TextDialect.csv() : dialect, tmp); break;
            }
            try {
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, out);
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        return rows;
    }

    /** The chosen columns of {@code def}: all for null/empty, else each by name, once. */
    static List<ColumnDef> columns(TableDef def, List<String> names) {
        if (names == null || names.isEmpty()) {
            return def.columns();
        }
        List<ColumnDef> cols = new ArrayList<>();
        HashSet<String> seen = new HashSet<>();
        for (String n : names) {
            if (def.columnIndex(n) < 0) {
                throw new IllegalArgumentException("table " + def.name() + " has no column " + n);
            }
            if (!seen.add(n)) {
                throw new IllegalArgumentException("column " + n + " of table " + def.name() + " is named twice");
            }
            cols.add(def.column(n));
        }
        return cols;
    }

    static List<String> names(List<ColumnDef> cols) {
        return cols.stream().map(ColumnDef::name).toList();
    }

    private static long writeArrow(ColumnStore store, TableReader reader, List<ColumnDef> cols, Path tmp) throws IOException {
        List<String> names = names(cols);
        BatchSource rowGroups = new BatchSource() {
            private int rowGroup;

            @Override
            public InsertSource.ArrowBatch next() throws IOException {
                return rowGroup < reader.rowGroupCount()
                        ? new InsertSource.ArrowBatch(reader.readRowGroup(rowGroup++, names), RowOrigin.NONE) : null;
            }

            @Override
            public void close() {
            }
        };
        try {
            return ArrowIpcSource.write(rowGroups, new Schema(cols.stream().map(ColumnDef::arrowField).toList()), tmp, store.allocator());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("export to " + tmp + " interrupted", e);
        }
    }

    private static long writeCsv(TableReader reader, List<ColumnDef> cols, TextDialect dialect, Path tmp) throws IOException {
        List<String> names = names(cols);
        long rows = 0;
        try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), StandardCharsets.UTF_8), 1 << 16)) {
            DelimitedTextWriter text = new DelimitedTextWriter(w, dialect);
            if (dialect.header()) {
                text.writeRecord(names);
            }
            List<String> fields = new ArrayList<>(cols.size());
            for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                try (VectorSchemaRoot root = reader.readRowGroup(rg, names)) {
                    List<FieldVector> vectors = root.getFieldVectors();
                    for (int r = 0; r < root.getRowCount(); r++) {
                        fields.clear();
                        for (int c = 0; c < cols.size(); c++) {
                            fields.add(TextForm.of(cols.get(c).type(), vectors.get(c), r));
                        }
                        try {
                            text.writeRecord(fields);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("table " + reader.info().name() + " row " + (rows + r + 1) + ": "
                                    + e.getMessage(), e);
                        }
                    }
                    rows += root.getRowCount();
                }
            }
        }
        return rows;
    }
}
