package dev.ingot.ingest.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user sees: help, version, usage errors, source checks and verify's text output. */
class CliUsageTest {
    private static final Path TBL = Fixtures.tblSf001();

    @TempDir
    Path tmp;

    @Test
    void everyCommandSummaryIsAWholeSentence() {
        Fixtures.CliRun run = Fixtures.cli("--help");
        assertEquals(0, run.exit());
        String commands = run.out().substring(run.out().indexOf("Commands:\n") + "Commands:\n".length());
        List<String> summaries = new ArrayList<>();
        for (String line : commands.split("\n")) {
            if (line.startsWith("  ") && !line.startsWith("    ")) {
                summaries.add(line.trim());
            } else if (!line.isBlank()) {
                summaries.set(summaries.size() - 1, summaries.get(summaries.size() - 1) + " " + line.trim());
            }
        }
        assertEquals(List.of(
                "create     Creates the store if missing and the (empty) tables of a file of CREATE TABLE statements.",
                "load       Loads delimited text (CSV, TSV, .tbl), Parquet or Arrow IPC files into tables, every constraint enforced.",
                "scan       Prints a table's rows as CSV or JSON lines (read-only).",
                "get        Prints the row with the given PRIMARY KEY as JSON (exit 1 when absent; read-only).",
                "delete     Deletes the rows whose PRIMARY KEY is listed in a CSV file; prints how many were deleted.",
                "drop       Drops a table (refused while another table references it).",
                "compact    Rewrites tables without their deleted rows, gives the space back and merges key indexes.",
                "schema     Prints the store's tables as CREATE TABLE statements (read-only).",
                "load-tpch  Loads the 8 TPC-H tables into a store with every PRIMARY KEY and FOREIGN KEY enforced.",
                "verify     Checks a store read-only: every chunk checksum, every constraint, and a profile of each column.",
                "gen-tbl    Writes the 8 TPC-H tables with the embedded generator as files for load-tpch --source.",
                "diag       Prints a store's commit epoch, file size, live blobs and per-table row groups (read-only).",
                "help       Display help information about the specified command.",
                "export     Writes a table to a Parquet, Arrow IPC or CSV file that 'ingot load' reads back (read-only)."), summaries);
    }

    @Test
    void aCommandBuiltAloneHasTheUsageAndSettingsOfTheWholeTree() {
        // "load-tpch ..." builds only load-tpch's model; "help load-tpch" builds every command's
        Fixtures.CliRun alone = Fixtures.cli("load-tpch", "--help");
        Fixtures.CliRun tree = Fixtures.cli("help", "load-tpch");
        assertEquals(0, alone.exit());
        assertEquals(0, tree.exit());
        assertTrue(alone.out().startsWith("Usage: ingot load-tpch "), alone.out());
        assertEquals(tree.out(), alone.out());
        // enum values are case-insensitive in a command built alone too: the bad --scale is reported, not the mode
        Path store = tmp.resolve("store");
        Fixtures.CliRun mode = Fixtures.cli("load-tpch", "--mode", "DeFeRrEd", "--scale", "0", "--store", store.toString(),
                "--source", TBL.toString());
        assertEquals(2, mode.exit());
        assertEquals("--scale must be a positive number: 0", mode.err().lines().findFirst().orElseThrow());
        // a mistyped command gets the whole tree's answer
        Fixtures.CliRun typo = Fixtures.cli("lod-tpch", "--scale", "1");
        assertEquals(2, typo.exit());
        assertEquals("Unmatched arguments from index 0: 'lod-tpch', '--scale', '1'", typo.err().lines().findFirst().orElseThrow());
        assertTrue(typo.err().contains("Did you mean: ingot load-tpch"), typo.err());
        assertFalse(Files.exists(store));
    }

    @Test
    void versionIsTheBuildVersion() {
        Fixtures.CliRun run = Fixtures.cli("-V");
        assertEquals(0, run.exit());
        assertTrue(run.out().matches("ingot \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? on Java " + java.util.regex.Pattern.quote(Runtime.version().toString())
                + "\n"), run.out());
    }

    @Test
    void impossibleNumbersAreUsageErrors() {
        Path store = tmp.resolve("store");
        String[][] cases = {
            {"--threads must be a positive number: 0", "load-tpch", "--threads", "0"},
            {"--batch-size must be a positive number: 0", "load-tpch", "--batch-size", "0"},
            {"--memory-limit-mb must be a positive number: -5", "load-tpch", "--memory-limit-mb", "-5"},
            {"--scale must be a positive number: 0", "load-tpch", "--scale", "0"},
            {"--threads must be a positive number: -1", "gen-tbl", "--out", tmp.resolve("gen").toString(), "--threads", "-1"},
            {"--scale must be a positive number: 0", "gen-tbl", "--out", tmp.resolve("gen").toString(), "--scale", "0"},
            {"--memory-limit-mb must be a positive number: 0", "verify", "--store", store.toString(), "--memory-limit-mb", "0"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of(c).subList(1, c.length));
            if (args.get(0).equals("load-tpch")) {
                args.addAll(List.of("--store", store.toString(), "--source", TBL.toString()));
            }
            Fixtures.CliRun run = Fixtures.cli(args.toArray(new String[0]));
            assertEquals(2, run.exit(), String.join(" ", args));
            assertEquals(c[0], run.err().lines().findFirst().orElseThrow(), String.join(" ", args));
        }
        assertFalse(Files.exists(store));
        assertFalse(Files.exists(tmp.resolve("gen")));
    }

