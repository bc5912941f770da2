package dev.ingot.ingest.robust;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.columnstore.TableDef;
import dev.ingot.columnstore.TableInfo;
import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpch.TpchSchema;
import dev.ingot.pager.PagerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared helpers of the robustness tests: .tbl directories, expected row counts, store copies. */
public final class Fixtures {
    private Fixtures() {}

    /** Options for in-process reopen of a test store: no fsync (the file is a throwaway copy). */
    static final ColumnStoreOptions NO_SYNC = ColumnStoreOptions.defaults()
            .withPagerOptions(PagerOptions.defaults().withSyncOnCommit(false));

    /** Writes the 8 TPC-H .tbl files at {@code scale} into {@code dir} (created if needed). */
    static Path writeTbl(Path dir, double scale) throws IOException {
        Files.createDirectories(dir);
        TblWriter.write(dir, scale, 2, TpchSchema.tableNames());
        return dir;
    }

    private static Path sharedTbl;

    /**
     * The 8 TPC-H .tbl files at SF0.01, written once per test JVM into a temporary directory
     * (deleted when the JVM exits); read-only for the tests that share it.
     *
     * @throws UncheckedIOException if writing them fails
     */
    static synchronized Path tblSf001() {
        if (sharedTbl == null) {
            try {
                Path dir = Files.createTempDirectory("ingot-tbl-sf0.01-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                sharedTbl = writeTbl(dir, 0.01);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sharedTbl;
    }

    /** Rows per table of a .tbl directory: its line count (every TPC-H line ends with '\n'). */
    static Map<String, Long> lineCounts(Path tblDir) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String t : TpchSchema.tableNames()) {
            long n = 0;
            byte[] bytes = Files.readAllBytes(tblDir.resolve(t + ".tbl"));
            for (byte b : bytes) {
                if (b == '\n') {
                    n++;
                }
            }
            out.put(t, n);
        }
        return out;
    }

    /** The committed tables of a store and their row counts, by name. */
    static Map<String, Long> tableRows(ColumnStore cs) {
        Map<String, Long> out = new TreeMap<>();
        for (TableInfo t : cs.tables()) {
            out.put(t.name(), t.rowCount());
        }
        return out;
    }

    /** The TPC-H tables that {@code table} references (its parents). */
    static List<String> parents(String table) {
        TableDef def = TpchSchema.table(table);
        return def.referencedTables().stream().filter(p -> !p.equals(table)).distinct().toList();
    }

    static void copyDir(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java executable running this JVM. */
    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** What a CLI run printed and returned. */
    public record CliRun(int exit, String out, String err) {}

    /** Runs {@code IngotCli} in-process, capturing standard output and error. */
    public static CliRun cli(String... args) {
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
            System.setErr(new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8));
            int exit = dev.ingot.ingest.cli.IngotCli.run(args);
            // Jazzer's agent (active once a fuzz test ran in this JVM) logs each class it instruments on
            // first load to System.err; those lines are not the CLI's output
            String errText = e.toString(java.nio.charset.StandardCharsets.UTF_8).replaceAll("(?m)^INFO: Instrumented .*\n", "");
            return new CliRun(exit, o.toString(java.nio.charset.StandardCharsets.UTF_8), errText);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
