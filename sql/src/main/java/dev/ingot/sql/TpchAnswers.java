package dev.ingot.sql;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a TPC-H query result with an answer file of the official answer set, by the rules of
 * TPC-H specification 2.1.3.5 as dbgen's {@code check_answers/cmpq.pl} applies them, per column
 * class of {@code colprecision.txt}: {@code str} equal after trailing blanks are dropped;
 * {@code int} and {@code cnt} equal as numbers; {@code num} equal when both are rounded to 1/100;
 * {@code sum} within 100 of the answer after rounding to 1/100; {@code avg} and {@code rat}
 * within 1% of the answer after rounding to 1/100. Rows are compared in order (every query's
 * ORDER BY fixes the order of the answer rows).
 *
 * <p>Stateless and thread-safe.
 */
public final class TpchAnswers {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private TpchAnswers() {}

    /**
     * The mismatches between {@code actual} (rows of column texts; null for NULL) and an answer
     * file's lines, each a message naming the row (1-based), column and both values; empty when
     * the result is an acceptable answer.
     *
     * @param answerLines  the answer file's lines: a header, then rows of {@code |}-separated fields
     * @param columnRules  the query's line of {@code colprecision.txt} (column classes separated by blanks)
     */
    public static List<String> compare(List<String> answerLines, String columnRules, List<List<String>> actual) {
        String[] rules = columnRules.strip().split("\\s+");
        List<String[]> expected = new ArrayList<>();
        for (String line : answerLines.subList(1, answerLines.size())) {
            if (!line.isBlank()) {
                expected.add(line.split("\\|", -1));
            }
        }
        List<String> problems = new ArrayList<>();
        if (expected.size() != actual.size()) {
            problems.add("expected " + expected.size() + " rows, got " + actual.size());
        }
        for (int r = 0; r < Math.min(expected.size(), actual.size()); r++) {
            String[] want = expected.get(r);
            List<String> got = actual.get(r);
            if (want.length != got.size() || want.length != rules.length) {
                problems.add("row " + (r + 1) + ": expected " + want.length + " columns (" + rules.length + " rules), got " + got.size());
                continue;
            }
            for (int c = 0; c < want.length; c++) {
                String problem = compareValue(rules[c], want[c], got.get(c));
                if (problem != null) {
                    problems.add("row " + (r + 1) + " column " + (c + 1) + " (" + rules[c] + "): " + problem);
                }
            }
        }
        return problems;
    }

    /** Null when {@code actual} is acceptable for {@code expected} under {@code rule}, else why not. */
    static String compareValue(String rule, String expected, String actual) {
        if (actual == null) {
            return "expected " + expected.strip() + ", got NULL";
        }
        if (rule.equals("str")) {
            String e = expected.stripTrailing();
            String a = actual.stripTrailing();
            return e.equals(a) ? null : "expected \"" + e + "\", got \"" + a + "\"";
        }
        BigDecimal e;
        BigDecimal a;
        try {
            e = new BigDecimal(expected.strip());
            a = new BigDecimal(actual.strip());
        } catch (NumberFormatException notANumber) {
            return "expected number " + expected.strip() + ", got " + actual.strip();
        }
        BigDecimal e2 = e.setScale(2, RoundingMode.HALF_UP);
        BigDecimal a2 = a.setScale(2, RoundingMode.HALF_UP);
        boolean ok;
        switch (rule) {
            case "int":
            case "cnt": ok = e.compareTo(a) == 0; break;
            case "num": ok = e2.compareTo(a2) == 0; break;
            case "sum": ok = e2.subtract(a2).abs().compareTo(HUNDRED) <= 0; break;
            case "avg":
            case "rat": ok = e2.signum() == 0 ? a2.signum() == 0
                    : e2.subtract(a2).abs().multiply(HUNDRED).compareTo(e2.abs()) <= 0; break;
            default: throw new IllegalArgumentException("unknown column class " + rule + " (expected str, int, cnt, num, sum, avg or rat)");
        }
        return ok ? null : "expected " + expected.strip() + ", got " + actual.strip();
    }
}
