package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.ingest.verify.ColumnProfile;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.TableProfile;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.memory.NativeAllocator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ingot verify}: integrity check, constraint re-check and column profile of a store. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks a store read-only: every chunk checksum, every constraint, and a profile of each column.",
                "Prints per table the row count and per column nulls, min, max and sum (text columns: UTF-8 bytes).",
                "Decimals are shown with their scale and dates as ISO dates; --json keeps the stored units.",
                "It never writes, so it also runs while a load has the store open. Exits 1 when anything is wrong."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--json", description = "print exactly one JSON document instead of a table")
    boolean json;

    @Option(names = "--memory-limit-mb", description = "off-heap limit for key sets, MiB (default: ${DEFAULT-VALUE})",
            defaultValue = "4096")
    long memoryLimitMb;

    @Option(names = "--spill-dir", description = "where key sets that do not fit the limit are checked externally "
            + "(temporary files, deleted at the end); without it they stay in memory and a table whose sets do not fit is reported")
    Path spillDir;

    @Override
    public Integer call() throws Exception {
        IngotCli.requirePositive(spec, "--memory-limit-mb", memoryLimitMb);
        VerifyReport report;
        long start = System.nanoTime();
        try (NativeAllocator memory = NativeAllocator.root("ingot", memoryLimitMb << 20);
             ColumnStore cs = ColumnStore.openReadOnly(store, ColumnStoreOptions.defaults())) {
            report = StoreVerifier.verify(cs, memory, spillDir == null ? null : new SpillDirectory(spillDir));
        }
        if (json) {
            System.out.println(VerifyReportJson.toJson(report));
        } else {
            for (TableProfile t : report.tables()) {
                System.out.printf("%s: %,d rows%n", t.name(), t.rows());
                for (ColumnProfile c : t.columns()) {
                    if (c.isText()) {
                        System.out.printf("  %-16s %-14s nulls %d, bytes %d%n", c.name(), c.type(), c.nulls(), c.textBytes());
                    } else {
                        System.out.printf("  %-16s %-14s nulls %d, min %s, max %s, sum %s%n", c.name(), c.type(), c.nulls(),
                                shown(c.type(), c.min()), shown(c.type(), c.max()), shownSum(c.type(), c.sum()));
                    }
                }
            }
            System.out.printf("verified %d tables in %.2f s: %s%n", report.tables().size(), (System.nanoTime() - start) / 1e9,
                    report.ok() ? "OK (checksums, row counts, NOT NULL, PRIMARY KEY, UNIQUE, FOREIGN KEY)" : report.problems().size() + " problem(s)");
        }
        for (String p : report.problems()) {
            System.err.println("ingot: verify: " + p);
        }
        return report.ok() ? 0 : IngotCli.EXIT_FAILED;
    }

    private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\(\\d+,\\s*(\\d+)\\)");

    /**
     * A min or max in the text output: a decimal with its scale ({@code 1234} of DECIMAL(15,2) is
     * {@code 12.34}), a date, time or timestamp in ISO form ({@code 8035} is {@code 1992-01-01};
     * TIME and TIMESTAMP are stored in microseconds, WITH TIME ZONE as UTC), others as profiled;
     * "-" when the column has no value.
     */
    static String shown(String type, Object stored) {
        if (stored == null) {
            return "-";
        }
        Matcher m = DECIMAL.matcher(type);
        if (m.matches()) {
            return new BigDecimal(toBigInteger(stored), Integer.parseInt(m.group(1))).toPlainString();
        }
        switch (type) {
            case "DATE":
                return LocalDate.ofEpochDay((Long) stored).toString();
            case "TIME":
                return LocalTime.ofNanoOfDay((Long) stored * 1_000L).toString();
            case "TIMESTAMP":
                return LocalDateTime.ofEpochSecond(Math.floorDiv((Long) stored, 1_000_000L),
                        (int) Math.floorMod((Long) stored, 1_000_000L) * 1_000, ZoneOffset.UTC).toString();
            case "TIMESTAMP WITH TIME ZONE":
                return Instant.EPOCH.plus((Long) stored, ChronoUnit.MICROS).toString();
            default:
                return stored.toString();
        }
    }

    /**
     * A sum in the text output: a decimal with its scale; other sums as profiled (a sum of dates,
     * times or timestamps means nothing: "-").
     */
    static String shownSum(String type, Number sum) {
        if (sum == null || type.equals("DATE") || type.startsWith("TIME")) {
            return "-";
        }
        Matcher m = DECIMAL.matcher(type);
        return m.matches() ? new BigDecimal(toBigInteger(sum), Integer.parseInt(m.group(1))).toPlainString() : sum.toString();
    }

    private static BigInteger toBigInteger(Object unscaled) {
        return unscaled instanceof BigInteger ? (BigInteger) unscaled : BigInteger.valueOf(((Number) unscaled).longValue());
    }
}
