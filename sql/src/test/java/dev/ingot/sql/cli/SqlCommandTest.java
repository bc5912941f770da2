package dev.ingot.sql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.ingest.cli.IngotCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingot sql} end to end: the three output formats, exactly, and the errors. */
class SqlCommandTest {
    @TempDir
    Path tmp;
    private Path store;

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int exit = IngotCli.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @BeforeEach
    void store() throws Exception {
        store = tmp.resolve("s");
        Files.writeString(tmp.resolve("t.sql"), "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20), amount DECIMAL(9,2),"
                + " day DATE, ok BOOLEAN, bin VARBINARY(4), x DOUBLE)");
        Files.writeString(tmp.resolve("t.csv"), "1,\"a, b\",12.50,2024-02-29,true,\\x0aff,1.5\n2,,,,,,\n3,\"say \"\"hi\"\"\",-0.05,1970-01-01,false,\\x,NaN\n");
        assertEquals(0, IngotCli.run("create", "--store", store.toString(), tmp.resolve("t.sql").toString()));
        assertEquals(0, IngotCli.run("load", "--store", store.toString(), "--table", "t", "--no-progress", tmp.resolve("t.csv").toString()));
    }

    @Test
    void csvPrintsAHeaderThenRows() {
        Run r = cli("sql", "--store", store.toString(), "--format", "csv", "select * from t order by id;");
        assertEquals(0, r.exit(), r.err());
        assertEquals("id,name,amount,day,ok,bin,x\n"
                + "1,\"a, b\",12.50,2024-02-29,true,\\x0aff,1.5\n"
                + "2,,,,,,\n"
                + "3,\"say \"\"hi\"\"\",-0.05,1970-01-01,false,\\x,NaN\n", r.out());
        assertEquals(true, r.err().matches("ingot: 3 rows in \\d+\\.\\d{3} s\n"), r.err());
    }

    @Test
    void jsonlPrintsValuesAsScanDoes() throws Exception {
        Path q = tmp.resolve("q.sql");
        Files.writeString(q, "select id, name, amount, \"day\", ok, bin, x, amount * 2 as twice from t where id <> 2 order by id desc");
        Run r = cli("sql", "--store", store.toString(), "--format", "jsonl", "--file", q.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"id\":3,\"name\":\"say \\\"hi\\\"\",\"amount\":-0.05,\"day\":\"1970-01-01\",\"ok\":false,\"bin\":\"\",\"x\":\"NaN\",\"twice\":-0.10}\n"
                + "{\"id\":1,\"name\":\"a, b\",\"amount\":12.50,\"day\":\"2024-02-29\",\"ok\":true,\"bin\":\"Cv8=\",\"x\":1.5,\"twice\":25.00}\n", r.out());
    }

    @Test
    void tableAlignsColumns() {
        Run r = cli("sql", "--store", store.toString(), "select id, name, amount from t order by id");
        assertEquals(0, r.exit(), r.err());
        assertEquals("id | name     | amount\n"
                + "---+----------+-------\n"
                + " 1 | a, b     |  12.50\n"
                + " 2 | NULL     |   NULL\n"
                + " 3 | say \"hi\" |  -0.05\n"
                + "(3 rows)\n", r.out());
    }

    @Test
    void errorsNameTheProblem() throws Exception {
        Run r = cli("sql", "--store", store.toString(), "select * from nope");
        assertEquals(1, r.exit());
        assertEquals("ingot: error: query failed: Object 'nope' not found\n", r.err());
        r = cli("sql", "--store", store.toString(), "--format", "xml", "select 1");
        assertEquals(2, r.exit());
        assertEquals("--format must be table, csv or jsonl: xml", r.err().lines().findFirst().orElse(""));
        r = cli("sql", "--store", store.toString());
        assertEquals(2, r.exit());
        assertEquals("give the query as the argument or with --file, not both", r.err().lines().findFirst().orElse(""));
        r = cli("sql", "--store", tmp.resolve("missing").toString(), "select 1");
        assertEquals(1, r.exit());
        assertEquals("ingot: error: store directory " + tmp.resolve("missing") + " does not exist\n", r.err());
    }
}
