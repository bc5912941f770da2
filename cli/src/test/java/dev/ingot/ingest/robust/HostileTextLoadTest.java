package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every hostile text case of issue 15 through the CLI as a new user meets it: one
 * {@code ingot load --schema} of three tables where the hostile file is the last table in
 * foreign-key order, so the two before it load and commit first. Each case asserts exit status 1,
 * the exact one-line message (file, line, column and the limit or the bytes), no stack trace and no
 * {@code OutOfMemoryError}, and that the store then opens with the earlier tables holding exactly
 * their rows and the hostile table absent. The large inputs are sparse files (zero bytes after a
 * head), so the suite stays fast.
 */
class HostileTextLoadTest {
    private static final String SCHEMA = ""
            + "CREATE TABLE dept (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);\n"
            + "CREATE TABLE emp (id INT PRIMARY KEY, dept_id INT NOT NULL REFERENCES dept (id), name VARCHAR(20) NOT NULL);\n"
            + "CREATE TABLE note (id INT PRIMARY KEY, emp_id INT NOT NULL REFERENCES emp (id), s VARCHAR(20), t TEXT);\n";
    private static final int DEPTS = 40;
    private static final int EMPS = 1500;
    /** The valid lines before the hostile one: the hostile line is line 3. */
    private static final String GOOD_NOTES = "1,1,first,a\n2,2,\"second, quoted\",b\n";

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private Path write(String name, String content) throws Exception {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code head} followed by zero bytes up to {@code size} bytes (sparse: nothing more is written). */
    private Path sparse(String name, String head, long size) throws Exception {
        Path f = write(name, head);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
        return f;
    }

    /**
     * Loads dept, emp and then {@code notes} with {@code options}; asserts exit 1, that the last
     * line of standard error is {@code "ingot: error: " + message} and that dept and emp committed.
     */
    private void assertHostile(Path notes, String message, String... options) throws Exception {
        StringBuilder depts = new StringBuilder();
        for (int i = 1; i <= DEPTS; i++) {
            depts.append(i).append(",dept ").append(i).append('\n');
        }
        StringBuilder emps = new StringBuilder();
        for (int i = 1; i <= EMPS; i++) {
            emps.append(i).append(',').append(i % DEPTS + 1).append(",\"emp, ").append(i).append("\"\n");
        }
        Path schema = write("s.sql", SCHEMA);
        Path store = dir.resolve("store");
        List<String> args = new ArrayList<>(List.of("load", "--store", store.toString(), "--schema", schema.toString(), "--no-progress"));
        args.addAll(Arrays.asList(options));
        args.addAll(List.of("note=" + notes, "dept=" + write("dept.csv", depts.toString()), "emp=" + write("emp.csv", emps.toString())));
        Fixtures.CliRun run = Fixtures.cli(args.toArray(new String[0]));
        assertEquals(1, run.exit(), run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals("ingot: error: " + message, lines.get(lines.size() - 1));
        assertEquals(1, lines.stream().filter(l -> l.startsWith("ingot: error")).count(), run.err());
        assertFalse(run.err().contains("OutOfMemoryError") || run.err().contains("\tat ") || run.err().contains("Exception"), run.err());
        try (ColumnStore cs = ColumnStore.open(store, Fixtures.NO_SYNC)) {
            assertEquals(Map.of("dept", (long) DEPTS, "emp", (long) EMPS), Fixtures.tableRows(cs), "the earlier tables stay committed");
        }
    }

    @Test
    void aLineOverTheLineLimitSetByTheOption() throws Exception {
        Path notes = write("notes.csv", GOOD_NOTES + "3,3,x," + "long text ".repeat(1000) + "\n4,4,y,z\n");
        assertHostile(notes, "line longer than the maximum line length of 4096 bytes (raise it with --max-line-bytes or "
                + "TextDialect.withMaxLineBytes), in column t; file " + notes + ", line 3", "--max-line-bytes", "4096");
    }

    @Test
    void anEndlessFieldOfAGigabyteWithoutLineEnd() throws Exception {
        Path notes = sparse("endless.csv", GOOD_NOTES + "3,3,x,", 1L << 30);
        assertHostile(notes, "line longer than the maximum line length of 8388832 bytes (raise it with --max-line-bytes or "
                + "TextDialect.withMaxLineBytes), in column t; file " + notes + ", line 3");
    }

    @Test
    void aFieldLongerThanItsColumnAllows() throws Exception {
        Path notes = write("long-field.csv", GOOD_NOTES + "3,3," + "y".repeat(300) + ",t\n");
        assertHostile(notes, "value too long for column s (VARCHAR(20)): \"" + "y".repeat(81) + "\"; file " + notes + ", line 3");
    }

    @Test
    void aLineOfThousandsOfFields() throws Exception {
        Path notes = write("fields.csv", GOOD_NOTES + "3,3,x,t" + ",".repeat(5000) + "\n");
        assertHostile(notes, "extra data after last expected column (found 5004 fields, expected 4); file " + notes + ", line 3");
    }

    @Test
    void nulBytesInAField() throws Exception {
        Path notes = write("nul.csv", (GOOD_NOTES + "3,3,a\0b,t\n").getBytes(StandardCharsets.UTF_8));
        assertHostile(notes, "invalid byte sequence for encoding UTF8 in column s (VARCHAR(20)): 0x00; file " + notes + ", line 3");
    }

    @Test
    void invalidUtf8InTheMiddleOfAQuotedField() throws Exception {
        byte[] head = (GOOD_NOTES + "3,3,\"ab").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "cd, still quoted\",t\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + 2 + tail.length);
        all[head.length] = (byte) 0xc3;
        all[head.length + 1] = (byte) 0x28;
        System.arraycopy(tail, 0, all, head.length + 2, tail.length);
        Path notes = write("utf8.csv", all);
        assertHostile(notes, "invalid byte sequence for encoding UTF8 in column s (VARCHAR(20)): 0xc3 0x28; file " + notes + ", line 3");
    }

    @Test
    void aQuoteThatNeverClosesToTheEndOfAGigabyteFile() throws Exception {
        Path notes = sparse("open-quote.csv", GOOD_NOTES + "3,3,x,\"never closed", 1L << 30);
        assertHostile(notes, "quoted field of column t not closed within the maximum line length of 8388832 bytes (raise it with "
                + "--max-line-bytes or TextDialect.withMaxLineBytes); file " + notes + ", line 3");
    }

    @Test
    void carriageReturnOnlyLineEnds() throws Exception {
        Path notes = write("cr.csv", GOOD_NOTES + "3,3,x,t\r4,4,y,u\r");
        assertHostile(notes, "literal carriage return found in data at the end of column t (line ends must be LF or CRLF; quote a "
                + "field that holds a carriage return); file " + notes + ", line 3");
    }
}
