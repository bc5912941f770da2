package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.text.DelimitedTextSource;
import dev.ingot.ingest.text.TextDialect;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Key values given as text to the CLI ({@code ingot get} arguments, {@code ingot delete --keys}
 * files), parsed into Arrow batches of the key columns by the one delimited-text reader, so they
 * follow the text rules of {@code ingot load} (one form per type) and errors name the file, line
 * and column. A key file is CSV (RFC 4180), one key per line, its values in key column order; a
 * first line equal to the key column names, comma-separated, is a header.
 */
final class KeyInput {
    private KeyInput() {}

    /** A table of {@code key}'s columns (as typed in {@code def}), named after {@code def}, to parse keys with. */
    static TableDef keyTable(TableDef def, ConstraintSpec key) {
        List<ColumnDef> cols = new ArrayList<>();
        for (String c : key.columns()) {
            cols.add(def.column(c));
        }
        return new TableDef(def.name(), cols, List.of());
    }

    /**
     * Calls {@code sink} with each batch of keys of {@code file}.
     *
     * @throws dev.ingot.ingest.text.TextParseException naming file, line and column of a bad value
     */
    static void read(BufferAllocator arrow, TableDef keyTable, Path file, BatchSink sink) throws IOException, InterruptedException {
        boolean header = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = r.readLine();
            if (first != null) {
                String names = String.join(",", keyTable.columns().stream().map(ColumnDef::name).toList());
                header = first.strip().replace("\"", "").equals(names);
            }
        }
        try (DelimitedTextSource src = DelimitedTextSource.open(arrow, keyTable, TextDialect.csv().withHeader(header), List.of(file),
                64 * 1024, 1)) {
            InsertSource.ArrowBatch b;
            while ((b = src.next()) != null) {
                try (InsertSource.ArrowBatch batch = b) {
                    sink.accept(batch);
                }
            }
        }
    }

    /** Receives one batch of keys (owned by the reader; valid during the call). */
    @FunctionalInterface
    interface BatchSink {
        void accept(InsertSource.ArrowBatch batch) throws IOException;
    }

    /** One CSV line holding {@code values}, each quoted (quotes doubled). */
    static String csvLine(List<String> values) {
        List<String> quoted = new ArrayList<>();
        for (String v : values) {
            quoted.add("\"" + v.replace("\"", "\"\"") + "\"");
        }
        return String.join(",", quoted) + "\n";
    }
}
