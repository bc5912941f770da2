package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.Transaction;
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
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library examples of the README, verbatim between the markers, so they are known to work (the
 * embedding API: a table created and filled in one transaction and scanned back; a small table
 * appended twice, deleted from, updated and looked up); another test compares the README's two
 * Java blocks with the code between the markers. The last test shows the lower-level
 * {@link TableInserter} refusing a duplicate.
 */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void readmeExample() throws Exception {
        Path dir = tmp.resolve("demo-store");
        String scanned;
        // README-EXAMPLE-BEGIN
        TableDef accounts = new TableDef("accounts",
                List.of(ColumnDef.notNull("id", ColumnType.int64()),
                        ColumnDef.notNull("email", ColumnType.varchar(64)),
                        ColumnDef.nullable("balance", ColumnType.decimal(15, 2))),
                List.of(ConstraintSpec.primaryKey("accounts_pk", "id"),
                        ConstraintSpec.unique("accounts_email_uq", "email")));

        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing())) {   // openReadOnly never writes
            db.createTable(accounts);

            // one transaction: values and keys checked per batch, one atomic, durable commit
            try (Transaction tx = db.begin();
                 VectorSchemaRoot batch = VectorSchemaRoot.create(accounts.arrowSchema(), db.allocator())) {
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
                tx.append("accounts", batch);
                tx.commit();   // durable: survives a crash from here on
            }

            // scan it back as Arrow vectors, one batch per row group
            StringBuilder out = new StringBuilder();
            db.scan("accounts").columns("id", "email", "balance").forEachBatch(rows -> out.append(rows.contentToTSVString()));
            System.out.print(out);   // id email balance / 1 ada@example.org 10.50 / 2 alan@example.org null / ...
            scanned = out.toString();
        }
        // README-EXAMPLE-END
        assertEquals("id\temail\tbalance\n1\tada@example.org\t10.50\n2\talan@example.org\tnull\n3\tgrace@example.org\t-3.25\n", scanned);
    }

    @Test
    void readmeSecondExample() throws Exception {
        Path dir = tmp.resolve("shop-store");
        Map<String, Object> anvil;
        boolean boltGone;
        long stored;
        // README-EXAMPLE2-BEGIN
        try (Ingot db = Ingot.open(dir, IngotOptions.defaults().createIfMissing())) {
            db.createTables("CREATE TABLE items (sku VARCHAR(12) PRIMARY KEY, name VARCHAR(40) NOT NULL, stock INTEGER);");

            try (Transaction tx = db.begin();
                 VectorSchemaRoot batch = db.batch("items", List.of(List.of("A-1", "anvil", 3), List.of("B-2", "bolt", 100)))) {
                tx.append("items", batch);
                tx.commit();
            }
            // a second append: its keys are checked against the stored rows through the persisted key index
            try (Transaction tx = db.begin();
                 VectorSchemaRoot batch = db.batch("items", List.of(List.of("C-3", "chain", 7)))) {
                tx.append("items", batch);
                tx.commit();
            }
            // delete by key and update (delete + append, keys re-checked), in one commit
            try (Transaction tx = db.begin();
                 VectorSchemaRoot changed = db.batch("items", List.of(List.of("A-1", "anvil", 2)))) {
                tx.deleteKeys("items", List.of(List.of("B-2")));
                tx.update("items", changed);
                tx.commit();
            }
            anvil = db.lookup("items", "A-1").orElseThrow();   // {sku=A-1, name=anvil, stock=2}
            boltGone = db.lookup("items", "B-2").isEmpty();    // true: deleted
            stored = db.scan("items").count();                 // 2
        }
        // README-EXAMPLE2-END
        assertEquals("{sku=A-1, name=anvil, stock=2}", anvil.toString());
        assertTrue(boltGone);
        assertEquals(2, stored);
    }

    /** The README's two Java blocks are the code between this test's markers, line for line (indentation aside). */
    @Test
    void readmeShowsExactlyTheseExamples() throws IOException {
        String readme = Files.readString(REPO_ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/test/java/dev/ingot/ingest/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        List<String> first = between(source, "// README-EXAMPLE-BEGIN", "// README-EXAMPLE-END");
        List<String> second = between(source, "// README-EXAMPLE2-BEGIN", "// README-EXAMPLE2-END");
        assertTrue(first.size() > 20 && second.size() > 15, "the markers enclose the examples: " + first.size() + ", " + second.size());
        assertEquals(String.join("\n", dedent(first)), String.join("\n", dedent(readmeJavaBlock(readme, 0))),
                "README.md's first ```java block must be the example of ReadmeExampleTest.readmeExample");
        assertEquals(String.join("\n", dedent(second)), String.join("\n", dedent(readmeJavaBlock(readme, 1))),
                "README.md's second ```java block must be the example of ReadmeExampleTest.readmeSecondExample");
    }

    /** The repository root: the parent of this module (surefire runs in the module directory). */
    private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

    /** The lines of the {@code n}-th (0-based) of the README's two ```java blocks. */
    static List<String> readmeJavaBlock(String readme, int n) {
        List<String> lines = readme.lines().toList();
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("```java")) {
                starts.add(i);
            }
        }
        assertEquals(2, starts.size(), "README.md has exactly two ```java blocks");
        int start = starts.get(n);
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
