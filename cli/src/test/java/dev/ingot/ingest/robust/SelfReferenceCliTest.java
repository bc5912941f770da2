package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ingot.columnstore.ColumnStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-referencing FOREIGN KEYs through the CLI: {@code ingot load --schema} of a valid table whose
 * rows reference later rows, {@code ingot create} + {@code ingot load} of an orphan reference in
 * both checked modes (the table stays empty and loads once fixed), and a composite self-reference,
 * each with its exact output; {@code verify} checks the self-references of the stored table.
 */
class SelfReferenceCliTest {
    @TempDir
    Path dir;

    private static final String SCHEMA = ""
            + "CREATE TABLE dept (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL);\n"
            + "CREATE TABLE employee (\n"
            + "  id BIGINT PRIMARY KEY,\n"
            + "  name VARCHAR(20) NOT NULL,\n"
            + "  dept_id INT NOT NULL REFERENCES dept (id),\n"
            + "  manager_id BIGINT REFERENCES employee (id)\n"
            + ");\n"
            + "CREATE TABLE part (\n"
            + "  site CHAR(2) NOT NULL, no INTEGER NOT NULL, parent_site CHAR(2), parent_no INTEGER,\n"
            + "  PRIMARY KEY (site, no),\n"
            + "  FOREIGN KEY (parent_site, parent_no) REFERENCES part (site, no)\n"
            + ");\n";

    /** Ada and Edsger are managed by later rows, Grace by nobody. */
    private static final String EMPLOYEES = ""
            + "id,name,dept_id,manager_id\n"
            + "1,Ada,1,3\n"
            + "2,Alan,2,1\n"
            + "3,Grace,1,\n"
            + "4,Edsger,2,5\n"
            + "5,Barbara,2,3\n";

    /** The last line of standard error, the one-line cause (progress lines come before it). */
    private static String lastLine(String err) {
        List<String> lines = err.lines().toList();
        return lines.get(lines.size() - 1);
    }

    private Path write(String name, String content) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void loadSchemaOfRowsReferencingLaterRowsOfTheirOwnTable() throws Exception {
        Path schema = write("s.sql", SCHEMA);
        Path depts = write("dept.csv", "id,name\n1,Research\n2,Systems\n");
        Path emps = write("employee.csv", EMPLOYEES);
        Path parts = write("part.csv", "site,no,parent_site,parent_no\nA,1,B,1\nA,2,B,1\nB,1,,\nB,2,A,1\n");
        Path store = dir.resolve("store");
        Fixtures.CliRun load = Fixtures.cli("load", "--store", store.toString(), "--schema", schema.toString(), "--header", "--no-progress",
                "employee=" + emps, "dept=" + depts, "part=" + parts);
        assertEquals(0, load.exit(), load.err());
        assertEquals("ingot: employee            5 rows", load.err().lines().filter(l -> l.contains("employee ")).findFirst().orElseThrow()
                .replaceAll(" in .*", ""));
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(List.of("dept:2", "employee:5", "part:4"), cs.tables().stream().map(t -> t.name() + ":" + t.rowCount()).sorted().toList());
        }
        // scan back: the manager of each employee, NULL kept
        assertEquals("id,manager_id\n1,3\n2,1\n3,\n4,5\n5,3\n",
                Fixtures.cli("scan", "--store", store.toString(), "--table", "employee", "--columns", "id,manager_id").out());
        Fixtures.CliRun verify = Fixtures.cli("verify", "--store", store.toString(), "--json");
        assertEquals(0, verify.exit(), verify.err());
        assertEquals("", verify.err());
    }

    @Test
    void createThenLoadAnOrphanSelfReferenceInBothModesThenTheFixedFile() throws Exception {
        Path schema = write("s.sql", SCHEMA);
        Path store = dir.resolve("store");
        assertEquals(0, Fixtures.cli("create", "--store", store.toString(), schema.toString()).exit());
        Path depts = write("dept.csv", "id,name\n1,Research\n2,Systems\n");
        assertEquals(0, Fixtures.cli("load", "--store", store.toString(), "--table", "dept", "--header", "--no-progress", depts.toString()).exit());
        // Alan's manager 9 is in no row; Barbara's 6 neither, but later
        Path bad = write("employee-bad.csv", EMPLOYEES.replace("2,Alan,2,1", "2,Alan,2,9").replace("5,Barbara,2,3", "5,Barbara,2,6"));
        for (String mode : List.of("immediate", "deferred")) {
            Fixtures.CliRun r = Fixtures.cli("load", "--store", store.toString(), "--table", "employee", "--header", "--no-progress",
                    "--mode", mode, bad.toString());
            assertEquals(1, r.exit(), mode);
            assertEquals("ingot: error: insert into table employee violates FOREIGN KEY constraint \"employee_manager_id_fkey\": "
                    + "key (manager_id)=(9) is not present in table employee; row 1 (" + bad + " line 3)", lastLine(r.err()), mode);
        }
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(List.of("dept:2", "employee:0", "part:0"), cs.tables().stream().map(t -> t.name() + ":" + t.rowCount()).toList());
        }
        Path good = write("employee.csv", EMPLOYEES);
        Fixtures.CliRun ok = Fixtures.cli("load", "--store", store.toString(), "--table", "employee", "--header", "--no-progress", good.toString());
        assertEquals(0, ok.exit(), ok.err());
        try (ColumnStore cs = ColumnStore.openReadOnly(store)) {
            assertEquals(5, cs.table("employee").orElseThrow().rowCount());
        }
    }

    @Test
    void aCompositeSelfReferenceToNoRow() throws Exception {
        Path schema = write("s.sql", SCHEMA);
        Path parts = write("part.csv", "site,no,parent_site,parent_no\nA,1,B,1\nA,2,B,7\nB,1,,\nB,7,A,\n");
        Path store = dir.resolve("store");
        Fixtures.CliRun r = Fixtures.cli("load", "--store", store.toString(), "--schema", schema.toString(), "--header", "--no-progress",
                "part=" + parts);
        // (B, 7) exists (line 5); B,7's own (A, NULL) is exempt (MATCH SIMPLE); so the first load passes
        assertEquals(0, r.exit(), r.err());
        Path store2 = dir.resolve("store2");
        Path orphan = write("part-orphan.csv", "site,no,parent_site,parent_no\nA,1,B,1\nA,2,B,8\nB,1,,\nB,7,A,\n");
        Fixtures.CliRun bad = Fixtures.cli("load", "--store", store2.toString(), "--schema", schema.toString(), "--header", "--no-progress",
                "part=" + orphan);
        assertEquals(1, bad.exit());
        assertEquals("ingot: error: insert into table part violates FOREIGN KEY constraint \"part_parent_site_parent_no_fkey\": "
                + "key (parent_site, parent_no)=('B', 8) is not present in table part; row 1 (" + orphan + " line 3)", lastLine(bad.err()));
    }
}
