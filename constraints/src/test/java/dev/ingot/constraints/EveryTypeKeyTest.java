package dev.ingot.constraints;

import static dev.ingot.columnstore.ColumnDef.notNull;
import static dev.ingot.columnstore.ColumnDef.nullable;
import static dev.ingot.columnstore.ConstraintSpec.foreignKey;
import static dev.ingot.columnstore.ConstraintSpec.primaryKey;
import static dev.ingot.columnstore.ConstraintSpec.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.internal.KeyEncoding;
import dev.ingot.testing.TestAllocators;
import dev.ingot.memory.NativeAllocator;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PRIMARY KEY / UNIQUE / FOREIGN KEY over the types added by issue 9: each key encoding, duplicates and orphans with exact messages. */
class EveryTypeKeyTest {
    static final UUID U1 = UUID.fromString("00000000-0000-0000-0000-000000000001");
    static final UUID U2 = UUID.fromString("ffffffff-0000-0000-0000-000000000002");
    static final UUID U3 = UUID.fromString("00000000-0000-0000-0000-000000000003"); // differs from U1 in the last 8 bytes only
    static final BigDecimal BIG = new BigDecimal("123456789012345678901234567890.12");

    /** One composite PRIMARY KEY over a long-class, 16-byte and variable-width column of every new kind. */
    static final TableDef WIDE = new TableDef("wide", List.of(
            notNull("b", ColumnType.bool()), notNull("i8", ColumnType.int8()), notNull("i16", ColumnType.int16()),
            notNull("d", ColumnType.decimal(32, 2)), notNull("t", ColumnType.time()), notNull("ts", ColumnType.timestamp()),
            notNull("tz", ColumnType.timestampTz()), notNull("bin", ColumnType.varbinary(8)), notNull("u", ColumnType.uuid())),
            List.of(primaryKey("wide_pk", "b", "i8", "i16", "d", "t", "ts", "tz", "bin", "u")));
    static final TableDef PARENT = new TableDef("parent", List.of(
            notNull("id", ColumnType.uuid()), nullable("code", ColumnType.int64()), nullable("amount", ColumnType.decimal(38, 2)),
            nullable("tag", ColumnType.varbinary())),
            List.of(primaryKey("parent_pk", "id"), unique("parent_code_uk", "code"), unique("parent_amount_uk", "amount"),
                    unique("parent_tag_uk", "tag")));
    static final TableDef CHILD = new TableDef("child", List.of(
            notNull("c_id", ColumnType.int32()), nullable("c_parent", ColumnType.uuid()), nullable("c_code", ColumnType.int16()),
            nullable("c_amount", ColumnType.decimal(20, 2)), nullable("c_tag", ColumnType.varbinary(4))),
            List.of(primaryKey("child_pk", "c_id"),
                    foreignKey("child_parent_fk", List.of("c_parent"), "parent", List.of("id")),
                    foreignKey("child_code_fk", List.of("c_code"), "parent", List.of("code")),
                    foreignKey("child_amount_fk", List.of("c_amount"), "parent", List.of("amount")),
                    foreignKey("child_tag_fk", List.of("c_tag"), "parent", List.of("tag"))));

    private NativeAllocator root;
    private BufferAllocator arrow;
    private ConstraintService service;

    @BeforeEach
    void open() {
        root = NativeAllocator.root("ingot", 1L << 30);
        arrow = TestAllocators.arrow();
        service = new ConstraintService(root);
    }

    @AfterEach
    void close() {
        service.close();
        assertEquals(0, root.allocatedBytes(), "native bytes outstanding");
        root.close();
        arrow.close();
    }

