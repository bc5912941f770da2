package dev.ingot.sql.cli;

import dev.ingot.ingest.cli.IngotSubcommand;
import dev.ingot.sql.IngotDriver;
import dev.ingot.sql.TpchAnswers;
import dev.ingot.sql.TpchQueries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ingot sql-tpch}: runs TPC-H queries ({@link TpchQueries}) over a TPC-H store through
 * SQL, prints each one's row count and wall time (the best of {@code --runs}), and with
 * {@code --answers DIR} (a folder of dbgen's {@code q1.out..q22.out} and
 * {@code colprecision.txt}, e.g. {@code sql/src/test/resources/dev/ingot/sql/tpch-answers-sf1}
 * for an SF1 store) compares each result with the official answer ({@link TpchAnswers}).
 * Exit code 1 when a query fails or an answer does not match.
 */
@Command(name = "sql-tpch", mixinStandardHelpOptions = true,
        description = "Runs the 22 TPC-H queries through SQL, timed, optionally checked against an answer set (read-only).")
public final class SqlTpchCommand implements IngotSubcommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "store holding the 8 TPC-H tables")
    Path store;

    @Option(names = "--answers", description = "folder of q1.out..q22.out and colprecision.txt to compare with")
    Path answers;

    @Option(names = "--queries", split = ",", description = "query numbers (default: 1..22)")
    List<Integer> queries;

    @Option(names = "--runs", description = "runs per query; the best time is printed (default: ${DEFAULT-VALUE})", defaultValue = "1")
    int runs;

    /** Public for {@link java.util.ServiceLoader}. */
    public SqlTpchCommand() {}

    /** Rows of column texts (as {@code ingot sql --format csv} prints them) and the wall time of one query. */
    public record Result(List<List<String>> rows, double seconds) {}

    /** Runs {@code sql} on {@code c} and reads every row as text. */
    public static Result run(Connection c, String sql) throws SQLException {
        long t0 = System.nanoTime();
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>(md.getColumnCount());
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(SqlCommand.text(rs, md, i));
                }
                rows.add(row);
            }
        }
        return new Result(rows, (System.nanoTime() - t0) / 1e9);
    }

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be a positive number: " + runs);
        }
        List<Integer> numbers = queries == null ? java.util.stream.IntStream.rangeClosed(1, TpchQueries.COUNT).boxed().toList() : queries;
        for (int q : numbers) {
            if (q < 1 || q > TpchQueries.COUNT) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--queries are numbered 1.." + TpchQueries.COUNT + ": " + q);
            }
        }
        List<String> rules = answers == null ? null : Files.readAllLines(answers.resolve("colprecision.txt"), StandardCharsets.UTF_8);
        int failed = 0;
        double total = 0;
        try (Connection c = new IngotDriver().connect(IngotDriver.PREFIX + store, new Properties())) {
            for (int q : numbers) {
                Result best = null;
                String error = null;
                for (int i = 0; i < runs && error == null; i++) {
                    try {
                        Result r = run(c, TpchQueries.text(q));
                        best = best == null || r.seconds() < best.seconds() ? r : best;
                    } catch (SQLException | RuntimeException e) {
                        error = IngotDriverMessages.of(e instanceof SQLException s ? s : new SQLException(e));
                    }
                }
                if (error != null) {
                    failed++;
                    System.out.printf("q%-2d FAILED: %s%n", q, error);
                    continue;
                }
                total += best.seconds();
                String verdict = "";
                if (answers != null) {
                    List<String> problems = TpchAnswers.compare(answerLines(q), rules.get(q - 1), best.rows());
                    verdict = problems.isEmpty() ? "  matches the answer" : "  DIFFERS (" + problems.size() + "): " + problems.get(0);
                    failed += problems.isEmpty() ? 0 : 1;
                }
                System.out.printf("q%-2d %6d rows %9.3f s%s%n", q, best.rows().size(), best.seconds(), verdict);
                System.out.flush();
            }
        }
        System.out.printf("total %.3f s over %d queries; %d failed or differ%n", total, numbers.size(), failed);
        return failed == 0 ? 0 : 1;
    }

    private List<String> answerLines(int q) throws IOException {
        return Files.readAllLines(answers.resolve("q" + q + ".out"), StandardCharsets.UTF_8);
    }
}
