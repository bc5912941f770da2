package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.ddl.SqlSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's "Loading your own data" example exactly: the schema block must be
 * {@code docs/example/schema.sql}, each {@code ./ingot} command of its bash blocks is run
 * (paths mapped to the shipped files and a temporary store) and the outputs shown in the README
 * must be what the commands print, byte for byte.
 */
class ReadmeCliExampleTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Path EXAMPLE = ROOT.resolve("docs/example");

    @TempDir
    Path dir;

    private String section() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        int from = readme.indexOf("## Loading your own data");
        int to = readme.indexOf("\n## ", from + 1);
        assertTrue(from >= 0 && to > from, "README.md has a section \"Loading your own data\"");
        return readme.substring(from, to);
    }

    /** The bodies of the section's fenced blocks, in order. */
    private static List<String> blocks(String section) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private Fixtures.CliRun run(String commandLine) {
        String mapped = commandLine.replace("docs/example/", EXAMPLE + "/").replace("stores/", dir + "/");
        String[] words = mapped.trim().split(" +");
        assertEquals("./ingot", words[0]);
        Fixtures.CliRun r = Fixtures.cli(java.util.Arrays.copyOfRange(words, 1, words.length));
        return new Fixtures.CliRun(r.exit(), r.out().replace(EXAMPLE + "/", "docs/example/"),
                r.err().replace(EXAMPLE + "/", "docs/example/"));
    }

    @Test
    void readmeExampleRunsAsWritten() throws Exception {
        List<String> blocks = blocks(section());
        assertEquals(Files.readString(EXAMPLE.resolve("schema.sql"), StandardCharsets.UTF_8), blocks.get(0));
        String[] commands = blocks.get(1).split("\n");
        assertEquals(5, commands.length);
        for (int i = 0; i < 4; i++) {
            Fixtures.CliRun r = run(commands[i]);
            assertEquals(0, r.exit(), commands[i] + ": " + r.err());
        }
        Fixtures.CliRun scan = run(commands[4]);
        assertEquals(0, scan.exit(), scan.err());
        assertEquals(blocks.get(2), scan.out());
        Fixtures.CliRun csv = run("./ingot scan --store stores/shop --table customers");
        assertEquals(blocks.get(3), csv.out());
        assertTrue(section().contains("`./ingot scan --store stores/shop --table customers` prints CSV"));

        try (ColumnStore cs = ColumnStore.openReadOnly(dir.resolve("shop"))) {
            assertEquals(List.of(3L, 3L, 4L), cs.tables().stream().map(TableInfo::rowCount).toList());
            // schema prints DDL that parses back to the stored definitions
            Fixtures.CliRun ddl = run("./ingot schema --store stores/shop");
            assertEquals(cs.tables().stream().map(TableInfo::def).toList(), SqlSchema.parse(ddl.out(), "schema output"));
            assertEquals(SqlSchema.parse(blocks.get(0), "schema.sql"), SqlSchema.parse(ddl.out(), "schema output"));
        }

        Fixtures.CliRun dup = run(blocks.get(4).trim());
        assertEquals(1, dup.exit());
        assertTrue(dup.err().endsWith(blocks.get(5)), dup.err());
        assertFalse(Files.exists(dir.resolve("shop2")), "a store without a committed table is removed");

        Fixtures.CliRun again = run("./ingot load --store stores/shop --table customers --header docs/example/customers.csv");
        assertEquals(1, again.exit());
        assertTrue(section().contains("(`" + again.err().replace("ingot: error: ", "").split("\n")[1] + "`)"), again.err());
    }
}
