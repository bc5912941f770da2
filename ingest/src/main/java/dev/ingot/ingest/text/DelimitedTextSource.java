package dev.ingot.ingest.text;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.BatchSource;
import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.RowOrigin;
import dev.ingot.ingest.internal.BatchBuilder;
import dev.ingot.ingest.internal.OrderedParts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Arrow batches of a table parsed from delimited text files (RFC 4180 CSV, TSV, dbgen
 * {@code .tbl}, any {@link TextDialect}) straight from bytes into vectors, with no per-row
 * objects; the files are read one after the other, each in parallel byte ranges.
 *
 * <h2>Format</h2>
 * A file is a sequence of records, each ending with {@code \n} or {@code \r\n} (the last one may
 * have none). A UTF-8 byte order mark at the start of a file is skipped; with
 * {@link TextDialect#header()} the first record is skipped. Fields are separated by the
 * delimiter; a field that starts with the quote character is quoted: it ends at the next quote
 * not doubled (nor escaped, with a distinct escape character), which must be followed by a
 * delimiter or the line end, and it may hold delimiters, line ends and carriage returns. A quote
 * inside an unquoted field, a character after a closing quote and a carriage return outside
 * quotes that does not precede {@code \n} (CR-only line ends) are errors. An unquoted field equal
 * to {@link TextDialect#nullString()} is NULL (in text columns only with
 * {@link TextDialect#textNulls()}); a quoted field never is. With
 * {@link TextDialect#trailingDelimiter()} one delimiter ending a line is dropped, so a last field
 * that is empty must be followed by two. An empty line has no fields (in a one-column table, one
 * empty field). Line numbers count {@code \n} bytes, so a record with quoted line ends spans
 * several lines and is reported at its first.
 *
 * <p>Values: integers {@code [+-]?[0-9]+} in the column type's range; decimals
 * {@code [+-]?[0-9]*(.[0-9]*)?} with at least one digit, at most {@code scale} fraction digits
 * and at most {@code precision - scale} integer digits (leading zeros not counted); dates
 * {@code YYYY-MM-DD} (valid Gregorian dates, years 0001-9999) stored as days since 1970-01-01;
 * text is validated as UTF-8 without NUL bytes and its length in characters (code points)
 * checked against CHAR(n)/VARCHAR(n) (CHAR values are not padded); BOOLEAN {@code true},
 * {@code false}, {@code t}, {@code f}, {@code 1}, {@code 0} in any case; REAL/DOUBLE as
 * {@link Float#parseFloat}/{@link Double#parseDouble} accept them; TIME {@code HH:MM:SS[.ffffff]};
 * TIMESTAMP {@code YYYY-MM-DD[T ]HH:MM:SS[.ffffff]}, WITH TIME ZONE followed by {@code Z} or
 * {@code +HH:MM} (stored as UTC microseconds); VARBINARY {@code \x} and hex digits; UUID
 * {@code 8-4-4-4-12} hex. One {@link ValueParser} subclass per type holds these rules; the text
 * form {@link TextForm} writes is what they read.
 *
 * <p>Skipping bad lines: with a {@link RejectedLines}, a line whose field count or values are
 * rejected is dropped from its batch and handed to it (with its exact file and line) instead of
 * failing the source; structural errors (a quote that never closes, a line over the limit, a
 * bare carriage return) still fail it.
 *
 * <h2>Limits (hostile input)</h2>
 * <ul>
 *   <li>A line (one record, line end included) holds at most {@link TextDialect#maxLineBytes()}
 *       bytes; by default the bytes the schema allows (CHAR(n)/VARCHAR(n) 4n, other types 64,
 *       unbounded VARCHAR 8 MiB, plus quotes and delimiters), at least 1 MiB. A longer line is an
 *       error naming the limit and the column being read when the limit was reached, found after
 *       reading at most the limit: the reader never buffers more than one line limit per worker.</li>
 *   <li>A text field longer than 4n bytes for CHAR(n)/VARCHAR(n) is rejected as
 *       {@code value too long} as soon as that many bytes are seen, before the rest of its line is
 *       read (so such an error is reported before a field-count error of the same line).</li>
 *   <li>Only regular files are read, and only up to the size they had when the source was
 *       opened: a file growing while read is read to its size at the start; a FIFO or a device
 *       (which never ends) is refused with an IOException naming it.</li>
 *   <li>A quote that never closes is an error when the line limit (or the end of the file) is
 *       reached; lines with thousands of fields keep only the first columns' field bounds (the
 *       rest are counted); NUL bytes and invalid UTF-8 in text are errors naming the bytes.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * A {@link TextParseException} names the file (as given), the 1-based line, the column and the
 * value. Messages, with {@code CTX} = {@code ; file F, line N}; a field-count error takes
 * precedence over a value error on the same line:
 * <ul>
 *   <li>{@code expected 16 fields but found 15CTX}</li>
 *   <li>{@code extra data after last expected column (found 17 fields, expected 16)CTX}</li>
 *   <li>{@code invalid input for column l_quantity (DECIMAL(15,2)): "12x.5"CTX} (syntax; also an
 *       empty field in a NOT NULL non-text column)</li>
 *   <li>{@code null value in column c violates not-null constraintCTX} (the NULL string in any
 *       other NOT NULL column)</li>
 *   <li>{@code value "99999999999999999999" is out of range for column l_orderkey (BIGINT)CTX}</li>
 *   <li>{@code invalid input for column l_tax (DECIMAL(15,2)): "0.125": too many fraction digits for DECIMAL(15,2)CTX}</li>
 *   <li>{@code date/time field value out of range: "1996-02-30" for column o_orderdateCTX}</li>
 *   <li>{@code value too long for column l_shipmode (CHAR(10)): "..."CTX}</li>
 *   <li>{@code invalid byte sequence for encoding UTF8 in column l_comment (VARCHAR(44)): 0xc3 0x28CTX}
 *       (also {@code 0x00} for a NUL byte)</li>
 *   <li>{@code line longer than the maximum line length of 1048576 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes), in column n_nameCTX}</li>
 *   <li>{@code quoted field of column c not closed within the maximum line length of N bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes)CTX}</li>
 *   <li>{@code unterminated quoted field in column c at the end of the fileCTX}</li>
 *   <li>{@code quote character in an unquoted field of column c after "ab" (quote the whole field and double its quotes)CTX}</li>
 *   <li>{@code unexpected character 'x' after the closing quote of column cCTX}</li>
 *   <li>{@code literal carriage return found in data at the end of column c (line ends must be LF or CRLF; ...)CTX}</li>
 * </ul>
 * Values longer than 200 characters are cut to 200 followed by {@code ...} in messages, control
 * characters shown as {@code \xNN}. A missing file raises {@link NoSuchFileException} naming it;
 * read errors are IOExceptions. After an error, {@link #next()} throws the same exception again.
 *
 * <h2>Parallelism, quotes across range boundaries, line numbers</h2>
 * Each file is cut into byte ranges of {@value #DEFAULT_RANGE_BYTES} bytes. A range owns the
 * records that start inside it and parses them, reading past its end to finish its last one.
 * Where a record starts depends on the quote state, which depends on everything before: so each
 * range worker first runs the dialect's quote automaton over its own bytes from every possible
 * start state ({@link QuoteStates}: for RFC 4180 quoting just the parity of the quote bytes),
 * publishes that transition map, and gets its exact start state from the chain of maps of the
 * ranges before it (a prefix composition that waits only for lower ranges, which are claimed
 * first). From that state it skips to the first line end outside quotes; a record with quoted
 * line ends may span any number of ranges, and the ranges it covers own no record. Where every
 * earlier range parsed without error this is exactly the sequential parse, and the first error
 * of the file is always the one reported. Each range reports its line count, so the consumer
 * numbers lines exactly by prefix sum; batches carry their lines as {@link RowOrigin}s (with
 * the jumps of multi-line records). Batches never span ranges, so a batch may hold fewer than
 * {@code batchRows} rows. At most {@code 2 * threads} ranges are in flight, and batches queued
 * ahead of the consumer are bounded in number and bytes ({@link OrderedParts.ReadAhead#forThreads}).
 *
 * <p>Thread-safety: one consumer thread calls {@link #next()} and {@link #close()}.
 * Ownership: the caller closes the source and every batch; batches stay valid after close.
 */
public final class DelimitedTextSource implements BatchSource {
    /** Bytes per parallel range. */
    public static final int DEFAULT_RANGE_BYTES = 4 << 20;
    /** Bytes read per tail read past the range end (finishing the last record). */
    private static final int TAIL_READ_BYTES = 64 << 10;
    private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

    /**
     * A parsed batch, the 0-based line (within its range) of its first row, and where rows do
     * not follow one line after another, pairs (row, line within range).
     */
    private record Rows(VectorSchemaRoot root, long firstLineInRange, long[] jumps) {
    }

    /** Lines of a range skipped with {@link RejectedLines} (lines within the range), in line order. */
    private record Skipped(List<TextParseException> errors) {
    }

    private final TableDef table;
    private final TextDialect dialect;
    private final BufferAllocator allocator;
    private final int batchRows;
    private final int threads;
    private final int rangeBytes;
    private final int readBufferBytes;
    private final OrderedParts.ReadAhead readAhead;
    private final RejectedLines rejects;
    private final List<Path> paths;
    private final FileChannel[] channels;
    private final long[] sizes;
    private final ThreadLocal<byte[]> buffers = new ThreadLocal<>();
    private int fileIndex = -1;
    private FileParse current;
    private long finishedWaitNanos;
    /** Sizes of the files handed out completely (for {@link #inputBytesRead()}). */
    private long finishedFileBytes;
    private int maxQueuedSeen;
    private IOException failure;
    private boolean closed;

    private DelimitedTextSource(BufferAllocator allocator, TableDef table, TextDialect dialect, List<Path> files,
                                int batchRows, int threads, int rangeBytes, int readBufferBytes,
                                OrderedParts.ReadAhead readAhead, RejectedLines rejects) throws IOException {
        this.table = table;
        this.dialect = dialect;
        this.allocator = allocator;
        this.batchRows = batchRows;
        this.threads = threads;
        this.rangeBytes = rangeBytes;
        this.readBufferBytes = readBufferBytes;
        this.readAhead = readAhead;
        this.rejects = rejects;
        this.paths = List.copyOf(files);
        this.channels = new FileChannel[paths.size()];
        this.sizes = new long[paths.size()];
        new RecordParser(table, dialect, "").maxLineBytes(); // bad column types fail here, before any file is opened
        try {
            for (int i = 0; i < paths.size(); i++) {
                channels[i] = openForRead(paths.get(i));
                sizes[i] = channels[i].size();
            }
        } catch (IOException | RuntimeException | Error e) {
            closeChannels(e);
            throw e;
        }
    }

    /**
     * Opens {@code files} and starts parsing the first into batches of {@code table}'s schema.
     *
     * @param allocator allocator of the batches' buffers (thread-safe)
     * @param table     the table the rows belong to; its columns in file order
     * @param dialect   how the files are written
     * @param files     the files, read in this order; named in errors and RowOrigins as given
     * @param batchRows maximum rows per batch, &gt;= 1
     * @param threads   parser threads, &gt;= 1
     * @throws NoSuchFileException      if a file does not exist ({@code F: no such file})
     * @throws IOException              if a file cannot be opened or is not a regular file
     * @throws IllegalArgumentException for bad arguments, or a column type without a text parser
     */
    public static DelimitedTextSource open(BufferAllocator allocator, TableDef table, TextDialect dialect, List<Path> files,
                                           int batchRows, int threads) throws IOException {
        return open(allocator, table, dialect, files, batchRows, threads, null);
    }

    /**
     * As {@link #open(BufferAllocator, TableDef, TextDialect, List, int, int)}, skipping the lines
     * whose values (or field count) are rejected into {@code rejects} (null: the first such line
     * fails, as without it). {@link #next()} hands the skipped lines to {@code rejects} in file
     * order before the rows after them, and throws when it refuses one more.
     */
    public static DelimitedTextSource open(BufferAllocator allocator, TableDef table, TextDialect dialect, List<Path> files,
                                           int batchRows, int threads, RejectedLines rejects) throws IOException {
        return open(allocator, table, dialect, files, batchRows, threads, DEFAULT_RANGE_BYTES,
                DEFAULT_RANGE_BYTES + TAIL_READ_BYTES, OrderedParts.ReadAhead.forThreads(threads, allocator.getLimit()), rejects);
    }

    /**
     * As {@link #open(BufferAllocator, TableDef, TextDialect, List, int, int)} with explicit range
     * and read-buffer sizes and read-ahead bounds (tests: small ranges force records across range
     * boundaries).
     */
    public static DelimitedTextSource open(BufferAllocator allocator, TableDef table, TextDialect dialect, List<Path> files,
                                           int batchRows, int threads, int rangeBytes, int readBufferBytes,
                                           OrderedParts.ReadAhead readAhead) throws IOException {
        return open(allocator, table, dialect, files, batchRows, threads, rangeBytes, readBufferBytes, readAhead, null);
    }

    /** Both of the above: explicit sizes and skipped lines into {@code rejects} (may be null). */
    public static DelimitedTextSource open(BufferAllocator allocator, TableDef table, TextDialect dialect, List<Path> files,
                                           int batchRows, int threads, int rangeBytes, int readBufferBytes,
                                           OrderedParts.ReadAhead readAhead, RejectedLines rejects) throws IOException {
        if (allocator == null || table == null || dialect == null || files == null || files.isEmpty()
                || files.stream().anyMatch(java.util.Objects::isNull) || readAhead == null) {
            throw new IllegalArgumentException("allocator, table, dialect, read-ahead and at least one file are required");
        }
        if (batchRows < 1 || threads < 1 || rangeBytes < 1 || readBufferBytes < 2) {
            throw new IllegalArgumentException("batchRows, threads, rangeBytes must be >= 1 and readBufferBytes >= 2: "
                    + batchRows + ", " + threads + ", " + rangeBytes + ", " + readBufferBytes);
        }
        return new DelimitedTextSource(allocator, table, dialect, files, batchRows, threads, rangeBytes, readBufferBytes,
                readAhead, rejects);
    }

    /** The files as given to {@link #open}. */
    public List<Path> files() {
        return paths;
    }

    /** Total size in bytes of the files when they were opened (what will be read). */
    public long totalBytes() {
        long sum = 0;
        for (long s : sizes) {
            sum += s;
        }
        return sum;
    }

    /** The line limit in effect for this table and dialect, in bytes. */
    public long maxLineBytes() {
        return new RecordParser(table, dialect, "").maxLineBytes();
    }

    /**
     * The next batch in file order, or null after the last record of the last file. The caller
     * closes it.
     *
     * @throws TextParseException    for a rejected line (exact file and line)
     * @throws IOException           on a read error
     * @throws InterruptedException  if interrupted while waiting for a worker
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public InsertSource.ArrowBatch next() throws IOException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("text source for " + paths + " is closed");
        }
        if (failure != null) {
            throw failure;
        }
        while (true) {
            if (current == null) {
                if (fileIndex + 1 >= paths.size()) {
                    return null;
                }
                fileIndex++;
                current = new FileParse(fileIndex);
            }
            Object item;
            try {
                item = current.parts.next();
            } catch (TextParseException e) {
                failure = e.shiftLines(current.lineBase);
                throw failure;
            } catch (IOException e) {
                failure = e;
                throw e;
            }
            if (item == null) {
                finishFile();
                continue;
            }
            if (item instanceof Rows) {
                Rows r = (Rows) item;
                long base = current.lineBase;
                long[] jumps = r.jumps();
                if (jumps != null) {
                    for (int i = 1; i < jumps.length; i += 2) {
                        jumps[i] += base;
                    }
                }
                return new InsertSource.ArrowBatch(r.root(), new RowOrigin(current.name, base + r.firstLineInRange(), jumps));
            }
            if (item instanceof Skipped) {
                try {
                    for (TextParseException e : ((Skipped) item).errors()) {
                        rejects.reject(e.shiftLines(current.lineBase));
                    }
                } catch (IOException e) {
                    failure = e;
                    throw e;
                }
                continue;
            }
            current.lineBase += (Long) item;
        }
    }

    @Override
    public long inputBytesRead() {
        long read = finishedFileBytes;
        if (current != null) {
            read += Math.min(current.fileSize, (long) current.parts.currentPart() * rangeBytes);
        }
        return read;
    }

    private void finishFile() {
        FileParse f = current;
        current = null;
        finishedFileBytes += f.fileSize;
        finishedWaitNanos += f.parts.blockedNanos();
        maxQueuedSeen = Math.max(maxQueuedSeen, f.parts.maxQueuedItemsSeen());
        f.close();
    }

    /** Stops the workers, frees batches not handed out and closes the files. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (current != null) {
                finishFile();
            }
        } finally {
            closeChannels(null);
        }
    }

    private void closeChannels(Throwable primary) {
        for (FileChannel ch : channels) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    if (primary != null) {
                        primary.addSuppressed(e);
                    }
                }
            }
        }
    }

    @Override
    public long producerWaitNanos() {
        return finishedWaitNanos + (current == null ? 0 : current.parts.blockedNanos());
    }

    /** The most batches ever queued ahead of the consumer in one file (tests of the read-ahead bound). */
    int maxQueuedBatchesSeen() {
        return Math.max(maxQueuedSeen, current == null ? 0 : current.parts.maxQueuedItemsSeen());
    }

    private static void dispose(Object item) {
        if (item instanceof Rows) {
            ((Rows) item).root().close();
        }
    }

    private static long sizeOf(Object item) {
        return item instanceof Rows ? BatchBuilder.bufferBytes(((Rows) item).root()) : 0;
    }

    /** The parse of one file: its ranges, workers and quote chain. */
    private final class FileParse {
        final String name;
        final FileChannel channel;
        final long fileSize;
        final QuoteStates.Chain chain;
        final OrderedParts<Object> parts;
        /** Line number of the first line of the range being handed out. */
        long lineBase = 1;

        FileParse(int index) {
            this.name = paths.get(index).toString();
            this.channel = channels[index];
            this.fileSize = sizes[index];
            long rangeCount = (fileSize + rangeBytes - 1) / rangeBytes;
            if (rangeCount > Integer.MAX_VALUE - 1) {
                throw new IllegalArgumentException("file " + name + " needs more than 2^31 ranges of " + rangeBytes + " bytes");
            }
            this.chain = dialect.quoting() ? new QuoteStates.Chain((int) rangeCount) : null;
            this.parts = new OrderedParts<>("ingot-text-" + table.name(), (int) rangeCount, threads, 2 * threads,
                    this::parseRange, DelimitedTextSource::dispose, readAhead, DelimitedTextSource::sizeOf);
        }

        void close() {
            if (chain != null) {
                chain.abort();
            }
            parts.close();
        }

        /**
         * Parses range {@code part}: emits its batches, then its line count (a Long). Throws a
         * TextParseException whose line is the 0-based index of the line within the range.
         */
        private void parseRange(int part, OrderedParts.Sink<Object> sink) throws IOException {
            try {
                parseRangeUnchecked(part, sink);
            } catch (IOException | RuntimeException | Error e) {
                if (chain != null && !(e instanceof OrderedParts.Cancelled)) {
                    chain.abort();
                }
                throw e;
            }
        }

        private void parseRangeUnchecked(int part, OrderedParts.Sink<Object> sink) throws IOException {
            long start = (long) part * rangeBytes;
            long end = Math.min(fileSize, start + rangeBytes);
            long readFrom = start == 0 ? 0 : start - 1;
            RangeReader in = new RangeReader(this, readFrom, end);
            RecordParser parser = new RecordParser(table, dialect, name);
            BatchBuilder b = null;
            long lines = 0;
            long batchFirstLine = 0;
            long[] jumps = null;
            int jumpCount = 0;
            List<TextParseException> skipped = null;
            try {
                int state = QuoteStates.OUT;
                if (chain != null) {
                    state = chain.startState(part, in.transitionMap(start == 0 ? 0 : 1, end, readFrom));
                }
                int ls;
                if (start == 0) {
                    ls = startsWithBom(in) ? BOM.length : 0;
                } else if (in.buf[0] == '\n' && state == QuoteStates.OUT) {
                    ls = 1;
                } else {
                    ls = in.skipToRecordStart(1, state, end);
                    if (ls < 0) {
                        sink.put(0L);
                        return;
                    }
                }
                boolean skipHeader = start == 0 && dialect.header();
                long expectedLine = -1;
                // range 0 owns the file's first record even where a BOM pushes its start past a (tiny) range end
                long ownEnd = start == 0 ? Math.max(end, ls + 1) : end;
                while (in.filePos + ls < ownEnd && !(in.eof && ls >= in.dataEnd)) {
                    parser.line = lines;
                    if (b == null && !skipHeader) {
                        b = new BatchBuilder(allocator, table, batchRows);
                        batchFirstLine = lines;
                        expectedLine = lines;
                        jumps = null;
                        jumpCount = 0;
                    }
                    int firstRow = skipHeader ? 0 : b.rowCount();
                    // a run of simple records, one line each, up to the first one that is not simple
                    int next = skipHeader || ls >= in.linesEnd ? ls
                            : parser.parseSimpleRun(in.buf, ls, (int) Math.min(in.linesEnd, ownEnd - in.filePos), in.linesEnd, b);
                    int rows = skipHeader ? 0 : b.rowCount() - firstRow;
                    long recordLines = rows;
                    if (rows == 0) {
                        // one record the general way
                        next = parser.tokenize(in.buf, ls, in.dataEnd, in.eof, skipHeader);
                        if (next == RecordParser.NEED_MORE) {
                            in.compact(ls, parser.maxLineBytes());
                            ls = 0;
                            in.fill();
                            continue;
                        }
                        recordLines = 1 + parser.innerNewlines();
                        if (skipHeader) {
                            skipHeader = false;
                            lines += recordLines;
                            ls = next;
                            continue;
                        }
                        try {
                            parser.fill(in.buf, b, firstRow);
                        } catch (TextParseException e) {
                            if (rejects == null) {
                                throw e;
                            }
                            b.discardRow(firstRow);
                            if (skipped == null) {
                                skipped = new ArrayList<>();
                            }
                            skipped.add(e);
                            lines += recordLines;
                            ls = next;
                            continue;
                        }
                        b.endRow();
                        rows = 1;
                    }
                    if (lines != expectedLine) {
                        if (jumps == null) {
                            jumps = new long[8];
                        } else if (jumpCount + 2 > jumps.length) {
                            jumps = Arrays.copyOf(jumps, jumps.length * 2);
                        }
                        jumps[jumpCount++] = firstRow;
                        jumps[jumpCount++] = lines;
                    }
                    expectedLine = lines + rows; // where the next row is if the last record has one line
                    lines += recordLines;
                    if (b.isFull()) {
                        VectorSchemaRoot root = b.finish();
                        b = null;
                        skipped = putSkipped(sink, skipped);
                        sink.put(new Rows(root, batchFirstLine, jumps == null ? null : Arrays.copyOf(jumps, jumpCount)));
                    }
                    ls = next;
                }
                if (b != null && b.rowCount() > 0) {
                    VectorSchemaRoot root = b.finish();
                    b = null;
                    skipped = putSkipped(sink, skipped);
                    sink.put(new Rows(root, batchFirstLine, jumps == null ? null : Arrays.copyOf(jumps, jumpCount)));
                }
                putSkipped(sink, skipped);
                sink.put(lines);
            } catch (TextParseException e) {
                // the whole rows before the rejected line are handed out first, so the loader's
                // first-error rule (the lowest source row) can find a violation among them
                if (b != null && b.rowCount() > 0) {
                    VectorSchemaRoot root = b.finish();
                    b = null;
                    sink.put(new Rows(root, batchFirstLine, jumps == null ? null : Arrays.copyOf(jumps, jumpCount)));
                }
                throw e;
            } finally {
                if (b != null) {
                    b.close();
                }
                buffers.set(in.buf);
            }
        }

        /** Hands the lines skipped so far to the consumer, ahead of the rows after them; returns null. */
        private List<TextParseException> putSkipped(OrderedParts.Sink<Object> sink, List<TextParseException> skipped)
                throws IOException {
            if (skipped != null) {
                sink.put(new Skipped(List.copyOf(skipped)));
            }
            return null;
        }

        private boolean startsWithBom(RangeReader in) throws IOException {
            while (in.dataEnd < BOM.length && !in.eof) {
                in.compact(0, BOM.length);
                in.fill();
            }
            if (in.dataEnd < BOM.length) {
                return false;
            }
            return in.buf[0] == BOM[0] && in.buf[1] == BOM[1] && in.buf[2] == BOM[2];
        }
    }

    /**
     * A window over a file held in a reusable heap buffer: {@code buf[0 .. dataEnd)} holds the
     * file bytes from {@code filePos}. Reads up to the range end first, then in small tail reads,
     * never past the size the file had when the source was opened.
     */
    private final class RangeReader {
        private final FileParse file;
        private final long rangeEnd;
        byte[] buf;
        long filePos;
        int dataEnd;
        /**
         * The index after the last {@code \n} in {@code buf[0 .. dataEnd)} (0 if none): records
         * before it are parsed by {@link RecordParser#parseSimple}, whose scans then always meet a
         * line end before the end of the data, so its rare end-of-buffer branches are never
         * taken (each first taking of such a branch costs a deoptimization and a recompilation).
         */
        int linesEnd;
        boolean eof;

        RangeReader(FileParse file, long from, long rangeEnd) throws IOException {
            this.file = file;
            byte[] b = buffers.get();
            this.buf = b != null ? b : new byte[readBufferBytes];
            this.filePos = from;
            this.rangeEnd = rangeEnd;
            fill();
        }

        /**
         * The quote transition map of the file bytes from buffer index {@code from} (at
         * {@code filePos}) to {@code rangeEnd}, reading the range through the buffer; leaves the
         * window at {@code readFrom} again.
         */
        int transitionMap(int from, long rangeEnd, long readFrom) throws IOException {
            byte quote = (byte) dialect.quote();
            byte escape = dialect.escape();
            int map = QuoteStates.IDENTITY;
            int scanFrom = from;
            while (true) {
                int upTo = (int) Math.min(dataEnd, rangeEnd - filePos);
                map = QuoteStates.advance(map, buf, scanFrom, upTo, quote, escape);
                if (filePos + upTo >= rangeEnd || eof) {
                    break;
                }
                filePos += dataEnd;
                dataEnd = 0;
                linesEnd = 0;
                scanFrom = 0;
                fill();
            }
            if (filePos != readFrom) {
                filePos = readFrom;
                dataEnd = 0;
                linesEnd = 0;
                eof = false;
                fill();
            }
            return map;
        }

        /**
         * Buffer index of the first record starting at or after buffer index {@code from} and
         * before {@code rangeEnd}, scanning from quote state {@code state}; -1 if there is none.
         */
        int skipToRecordStart(int from, int state, long rangeEnd) throws IOException {
            int scanFrom = from;
            int s = state;
            while (true) {
                int upTo = (int) Math.min(dataEnd, rangeEnd - filePos);
                if (upTo <= scanFrom && filePos + upTo >= rangeEnd) {
                    return -1;
                }
                int r = QuoteStates.findRecordStart(buf, scanFrom, upTo, s, dialect.quote(), dialect.escape());
                if (r >= 0) {
                    return filePos + r < rangeEnd ? r : -1;
                }
                s = -r - 1;
                if (filePos + upTo >= rangeEnd || eof) {
                    return -1;
                }
                // keep one byte so the window stays non-empty; the scan resumes after it
                compact(upTo - 1, Long.MAX_VALUE);
                scanFrom = 1;
                fill();
            }
        }

        /** Drops {@code buf[0 .. keepFrom)}, moving the rest to the front; grows a full buffer up to the line limit. */
        void compact(int keepFrom, long lineLimit) {
            int keep = dataEnd - keepFrom;
            if (keepFrom > 0) {
                System.arraycopy(buf, keepFrom, buf, 0, keep);
                filePos += keepFrom;
                dataEnd = keep;
                linesEnd = Math.max(0, linesEnd - keepFrom);
            }
            if (dataEnd == buf.length) {
                long grown = Math.min((long) buf.length * 2, Math.max((long) buf.length + 1, lineLimit + 16));
                if (grown > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("record of " + file.name + " at byte " + filePos + " does not fit a buffer");
                }
                buf = Arrays.copyOf(buf, (int) grown);
            }
        }

        /** Reads more bytes after {@code dataEnd} (at least one unless at the end of the file as opened). */
        void fill() throws IOException {
            long at = filePos + dataEnd;
            int free = buf.length - dataEnd;
            long left = file.fileSize - at;
            int want = at < rangeEnd ? (int) Math.min(free, rangeEnd - at) : Math.min(free, TAIL_READ_BYTES);
            want = (int) Math.max(0, Math.min(want, left));
            ByteBuffer bb = ByteBuffer.wrap(buf, dataEnd, want);
            while (bb.hasRemaining()) {
                int n = file.channel.read(bb, at + (bb.position() - dataEnd));
                if (n < 0) {
                    break;
                }
            }
            int from = dataEnd;
            dataEnd = bb.position();
            if (filePos + dataEnd >= file.fileSize || bb.hasRemaining()) {
                eof = true;
            }
            for (int i = dataEnd - 1; i >= from; i--) {
                if (buf[i] == '\n') {
                    linesEnd = i + 1;
                    break;
                }
            }
        }
    }

    /** Opens {@code file} for reading; refuses what is not a regular file. */
    private static FileChannel openForRead(Path file) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            NoSuchFileException named = new NoSuchFileException(file.toString(), null, "no such file");
            named.initCause(e);
            throw named;
        }
        if (!attrs.isRegularFile()) {
            throw new IOException(file + " is not a regular file (a directory, FIFO or device); the text reader reads "
                    + "regular files, up to the size they have when the load starts");
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        return ch;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Path p : paths) {
            names.add(p.toString());
        }
        return "DelimitedTextSource" + names;
    }
}
