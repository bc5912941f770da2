package dev.ingot.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The 22 TPC-H queries (TPC-H specification 2.4, with the query validation substitution
 * parameters, so their SF1 results are the official answer set) as SQL that Calcite and DuckDB
 * both run: resources {@code tpch/q1.sql} .. {@code tpch/q22.sql} beside this class. Q15's view
 * is a WITH clause; row limits are {@code LIMIT n}. Stateless and thread-safe.
 */
public final class TpchQueries {
    /** Number of TPC-H queries. */
    public static final int COUNT = 22;

    private TpchQueries() {}

    /**
     * The text of query {@code number} (1..22), without a trailing semicolon.
     *
     * @throws IllegalArgumentException for a number outside 1..22
     */
    public static String text(int number) {
        if (number < 1 || number > COUNT) {
            throw new IllegalArgumentException("TPC-H queries are numbered 1.." + COUNT + ": " + number);
        }
        String name = "tpch/q" + number + ".sql";
        try (InputStream in = TpchQueries.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }
}
