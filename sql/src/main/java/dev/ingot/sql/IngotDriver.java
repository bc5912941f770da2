package dev.ingot.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import org.apache.calcite.jdbc.CalciteConnection;

/**
 * A thin JDBC driver for {@code jdbc:ingot:DIR}: a Calcite connection (Calcite's own driver)
 * whose root schema holds the store at {@code DIR} as schema {@code ingot}, also the default
 * schema, so {@code SELECT * FROM lineitem} names an Ingot table. Connection settings: Ingot's
 * type system ({@link IngotTypeSystem}), identifiers matched case-insensitively, unquoted
 * identifiers kept as written, double quotes for quoted identifiers; any property given to
 * {@code connect} is passed on to Calcite and overrides these.
 *
 * <p>Registered through {@code META-INF/services/java.sql.Driver}. The store is read-only through
 * this driver. Thread-safety: as Calcite's driver (a connection is used by one thread at a time).
 */
public final class IngotDriver implements Driver {
    /** The URL prefix. */
    public static final String PREFIX = "jdbc:ingot:";
    /** The schema holding the store's tables. */
    public static final String SCHEMA = "ingot";

    static {
        try {
            DriverManager.registerDriver(new IngotDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Public for {@link java.util.ServiceLoader}. */
    public IngotDriver() {}

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        String dir = url.substring(PREFIX.length());
        if (dir.isEmpty()) {
            throw new SQLException("no store directory in " + url + " (expected " + PREFIX + "DIR)");
        }
        Path directory = Path.of(dir).toAbsolutePath();
        IngotSchema schema;
        try {
            schema = new IngotSchema(directory, List.of(SCHEMA));
        } catch (IOException | UncheckedIOException e) {
            throw new SQLException("cannot open store " + directory + " for SQL: " + e.getMessage(), e);
        }
        Properties p = new Properties();
        p.setProperty("typeSystem", IngotTypeSystem.class.getName() + "#INSTANCE");
        p.setProperty("caseSensitive", "false");
        p.setProperty("unquotedCasing", "UNCHANGED");
        p.setProperty("quotedCasing", "UNCHANGED");
        p.setProperty("quoting", "DOUBLE_QUOTE");
        if (info != null) {
            p.putAll(info);
        }
        Connection c = DriverManager.getConnection("jdbc:calcite:", p);
        try {
            CalciteConnection calcite = c.unwrap(CalciteConnection.class);
            calcite.getRootSchema().add(SCHEMA, schema);
            calcite.setSchema(SCHEMA);
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Ingot's driver logs through SLF4J");
    }
}
