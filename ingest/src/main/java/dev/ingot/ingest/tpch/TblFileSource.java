package dev.ingot.ingest.tpch;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.ingest.text.DelimitedTextSource;
import dev.ingot.ingest.text.TextDialect;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Arrow batches parsed from a dbgen {@code .tbl} file (or any {@code |}-delimited text file laid
 * out like one): the one delimited-text reader, {@link DelimitedTextSource}, with the
 * {@link TextDialect#tbl()} dialect, which documents the grammar, the limits and every error
 * message.
 *
 * <p>The dialect: one row per line; fields separated by {@code |}; dbgen ends every line with a
 * {@code |} before the {@code \n}. Accepted as well: {@code \r\n} line ends, a missing trailing
 * {@code |} (one trailing {@code |} is dropped before splitting, so a last field that is empty
 * must be followed by {@code ||}), and a missing newline after the last line. There is no
 * quoting. An empty field is NULL in a nullable non-text column, an error in a NOT NULL non-text
 * column, and the empty string in a text column. The default line limit is derived from the
 * schema (at least 1 MiB), so a line of hundreds of megabytes is refused after reading its first
 * megabyte, naming the file, line, column and limit.
 *
 * <p>Thread-safety: one consumer thread calls {@link #next()} and {@link #close()}.
 * Ownership: the caller closes the source and every batch; batches stay valid after close.
 */
public final class TblFileSource implements BatchSource {
    private final String fileName;
    private final DelimitedTextSource source;

    private TblFileSource(String fileName, DelimitedTextSource source) {
        this.fileName = fileName;
        this.source = source;
    }

    /**
     * Opens {@code file} and starts parsing it into batches of {@code table}'s schema.
     *
     * @param allocator allocator of the batches' buffers (thread-safe)
     * @param table     the table the rows belong to; its columns in file order
     * @param file      the {@code .tbl} file; named in errors and RowOrigins as given
     * @param batchRows maximum rows per batch, &gt;= 1
     * @param threads   parser threads, &gt;= 1
     * @throws NoSuchFileException      if the file does not exist ({@code F: no such .tbl file})
     * @throws IOException              if it cannot be opened or is not a regular file
     * @throws IllegalArgumentException for bad arguments
     */
    public static TblFileSource open(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads)
            throws IOException {
        return open(allocator, table, file, batchRows, threads, 0);
    }

    /**
     * As {@link #open(BufferAllocator, TableDef, Path, int, int)} with the line limit
     * {@code maxLineBytes} ({@link TextDialect#withMaxLineBytes}; 0 = from the schema).
     *
     * @throws IllegalArgumentException also for a limit outside 0 .. {@link TextDialect#MAX_LINE_BYTES_LIMIT}
     */
    public static TblFileSource open(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads,
                                     long maxLineBytes) throws IOException {
        return open(allocator, table, file, batchRows, threads, DelimitedTextSource.DEFAULT_RANGE_BYTES,
                DelimitedTextSource.DEFAULT_RANGE_BYTES + (64 << 10), maxLineBytes);
    }

    /** As {@link #open(BufferAllocator, TableDef, Path, int, int)} with explicit range and read-buffer sizes (tests). */
    static TblFileSource open(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads,
                              int rangeBytes, int readBufferBytes) throws IOException {
        return open(allocator, table, file, batchRows, threads, rangeBytes, readBufferBytes, 0);
    }

    private static TblFileSource open(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads,
                                      int rangeBytes, int readBufferBytes, long maxLineBytes) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("allocator, table and file are required");
        }
        try {
            TextDialect dialect = TextDialect.tbl().withMaxLineBytes(maxLineBytes);
            return new TblFileSource(file.toString(), DelimitedTextSource.open(allocator, table, dialect,
                    List.of(file), batchRows, threads, rangeBytes, readBufferBytes, OrderedParts.ReadAhead.forThreads(threads, allocator.getLimit())));
        } catch (NoSuchFileException e) {
            NoSuchFileException named = new NoSuchFileException(file.toString(), null, "no such .tbl file");
            named.initCause(e);
            throw named;
        }
    }

    /** The file as given to {@link #open}. */
    public String file() {
        return fileName;
    }

    /** Size of the file in bytes when it was opened. */
    public long fileSize() {
        return source.totalBytes();
    }

    /**
     * The next batch in file order, or null after the last line. The caller closes it.
     *
     * @throws dev.ingot.ingest.text.TextParseException for a rejected line (exact file line)
     * @throws IOException                               on a read error
     * @throws InterruptedException                      if interrupted while waiting for a worker
     * @throws IllegalStateException                     after {@link #close()}
     */
    @Override
    public InsertSource.ArrowBatch next() throws IOException, InterruptedException {
        return source.next();
    }

    /** Stops the workers, frees batches not handed out and closes the file. Idempotent. */
    @Override
    public void close() {
        source.close();
    }

    @Override
    public long producerWaitNanos() {
        return source.producerWaitNanos();
    }

    @Override
    public long inputBytesRead() {
        return source.inputBytesRead();
    }
}
