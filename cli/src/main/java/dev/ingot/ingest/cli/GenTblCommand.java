package dev.ingot.ingest.cli;

import dev.ingot.columnstore.ColumnStoreWriteHints;
import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.ArrowIpcSource;
import dev.ingot.ingest.tpchgen.TblWriter;
import dev.ingot.ingest.tpchgen.TpchGeneratorSource;
import dev.ingot.ingest.tpch.TpchSchema;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ingot gen-tbl}: writes dbgen-identical .tbl files with the embedded generator. */
@Command(name = "gen-tbl", mixinStandardHelpOptions = true,
        description = {"Writes the 8 TPC-H tables with the embedded generator as files for load-tpch --source.",
                "They are dbgen-identical <table>.tbl files, or with --format arrow <table>.arrow Arrow IPC files."})
final class GenTblCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scale", description = "TPC-H scale factor (default: ${DEFAULT-VALUE})", defaultValue = "1")
    double scale;

    @Option(names = "--out", required = true, description = "output directory (created if missing)")
    Path out;

    @Option(names = "--threads", description = "generator threads (default: available processors)")
    Integer threads;

    @Option(names = "--format", description = "tbl or arrow (default: ${DEFAULT-VALUE})", defaultValue = "tbl")
    String format;

    @Override
    public Integer call() throws Exception {
        IngotCli.requirePositive(spec, "--scale", scale);
        LoadTpchCommand.checkScaleOption(this, scale);
        if (threads != null) {
            IngotCli.requirePositive(spec, "--threads", threads);
        }
        Files.createDirectories(out);
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        if ("tbl".equals(format)) {
            TblWriter.write(out, scale, n, TpchSchema.tables().stream().map(t -> t.name()).toList());
        } else if ("arrow".equals(format)) {
            try (BufferAllocator arrow = new RootAllocator()) {
                for (TableDef t : TpchSchema.tables()) {
                    int batchRows = ColumnStoreWriteHints.estimate(t).recommendedBatchRows();
                    try (TpchGeneratorSource source = TpchGeneratorSource.open(arrow, t.name(), scale, batchRows, n)) {
                        ArrowIpcSource.write(source, t.arrowSchema(), out.resolve(t.name() + ".arrow"), arrow);
                    }
                }
            }
        } else {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--format must be tbl or arrow: " + format);
        }
        System.err.printf("ingot: wrote TPC-H SF%s .%s files to %s in %.2f s%n", LoadTpchCommand.formatScale(scale), format, out,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
