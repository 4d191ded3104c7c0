// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.PostgresDatabaseExtension;
import org.nexuslink.server.testing.SqliteDatabaseExtension;

/** Opening, reachability, metrics and closing. */
class DatabaseLifecycleTest {

    static final DatabaseSettings FAST = new DatabaseSettings(2, Duration.ofSeconds(2));

    private static Map<String, Double> poolGauges(SimpleMeterRegistry registry) {
        Map<String, Double> values = new TreeMap<>();
        for (Gauge gauge :
                registry.find(MetricName.DB_POOL_CONNECTIONS.meterName()).gauges()) {
            values.put(gauge.getId().getTag("state"), gauge.value());
        }
        return values;
    }

    @DatabaseTest
    void is_reachable_while_open_and_not_after_close(Database database) {
        assertThat(database.isReachable()).isTrue();

        database.close();

        assertThat(database.isReachable()).isFalse();
        assertThatThrownBy(() -> database.inTransaction(handle -> handle.execute("DELETE FROM audit_log")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThatThrownBy(database::migrate).isInstanceOf(IllegalStateException.class);
        database.close();
    }

    @DatabaseTest
    void reports_pool_connections_by_state(Database database) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        database.bindMetrics(registry);

        Map<String, Double> idle = poolGauges(registry);
        Map<String, Double> busy = database.inTransaction(handle -> poolGauges(registry));

        assertThat(idle.keySet()).containsExactly("active", "idle", "pending", "total");
        assertThat(idle.get("active")).isZero();
        assertThat(idle.get("pending")).isZero();
        assertThat(idle.get("total")).isPositive().isEqualTo(idle.get("idle"));
        assertThat(busy.get("active")).isOne();
        database.close();
        assertThat(poolGauges(registry).get("total")).isZero();
    }

    @DatabaseTest
    void names_the_dialect(Database database, DatabaseUrl url) {
        assertThat(database.dialect()).isEqualTo(url.dialect());
        assertThat(database.url()).isEqualTo(url);
    }

    @Nested
    @ExtendWith(PostgresDatabaseExtension.class)
    class OnPostgres {

        @Test
        void is_not_reachable_once_its_schema_is_dropped(Database database, DatabaseUrl.Postgres url) {
            assertThat(database.isReachable()).isTrue();

            PostgresDatabaseExtension.execute(
                    PostgresDatabaseExtension.serverUrl(),
                    "DROP SCHEMA " + url.schema().orElseThrow() + " CASCADE");

            assertThat(database.isReachable()).isFalse();
        }

        @Test
        void creates_the_schema_of_the_url_when_migrating(DatabaseUrl.Postgres url) {
            DatabaseUrl.Postgres fresh = url.withSchema(url.schema().orElseThrow() + "_fresh");
            try (Database database = Database.open(fresh, FAST)) {
                assertThat(database.isReachable())
                        .as("reachable before its schema exists")
                        .isFalse();

                database.migrate();

                assertThat(database.isReachable()).isTrue();
                assertThat(SchemaCatalog.tables(database)).contains("members", "message_queue");
            } finally {
                PostgresDatabaseExtension.execute(
                        PostgresDatabaseExtension.serverUrl(),
                        "DROP SCHEMA IF EXISTS " + fresh.schema().orElseThrow() + " CASCADE");
            }
        }

        @Test
        void fails_to_open_an_unreachable_server_quickly_without_revealing_the_password() {
            DatabaseUrl url = DatabaseUrl.parse("postgres://nexuslink:s3cret-Pa55@127.0.0.1:1/test");
            long start = System.nanoTime();

            assertThatThrownBy(() -> Database.open(url, FAST))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("cannot connect to PostgreSQL postgres://nexuslink:****@127.0.0.1:1/test")
                    .hasMessageNotContaining("s3cret-Pa55");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }

        @Test
        void fails_to_open_with_an_unknown_role_naming_the_cause() {
            DatabaseUrl.Postgres server = PostgresDatabaseExtension.serverUrl();
            DatabaseUrl url = new DatabaseUrl.Postgres(
                    server.host(), server.port(), server.database(), "no_such_role_here", "hunter2-secret", Map.of());

            assertThatThrownBy(() -> Database.open(url, FAST))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("no_such_role_here")
                    .hasMessageNotContaining("hunter2-secret");
        }
    }

    @Nested
    @ExtendWith(SqliteDatabaseExtension.class)
    class OnSqlite {

        @Test
        void is_not_reachable_once_its_file_is_deleted(Database database, DatabaseUrl.Sqlite url) throws IOException {
            assertThat(database.isReachable()).isTrue();

            Files.delete(url.file());

            assertThat(database.isReachable()).isFalse();
        }

        @Test
        void creates_the_missing_parent_directories_of_the_file(@TempDir Path directory) {
            Path file = directory.resolve("a/b/c/nexuslink.db");

            try (Database database = Database.open(new DatabaseUrl.Sqlite(file), FAST)) {
                database.migrate();

                assertThat(file).isRegularFile();
                assertThat(database.url()).isEqualTo(new DatabaseUrl.Sqlite(file));
            }
        }

        @Test
        void refuses_a_directory_as_its_file(@TempDir Path directory) {
            assertThatThrownBy(() -> Database.open(new DatabaseUrl.Sqlite(directory), FAST))
                    .isInstanceOf(StorageException.class)
                    .hasMessage("cannot open SQLite database " + directory + ": it is a directory");
        }

        @Test
        void refuses_a_file_that_is_not_a_database(@TempDir Path directory) throws IOException {
            Path file = directory.resolve("notes.db");
            Files.writeString(file, "these are not the pages you are looking for ".repeat(200));

            assertThatThrownBy(() -> Database.open(new DatabaseUrl.Sqlite(file), FAST))
                    .isInstanceOf(StorageException.class)
                    .hasMessageStartingWith("cannot open SQLite database " + file + ": ")
                    .hasMessageContaining("not a database");
        }

        @Test
        void keeps_committed_rows_across_a_reopen(Database database, DatabaseUrl.Sqlite url) {
            database.inTransaction(
                    handle -> handle.execute("INSERT INTO event_counters (cid, last_mid) VALUES ('c', 41)"));
            database.close();

            try (Database reopened = Database.open(url, FAST)) {
                MigrationResult migration = reopened.migrate();
                long last = reopened.jdbi()
                        .withHandle(handle -> handle.createQuery("SELECT last_mid FROM event_counters")
                                .mapTo(Long.class)
                                .one());

                assertThat(migration.isNoop()).isTrue();
                assertThat(last).isEqualTo(41);
            }
        }
    }
}
