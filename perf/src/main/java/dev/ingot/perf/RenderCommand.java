package dev.ingot.perf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ingot bench-render}: rewrites report.md and report.html (and prints the table) from a report.json. */
@Command(name = "bench-render", mixinStandardHelpOptions = true,
        description = "Re-renders report.md and report.html next to a bench report.json, and prints its table.")
final class RenderCommand implements Callable<Integer> {
    @Option(names = "--report", required = true, description = "a report.json written by ingot bench")
    Path report;

    @Override
    public Integer call() throws Exception {
        BenchReport r = BenchReport.mapper().readValue(report.toFile(), BenchReport.class);
        Path dir = report.toAbsolutePath().getParent();
        Files.writeString(dir.resolve("report.md"), TextReport.markdown(r), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(r), StandardCharsets.UTF_8);
        System.out.print(TextReport.text(r));
        return r.ok() ? 0 : 1;
    }
}
