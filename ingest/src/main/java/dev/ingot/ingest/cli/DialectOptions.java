package dev.ingot.ingest.cli;

import dev.ingot.ingest.text.TextDialect;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The delimited-text dialect options shared by {@code ingot load} (how files are read) and
 * {@code ingot export} (how a CSV file is written): {@code --header}, {@code --delimiter},
 * {@code --quote}, {@code --escape}, {@code --null}. A picocli mixin; not thread-safe.
 */
final class DialectOptions {
    @Option(names = "--header", description = "the first line of each file is a header (load: skipped; export: written)")
    boolean header;

    @Option(names = "--delimiter", description = "field delimiter, one ASCII character or \\t (default: , for CSV, tab for .tsv)")
    String delimiter;

    @Option(names = "--quote", description = "quote character (default: \")")
    String quote;

    @Option(names = "--escape", description = "escape character inside quotes (default: the quote character)")
    String escape;

    @Option(names = "--null", description = "the text of a NULL (default: the empty unquoted field)")
    String nullString;

    /**
     * {@code base} with the given options over it.
     *
     * @param context what the dialect is for, appended to a bad-option message (e.g. "(reading x.csv)")
     * @throws CommandLine.ParameterException (exit 2) for a character option that is not one
     *                                        ASCII character or a dialect the options make invalid
     */
    TextDialect apply(TextDialect base, CommandSpec spec, String context) {
        TextDialect d = base;
        try {
            if (delimiter != null) {
                d = d.withDelimiter(oneChar(spec, "--delimiter", delimiter));
            }
            if (quote != null) {
                d = d.withQuote(oneChar(spec, "--quote", quote));
            }
            if (escape != null) {
                d = d.withEscape(oneChar(spec, "--escape", escape));
            }
            if (nullString != null) {
                d = d.withNullString(nullString);
            }
            return d.withHeader(header || d.header());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage() + " " + context);
        }
    }

    private static char oneChar(CommandSpec spec, String option, String value) {
        if (value.equals("\\t") || value.equalsIgnoreCase("tab")) {
            return '\t';
        }
        if (value.length() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be one character: " + value);
        }
        return value.charAt(0);
    }
}