    @Test
    void scaleThatDoesNotMatchTheSourceNamesBothNumbers() {
        Path store = tmp.resolve("store");
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "1", "--source", TBL.toString(), "--store", store.toString(),
                "--no-progress");
        assertEquals(1, run.exit());
        assertEquals("ingot: error: --scale 1 does not match source directory " + TBL + ": supplier.tbl has 100 rows, which is"
                + " scale 0.01 (scale 1 has 10,000)\n", run.err());
        assertFalse(Files.exists(store));
    }

    @Test
    void emptyOrIncompleteSourceLeavesNoStore() throws IOException {
        Path store = tmp.resolve("store");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", empty.toString(), "--store", store.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: source directory " + empty + " holds none of the 8 TPC-H tables (<table>.tbl or"
                + " <table>.arrow)\n", run.err());
        Path partial = tmp.resolve("partial");
        Fixtures.copyDir(TBL, partial);
        Files.delete(partial.resolve("orders.tbl"));
        Files.delete(partial.resolve("part.tbl"));
        run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", partial.toString(), "--store", store.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: source directory " + partial + " is incomplete: no part.tbl, orders.tbl (nor .arrow)\n",
                run.err());
        Files.write(partial.resolve("orders.tbl"), new byte[0]);
        Files.copy(TBL.resolve("part.tbl"), partial.resolve("part.tbl"));
        run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", partial.toString(), "--store", store.toString());
        assertEquals(1, run.exit());
        assertEquals("ingot: error: source directory " + partial + " has empty files: orders.tbl\n", run.err());
        assertFalse(Files.exists(store));
    }

    @Test
    void loadThatCommitsNoTableLeavesNoStore() throws IOException {
        Path store = tmp.resolve("store");
        Path bad = tmp.resolve("bad");
        Fixtures.copyDir(TBL, bad);
        for (String t : List.of("region", "part")) {   // every other table references one of them
            Path f = bad.resolve(t + ".tbl");
            Files.writeString(f, "x" + Files.readString(f));
        }
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", bad.toString(), "--store", store.toString(),
                "--no-progress");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("ingot: error: invalid input for column "), run.err());
        assertFalse(Files.exists(store));
    }

    @Test
    void memoryLimitErrorNamesTheOption() {
        Path store = tmp.resolve("store");
        Fixtures.CliRun run = Fixtures.cli("load-tpch", "--scale", "0.01", "--source", TBL.toString(), "--store", store.toString(),
                "--no-progress", "--memory-limit-mb", "1");
        assertEquals(1, run.exit());
        String last = run.err().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("ingot: error: ") && last.endsWith(" (raise the off-heap limit with --memory-limit-mb)"), last);
        assertFalse(Files.exists(store));
    }

    @Test
    void verifyTextShowsDecimalsWithTheirScaleAndIsoDates() throws IOException {
        Path store = tmp.resolve("store");
        assertEquals(0, Fixtures.cli("load-tpch", "--scale", "0.01", "--source", TBL.toString(), "--store", store.toString(),
                "--no-progress").exit());
        BigDecimal min = null;
        BigDecimal max = null;
        BigDecimal sum = BigDecimal.ZERO;
        for (String line : Files.readAllLines(TBL.resolve("supplier.tbl"))) {
            BigDecimal v = new BigDecimal(line.split("\\|")[5]);
            min = min == null || v.compareTo(min) < 0 ? v : min;
            max = max == null || v.compareTo(max) > 0 ? v : max;
            sum = sum.add(v);
        }
        String minDate = null;
        String maxDate = null;
        for (String line : Files.readAllLines(TBL.resolve("orders.tbl"))) {
            String d = line.split("\\|")[4];   // ISO text orders like the date
            minDate = minDate == null || d.compareTo(minDate) < 0 ? d : minDate;
            maxDate = maxDate == null || d.compareTo(maxDate) > 0 ? d : maxDate;
        }
        Fixtures.CliRun run = Fixtures.cli("verify", "--store", store.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("  s_acctbal        DECIMAL(15,2)  nulls 0, min " + min.toPlainString() + ", max "
                + max.toPlainString() + ", sum " + sum.toPlainString() + "\n"), run.out());
        assertTrue(run.out().contains("  o_orderdate      DATE           nulls 0, min " + minDate + ", max " + maxDate + ", sum -\n"),
                run.out());
    }
}
