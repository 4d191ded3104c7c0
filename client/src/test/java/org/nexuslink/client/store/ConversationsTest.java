// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversationsTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @TempDir
    Path dir;

    private ProfileStore store;

    @BeforeEach
    void open() {
        store = TestProfile.create(dir, "conversations").open();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void save_upserts_and_find_reads_back() {
        Conversation dm = new Conversation("dm:nxl:alice", ConversationType.DIRECT, "Alice", T0);
        store.conversations().save(dm);
        assertThat(store.conversations().find("dm:nxl:alice")).contains(dm);

        Conversation renamed = new Conversation("dm:nxl:alice", ConversationType.DIRECT, "Alice (work)", T0);
        store.conversations().save(renamed);

        assertThat(store.conversations().find("dm:nxl:alice")).contains(renamed);
        assertThat(store.conversations().list()).containsExactly(renamed);
        assertThat(store.conversations().find("dm:nxl:bob")).isEmpty();
    }

    @Test
    void list_puts_the_most_recent_message_first() {
        Conversation a = new Conversation("dm:nxl:a", ConversationType.DIRECT, "A", T0);
        Conversation b = new Conversation("ch:b", ConversationType.CHANNEL, "B", T0.plusSeconds(10));
        Conversation c = new Conversation("ch:c", ConversationType.CHANNEL, "C", T0.plusSeconds(20));
        store.conversations().save(a);
        store.conversations().save(b);
        store.conversations().save(c);
        assertThat(store.conversations().list()).containsExactly(c, b, a);

        store.messages().insertIfAbsent(MessagesTest.message("dm:nxl:a", "1", T0.plusSeconds(30), "new"));
        assertThat(store.conversations().list()).containsExactly(a, c, b);

        store.messages().insertIfAbsent(MessagesTest.message("ch:b", "1", T0.plusSeconds(40), "newer"));
        assertThat(store.conversations().list()).containsExactly(b, a, c);
    }

    @Test
    void an_id_must_match_its_type() {
        assertThatThrownBy(() -> new Conversation("ch:x", ConversationType.DIRECT, "x", T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dm:");
        assertThatThrownBy(() -> new Conversation("ch:", ConversationType.CHANNEL, "x", T0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
