package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.ingest.tpch.TpchSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost, end to end through the CLI: {@code --replace} builds beside the old store and
 * removes only what Ingot created, refuses a store another process has open, reading commands
 * never create or write, a second JVM holding the store does not stop a read-only verify, and
 * SIGINT/SIGTERM end a load with one line and 130/143.
 */
class StoreSafetyTest {
    private static final String SCALE = "0.01";

    private static final Path TBL = Fixtures.tblSf001();

    @TempDir
    Path tmp;

    private static Fixtures.CliRun load(Path store, String... extra) {
        List<String> args = new ArrayList<>(List.of("load-tpch", "--scale", SCALE, "--source", TBL.toString(),
                "--store", store.toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return Fixtures.cli(args.toArray(new String[0]));
    }

    private static String verifyJson(Path store) {
        Fixtures.CliRun run = Fixtures.cli("verify", "--store", store.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        return run.out();
    }

    /** Every file under {@code dir} (relative path) with its bytes. */
    private static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                out.put(dir.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""),
                        Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static void assertSameTree(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), k));
    }

    @Test
    void replaceRefusesADirectoryWithForeignFilesAndChangesNothing() throws IOException {
        Path store = tmp.resolve("store");
        assertEquals(0, load(store).exit());
        Files.writeString(store.resolve("notes.txt"), "my notes\n");
        Files.createDirectories(store.resolve("sub"));
        Files.write(store.resolve("sub").resolve("data.csv"), new byte[] {1, 2, 3, 0, -1});
        Map<String, byte[]> before = tree(store);
        Fixtures.CliRun run = load(store, "--replace");
        assertEquals(1, run.exit());
        assertTrue(run.err().endsWith("ingot: error: refusing to replace " + store + ": it holds " + store.resolve("notes.txt")
                + ", which Ingot did not create (move it away or choose another --store)\n"), run.err());
        assertSameTree(before, tree(store));
        Files.delete(store.resolve("notes.txt"));
        run = load(store, "--replace");
        assertEquals(1, run.exit());
        assertTrue(run.err().endsWith("it holds " + store.resolve("sub") + ", which Ingot did not create"
                + " (move it away or choose another --store)\n"), run.err());
        assertArrayEquals(new byte[] {1, 2, 3, 0, -1}, Files.readAllBytes(store.resolve("sub").resolve("data.csv")));
    }

