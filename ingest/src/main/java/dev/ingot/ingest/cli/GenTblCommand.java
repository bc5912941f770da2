package dev.ingot.ingest.cli;

import dev.ingot.ingest.tpch.TblWriter;
import dev.ingot.ingest.tpch.TpchSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingot gen-tbl}: writes dbgen-identical .tbl files with the embedded generator. */
@Command(name = "gen-tbl", mixinStandardHelpOptions = true,
        description = "Writes the 8 TPC-H tables as dbgen-identical <table>.tbl files.")
final class GenTblCommand implements Callable<Integer> {
    @Option(names = "--scale", description = "TPC-H scale factor (default: ${DEFAULT-VALUE})", defaultValue = "1")
    double scale;

    @Option(names = "--out", required = true, description = "output directory (created if missing)")
    Path out;

    @Option(names = "--threads", description = "generator threads (default: available processors)", defaultValue = "0")
    int threads;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        TblWriter.write(out, scale, n, TpchSchema.tables().stream().map(t -> t.name()).toList());
        System.err.printf("ingot: wrote TPC-H SF%s .tbl files to %s in %.2f s%n", LoadTpchCommand.formatScale(scale), out,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
