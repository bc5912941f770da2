package dev.ingot.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.ingest.InsertSource;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.ingest.tpch.TestRows;
import dev.ingot.testing.TestAllocators;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input for {@link DelimitedTextSource} (issue 15): files of a gigabyte without a line
 * end or with a quote that never closes (written sparsely, so the suite stays fast), endless
 * inputs, files growing while read, and read-ahead bounded in batches (issue 17 case 5). Each
 * asserts the exact message and that memory stays bounded (an Arrow allocator of 64 MiB, leak
 * checked).
 */
class HostileTextTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;
    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = TestAllocators.arrow(64L << 20);
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    /** {@code head} followed by zero bytes up to {@code size} (a sparse file: nothing is written). */
    private Path sparse(String name, String head, long size) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, head);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
        return f;
    }

    private TextParseException parseError(TextDialect d, Path f, int threads) throws IOException {
        try (DelimitedTextSource s = DelimitedTextSource.open(allocator, CsvConformanceTest.T, d, List.of(f), 1000, threads)) {
            return assertThrows(TextParseException.class, () -> TestRows.drainCount(s));
        }
    }

    @Test
    void aQuoteThatNeverClosesInAGigabyteFile() throws Exception {
        Path f = sparse("open-quote.csv", "1,a,1,,\n2,a,1,,\"never closed", GIB);
        for (int threads : new int[] {1, 2}) {
            TextParseException e = parseError(TextDialect.csv(), f, threads);
            assertEquals("quoted field of column n not closed within the maximum line length of 1048576 bytes"
                    + " (raise it with --max-line-bytes or TextDialect.withMaxLineBytes); file " + f + ", line 2", e.getMessage());
            assertEquals("n", e.column());
        }
        // in a VARCHAR(20) column the field limit (4 * 20 bytes) stops it long before the line limit
        f = sparse("open-quote-text.csv", "1,a,1,,\n2,\"never closed", GIB);
        TextParseException e = parseError(TextDialect.csv(), f, 2);
        assertEquals("value too long for column name (VARCHAR(20)): \"never closed" + "\\x00".repeat(69) + "\"; file " + f
                + ", line 2", e.getMessage());
    }

    @Test
    void aGigabyteLineWithoutLineEnd() throws Exception {
        Path f = sparse("no-newline.tbl", "1|a|1|2024-01-01|1|\n", GIB);
        TextParseException e = parseError(TextDialect.tbl(), f, 2);
        assertEquals("line longer than the maximum line length of 1048576 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes), in column id; file " + f
                + ", line 2", e.getMessage());
        // raising the limit moves the error to the next check, still within bounded memory
        e = parseError(TextDialect.tbl().withMaxLineBytes(8L << 20), f, 2);
        assertEquals("line longer than the maximum line length of 8388608 bytes (raise it with --max-line-bytes or TextDialect.withMaxLineBytes), in column id; file " + f
                + ", line 2", e.getMessage());
    }

    @Test
    void nulBytesInANumericField() throws Exception {
        byte[] line = ("1,a,1,,\n2" + "?".repeat(100) + ",a,1,,\n").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < line.length; i++) {
            if (line[i] == '?') {
                line[i] = 0;
            }
        }
        Path f = dir.resolve("nul.csv");
        Files.write(f, line);
        TextParseException e = parseError(TextDialect.csv(), f, 1);
        assertEquals("invalid input for column id (BIGINT): \"2" + "\\x00".repeat(100) + "\"; file " + f + ", line 2",
                e.getMessage());
    }

    @Test
    void devicesAndDirectoriesAreRefused() throws Exception {
        for (Path p : new Path[] {Path.of("/dev/zero"), dir}) {
            if (!Files.exists(p)) {
                continue;
            }
            IOException e = assertThrows(IOException.class,
                    () -> DelimitedTextSource.open(allocator, CsvConformanceTest.T, TextDialect.csv(), List.of(p), 10, 1));
            assertEquals(p + " is not a regular file (a directory, FIFO or device); the text reader reads regular files, up"
                    + " to the size they have when the load starts", e.getMessage());
        }
    }

    @Test
    void aFileGrowingWhileReadIsReadToItsSizeAtOpen() throws Exception {
        Path f = dir.resolve("growing.csv");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            sb.append(i).append(",x,,,");
            if (i < 999) {
                sb.append('\n'); // the last line has no line end yet
            }
        }
        Files.writeString(f, sb.toString());
        int size = (int) Files.size(f);
        // range 0 ends 2 bytes before the end, so it finishes the last line with a tail read past its range
        try (DelimitedTextSource s = DelimitedTextSource.open(allocator, CsvConformanceTest.T, TextDialect.csv(), List.of(f),
                100, 2, size - 2, size + 100, OrderedParts.ReadAhead.forThreads(2))) {
            Files.writeString(f, ",7,8\n", StandardOpenOption.APPEND); // would make line 1000 one of 7 fields
            for (int k = 0; k < 50; k++) {
                Files.writeString(f, sb.toString(), StandardOpenOption.APPEND);
            }
            List<List<Object>> rows = TestRows.drainRows(s);
            assertEquals(1000, rows.size());
            assertEquals(java.util.Arrays.asList(999L, "x", null, null, null), rows.get(999));
        }
    }

    /** Issue 17 case 5: one-row batches of a large file, a stalled consumer: queued batches stay within the bound. */
    @Test
    void readAheadIsBoundedInBatches() throws Exception {
        Path f = dir.resolve("many.csv");
        StringBuilder sb = new StringBuilder();
        int lines = 50_000;
        for (int i = 0; i < lines; i++) {
            sb.append(i).append(",x,,,\n");
        }
        Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
        OrderedParts.ReadAhead bound = new OrderedParts.ReadAhead(32, 1L << 30);
        try (DelimitedTextSource s = DelimitedTextSource.open(allocator, CsvConformanceTest.T, TextDialect.csv(), List.of(f),
                1, 2, 64 << 10, (64 << 10) + 1024, bound)) {
            InsertSource.ArrowBatch first = s.next();
            first.close();
            Thread.sleep(200); // the workers run ahead as far as the bound lets them
            long expected = 1;
            InsertSource.ArrowBatch b;
            while ((b = s.next()) != null) {
                try (InsertSource.ArrowBatch batch = b) {
                    assertEquals(expected, ((BigIntVector) batch.root().getVector(0)).get(0));
                    assertEquals(expected + 1, batch.origin().firstLine());
                    expected++;
                }
            }
            assertEquals(lines, expected);
            int seen = s.maxQueuedBatchesSeen();
            assertTrue(seen <= 33 && seen >= 30, "batches queued ahead: " + seen);
        }
    }
}
