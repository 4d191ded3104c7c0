// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenMessagesTest {
    private static final Instant DAY_ONE = Instant.parse("2026-12-01T23:59:00Z");
    private static final byte[] FIRST = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final byte[] SECOND = HexFormat.of().parseHex("ffeeddccbbaa99887766554433221100");

    @TempDir
    Path dir;

    @Test
    void a_mark_is_found_by_sender_and_message_id_and_pruned_after_the_retention() {
        try (ProfileStore store = TestProfile.create(dir, "seen").open()) {
            assertThat(store.seen().mark("nxl:alice", FIRST, DAY_ONE)).isTrue();
            assertThat(store.seen().mark("nxl:bob", SECOND, DAY_ONE.plus(Duration.ofDays(2))))
                    .isTrue();
            assertThat(store.seen().mark("nxl:alice", FIRST, DAY_ONE.plus(Duration.ofDays(2))))
                    .as("marked already: the first day stays")
                    .isFalse();

            assertThat(store.seen().contains("nxl:alice", FIRST)).isTrue();
            assertThat(store.seen().contains("nxl:bob", FIRST))
                    .as("another sender's message with that id")
                    .isFalse();
            assertThat(store.seen().contains("nxl:alice", SECOND)).isFalse();

            assertThat(store.seen().prune(DAY_ONE.plus(SeenMessages.RETENTION))).isZero();
            assertThat(store.seen().prune(DAY_ONE.plus(SeenMessages.RETENTION).plus(Duration.ofDays(1))))
                    .isOne();
            assertThat(store.seen().contains("nxl:alice", FIRST)).isFalse();
            assertThat(store.seen().contains("nxl:bob", SECOND)).isTrue();
            assertThat(store.seen().count()).isOne();
        }
    }

    @Test
    void marks_that_earlier_versions_kept_as_settings_move_into_the_table_when_it_is_made() throws Exception {
        TestProfile profile = TestProfile.create(dir, "legacy");
        try (ProfileStore store = profile.open()) {
            store.settings().put("seen:nxl:alice:" + HexFormat.of().formatHex(FIRST), new byte[] {1});
            store.settings().put("seen:nxl:bob:" + HexFormat.of().formatHex(SECOND), new byte[] {1});
            store.settings().put("prekeys.next_id", new byte[] {7});
        }
        // Back to schema version 1, as the earlier version left it.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + profile.file());
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE seen_messages");
            s.execute("DELETE FROM schema_version WHERE version = " + SeenMessages.SCHEMA_VERSION);
        }

        try (ProfileStore store = profile.open()) {
            assertThat(store.seen().contains("nxl:alice", FIRST)).isTrue();
            assertThat(store.seen().contains("nxl:bob", SECOND)).isTrue();
            assertThat(store.settings().keysStartingWith("seen:")).isEmpty();
            assertThat(store.settings().get("prekeys.next_id"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(7));

            store.settings().put("seen:nxl:carol:" + HexFormat.of().formatHex(FIRST), new byte[] {1});
        }
        try (ProfileStore store = profile.open()) {
            assertThat(store.settings().keysStartingWith("seen:"))
                    .as("moved when the table was made, not on every open")
                    .hasSize(1);
        }
    }
}