    @Test
    void failedReplaceLeavesTheOldStoreAsItWas() throws IOException {
        Path store = tmp.resolve("store");
        assertEquals(0, load(store).exit());
        String json = verifyJson(store);
        byte[] oldFile = Files.readAllBytes(store.resolve(ColumnStore.STORE_FILE_NAME));
        Path bad = tmp.resolve("bad");
        Fixtures.copyDir(TBL, bad);
        List<String> lines = new ArrayList<>(Files.readAllLines(bad.resolve("orders.tbl")));
        lines.set(99, lines.get(99).replaceFirst("\\|", "|x"));
        Files.write(bad.resolve("orders.tbl"), lines);
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", SCALE, "--source", bad.toString(), "--store", store.toString(),
                "--no-progress", "--replace");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("ingot: error: invalid input for column o_custkey (BIGINT): \"x"), run.err());
        assertEquals(json, verifyJson(store));
        assertArrayEquals(oldFile, Files.readAllBytes(store.resolve(ColumnStore.STORE_FILE_NAME)));
        assertEquals(List.of(ColumnStore.STORE_FILE_NAME), list(store), "the replacement was removed");
    }

    @Test
    void successfulReplaceSwapsInTheNewStore() throws IOException {
        Path store = tmp.resolve("store");
        assertEquals(0, load(store).exit());
        assertTrue(verifyJson(store).contains("{\"name\":\"supplier\",\"rows\":100,"));
        Path larger = Fixtures.writeTbl(tmp.resolve("larger"), 0.02);
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.02", "--source", larger.toString(), "--store",
                store.toString(), "--no-progress", "--replace");
        assertEquals(0, run.exit(), run.err());
        assertTrue(verifyJson(store).contains("{\"name\":\"supplier\",\"rows\":200,"));
        assertEquals(List.of(ColumnStore.STORE_FILE_NAME), list(store));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void readingCommandsNeverCreateAStore() {
        Path typo = tmp.resolve("typo");
        Fixtures.CliRun run = Fixtures.cli("verify", "--store", typo.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: no store at " + typo + ": no such directory\n", run.err());
        run = Fixtures.cli("diag", "--store", typo.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: no store at " + typo + ": no such directory\n", run.err());
        assertFalse(Files.exists(typo));
    }

    @Test
    void secondJvmHoldingTheStoreBlocksReplaceButNotReadOnlyVerify() throws Exception {
        Path store = tmp.resolve("store");
        assertEquals(0, load(store).exit());
        String json = verifyJson(store);
        Process holder = new ProcessBuilder(Fixtures.javaExecutable(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(), store.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("open 8", out.readLine());
            Fixtures.CliRun run = load(store, "--replace");
            assertEquals(1, run.exit());
            assertTrue(run.err().endsWith("ingot: error: store " + store.resolve(ColumnStore.STORE_FILE_NAME)
                    + " is open by another process (or pager); close it first\n"), run.err());
            assertEquals(json, verifyJson(store), "read-only verify while another JVM is the writer");
            assertEquals(0, Fixtures.cli("diag", "--store", store.toString()).exit());
        } finally {
            holder.getOutputStream().close();
            assertEquals(0, holder.waitFor());
        }
        assertEquals(0, load(store, "--replace").exit(), "once the holder is gone");
    }

    @Test
    void sigtermRollsBackTheTablesInProgressAndExits143() throws Exception {
        interrupt("TERM", 143);
    }

    @Test
    void sigintRollsBackTheTablesInProgressAndExits130() throws Exception {
        // a child inherits an ignored SIGINT (a suite started by nohup, or as a background job of a
        // shell without job control) and the JVM then installs no handler for it: nothing to test
        boolean ignored = sigintIgnoredHere();
        if (ignored) {
            System.out.println("StoreSafetyTest: SIGINT is ignored by this JVM (inherited from the process that started"
                    + " the suite), so a child cannot receive it; skipped (SIGTERM is tested)");
        }
        Assumptions.assumeFalse(ignored, "SIGINT is ignored by this JVM");
        interrupt("INT", 130);
    }

    /** Whether this process ignores SIGINT (Linux: bit 1 of SigIgn in /proc/self/status); false where unknown. */
    private static boolean sigintIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 0x2L) != 0;
            }
        }
        return false;
    }

    private static final Pattern INTERRUPTED = Pattern.compile(
            "ingot: interrupted by SIG(INT|TERM): committed ([a-z, ]+)(; rolled back ([a-z, ]+))?(; not loaded ([a-z, ]+))?;"
                    + " store (\\S+) holds the committed tables");

    private void interrupt(String signal, int exit) throws Exception {
        Path store = tmp.resolve("sig-" + signal);
        Process child = new ProcessBuilder(Fixtures.javaExecutable(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.ingot.ingest.cli.IngotCli", "load-tpch", "--scale", "0.1",
                "--threads", "1", "--store", store.toString(), "--no-progress").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        boolean sent = false;
        for (String line; (line = out.readLine()) != null; ) {
            lines.add(line);
            if (!sent && line.matches("ingot: (region|nation) .* rows in .*")) {
                new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor();
                sent = true;
            }
        }
        assertEquals(exit, child.waitFor(), String.join("\n", lines));
        String last = lines.get(lines.size() - 1);
        Matcher m = INTERRUPTED.matcher(last);
        assertTrue(m.matches(), last);
        assertEquals(signal, m.group(1));
        List<String> committed = List.of(m.group(2).split(", "));
        assertTrue(committed.contains("region") || committed.contains("nation"), last);
        assertFalse(committed.contains("lineitem"), last);
        Fixtures.CliRun verify = Fixtures.cli("verify", "--store", store.toString(), "--json");
        assertEquals(0, verify.exit(), verify.err());
        List<String> stored = new ArrayList<>();
        Matcher names = Pattern.compile("\\{\"name\":\"([a-z]+)\",\"rows\":").matcher(verify.out());
        while (names.find()) {
            stored.add(names.group(1));
        }
        assertEquals(committed.stream().sorted().toList(), stored.stream().sorted().toList());
        for (String t : stored) {
            assertTrue(verify.out().contains("{\"name\":\"" + t + "\",\"rows\":" + TpchSchema.rowCount(t, 0.1) + ",")
                    || t.equals("lineitem"), t);
        }
    }
}
