package dev.ingot.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableReader;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.pager.memory.NativeAllocator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library example of the README, verbatim between the markers, so it is known to work. */
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

        try (BufferAllocator arrow = new RootAllocator();
             NativeAllocator memory = NativeAllocator.root("app", 1L << 30);   // key sets live here
             ColumnStore store = ColumnStore.openOrCreate(dir)) {

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
    }

    @Test
    void duplicateInTheExampleIsRejected() throws Exception {
        TableDef t = new TableDef("t", List.of(ColumnDef.notNull("id", ColumnType.int64())),
                List.of(ConstraintSpec.primaryKey("t_pk", "id")));
        try (BufferAllocator arrow = new RootAllocator();
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
