package dev.ingot.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ingot.ingest.internal.OrderedParts;
import dev.ingot.testing.TestAllocators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzz test of {@link DelimitedTextSource}: any bytes, read with a dialect, thread count, range
 * size and batch size chosen by the input. The only accepted outcomes are rows or a
 * {@link TextParseException}; and the parallel parse with tiny ranges must give exactly what a
 * sequential parse of the whole file gives (the same rows with the same lines, or the same
 * message). Anything else (another exception, an Error, a leak, a hang) is a finding.
 *
 * <h2>Input format</h2>
 * <pre>
 * byte 0   dialect flags: 0x01 no quoting, 0x02 escape '\', 0x04 header, 0x08 trailing
 *          delimiter, 0x30 delimiter (',' '|' tab ';'), 0x40 NULL string "\N", 0x80 text NULLs off
 * byte 1   threads - 1 (modulo 3)
 * byte 2   range bytes - 1 (1 .. 256)
 * byte 3   batch rows - 1 (modulo 16)
 * byte 4   line limit: 0 the default, else 4 * value bytes
 * rest     the file
 * </pre>
 *
 * <h2>Modes</h2>
 * Without {@code JAZZER_FUZZ} (CI) Jazzer replays the corpus in
 * {@code src/test/resources/dev/ingot/ingest/text/TextReaderFuzzTestInputs/parseAnyBytes/}. To
 * fuzz: {@code JAZZER_FUZZ=1 mvn -pl ingest test -Dtest=TextReaderFuzzTest} (stops after
 * {@code maxDuration}; findings are written next to the seeds as {@code crash-*} files).
 * One allocator and one file are reused across inputs, so long runs stay at a constant footprint.
 */
class TextReaderFuzzTest {
    private static final byte[] DELIMITERS = {',', '|', '\t', ';'};
    private static BufferAllocator allocator;
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void setUp() throws IOException {
        allocator = TestAllocators.arrow(256L << 20);
        dir = Files.createTempDirectory("ingot-text-fuzz");
        file = dir.resolve("fuzz.csv");
    }

    @AfterAll
    static void tearDown() throws IOException {
        allocator.close();
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "5m")
    void parseAnyBytes(byte[] input) throws Exception {
        if (input.length < 5) {
            return;
        }
        int flags = input[0] & 0xff;
        TextDialect d = TextDialect.csv().withDelimiter((char) DELIMITERS[(flags >> 4) & 3]);
        if ((flags & 0x01) != 0) {
            d = d.withoutQuote();
        } else if ((flags & 0x02) != 0) {
            d = d.withEscape('\\');
        }
        d = d.withHeader((flags & 0x04) != 0).withTrailingDelimiter((flags & 0x08) != 0)
                .withNullString((flags & 0x40) != 0 ? "\\N" : "");
        if ((flags & 0x80) != 0) {
            d = new TextDialect(d.delimiter(), d.quote(), d.escape(), d.header(), d.nullString(), false,
                    d.trailingDelimiter(), d.maxLineBytes());
        }
        int threads = 1 + (input[1] & 0xff) % 3;
        int rangeBytes = 1 + (input[2] & 0xff);
        int batchRows = 1 + (input[3] & 0xff) % 16;
        int limit = input[4] & 0xff;
        d = d.withMaxLineBytes(limit == 0 ? 0 : 4L * limit);
        Files.write(file, Arrays.copyOfRange(input, 5, input.length));
        Object sequential = outcome(d, 1, 1 << 20, 1000);
        Object parallel = outcome(d, threads, rangeBytes, batchRows);
        assertEquals(sequential, parallel, "threads " + threads + ", range " + rangeBytes + ", batch " + batchRows + ", " + d);
        assertEquals(0, allocator.getAllocatedMemory(), "leaked Arrow buffers");
    }

    /** The rows (cells and line of each) or the parse error's message. */
    private static Object outcome(TextDialect d, int threads, int rangeBytes, int batchRows) throws Exception {
        try (DelimitedTextSource s = DelimitedTextSource.open(allocator, CsvConformanceTest.T, d, List.of(file), batchRows,
                threads, rangeBytes, Math.max(2, rangeBytes / 2), OrderedParts.ReadAhead.forThreads(threads))) {
            return CsvConformanceTest.rowsWithLines(s, file);
        } catch (TextParseException e) {
            return e.getMessage();
        }
    }
}
