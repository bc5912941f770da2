package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ingot.Ingot;
import dev.ingot.IngotOptions;
import dev.ingot.columnstore.ColumnDef;
import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnType;
import dev.ingot.columnstore.ConstraintSpec;
import dev.ingot.columnstore.TableDef;
import dev.ingot.constraints.ConstraintService;
import dev.ingot.constraints.TableChecker;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.memory.NativeAllocator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed with SIGKILL while its key checks had spilled leaves its temporary files; the
 * next open of the store (the library's {@link Ingot#open}, or a CLI load) removes them, and only
 * them: a file of the same directory that does not follow the naming rule stays.
 */
class SpillKillTest {
    static final TableDef T = new TableDef("t", List.of(ColumnDef.notNull("k", ColumnType.int64())),
            List.of(ConstraintSpec.primaryKey("t_pk", "k")));

    @TempDir
    Path tmp;

    /**
     * The child: creates an empty store in {@code args[0]}, spills a key check into its default
     * spill directory, prints {@code spilled}, then waits to be killed.
     */
    public static void main(String[] args) throws Exception {
        Path store = Path.of(args[0]);
        ColumnStore.openOrCreate(store).close();
        try (NativeAllocator root = NativeAllocator.root("child", 1L << 30);
             RootAllocator arrow = new RootAllocator();
             ConstraintService cs = new ConstraintService(root, 1024, ConstraintService.DEFAULT_LOAD_FACTOR,
                     new SpillDirectory(store.resolve(SpillDirectory.DEFAULT_NAME), 10))) {
            cs.planLoad(List.of(T));
            TableChecker checker = cs.beginTable(T, 0, null);
            try (VectorSchemaRoot batch = VectorSchemaRoot.create(T.arrowSchema(), arrow)) {
                BigIntVector k = (BigIntVector) batch.getVector("k");
                k.allocateNew(100);
                for (int i = 0; i < 100; i++) {
                    k.set(i, 1000 - i);
                }
                k.setValueCount(100);
                batch.setRowCount(100);
                checker.checkBatch(batch, 0, 100, 0);
                checker.checkSpilled(Long.MAX_VALUE); // writes the last run
            }
            System.out.println("spilled");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    private List<String> spillFiles(Path store) throws Exception {
        Path dir = store.resolve(SpillDirectory.DEFAULT_NAME);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Starts the child, waits for its spill, kills it with SIGKILL; returns the files it left. */
    private List<String> killSpillingChild(Path store) throws Exception {
        Process p = new ProcessBuilder(Fixtures.javaExecutable(), "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                SpillKillTest.class.getName(), store.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.equals("spilled")) {
                seen.append(line).append('\n');
            }
            assertEquals("spilled", line, seen.toString());
            List<String> live = spillFiles(store);
            assertEquals(0, SpillDirectory.removeStale(store.resolve(SpillDirectory.DEFAULT_NAME)), "a running process's files stay");
            assertEquals(live, spillFiles(store));
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        List<String> left = spillFiles(store);
        assertTrue(left.size() >= 10, "the killed check left its runs: " + left);
        for (String f : left) {
            assertTrue(f.matches("ingot-spill-" + p.pid() + "-\\d+\\.run"), f);
        }
        return left;
    }

    @Test
    void theNextOpenAfterAKillRemovesOnlyIngotsSpillFiles() throws Exception {
        Path store = tmp.resolve("store");
        killSpillingChild(store);
        Path foreign = Files.writeString(store.resolve(SpillDirectory.DEFAULT_NAME).resolve("ingot-spill-notes.run"), "mine");
        try (Ingot db = Ingot.open(store, IngotOptions.defaults())) {
            assertEquals(List.of("ingot-spill-notes.run"), spillFiles(store), "only the killed process's runs were removed");
        }
        Files.delete(foreign);

        killSpillingChild(store);
        Fixtures.CliRun load = Fixtures.cli("load-tpch", "--scale", "0.01", "--store", store.toString(), "--replace", "--no-progress");
        assertEquals(0, load.exit(), load.err());
        assertEquals(List.of(), spillFiles(store));
        assertFalse(Files.exists(store.resolve(SpillDirectory.DEFAULT_NAME)), "the emptied default spill directory is removed");
    }
}
