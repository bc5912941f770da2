package dev.ingot.ingest.cli;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * Checks a {@code load-tpch --source} directory before anything is created: every table has a
 * non-empty {@code <table>.arrow} or {@code <table>.tbl}, and the directory's scale, read from
 * the supplier row count (10,000 rows per unit of scale, TPC-H clause 4.2.5.2), is the
 * {@code --scale} asked for. Stateless; thread-safe.
 */
final class TpchSourceDirectory {
    private static final String SCALE_TABLE = "supplier";

    private TpchSourceDirectory() {}

    /** The file a table loads from: {@code <table>.arrow} if present, else {@code <table>.tbl}. */
    static Path fileOf(Path dir, String table) {
        Path ipc = dir.resolve(table + ".arrow");
        return Files.exists(ipc) ? ipc : dir.resolve(table + ".tbl");
    }

    /**
     * @throws IOException naming the directory and the missing or empty files, or both scale
     *                     numbers when they differ
     */
    static void check(Path dir, List<TableDef> tables, double scale) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("source directory " + dir + " does not exist (use --source generator or a directory of"
                    + " .tbl or .arrow files)");
        }
        List<String> missing = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (TableDef t : tables) {
            Path f = fileOf(dir, t.name());
            if (!Files.isRegularFile(f)) {
                missing.add(t.name() + ".tbl");
            } else if (Files.size(f) == 0) {
                empty.add(f.getFileName().toString());
            }
        }
        if (missing.size() == tables.size()) {
            throw new IOException("source directory " + dir + " holds none of the " + tables.size()
                    + " TPC-H tables (<table>.tbl or <table>.arrow)");
        }
        if (!missing.isEmpty()) {
            throw new IOException("source directory " + dir + " is incomplete: no " + String.join(", ", missing)
                    + " (nor .arrow)");
        }
        if (!empty.isEmpty()) {
            throw new IOException("source directory " + dir + " has empty files: " + String.join(", ", empty));
        }
        Path scaleFile = fileOf(dir, SCALE_TABLE);
        long rows = scaleFile.toString().endsWith(".arrow") ? arrowRows(scaleFile) : lines(scaleFile);
        long expected = TpchSchema.rowCount(SCALE_TABLE, scale);
        if (rows != expected) {
            throw new IOException(String.format("--scale %s does not match source directory %s: %s has %,d rows, which is"
                            + " scale %s (scale %s has %,d)", LoadTpchCommand.formatScale(scale), dir, scaleFile.getFileName(),
                    rows, LoadTpchCommand.formatScale(rows / 10_000.0), LoadTpchCommand.formatScale(scale), expected));
        }
    }

    /** Number of lines (newline-terminated, plus an unterminated last one) of a text file. */
    private static long lines(Path file) throws IOException {
        long count = 0;
        int last = '\n';
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        count++;
                    }
                }
                last = buf[n - 1];
            }
        }
        return last == '\n' ? count : count + 1;
    }

    /** Rows of an Arrow IPC file: the sum over its record batches. */
    private static long arrowRows(Path file) throws IOException {
        try (BufferAllocator allocator = new RootAllocator(64L << 20);
             FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
             ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
            long rows = 0;
            for (ArrowBlock block : reader.getRecordBlocks()) {
                reader.loadRecordBatch(block);
                rows += reader.getVectorSchemaRoot().getRowCount();
            }
            return rows;
        }
    }
}
