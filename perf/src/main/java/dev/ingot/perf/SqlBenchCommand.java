package dev.ingot.perf;

import dev.ingot.sql.IngotDriver;
import dev.ingot.sql.TpchAnswers;
import dev.ingot.sql.TpchQueries;
import dev.ingot.sql.cli.SqlTpchCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ingot bench-sql}: the 22 TPC-H queries ({@link TpchQueries}) through Ingot's Calcite
 * adapter ({@code jdbc:ingot:}) over a store, and through DuckDB over its own database of the same
 * data (loaded from the {@code .tbl} files by {@link DuckDbLoad} when the database file does not
 * exist yet), one query after the other in one JVM, each the best of {@code --runs} warm runs;
 * prints a Markdown table of both times, their ratio and both row counts (a row-count mismatch
 * marks the line; with {@code --answers}, Ingot's results are also checked against the official
 * answer set by {@link TpchAnswers}). DuckDB runs each query once per thread count of
 * {@code --duckdb-threads} (default 1 and 2), each in its own column; the ratio is Ingot's time over
 * DuckDB's with the first thread count. Calcite's executor is single-threaded.
 *
 * <p>DuckDB reads the same query text with one change: the interval precision {@code day (3)}
 * of Q1, which DuckDB's parser does not take, becomes {@code day}.
 */
@Command(name = "bench-sql", mixinStandardHelpOptions = true,
        description = "Times the 22 TPC-H queries through Ingot's SQL adapter and through DuckDB on the same data.")
final class SqlBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "Ingot store holding the 8 TPC-H tables")
    Path store;

    @Option(names = "--tbl", required = true, description = "folder of the same data as .tbl files (loads --duckdb if it does not exist)")
    Path tbl;

    @Option(names = "--duckdb", required = true, description = "DuckDB database file (created from --tbl if missing)")
    Path duckdb;

    @Option(names = "--duckdb-threads", split = ",", description = "DuckDB thread counts, one column each (default: ${DEFAULT-VALUE})",
            defaultValue = "1,2")
    List<Integer> duckdbThreads;

    @Option(names = "--runs", description = "runs per query and engine; the best is printed (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int runs;

    @Option(names = "--queries", split = ",", description = "query numbers (default: 1..22)")
    List<Integer> queries;

    @Option(names = "--answers", description = "folder of q1.out..q22.out and colprecision.txt: Ingot's results are checked against them")
    Path answers;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || duckdbThreads.isEmpty() || duckdbThreads.stream().anyMatch(t -> t < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs and --duckdb-threads must be positive numbers");
        }
        List<Integer> numbers = queries == null ? IntStream.rangeClosed(1, TpchQueries.COUNT).boxed().toList() : queries;
        if (!Files.exists(duckdb)) {
            System.err.println("ingot: loading " + tbl + " into DuckDB " + duckdb);
            DuckDbLoad.load(tbl, duckdb, false);
        }
        StringBuilder header = new StringBuilder("| query | Ingot (Calcite) s |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (int t : duckdbThreads) {
            header.append(" DuckDB s (").append(t).append(t == 1 ? " thread) |" : " threads) |");
            rule.append("---:|");
        }
        System.out.println(header + " ratio | rows Ingot / DuckDB |");
        System.out.println(rule + "---:|---|");
        double ingotTotal = 0;
        double[] duckTotal = new double[duckdbThreads.size()];
        int failed = 0;
        try (Connection ingot = new IngotDriver().connect(IngotDriver.PREFIX + store, new Properties());
             Connection duck = DriverManager.getConnection("jdbc:duckdb:" + duckdb.toAbsolutePath(), readOnly())) {
            for (int q : numbers) {
                String sql = TpchQueries.text(q);
                SqlTpchCommand.Result i = best(ingot, sql);
                StringBuilder duckTimes = new StringBuilder();
                SqlTpchCommand.Result d = null;
                for (int t = 0; t < duckdbThreads.size(); t++) {
                    try (Statement s = duck.createStatement()) {
                        s.execute("SET threads = " + duckdbThreads.get(t));
                    }
                    SqlTpchCommand.Result r = best(duck, sql.replace("day (3)", "day"));
                    d = d == null ? r : d;
                    duckTotal[t] += r.seconds();
                    duckTimes.append(String.format(Locale.ROOT, " %.3f |", r.seconds()));
                }
                ingotTotal += i.seconds();
                boolean same = i.rows().size() == d.rows().size();
                String verdict = "";
                if (answers != null) {
                    List<String> problems = TpchAnswers.compare(Files.readAllLines(answers.resolve("q" + q + ".out")),
                            Files.readAllLines(answers.resolve("colprecision.txt")).get(q - 1), i.rows());
                    verdict = problems.isEmpty() ? ", Ingot = answer" : ", Ingot DIFFERS from the answer: " + problems.get(0);
                    same &= problems.isEmpty();
                }
                failed += same ? 0 : 1;
                System.out.printf(Locale.ROOT, "| Q%d | %.3f |%s %.0fx | %d / %d%s%s |%n", q, i.seconds(), duckTimes, i.seconds() / d.seconds(),
                        i.rows().size(), d.rows().size(), i.rows().size() == d.rows().size() ? "" : " MISMATCH", verdict);
                System.out.flush();
            }
        }
        StringBuilder totals = new StringBuilder();
        for (double t : duckTotal) {
            totals.append(String.format(Locale.ROOT, " %.3f |", t));
        }
        System.out.printf(Locale.ROOT, "| total | %.3f |%s %.0fx | |%n", ingotTotal, totals, ingotTotal / duckTotal[0]);
        return failed == 0 ? 0 : 1;
    }

    private static Properties readOnly() {
        Properties p = new Properties();
        p.setProperty("duckdb.read_only", "true");
        return p;
    }

    private SqlTpchCommand.Result best(Connection c, String sql) throws SQLException {
        SqlTpchCommand.Result best = null;
        for (int r = 0; r < runs; r++) {
            SqlTpchCommand.Result x = SqlTpchCommand.run(c, sql);
            best = best == null || x.seconds() < best.seconds() ? x : best;
        }
        return best;
    }
}
