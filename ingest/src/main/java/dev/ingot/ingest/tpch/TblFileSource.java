package dev.ingot.ingest.tpch;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.RowOrigin;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Arrow batches parsed from a dbgen {@code .tbl} file (or any {@code |}-delimited text file
 * laid out like one) straight from bytes into vectors, with no per-row Strings.
 *
 * <h2>Format</h2>
 * One row per line; fields separated by {@code |}; dbgen ends every line with a {@code |}
 * before the {@code \n}. Accepted as well: {@code \r\n} line ends, a missing trailing {@code |}
 * (one trailing {@code |} is dropped before splitting, so a last field that is empty must be
 * followed by {@code ||}), and a missing newline after the last line. An empty file has no
 * rows; an empty line is a row with 0 fields (an error). There is no quoting or escaping.
 * Values: integers {@code [+-]?[0-9]+} in the column type's range; decimals
 * {@code [+-]?[0-9]*(.[0-9]*)?} with at least one digit, at most {@code scale} fraction digits
 * and at most {@code precision - scale} integer digits (leading zeros not counted); dates
 * {@code YYYY-MM-DD} (valid Gregorian dates, leap years included, year 0001-9999) stored as days
 * since 1970-01-01; text is validated as UTF-8 and its length in characters (code points)
 * checked against CHAR(n)/VARCHAR(n) (CHAR values are not padded). An empty field is NULL in a
 * nullable non-text column, an error in a NOT NULL non-text column, and the empty string in a
 * text column.
 *
 * <h2>Errors</h2>
 * A {@link TblParseException} names the file (as given to {@link #open}), the 1-based line,
 * the column and the value. Messages, with {@code CTX} = {@code ; file F, line N}; a field-count
 * error takes precedence over a value error on the same line:
 * <ul>
 *   <li>{@code expected 16 fields but found 15CTX}</li>
 *   <li>{@code extra data after last expected column (found 17 fields, expected 16)CTX}</li>
 *   <li>{@code invalid input for column l_quantity (DECIMAL(15,2)): "12x.5"CTX} (syntax; also an
 *       empty field in a NOT NULL non-text column)</li>
 *   <li>{@code value "99999999999999999999" is out of range for column l_orderkey (BIGINT)CTX}
 *       (integer overflow, or too many integer digits for a DECIMAL)</li>
 *   <li>{@code invalid input for column l_tax (DECIMAL(15,2)): "0.125": too many fraction digits for DECIMAL(15,2)CTX}</li>
 *   <li>{@code date/time field value out of range: "1996-02-30" for column o_orderdate CTX}
 *       (no space before {@code ;})</li>
 *   <li>{@code value too long for column l_shipmode (CHAR(10)): "..."CTX}</li>
 *   <li>{@code invalid byte sequence for encoding UTF8 in column l_comment (VARCHAR(44)): 0xc3 0x28CTX}</li>
 * </ul>
 * Values longer than 200 characters are cut to 200 followed by {@code ...} in messages
 * ({@link TblParseException#value()} has the whole field). A missing file raises
 * {@link java.nio.file.NoSuchFileException} naming it; read errors are IOExceptions.
 * After an error, {@link #next()} throws the same exception again.
 *
 * <h2>Parallelism and order</h2>
 * The file is cut into byte ranges of {@value #DEFAULT_RANGE_BYTES} bytes. A range owns the
 * lines that start inside it: its worker skips to the first line start at or after the range
 * start and parses up to and including the line that crosses the range end. {@code threads}
 * workers parse ranges concurrently (positional {@link FileChannel} reads into a per-worker
 * heap buffer); batches are handed out in file order, and each range reports its line count,
 * so the consumer numbers lines exactly by prefix sum: each batch's {@link RowOrigin} is
 * (file as given, 1-based line of its first row), and errors carry exact line numbers; the
 * error reported is always the first one in the file. Batches never span ranges, so a batch
 * may hold fewer than {@code batchRows} rows. At most {@code 2 * threads} ranges are buffered.
 *
 * <p>Thread-safety: one consumer thread calls {@link #next()} and {@link #close()}.
 * Ownership: the caller closes the source and every batch; batches stay valid after close.
 */
public final class TblFileSource implements BatchSource {
    /** Bytes per parallel range. */
    static final int DEFAULT_RANGE_BYTES = 4 << 20;
    /** Bytes read per tail read past the range end (finishing the last line). */
    private static final int TAIL_READ_BYTES = 64 << 10;

    /** A parsed batch and the 0-based index, within its range, of its first line. */
    private record Rows(VectorSchemaRoot root, long firstLineInRange) {
    }

    private final String fileName;
    private final FileChannel channel;
    private final long fileSize;
    private final TableDef table;
    private final BufferAllocator allocator;
    private final int batchRows;
    private final int rangeBytes;
    private final int readBufferBytes;
    private final ThreadLocal<byte[]> buffers = new ThreadLocal<>();
    private final OrderedParts<Object> parts;
    /** Line number of the first line of the range being handed out. */
    private long lineBase = 1;
    private IOException failure;
    private boolean closed;

    private TblFileSource(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads,
                          int rangeBytes, int readBufferBytes) throws IOException {
        this.fileName = file.toString();
        this.table = table;
        this.allocator = allocator;
        this.batchRows = batchRows;
        this.rangeBytes = rangeBytes;
        this.readBufferBytes = readBufferBytes;
        this.channel = openForRead(file);
        try {
            this.fileSize = channel.size();
            long rangeCount = (fileSize + rangeBytes - 1) / rangeBytes;
            if (rangeCount > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("file " + fileName + " needs more than 2^31 ranges of " + rangeBytes + " bytes");
            }
            this.parts = new OrderedParts<>("ingot-tbl-" + table.name(), (int) rangeCount, threads, 2 * threads,
                    this::parseRange, TblFileSource::dispose);
        } catch (RuntimeException | Error e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} and starts parsing it into batches of {@code table}'s schema.
     *
     * @param allocator allocator of the batches' buffers (thread-safe)
     * @param table     the table the rows belong to; its columns in file order
     * @param file      the {@code .tbl} file; named in errors and RowOrigins as given
     * @param batchRows maximum rows per batch, &gt;= 1
     * @param threads   parser threads, &gt;= 1
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException                       if it cannot be opened
     * @throws IllegalArgumentException          for bad arguments
     */
    public static TblFileSource open(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads)
            throws IOException {
        return open(allocator, table, file, batchRows, threads, DEFAULT_RANGE_BYTES, DEFAULT_RANGE_BYTES + TAIL_READ_BYTES);
    }

    /** As {@link #open(BufferAllocator, TableDef, Path, int, int)} with explicit range and read-buffer sizes (tests). */
    static TblFileSource open(BufferAllocator allocator, TableDef table, Path file, int batchRows, int threads,
                              int rangeBytes, int readBufferBytes) throws IOException {
        if (allocator == null || table == null || file == null) {
            throw new IllegalArgumentException("allocator, table and file are required");
        }
        if (batchRows < 1 || threads < 1 || rangeBytes < 1 || readBufferBytes < 2) {
            throw new IllegalArgumentException("batchRows, threads, rangeBytes must be >= 1 and readBufferBytes >= 2: "
                    + batchRows + ", " + threads + ", " + rangeBytes + ", " + readBufferBytes);
        }
        return new TblFileSource(allocator, table, file, batchRows, threads, rangeBytes, readBufferBytes);
    }

    /** The file as given to {@link #open}. */
    public String file() {
        return fileName;
    }

    /** Size of the file in bytes when it was opened. */
    public long fileSize() {
        return fileSize;
    }

    /**
     * The next batch in file order, or null after the last line. The caller closes it.
     *
     * @throws TblParseException     for a rejected line (exact file line)
     * @throws IOException           on a read error
     * @throws InterruptedException  if interrupted while waiting for a worker
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public InsertSource.ArrowBatch next() throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("source for " + fileName + " is closed");
        }
        if (failure != null) {
            throw failure;
        }
        while (true) {
            Object item;
            try {
                item = parts.next();
            } catch (TblParseException e) {
                failure = e.shiftLines(lineBase);
                throw failure;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (item == null) {
                return null;
            }
            if (item instanceof Rows) {
                Rows r = (Rows) item;
                return new InsertSource.ArrowBatch(r.root(), new RowOrigin(fileName, lineBase + r.firstLineInRange()));
            }
            lineBase += (Long) item;
        }
    }

    /** Stops the workers, frees batches not handed out and closes the file. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            parts.close();
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more to release; the channel is unusable either way
            }
        }
    }

    private static void dispose(Object item) {
        if (item instanceof Rows) {
            ((Rows) item).root().close();
        }
    }

    /**
     * Parses range {@code part}: emits its batches, then its line count (a Long). Throws a
     * TblParseException whose line is the 0-based index of the line within the range.
     */
    private void parseRange(int part, OrderedParts.Sink<Object> sink) throws IOException {
        long start = (long) part * rangeBytes;
        long end = Math.min(fileSize, start + rangeBytes);
        RangeReader in = new RangeReader(start == 0 ? 0 : start - 1, end);
        TblLineParser parser = new TblLineParser(table, fileName);
        BatchBuilder b = null;
        long lines = 0;
        long batchFirstLine = 0;
        try {
            int ls = 0;
            if (start > 0) {
                // skip the tail of the line that started in the previous range
                int nl = in.findNewline(0);
                while (nl < 0 && !in.eof) {
                    in.compact(in.dataEnd);
                    in.fill();
                    nl = in.findNewline(0);
                }
                if (nl < 0) {
                    sink.put(0L);
                    return;
                }
                ls = nl + 1;
            }
            while (in.filePos + ls < end) {
                int scanned = ls;
                int nl;
                while ((nl = in.findNewline(scanned)) < 0 && !in.eof) {
                    scanned = in.dataEnd - ls;
                    in.compact(ls);
                    ls = 0;
                    in.fill();
                }
                if (nl < 0 && ls == in.dataEnd) {
                    break; // end of file
                }
                int lineEnd = nl >= 0 ? nl : in.dataEnd;
                int next = nl >= 0 ? nl + 1 : in.dataEnd;
                int contentEnd = lineEnd > ls && in.buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                if (b == null) {
                    b = new BatchBuilder(allocator, table, batchRows);
                    batchFirstLine = lines;
                }
                parser.parseLine(in.buf, ls, contentEnd, b, b.rowCount(), lines);
                b.endRow();
                lines++;
                if (b.isFull()) {
                    VectorSchemaRoot root = b.finish();
                    b = null;
                    sink.put(new Rows(root, batchFirstLine));
                }
                ls = next;
            }
            if (b != null) {
                VectorSchemaRoot root = b.finish();
                b = null;
                sink.put(new Rows(root, batchFirstLine));
            }
            sink.put(lines);
        } finally {
            if (b != null) {
                b.close();
            }
            buffers.set(in.buf);
        }
    }

    /**
     * A window over the file held in a reusable heap buffer: {@code buf[0 .. dataEnd)} holds the
     * file bytes from {@code filePos}. Reads up to the range end first, then in small tail reads.
     */
    private final class RangeReader {
        byte[] buf;
        long filePos;
        int dataEnd;
        boolean eof;
        private final long rangeEnd;

        RangeReader(long from, long rangeEnd) throws IOException {
            byte[] b = buffers.get();
            this.buf = b != null ? b : new byte[readBufferBytes];
            this.filePos = from;
            this.rangeEnd = rangeEnd;
            fill();
        }

        int findNewline(int from) {
            byte[] b = buf;
            for (int i = from, n = dataEnd; i < n; i++) {
                if (b[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** Drops {@code buf[0 .. keepFrom)}, moving the rest to the front; grows a full buffer. */
        void compact(int keepFrom) {
            int keep = dataEnd - keepFrom;
            if (keepFrom > 0) {
                System.arraycopy(buf, keepFrom, buf, 0, keep);
                filePos += keepFrom;
                dataEnd = keep;
            }
            if (dataEnd == buf.length) {
                if (buf.length > Integer.MAX_VALUE / 2) {
                    throw new IllegalStateException("line of " + fileName + " at byte " + filePos + " exceeds 1 GiB");
                }
                buf = java.util.Arrays.copyOf(buf, buf.length * 2);
            }
        }

        /** Reads more bytes after {@code dataEnd} (at least one unless at end of file). */
        void fill() throws IOException {
            long at = filePos + dataEnd;
            int free = buf.length - dataEnd;
            int want = at < rangeEnd ? (int) Math.min(free, rangeEnd - at) : Math.min(free, TAIL_READ_BYTES);
            ByteBuffer bb = ByteBuffer.wrap(buf, dataEnd, want);
            while (bb.hasRemaining() && bb.position() == dataEnd) {
                int n = channel.read(bb, at + (bb.position() - dataEnd));
                if (n < 0) {
                    eof = true;
                    break;
                }
            }
            dataEnd = bb.position();
            if (filePos + dataEnd >= fileSize) {
                eof = true;
            }
        }
    }

    @Override
    public long producerWaitNanos() {
        return parts.blockedNanos();
    }

    /** Opens {@code file}; a missing file is reported as {@code <file>: no such .tbl file}. */
    private static FileChannel openForRead(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException e) {
            java.nio.file.NoSuchFileException named = new java.nio.file.NoSuchFileException(file.toString(), null, "no such .tbl file");
            named.initCause(e);
            throw named;
        }
    }
}
