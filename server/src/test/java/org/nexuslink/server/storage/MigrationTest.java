// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.nexuslink.server.testing.DatabaseTest;

class MigrationTest {

    @DatabaseTest(migrated = false)
    void migrates_an_empty_database_to_the_current_schema(Database database) {
        assertThat(SchemaCatalog.tables(database)).isEmpty();

        MigrationResult result = database.migrate();

        assertThat(result.appliedVersions()).containsExactly("1", "2");
        assertThat(result.schemaVersion()).isEqualTo("2");
        assertThat(result.isNoop()).isFalse();
        assertThat(SchemaCatalog.tables(database)).containsExactlyInAnyOrderElementsOf(SchemaCatalog.TABLES);
    }

    @DatabaseTest(migrated = false)
    void migrating_twice_applies_nothing_the_second_time(Database database) {
        database.migrate();

        MigrationResult second = database.migrate();

        assertThat(second.isNoop()).isTrue();
        assertThat(second.appliedVersions()).isEmpty();
        assertThat(second.schemaVersion()).isEqualTo("2");
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
}
