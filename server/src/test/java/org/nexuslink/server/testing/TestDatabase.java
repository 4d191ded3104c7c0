// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseSettings;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * One test's database: its URL, the {@link Database} opened on first use, and how to throw it
 * away. Used from the test's own thread only.
 */
final class TestDatabase {

    /** Small pools and a short timeout, so a broken setup fails fast. */
    static final DatabaseSettings SETTINGS = new DatabaseSettings(4, Duration.ofSeconds(5));

    private final DatabaseUrl url;
    private final boolean migrate;
    private final Runnable discard;
    private Database database;

    TestDatabase(DatabaseUrl url, boolean migrate, Runnable discard) {
        this.url = Objects.requireNonNull(url);
        this.migrate = migrate;
        this.discard = Objects.requireNonNull(discard);
    }

    DatabaseUrl url() {
        return url;
    }

    Database database() {
        if (database == null) {
            database = Database.open(url, SETTINGS);
            if (migrate) {
                database.migrate();
            }
        }
        return database;
    }

    void discard() {
        try {
            if (database != null) {
                database.close();
            }
        } finally {
            discard.run();
        }
    }

    static boolean supports(ParameterContext parameter, Class<? extends DatabaseUrl> urlType) {
        Class<?> type = parameter.getParameter().getType();
        return type == Database.class || type.isAssignableFrom(urlType);
    }

    /** Keeps this database for the current test of {@code extension}. */
    void register(ExtensionContext context, Class<?> extension) {
        context.getStore(namespace(extension)).put(context.getUniqueId(), this);
    }

    /** Discards the database the current test of {@code extension} used, if any. */
    static void discard(ExtensionContext context, Class<?> extension) {
        TestDatabase test = context.getStore(namespace(extension)).remove(context.getUniqueId(), TestDatabase.class);
        if (test != null) {
            test.discard();
        }
    }

    /** The current test's {@link Database} or URL, as the parameter asks. */
    static Object resolve(ParameterContext parameter, ExtensionContext context, Class<?> extension) {
        TestDatabase test = context.getStore(namespace(extension)).get(context.getUniqueId(), TestDatabase.class);
        if (test == null) {
            throw new IllegalStateException(extension.getSimpleName() + " gives a database to test methods and "
                    + "@BeforeEach/@AfterEach methods only, not to constructors or @BeforeAll");
        }
        return parameter.getParameter().getType() == Database.class ? test.database() : test.url();
    }

    static ExtensionContext.Namespace namespace(Class<?> extension) {
        return ExtensionContext.Namespace.create(extension);
    }
}
