package dev.ingot.ingest.tpchgen;

import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.ingest.tpch.TpchSchema;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;

/**
 * Writes dbgen-identical {@code .tbl} files ({@code <table>.tbl}, one line per row from the
 * io.trino.tpch generator's {@code toLine()}: fields separated and terminated by {@code |}, then
 * {@code \n}). Used by tests, the {@code gen-tbl} command and benchmarks to create input files.
 *
 * <p>With {@code threads > 1} generator parts are formatted concurrently (see
 * {@link TpchGeneratorSource} for the part split) and written in part order, so the file is
 * byte-identical to a single-threaded run. A file is written to {@code <table>.tbl.tmp} and
 * renamed when complete, replacing an existing {@code <table>.tbl}.
 *
 * <p>Thread-safety: stateless; concurrent calls must write different files.
 */
public final class TblWriter {
    /** Rows per generator part (about 8 MB of lineitem text). */
    static final long ROWS_PER_PART = 64 * 1024;
    /** Bytes of text per chunk handed from a worker to the writing thread. */
    private static final int CHUNK_CHARS = 1 << 20;

    private TblWriter() {
    }

    /**
     * Writes {@code <dir>/<table>.tbl} for each table, one table after the other.
     *
     * @param dir         existing output directory
     * @param scaleFactor TPC-H scale factor, &gt; 0
     * @param threads     generator threads per table, &gt;= 1
     * @param tables      TPC-H table names (lower case)
     * @throws IOException              on a write error or an interrupt (InterruptedIOException)
     * @throws IllegalArgumentException for an unknown table or bad arguments
     */
    public static void write(Path dir, double scaleFactor, int threads, Collection<String> tables) throws IOException {
        TpchSchema.checkScale(scaleFactor);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1: " + threads);
        }
        for (String t : tables) {
            TpchSchema.table(t);
        }
        for (String t : tables) {
            writeTable(dir, scaleFactor, threads, t);
        }
    }

    private static void writeTable(Path dir, double scaleFactor, int threads, String table) throws IOException {
        Path target = dir.resolve(table + ".tbl");
        Path tmp = dir.resolve(table + ".tbl.tmp");
        int partCount = TpchGeneratorSource.partCount(table, scaleFactor, ROWS_PER_PART);
        TpchTable<?> tpch = TpchTable.getTable(table);
        OrderedParts.Producer<byte[]> producer = (part, sink) -> {
            StringBuilder sb = new StringBuilder(CHUNK_CHARS + 1024);
            for (TpchEntity e : tpch.createGenerator(scaleFactor, part + 1, partCount)) {
                sb.append(e.toLine()).append('\n');
                if (sb.length() >= CHUNK_CHARS) {
                    sink.put(sb.toString().getBytes(StandardCharsets.UTF_8));
                    sb.setLength(0);
                }
            }
            if (sb.length() > 0) {
                sink.put(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        };
        boolean done = false;
        try (OrderedParts<byte[]> parts = new OrderedParts<>("ingot-tblwriter-" + table, partCount, threads, 2 * threads,
                producer, chunk -> { }, OrderedParts.ReadAhead.forThreads(threads), chunk -> chunk.length);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] chunk;
            while ((chunk = parts.next()) != null) {
                ByteBuffer bb = ByteBuffer.wrap(chunk);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing " + target);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }

}
