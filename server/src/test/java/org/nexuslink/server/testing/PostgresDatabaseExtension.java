// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * Gives each test a fresh schema in the test PostgreSQL, dropped (with everything in it) after
 * the test. The server is {@value #DEFAULT_URL} unless the environment variable
 * {@value #URL_VARIABLE} names another. Test and lifecycle methods receive a {@link Database}
 * (opened on first use and migrated, unless built with {@link #withoutMigration()}) or the
 * {@link DatabaseUrl} / {@link DatabaseUrl.Postgres} with {@code ?schema=} set.
 *
 * <pre>{@code
 * @ExtendWith(PostgresDatabaseExtension.class)
 * class QueueStoreTest {
 *     @Test
 *     void keeps_an_entry_until_acknowledged(Database database) { ... }
 * }
 * }</pre>
 */
public final class PostgresDatabaseExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** The environment variable that overrides the test server's URL. */
    public static final String URL_VARIABLE = "NEXUSLINK_TEST_POSTGRES_URL";
    /** The test server when the variable is unset: local, trust authentication, database {@code test}. */
    public static final String DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/test";

    private final boolean migrate;

    /** A migrated schema per test. */
    public PostgresDatabaseExtension() {
        this(true);
    }

    PostgresDatabaseExtension(boolean migrate) {
        this.migrate = migrate;
    }

    /** An empty, unmigrated schema per test (for migration tests). */
    public static PostgresDatabaseExtension withoutMigration() {
        return new PostgresDatabaseExtension(false);
    }

    /** The configured test server, without a schema. */
    public static DatabaseUrl.Postgres serverUrl() {
        String configured = System.getenv(URL_VARIABLE);
        String text = configured == null || configured.isBlank() ? DEFAULT_URL : configured;
        if (!(DatabaseUrl.parse(text) instanceof DatabaseUrl.Postgres postgres)) {
            throw new IllegalStateException(URL_VARIABLE + " must be a postgres:// URL");
        }
        return postgres;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        DatabaseUrl.Postgres server = serverUrl();
        String schema = "nxl_test_" + HexFormat.of().formatHex(randomBytes());
        execute(server, "CREATE SCHEMA " + schema);
        DatabaseUrl.Postgres url = server.withSchema(schema);
        new TestDatabase(url, migrate, () -> execute(server, "DROP SCHEMA IF EXISTS " + schema + " CASCADE"))
                .register(context, getClass());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabase.discard(context, getClass());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return TestDatabase.supports(parameter, DatabaseUrl.Postgres.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return TestDatabase.resolve(parameter, context, getClass());
    }

    /**
     * Runs one statement on the test server outside any test schema (schema setup, and tests that
     * break a database on purpose).
     *
     * @param server the server, e.g. {@link #serverUrl()}
     * @param sql the statement
     */
    public static void execute(DatabaseUrl.Postgres server, String sql) {
        Properties properties = new Properties();
        properties.setProperty("user", server.user());
        if (!server.password().isEmpty()) {
            properties.setProperty("password", server.password());
        }
        properties.setProperty("connectTimeout", "5");
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl(), properties);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "test PostgreSQL at " + server + " failed (start it, or set " + URL_VARIABLE + "): "
                            + e.getMessage(),
                    e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
