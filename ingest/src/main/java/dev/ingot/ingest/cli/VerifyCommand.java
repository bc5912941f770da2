package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStore;
import dev.ingot.columnstore.ColumnStoreOptions;
import dev.ingot.ingest.verify.ColumnProfile;
import dev.ingot.ingest.verify.StoreVerifier;
import dev.ingot.ingest.verify.TableProfile;
import dev.ingot.ingest.verify.VerifyReport;
import dev.ingot.pager.memory.NativeAllocator;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingot verify}: integrity check, constraint re-check and column profile of a store. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Reopens a store, checks every chunk checksum, re-checks every constraint and prints",
                "per table the row count and per column a profile. Exits 1 when anything is wrong."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--store", required = true, description = "store directory")
    Path store;

    @Option(names = "--json", description = "print exactly one JSON document instead of a table")
    boolean json;

    @Option(names = "--memory-limit-mb", description = "off-heap limit for key sets, MiB (default: ${DEFAULT-VALUE})",
            defaultValue = "4096")
    long memoryLimitMb;

    @Override
    public Integer call() throws Exception {
        StoreFiles.requireStore(store);
        VerifyReport report;
        long start = System.nanoTime();
        try (NativeAllocator memory = NativeAllocator.root("ingot", memoryLimitMb << 20);
             ColumnStore cs = ColumnStore.open(store, ColumnStoreOptions.defaults())) {
            report = StoreVerifier.verify(cs, memory);
        }
        if (json) {
            System.out.println(report.toJson());
        } else {
            for (TableProfile t : report.tables()) {
                System.out.printf("%s: %,d rows%n", t.name(), t.rows());
                for (ColumnProfile c : t.columns()) {
                    if (c.isText()) {
                        System.out.printf("  %-16s %-14s nulls %d, bytes %d%n", c.name(), c.type(), c.nulls(), c.textBytes());
                    } else {
                        System.out.printf("  %-16s %-14s nulls %d, min %s, max %s, sum %s%n", c.name(), c.type(), c.nulls(),
                                c.min(), c.max(), c.sum());
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
}
