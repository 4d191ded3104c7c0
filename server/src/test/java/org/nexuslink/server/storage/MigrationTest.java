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

        assertThat(result.appliedVersions()).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
        assertThat(result.schemaVersion()).isEqualTo("8");
        assertThat(result.isNoop()).isFalse();
        assertThat(SchemaCatalog.tables(database)).containsExactlyInAnyOrderElementsOf(SchemaCatalog.TABLES);
    }

    @DatabaseTest(migrated = false)
    void migrating_twice_applies_nothing_the_second_time(Database database) {
        database.migrate();

        MigrationResult second = database.migrate();

        assertThat(second.isNoop()).isTrue();
        assertThat(second.appliedVersions()).isEmpty();
        assertThat(second.schemaVersion()).isEqualTo("8");
    }

    @DatabaseTest
    void creates_the_indexes_of_the_common_queries(Database database) {
        assertThat(SchemaCatalog.indexes(database))
                .contains(
                        "message_queue_recipient",
                        "message_queue_message_device",
                        "message_queue_expiry",
                        "events_time",
                        "events_ref",
                        "kyber_prekeys_last_resort",
                        "auth_tokens_device",
                        "auth_tokens_expiry",
                        "auth_challenges_expiry",
                        "channel_members_account",
                        "member_overrides_channel",
                        "member_overrides_community",
                        "member_overrides_expiry",
                        "media_store_uploader",
                        "media_store_expiry",
                        "media_store_incomplete",
                        "audit_log_time",
                        "audit_log_actor",
                        "audit_log_target",
                        "audit_log_action");
    }

    /** Migrates the empty database up to {@code version} only. */
    private static void migrateTo(Database database, DatabaseUrl url, String version) {
        FluentConfiguration flyway = Flyway.configure(Database.class.getClassLoader())
                .locations("classpath:db/migration")
                .placeholders(database.dialect().migrationPlaceholders())
                .javaMigrations(new QueueWriteFunction(database.dialect()))
                .target(version);
        switch (url) {
            case DatabaseUrl.Sqlite sqlite -> flyway.dataSource("jdbc:sqlite:" + sqlite.file(), null, null);
            case DatabaseUrl.Postgres pg -> {
                flyway.dataSource(pg.jdbcUrl(), pg.user(), pg.password().isEmpty() ? null : pg.password());
                pg.schema()
                        .ifPresent(schema ->
                                flyway.schemas(schema).defaultSchema(schema).createSchemas(true));
            }
        }
        flyway.load().migrate();
    }

    @DatabaseTest(migrated = false)
    void migrates_a_version_1_database_with_channels_to_version_2(Database database, DatabaseUrl url) {
        migrateTo(database, url, "1");
        UUID channel = UUID.randomUUID();
        database.inTransaction(h -> h.createUpdate("INSERT INTO channels (id, name, channel_type, created_at) "
                        + "VALUES (:id, 'general', 'text', :at)")
                .bind("id", channel)
                .bind("at", Instant.EPOCH)
                .execute());

        MigrationResult result = database.migrate();

        assertThat(result.appliedVersions()).containsExactly("2", "3", "4", "5", "6", "7", "8");
        long kept = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM channels WHERE id = :id")
                        .bind("id", channel)
                        .mapTo(Long.class)
                        .one());
        assertThat(kept).isEqualTo(1);
        database.inTransaction(h -> h.createUpdate("INSERT INTO channel_conditions (channel_id, kind, value) "
                        + "VALUES (:id, 'min_role', 'member')")
                .bind("id", channel)
                .execute());
        assertThat(SchemaCatalog.tables(database)).containsExactlyInAnyOrderElementsOf(SchemaCatalog.TABLES);
    }

    @DatabaseTest(migrated = false)
    void migrates_a_version_3_database_with_queued_messages_mutes_and_media_to_version_5(
            Database database, DatabaseUrl url) {
        migrateTo(database, url, "3");
        String account = "nxl:" + "a".repeat(56);
        database.inTransaction(h -> {
            h.createUpdate("INSERT INTO members (account_id, identity_key, role, joined_at) "
                            + "VALUES (:a, :k, 'member', 0)")
                    .bind("a", account)
                    .bind("k", new byte[32])
                    .execute();
            h.createUpdate("INSERT INTO devices (account_id, device_id, device_key, certificate, device_type, "
                            + "registered_at, last_active_at) VALUES (:a, 1, :k, :k, 'desktop', 0, 0)")
                    .bind("a", account)
                    .bind("k", new byte[32])
                    .execute();
            for (int i = 0; i < 2; i++) {
                h.createUpdate("INSERT INTO message_queue (message_id, recipient_account, recipient_device, "
                                + "encrypted_blob, created_at, expires_at) VALUES (:m, :a, 1, :b, 0, 1)")
                        .bind("m", UUID.randomUUID())
                        .bind("a", account)
                        .bind("b", new byte[10 + i])
                        .execute();
            }
            h.createUpdate("INSERT INTO member_overrides (account_id, can_write, created_at) VALUES (:a, FALSE, 0)")
                    .bind("a", account)
                    .execute();
            h.createUpdate("INSERT INTO media_store (id, uploader_account, encrypted_size, storage_path, digest, "
                            + "uploaded_at) VALUES (:id, :a, 5, 'x', :d, 0)")
                    .bind("id", UUID.randomUUID())
                    .bind("a", account)
                    .bind("d", new byte[32])
                    .execute();
            return null;
        });

        MigrationResult result = database.migrate();

        assertThat(result.appliedVersions()).containsExactly("4", "5", "6", "7", "8");
        assertThat(SchemaCatalog.tables(database)).containsExactlyInAnyOrderElementsOf(SchemaCatalog.TABLES);
        assertThat(one(database, "SELECT entries FROM queue_usage")).isEqualTo(2);
        assertThat(one(database, "SELECT bytes FROM queue_usage")).isEqualTo(21);
        // Deleting the member keeps what belongs to the account.
        database.inTransaction(h -> h.createUpdate("DELETE FROM members").execute());
        assertThat(one(database, "SELECT COUNT(*) FROM member_overrides")).isEqualTo(1);
        assertThat(one(database, "SELECT COUNT(*) FROM media_store WHERE uploader_account IS NOT NULL"))
                .isEqualTo(1);
        assertThat(one(database, "SELECT COUNT(*) FROM queue_usage")).isZero();
        assertThat(SchemaCatalog.indexes(database))
                .contains(
                        "member_overrides_channel",
                        "member_overrides_community",
                        "member_overrides_expiry",
                        "media_store_uploader",
                        "media_store_expiry",
                        "media_store_incomplete");
    }

    private static long one(Database database, String sql) {
        return database.jdbi()
                .withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @DatabaseTest(migrated = false)
    void devices_removed_before_version_4_stay_revoked_after_it(Database database, DatabaseUrl url) {
        migrateTo(database, url, "2");
        database.inTransaction(h -> {
            h.execute(
                    "INSERT INTO members (account_id, identity_key, role, joined_at) VALUES ('nxl:a', ?, 'member', 0)",
                    (Object) new byte[32]);
            for (int device = 1; device <= 2; device++) {
                h.execute(
                        "INSERT INTO devices (account_id, device_id, device_key, certificate, device_type, "
                                + "registered_at, last_active_at) VALUES ('nxl:a', ?, ?, ?, 'cli', 0, 0)",
                        device,
                        new byte[] {(byte) device},
                        new byte[] {9});
            }
            return h.execute("UPDATE devices SET revoked_at = 1000 WHERE device_id = 2");
        });

        assertThat(database.migrate().appliedVersions()).containsExactly("3", "4", "5", "6", "7", "8");

        java.util.List<String> revoked = database.jdbi()
                .withHandle(h -> h.createQuery(
                                "SELECT account_id, device_id, device_key, revocation, revoked_at FROM device_revocations")
                        .map((rs, ctx) -> rs.getString(1) + ":" + rs.getInt(2) + ":" + rs.getBytes(3)[0] + ":"
                                + rs.getBytes(4) + ":" + rs.getLong(5))
                        .list());
        assertThat(revoked).as("the removed device's key, unsigned").containsExactly("nxl:a:2:2:null:1000");
    }
}
