package dev.ingot.ingest.ddl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.tpch.TpchSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CREATE TABLE to {@link TableDef} and back: exact definitions, round trips and located errors. */
class SqlSchemaTest {
    static final String SCRIPT = ""
            + "-- a comment; with a semicolon\n"
            + "CREATE TABLE dept (\n"
            + "  id INT PRIMARY KEY,\n"
            + "  code CHAR(4) NOT NULL UNIQUE,\n"
            + "  name VARCHAR(40)\n"
            + ");\n"
            + "create table Emp (\n"
            + "  emp_id BIGINT NOT NULL,\n"
            + "  dept INTEGER REFERENCES dept,\n"
            + "  boss BIGINT,\n"
            + "  \"Salary\" NUMERIC(38, 2),\n"
            + "  active BOOL, small TINYINT, mid INT2, ratio REAL, score DOUBLE PRECISION,\n"
            + "  hired DATE, shift TIME, seen TIMESTAMP, at TIMESTAMPTZ, photo BYTEA, badge VARBINARY(16), uid UUID, notes TEXT,\n"
            + "  CONSTRAINT emp_pk PRIMARY KEY (emp_id),\n"
            + "  FOREIGN KEY (boss) REFERENCES emp (emp_id),\n"
            + "  CONSTRAINT emp_uid UNIQUE (uid, dept)\n"
            + ")";

    @Test
    void parsesEveryTypeAndConstraint() throws Exception {
        List<TableDef> tables = SqlSchema.parse(SCRIPT, "s.sql");
        TableDef dept = new TableDef("dept", List.of(
                ColumnDef.notNull("id", ColumnType.int32()),
                ColumnDef.notNull("code", ColumnType.charOf(4)),
                ColumnDef.nullable("name", ColumnType.varchar(40))),
                List.of(ConstraintSpec.primaryKey("dept_pkey", "id"), ConstraintSpec.unique("dept_code_key", "code")));
        TableDef emp = new TableDef("emp", List.of(
                ColumnDef.notNull("emp_id", ColumnType.int64()),
                ColumnDef.nullable("dept", ColumnType.int32()),
                ColumnDef.nullable("boss", ColumnType.int64()),
                ColumnDef.nullable("Salary", ColumnType.decimal(38, 2)),
                ColumnDef.nullable("active", ColumnType.bool()),
                ColumnDef.nullable("small", ColumnType.int8()),
                ColumnDef.nullable("mid", ColumnType.int16()),
                ColumnDef.nullable("ratio", ColumnType.float32()),
                ColumnDef.nullable("score", ColumnType.float64()),
                ColumnDef.nullable("hired", ColumnType.date()),
                ColumnDef.nullable("shift", ColumnType.time()),
                ColumnDef.nullable("seen", ColumnType.timestamp()),
                ColumnDef.nullable("at", ColumnType.timestampTz()),
                ColumnDef.nullable("photo", ColumnType.varbinary()),
                ColumnDef.nullable("badge", ColumnType.varbinary(16)),
                ColumnDef.nullable("uid", ColumnType.uuid()),
                ColumnDef.nullable("notes", ColumnType.varchar())),
                List.of(ConstraintSpec.primaryKey("emp_pk", "emp_id"),
                        ConstraintSpec.unique("emp_uid", "uid", "dept"),
                        ConstraintSpec.foreignKey("emp_dept_fkey", List.of("dept"), "dept", List.of("id")),
                        ConstraintSpec.foreignKey("emp_boss_fkey", List.of("boss"), "emp", List.of("emp_id"))));
        assertEquals(List.of(dept, emp), tables);
    }

    @Test
    void ddlRoundTrips() throws Exception {
        List<TableDef> tables = SqlSchema.parse(SCRIPT, "s.sql");
        assertEquals(tables, SqlSchema.parse(SqlSchema.toDdl(tables), "printed"));
        assertEquals(TpchSchema.tables(), SqlSchema.parse(SqlSchema.toDdl(TpchSchema.tables()), "tpch"));
        TableDef odd = new TableDef("Order Lines", List.of(ColumnDef.notNull("order", ColumnType.int32()),
                ColumnDef.nullable("x\"y", ColumnType.charOf(2))), List.of(ConstraintSpec.primaryKey("Order Lines PK", "order")));
        assertEquals(List.of(odd), SqlSchema.parse(SqlSchema.toDdl(List.of(odd)), "printed"));
        assertEquals("CREATE TABLE \"Order Lines\" (\n  \"order\" INTEGER NOT NULL,\n  \"x\"\"y\" CHAR(2),\n"
                + "  CONSTRAINT \"Order Lines PK\" PRIMARY KEY (\"order\")\n);\n", SqlSchema.toDdl(List.of(odd)));
    }

    private static String error(String script) {
        return assertThrows(SchemaParseException.class, () -> SqlSchema.parse(script, "s.sql")).getMessage();
    }

    @Test
    void errorsNameStatementLineAndColumn() {
        assertEquals("syntax error at \",\"; statement 2, file s.sql, line 3, column 17",
                error("CREATE TABLE a (x INT);\nCREATE TABLE x (\n a INT NOT NULL,, c INT)"));
        assertEquals("unknown column type INTEGR for column b; statement 1 (CREATE TABLE x), file s.sql, line 3, column 2",
                error("CREATE TABLE x (\n a INT,\n b INTEGR)"));
        assertEquals("DECIMAL(39,2) needs 1 <= precision <= 38 and 0 <= scale <= precision for column d; statement 1 (CREATE TABLE t),"
                + " file s.sql, line 1, column 17", error("CREATE TABLE t (d DECIMAL(39,2))"));
        assertEquals("unsupported column option DEFAULT for column a (supported: NOT NULL, NULL, PRIMARY KEY, UNIQUE, REFERENCES,"
                + " CONSTRAINT name); statement 1 (CREATE TABLE t), file s.sql, line 1, column 17", error("CREATE TABLE t (a INT DEFAULT 5)"));
        assertEquals("only CREATE TABLE statements are supported, not DROP; statement 2, file s.sql, line 2, column 1",
                error("CREATE TABLE a (x INT);\nDROP TABLE a"));
        assertEquals("constraint names unknown column t.b; statement 1 (CREATE TABLE t), file s.sql, line 1, column 37",
                error("CREATE TABLE t (a INT, PRIMARY KEY (b))"));
        assertEquals("FOREIGN KEY t_a_fkey references table p, which is not defined before it; name the referenced columns or"
                + " define p first; statement 1 (CREATE TABLE t), file s.sql, line 1, column 17", error("CREATE TABLE t (a INT REFERENCES p)"));
        assertEquals("table t is defined twice; statement 2 (CREATE TABLE t), file s.sql, line 1, column 38",
                error("CREATE TABLE t (a INT); CREATE TABLE t (b INT)"));
        assertEquals("PRIMARY KEY t_pkey of table t names column f of type DOUBLE; REAL and DOUBLE columns cannot be key columns"
                + " (floating-point equality is not an identity: -0.0 = 0.0 and NaN <> NaN); use DECIMAL; statement 1 (CREATE TABLE t),"
                + " file s.sql, line 1, column 14", error("CREATE TABLE t (f DOUBLE PRIMARY KEY)"));
    }
}
