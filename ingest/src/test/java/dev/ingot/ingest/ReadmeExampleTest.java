package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library example of the README, verbatim between the markers, so it is known to work; a
 * second test compares the README's Java block with the code between the markers.
 */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void readmeExample() throws Exception {
        Path dir = tmp.resolve("demo-store");
        String scanned;
        long keySetBytesAfterCommit;
        long keySetPeakBytes;
        // README-EXAMPLE-BEGIN
        TableDef accounts = new TableDef("accounts",
                List.of(ColumnDef.notNull("id", ColumnType.int64()),
                        ColumnDef.notNull("email", ColumnType.varchar(64)),
                        ColumnDef.nullable("balance", ColumnType.decimal(15, 2))),
                List.of(ConstraintSpec.primaryKey("accounts_pk", "id"),
                        ConstraintSpec.unique("accounts_email_uq", "email")));

        try (BufferAllocator arrow = new RootAllocator();
             NativeAllocator memory = NativeAllocator.root("app", 1L << 30);   // key sets live here
             ColumnStore store = ColumnStore.openOrCreate(dir)) {   // open(dir) never creates; openReadOnly(dir) never writes

            // load: one write path, constraints checked per batch, all-or-nothing commit
            try (ConstraintService constraints = new ConstraintService(memory)) {
                constraints.planLoad(List.of(accounts));
                try (VectorSchemaRoot batch = VectorSchemaRoot.create(accounts.arrowSchema(), arrow);
                     TableInserter inserter = TableInserter.begin(store, constraints, accounts,
                             ColumnStoreWriteHints.estimate(accounts), ConstraintMode.IMMEDIATE, 3)) {
                    BigIntVector id = (BigIntVector) batch.getVector("id");
                    VarCharVector email = (VarCharVector) batch.getVector("email");
                    DecimalVector balance = (DecimalVector) batch.getVector("balance");
                    String[] emails = {"ada@example.org", "alan@example.org", "grace@example.org"};
                    for (int i = 0; i < 3; i++) {
                        id.setSafe(i, i + 1);
                        email.setSafe(i, emails[i].getBytes(StandardCharsets.UTF_8));
                    }
                    balance.setSafe(0, new BigDecimal("10.50"));
                    balance.setNull(1);
                    balance.setSafe(2, new BigDecimal("-3.25"));
                    batch.setRowCount(3);
                    inserter.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE));
                    inserter.commit();   // durable: survives a crash from here on
                }
                keySetBytesAfterCommit = constraints.outstandingBytes();   // 0: the commit freed the key sets
                keySetPeakBytes = constraints.peakBytes();                 // what they held at most
            }

            // scan it back as Arrow vectors, one row group at a time
            try (TableReader reader = store.openTable("accounts")) {
                StringBuilder out = new StringBuilder();
                for (int rg = 0; rg < reader.rowGroupCount(); rg++) {
                    try (VectorSchemaRoot rows = reader.readRowGroup(rg, List.of("id", "email", "balance"))) {
                        out.append(rows.contentToTSVString());
                    }
                }
                System.out.print(out);   // id email balance / 1 ada@example.org 10.50 / 2 alan@example.org null / ...
                scanned = out.toString();
            }
        }
        // README-EXAMPLE-END
        assertEquals("id\temail\tbalance\n1\tada@example.org\t10.50\n2\talan@example.org\tnull\n3\tgrace@example.org\t-3.25\n", scanned);
        assertEquals(0, keySetBytesAfterCommit, "the key sets are released at the commit, before the service closes");
        assertTrue(keySetPeakBytes > 0, "the PRIMARY KEY and UNIQUE sets held memory while loading: " + keySetPeakBytes);
    }

    /** The README's Java block is the code between this test's markers, line for line (indentation aside). */
    @Test
    void readmeShowsExactlyThisExample() throws IOException {
        String readme = Files.readString(REPO_ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/test/java/dev/ingot/ingest/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        List<String> block = readmeJavaBlock(readme);
        List<String> example = between(source, "// README-EXAMPLE-BEGIN", "// README-EXAMPLE-END");
        assertTrue(example.size() > 20, "the markers enclose the example: " + example.size() + " lines");
        assertEquals(String.join("\n", dedent(example)), String.join("\n", dedent(block)),
                "README.md's ```java block must be the example of ReadmeExampleTest.readmeExample");
    }

    /** The repository root: the parent of this module (surefire runs in the module directory). */
    private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

    /** The lines of the only ```java block of the README. */
    static List<String> readmeJavaBlock(String readme) {
        List<String> lines = readme.lines().toList();
        int start = lines.indexOf("```java");
        assertTrue(start >= 0, "README.md has a ```java block");
        assertEquals(-1, lines.subList(start + 1, lines.size()).indexOf("```java"), "README.md has exactly one ```java block");
        int end = lines.subList(start + 1, lines.size()).indexOf("```");
        assertTrue(end >= 0, "the ```java block is closed");
        return lines.subList(start + 1, start + 1 + end);
    }

    /** The lines strictly between the lines holding {@code begin} and {@code end}. */
    static List<String> between(String text, String begin, String end) {
        List<String> lines = text.lines().toList();
        int from = -1;
        int to = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(begin)) {
                from = i;
            } else if (lines.get(i).trim().equals(end)) {
                to = i;
            }
        }
        assertTrue(from >= 0 && to > from, "markers " + begin + " / " + end + " found in order");
        return lines.subList(from + 1, to);
    }

    /** The lines without their common leading indentation and trailing blanks (blank lines count as empty). */
    static List<String> dedent(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (!l.isBlank()) {
                indent = Math.min(indent, l.length() - l.stripLeading().length());
            }
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.isBlank() ? "" : l.substring(indent).stripTrailing());
        }
        return out;
    }

    @Test
    void duplicateInTheExampleIsRejected() throws Exception {
        TableDef t = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64())),
                List.of(ConstraintSpec.primaryKey("t_pk", "id")));
        try (BufferAllocator arrow = TestAllocators.arrow();
             NativeAllocator memory = NativeAllocator.root("app", 1L << 30);
             ColumnStore store = ColumnStore.openOrCreate(tmp.resolve("s"))) {
            try (ConstraintService constraints = new ConstraintService(memory)) {
                constraints.planLoad(List.of(t));
                try (VectorSchemaRoot batch = VectorSchemaRoot.create(t.arrowSchema(), arrow);
                     TableInserter inserter = TableInserter.begin(store, constraints, t, ColumnStoreWriteHints.estimate(t),
                             ConstraintMode.IMMEDIATE, 0)) {
                    BigIntVector id = (BigIntVector) batch.getVector("id");
                    id.setSafe(0, 42);
                    id.setSafe(1, 42);
                    batch.setRowCount(2);
                    TableLoadException e = assertThrows(TableLoadException.class,
                            () -> inserter.insert(new InsertSource.ArrowBatch(batch, RowOrigin.NONE)));
                    assertEquals("duplicate key value violates PRIMARY KEY constraint \"t_pk\" on table t: key (id)=(42)"
                            + " already exists; row 1", e.getMessage());
                }
            }
            assertEquals(0, store.tables().size());
            assertEquals(0, memory.allocatedBytes());
        }
    }
}
