// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test method twice, on a fresh SQLite database and on a fresh PostgreSQL schema (see
 * {@link SqliteDatabaseExtension} and {@link PostgresDatabaseExtension}); the method takes the
 * {@link org.nexuslink.server.storage.Database} (or its {@link org.nexuslink.server.storage.DatabaseUrl})
 * as a parameter.
 *
 * <pre>{@code
 * @DatabaseTest
 * void deletes_an_entry_when_acknowledged(Database database) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@ExtendWith(BothDatabases.class)
public @interface DatabaseTest {

    /** False for an empty, unmigrated database. */
    boolean migrated() default true;
}