    private static Object[] wide(boolean b, int i8, String bin, UUID u) {
        return new Object[] {b, i8, -300, BIG, LocalTime.of(23, 59, 59, 999_999_000), LocalDateTime.of(1969, 12, 31, 23, 59, 59, 1000),
                Instant.parse("2024-02-29T12:00:00.000001Z"), bin.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), u};
    }

    @Test
    void keyEncodingsOfTheNewTypes() {
        assertEquals(KeyEncoding.LONG, KeyEncoding.of(List.of(ColumnType.timestampTz())));
        assertEquals(KeyEncoding.PACKED_PAIR, KeyEncoding.of(List.of(ColumnType.bool(), ColumnType.int8())));
        assertEquals(KeyEncoding.BYTES, KeyEncoding.of(List.of(ColumnType.uuid())));
        assertEquals(KeyEncoding.BYTES, KeyEncoding.of(List.of(ColumnType.decimal(19, 0))));
        assertEquals(KeyEncoding.BYTES, KeyEncoding.of(List.of(ColumnType.varbinary())));
        assertEquals("FLOAT64 columns cannot be key columns",
                assertThrows(IllegalArgumentException.class, () -> KeyEncoding.of(List.of(ColumnType.float64()))).getMessage());
    }

    @Test
    void compositeKeyOverEveryNewTypeFindsTheDuplicate() {
        service.planLoad(List.of(WIDE));
        try (TableChecker c = service.beginTable(WIDE, 0, null);
             VectorSchemaRoot b = ArrowRows.root(arrow, WIDE,
                     wide(true, 1, "ab", U1), wide(false, 1, "ab", U1), wide(true, 2, "ab", U1), wide(true, 1, "abc", U1),
                     wide(true, 1, "ab", U2), wide(true, 1, "a", U1), wide(true, 1, "ab", U3), wide(true, 1, "ab", U1))) {
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 0, 8, 0));
            assertEquals("duplicate key value violates PRIMARY KEY constraint \"wide_pk\" on table wide: key (b, i8, i16, d, t, ts, tz, bin, u)="
                    + "(true, 1, -300, 123456789012345678901234567890.12, 23:59:59.999999, 1969-12-31T23:59:59.000001,"
                    + " 2024-02-29T12:00:00.000001Z, '\\x6162', 00000000-0000-0000-0000-000000000001) already exists; row 7", e.getMessage());
            assertEquals(7, e.rowId());
            c.abort();
        }
    }

    @Test
    void singleColumnKeysOfNewTypesFindDuplicatesAndOrphans() {
        service.planLoad(List.of(PARENT, CHILD));
        byte[] tag = {0x01, (byte) 0xFF};
        try (TableChecker c = service.beginTable(PARENT, 3, null);
             VectorSchemaRoot b = ArrowRows.root(arrow, PARENT,
                     new Object[] {U1, 1L, BIG, tag}, new Object[] {U2, 70_000L, null, null}, new Object[] {U1, 2L, null, null})) {
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 0, 3, 0));
            assertEquals("duplicate key value violates PRIMARY KEY constraint \"parent_pk\" on table parent: key (id)="
                    + "(00000000-0000-0000-0000-000000000001) already exists; row 2", e.getMessage());
            c.abort();
        }
        service.close();
        service = new ConstraintService(root);
        service.planLoad(List.of(PARENT, CHILD));
        try (TableChecker c = service.beginTable(PARENT, 2, null);
             VectorSchemaRoot b = ArrowRows.root(arrow, PARENT,
                     new Object[] {U1, 1L, new BigDecimal("12345678901234567.89"), tag}, new Object[] {U2, 70_000L, null, null},
                     new Object[] {UUID.randomUUID(), 3L, null, tag})) {
            c.checkBatch(b, 0, 2, 0);
            ConstraintViolationException dup = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 2, 1, 2));
            assertEquals("duplicate key value violates UNIQUE constraint \"parent_tag_uk\" on table parent: key (tag)=('\\x01ff')"
                    + " already exists; row 2", dup.getMessage());
        }
        service.close();
        service = new ConstraintService(root);
        service.planLoad(List.of(PARENT, CHILD));
        try (TableChecker c = service.beginTable(PARENT, 2, null);
             VectorSchemaRoot b = ArrowRows.root(arrow, PARENT,
                     new Object[] {U1, 1L, new BigDecimal("12345678901234567.89"), tag}, new Object[] {U2, 70_000L, null, null})) {
            c.checkBatch(b, 0, 2, 0);
            c.finish();
        }
        try (TableChecker c = service.beginTable(CHILD, 0, null);
             VectorSchemaRoot b = ArrowRows.root(arrow, CHILD,
                     new Object[] {1, U1, 1, new BigDecimal("12345678901234567.89"), tag},
                     new Object[] {2, U2, null, null, null},
                     new Object[] {3, null, 1, null, null},
                     new Object[] {4, UUID.fromString("00000000-0000-0000-0000-000000000003"), null, null, null},
                     new Object[] {5, null, 4464, null, null},                                        // 70_000 as a SMALLINT wraps: orphan
                     new Object[] {6, null, null, new BigDecimal("12345678901234567.88"), null},
                     new Object[] {7, null, null, null, new byte[] {0x01}})) {
            c.checkBatch(b, 0, 3, 0);
            ConstraintViolationException e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 3, 1, 3));
            assertEquals("insert into table child violates FOREIGN KEY constraint \"child_parent_fk\": key (c_parent)="
                    + "(00000000-0000-0000-0000-000000000003) is not present in table parent; row 3", e.getMessage());
            e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 4, 1, 4));
            assertEquals("insert into table child violates FOREIGN KEY constraint \"child_code_fk\": key (c_code)=(4464)"
                    + " is not present in table parent; row 4", e.getMessage());
            e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 5, 1, 5));
            assertEquals("insert into table child violates FOREIGN KEY constraint \"child_amount_fk\": key (c_amount)="
                    + "(12345678901234567.88) is not present in table parent; row 5", e.getMessage());
            e = assertThrows(ConstraintViolationException.class, () -> c.checkBatch(b, 6, 1, 6));
            assertEquals("insert into table child violates FOREIGN KEY constraint \"child_tag_fk\": key (c_tag)=('\\x01')"
                    + " is not present in table parent; row 6", e.getMessage());
            c.abort();
        }
    }

    @Test
    void incompatibleForeignKeyTypesAreRefused() {
        TableDef events = new TableDef("events", List.of(notNull("at", ColumnType.timestampTz())), List.of(primaryKey("events_pk", "at")));
        TableDef log = new TableDef("log", List.of(nullable("l_at", ColumnType.timestamp())),
                List.of(foreignKey("log_events_fk", List.of("l_at"), "events", List.of("at"))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> service.planLoad(List.of(events, log)));
        assertEquals("FOREIGN KEY log_events_fk of table log: column l_at TIMESTAMP cannot reference events.at TIMESTAMP WITH TIME ZONE",
                e.getMessage());
    }
}
