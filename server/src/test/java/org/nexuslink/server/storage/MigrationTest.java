// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.nexuslink.server.testing.DatabaseTest;

class MigrationTest {

    @DatabaseTest(migrated = false)
    void migrates_an_empty_database_to_the_current_schema(Database database) {
        assertThat(SchemaCatalog.tables(database)).isEmpty();

        MigrationResult result = database.migrate();

        assertThat(result.appliedVersions()).containsExactly("1", "2", "3", "6");
        assertThat(result.schemaVersion()).isEqualTo("6");
        assertThat(result.isNoop()).isFalse();
        assertThat(SchemaCatalog.tables(database)).containsExactlyInAnyOrderElementsOf(SchemaCatalog.TABLES);
    }

    @DatabaseTest(migrated = false)
    void migrating_twice_applies_nothing_the_second_time(Database database) {
        database.migrate();

        MigrationResult second = database.migrate();

        assertThat(second.isNoop()).isTrue();
        assertThat(second.appliedVersions()).isEmpty();
        assertThat(second.schemaVersion()).isEqualTo("6");
    }

    @DatabaseTest
    void creates_the_indexes_of_the_common_queries(Database database) {
        assertThat(SchemaCatalog.indexes(database)).contains(
                "message_queue_recipient", "message_queue_message_device", "message_queue_expiry",
                "events_time", "events_ref", "kyber_prekeys_last_resort",
                "auth_tokens_device", "auth_tokens_expiry", "auth_challenges_expiry",
                "channel_members_account", "member_overrides_channel", "member_overrides_community",
                "member_overrides_expiry", "media_store_uploader", "media_store_expiry",
                "media_store_incomplete", "audit_log_time", "audit_log_actor", "audit_log_target", "audit_log_action");
    }

    @DatabaseTest(migrated = false)
    void migrates_a_version_1_database_with_channels_to_version_2(Database database, DatabaseUrl url) {
        FluentConfiguration flyway = Flyway.configure(Database.class.getClassLoader())
                .locations("classpath:db/migration").placeholders(database.dialect().migrationPlaceholders())
                .target("1");
        switch (url) {
            case DatabaseUrl.Sqlite sqlite -> flyway.dataSource("jdbc:sqlite:" + sqlite.file(), null, null);
            case DatabaseUrl.Postgres pg -> {
                flyway.dataSource(pg.jdbcUrl(), pg.user(), pg.password().isEmpty() ? null : pg.password());
                pg.schema().ifPresent(schema -> flyway.schemas(schema).defaultSchema(schema).createSchemas(true));
            }
        }
        flyway.load().migrate();
        UUID channel = UUID.randomUUID();
        database.inTransaction(h -> h.createUpdate("INSERT INTO channels (id, name, channel_type, created_at) "
                + "VALUES (:id, 'general', 'text', :at)").bind("id", channel).bind("at", Instant.EPOCH).execute());

        MigrationResult result = database.migrate();

        assertThat(result.appliedVersions()).containsExactly("2", "3", "6");
        long kept = database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM channels WHERE id = :id")
                .bind("id", channel).mapTo(Long.class).one());
        assertThat(kept).isEqualTo(1);
        database.inTransaction(h -> h.createUpdate("INSERT INTO channel_conditions (channel_id, kind, value) "
                + "VALUES (:id, 'min_role', 'member')").bind("id", channel).execute());
        assertThat(SchemaCatalog.tables(database)).containsExactlyInAnyOrderElementsOf(SchemaCatalog.TABLES);
    }
}
