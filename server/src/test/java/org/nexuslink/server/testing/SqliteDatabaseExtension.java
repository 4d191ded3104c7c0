// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * Gives each test a fresh SQLite database file in its own temporary directory, deleted after
 * the test. Test and lifecycle methods receive it as a parameter: a {@link Database} (opened on
 * first use and migrated, unless built with {@link #withoutMigration()}) or its
 * {@link DatabaseUrl} / {@link DatabaseUrl.Sqlite} (for code that opens the database itself).
 *
 * <pre>{@code
 * @ExtendWith(SqliteDatabaseExtension.class)
 * class QueueStoreTest {
 *     @Test
 *     void keeps_an_entry_until_acknowledged(Database database) { ... }
 * }
 * }</pre>
 */
public final class SqliteDatabaseExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final boolean migrate;

    /** A migrated database per test. */
    public SqliteDatabaseExtension() {
        this(true);
    }

    SqliteDatabaseExtension(boolean migrate) {
        this.migrate = migrate;
    }

    /** An empty, unmigrated database per test (for migration tests). */
    public static SqliteDatabaseExtension withoutMigration() {
        return new SqliteDatabaseExtension(false);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Path directory = Files.createTempDirectory("nexuslink-sqlite-test");
        DatabaseUrl.Sqlite url = new DatabaseUrl.Sqlite(directory.resolve("nexuslink.db"));
        new TestDatabase(url, migrate, () -> deleteTree(directory)).register(context, getClass());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestDatabase.discard(context, getClass());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return TestDatabase.supports(parameter, DatabaseUrl.Sqlite.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return TestDatabase.resolve(parameter, context, getClass());
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete test database directory " + directory, e);
        }
    }
}
