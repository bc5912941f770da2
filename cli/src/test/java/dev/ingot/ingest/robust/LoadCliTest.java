package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingot create / load / scan / schema} end to end: every type through text into the store
 * and back out by scan unchanged, {@code --schema} loads, dialect options, {@code --max-errors}
 * with its rejects file and its limit, and the refusals, each with its exact message.
 */
class LoadCliTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    private static final String SCHEMA = ""
            + "CREATE TABLE every (id INT PRIMARY KEY, b BOOLEAN, i8 TINYINT, i16 SMALLINT, f4 REAL, f8 DOUBLE,\n"
            + "  d DECIMAL(18,3), d38 DECIMAL(38,10), day DATE, t TIME, ts TIMESTAMP, tz TIMESTAMP WITH TIME ZONE,\n"
            + "  c CHAR(3), v VARCHAR(10), s TEXT, bin VARBINARY(8), u UUID UNIQUE);\n"
            + "CREATE TABLE child (id INT PRIMARY KEY, parent INT REFERENCES every (id), label VARCHAR(5) NOT NULL);\n";

    private static final String EVERY_CSV = ""
            + "id,b,i8,i16,f4,f8,d,d38,day,t,ts,tz,c,v,s,bin,u\n"
            + "1,true,-128,32767,1.5,-2.5E-300,123456789012345.678,-1234567890123456789012345678.0123456789,2024-02-29,23:59:59.999999,"
            + "1900-01-01T00:00:00,2024-01-01T00:00:00Z,abc,\"a,b\",\"\",\\x00ff,123e4567-e89b-12d3-a456-426614174000\n"
            + "2,false,,,,,,,,,,,,,,,\n"
            + "3,,0,-1,NaN,1.0E10,-0.001,0.0000000001,0001-01-01,00:00:00.000001,9999-12-31T23:59:59.999999,"
            + "1969-12-31T23:59:59.999999Z,x,\"say \"\"hi\"\"\",multi\u00e9,\\x,00000000-0000-0000-0000-000000000000\n";

    @Test
    void everyTypeThroughTextAndScanBackUnchanged() throws Exception {
        Path schema = write("s.sql", SCHEMA);
        Path csv = write("every.csv", EVERY_CSV);
        Path store = dir.resolve("store");
        Fixtures.CliRun create = Fixtures.cli("create", "--store", store.toString(), schema.toString());
        assertEquals(0, create.exit(), create.err());
        assertEquals("created table every\ncreated table child\n", create.out());
        Fixtures.CliRun load = Fixtures.cli("load", "--store", store.toString(), "--table", "every", "--header", "--no-progress", csv.toString());
        assertEquals(0, load.exit(), load.err());
        assertEquals(EVERY_CSV, Fixtures.cli("scan", "--store", store.toString(), "--table", "every").out());
        assertEquals("id,u\n3,00000000-0000-0000-0000-000000000000\n",
                Fixtures.cli("scan", "--store", store.toString(), "--table", "every", "--columns", "id,u", "--limit", "3").out()
                        .replaceAll("(?m)^[12],.*\n", ""));
        assertEquals("{\"id\":1,\"b\":true,\"i8\":-128,\"i16\":32767,\"f4\":1.5,\"f8\":-2.5E-300,\"d\":123456789012345.678,"
                + "\"d38\":-1234567890123456789012345678.0123456789,\"day\":\"2024-02-29\",\"t\":\"23:59:59.999999\","
                + "\"ts\":\"1900-01-01T00:00:00\",\"tz\":\"2024-01-01T00:00:00Z\",\"c\":\"abc\",\"v\":\"a,b\",\"s\":\"\",\"bin\":\"AP8=\","
                + "\"u\":\"123e4567-e89b-12d3-a456-426614174000\"}\n",
                Fixtures.cli("scan", "--store", store.toString(), "--table", "every", "--format", "jsonl", "--limit", "1").out());
        // the scanned CSV loads into a second store to the same scan
        Path again = write("again.csv", EVERY_CSV);
        Path store2 = dir.resolve("store2");
        Fixtures.CliRun viaSchema = Fixtures.cli("load", "--store", store2.toString(), "--schema", schema.toString(), "--header",
                "--no-progress", "every=" + again);
        assertEquals(0, viaSchema.exit(), viaSchema.err());
        assertEquals(EVERY_CSV, Fixtures.cli("scan", "--store", store2.toString(), "--table", "every").out());
        try (ColumnStore cs = ColumnStore.openReadOnly(store2)) {
            assertEquals(List.of("every:3", "child:0"), cs.tables().stream().map(t -> t.name() + ":" + t.rowCount()).toList());
        }
    }

    @Test
    void maxErrorsSkipsBadLinesIntoTheRejectsFileAndFailsBeyondTheLimit() throws Exception {
        Path schema = write("s.sql", SCHEMA);
        Path tsv = write("child.tsv", "1\t\\N\tok\n2\t\\N\tx\n3\tnope\tbad\n4\t\\N\ttoo long\n5\t\\N\n6\t\\N\t\\N\n");
        Path store = dir.resolve("store");
        Path rejects = dir.resolve("rejects.csv");
        Fixtures.CliRun r = Fixtures.cli("load", "--store", store.toString(), "--schema", schema.toString(), "--null", "\\N",
                "--max-errors", "4", "--rejects", rejects.toString(), "--no-progress", "child=" + tsv);
        assertEquals(0, r.exit(), r.err());
        assertEquals("file,line,column,reason\n"
                + tsv + ",3,parent,\"invalid input for column parent (INTEGER): \"\"nope\"\"\"\n"
                + tsv + ",4,label,\"value too long for column label (VARCHAR(5)): \"\"too long\"\"\"\n"
                + tsv + ",5,,expected 3 fields but found 2\n"
                + tsv + ",6,label,null value in column label violates not-null constraint\n",
                Files.readString(rejects));
        assertEquals("id,parent,label\n1,,ok\n2,,x\n", Fixtures.cli("scan", "--store", store.toString(), "--table", "child").out());

        Path store2 = dir.resolve("store2");
        Fixtures.CliRun over = Fixtures.cli("load", "--store", store2.toString(), "--schema", schema.toString(), "--null", "\\N",
                "--max-errors", "3", "--rejects", rejects.toString(), "--no-progress", "child=" + tsv);
        assertEquals(1, over.exit());
        assertEquals("ingot: error: more than 3 rejected lines (--max-errors 3), the next one: null value in column label violates"
                + " not-null constraint; file " + tsv + ", line 6", over.err().lines().filter(l -> l.startsWith("ingot: error")).findFirst().orElseThrow());
        try (ColumnStore cs = ColumnStore.openReadOnly(store2)) {
            // every committed (empty, no file given); child rolled back
            assertEquals(List.of("every:0"), cs.tables().stream().map(t -> t.name() + ":" + t.rowCount()).toList());
        }
    }

    @Test
    void refusals() throws Exception {
        Path schema = write("s.sql", SCHEMA);
        Path store = dir.resolve("store");
        assertEquals(0, Fixtures.cli("create", "--store", store.toString(), schema.toString()).exit());
        Fixtures.CliRun twice = Fixtures.cli("create", "--store", store.toString(), schema.toString());
        assertEquals("ingot: error: table every already exists in store " + store + "\n", twice.err());
        Fixtures.CliRun noTable = Fixtures.cli("load", "--store", store.toString(), "--table", "nope", write("x.csv", "1\n").toString());
        assertEquals(1, noTable.exit());
        assertEquals("ingot: error: table nope does not exist in store " + store + " (define it with: ingot create --store " + store
                + " SCHEMA.sql)", noTable.err().lines().reduce((a, b) -> b).orElseThrow());
        Fixtures.CliRun ext = Fixtures.cli("load", "--store", store.toString(), "--table", "child", write("x.json", "{}").toString());
        assertEquals("ingot: error: cannot tell the format of " + dir.resolve("x.json") + " from its extension (.csv .tsv .txt .tbl"
                + " .parquet .arrow); give --format", ext.err().lines().reduce((a, b) -> b).orElseThrow());
        Fixtures.CliRun both = Fixtures.cli("load", "--store", store.toString(), "--table", "child", "--schema", schema.toString(), "x");
        assertEquals(2, both.exit());
        Fixtures.CliRun noRejects = Fixtures.cli("load", "--store", store.toString(), "--table", "child", "--max-errors", "2", "x.csv");
        assertEquals(2, noRejects.exit());
        assertEquals("--max-errors needs --rejects FILE", noRejects.err().lines().findFirst().orElseThrow());
        Fixtures.CliRun scanMissing = Fixtures.cli("scan", "--store", dir.resolve("none").toString(), "--table", "every");
        assertEquals(1, scanMissing.exit());
        assertEquals(false, Files.exists(dir.resolve("none")), "reading commands never create a store");
    }
}
