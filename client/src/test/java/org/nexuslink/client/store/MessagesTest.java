// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessagesTest {
    private static final String DM = "dm:nxl:peer";
    private static final String CH = "ch:6f1c2b1e-5a43-4c56-9a59-0d4b8f0b3c11";
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00.123456789Z");

    @TempDir
    Path dir;

    private TestProfile profile;
    private ProfileStore store;

    @BeforeEach
    void open() {
        profile = TestProfile.create(dir, "messages");
        store = profile.open();
    }

    @AfterEach
    void close() {
        store.close();
    }

    static StoredMessage message(String conversation, String ref, Instant sentAt, String text) {
        return new StoredMessage(
                conversation,
                ref,
                "nxl:sender",
                2,
                Direction.IN,
                1,
                sentAt,
                sentAt.plusMillis(40),
                text,
                Optional.empty(),
                Optional.empty(),
                false);
    }

    @Test
    void round_trips_every_field_including_an_attachment_and_a_reply() {
        StoredMessage file = new StoredMessage(
                CH,
                "42",
                "nxl:me",
                3,
                Direction.OUT,
                3,
                T0,
                T0.plusSeconds(1),
                "caption",
                Optional.of("41"),
                Optional.of(new byte[] {0, 1, 2, (byte) 255}),
                false);

        assertThat(store.messages().insertIfAbsent(file)).isTrue();

        assertThat(store.messages().find(CH, "42")).contains(file);
        assertThat(store.messages().find(CH, "43")).isEmpty();
        assertThat(store.messages().find(DM, "42")).isEmpty();
    }

    @Test
    void drops_a_duplicate_and_keeps_the_first_copy() {
        StoredMessage first = message(DM, "00ff", T0, "first");

        assertThat(store.messages().insertIfAbsent(first)).isTrue();
        assertThat(store.messages().insertIfAbsent(message(DM, "00ff", T0.plusSeconds(5), "second")))
                .isFalse();

        assertThat(store.messages().find(DM, "00ff")).contains(first);
        assertThat(store.messages().history(DM, 10)).containsExactly(first);
    }

    @Test
    void the_same_ref_in_two_conversations_is_two_messages() {
        assertThat(store.messages().insertIfAbsent(message(DM, "1", T0, "a"))).isTrue();
        assertThat(store.messages().insertIfAbsent(message(CH, "1", T0, "b"))).isTrue();

        assertThat(store.messages().find(DM, "1").orElseThrow().text()).isEqualTo("a");
        assertThat(store.messages().find(CH, "1").orElseThrow().text()).isEqualTo("b");
    }

    @Test
    void revoking_marks_the_message_and_erases_its_content() {
        StoredMessage file = new StoredMessage(
                DM,
                "ab",
                "nxl:sender",
                1,
                Direction.IN,
                3,
                T0,
                T0,
                "secret caption",
                Optional.empty(),
                Optional.of(new byte[] {9, 9, 9}),
                false);
        store.messages().insertIfAbsent(file);

        assertThat(store.messages().markRevoked(DM, "ab")).isTrue();
        assertThat(store.messages().markRevoked(DM, "ab")).isFalse();
        assertThat(store.messages().markRevoked(DM, "missing")).isFalse();

        StoredMessage revoked = store.messages().find(DM, "ab").orElseThrow();
        assertThat(revoked.revoked()).isTrue();
        assertThat(revoked.text()).isEmpty();
        assertThat(revoked.attachment()).isEmpty();
        assertThat(revoked.sentAt()).isEqualTo(T0);
        assertThat(revoked.kind()).isEqualTo(3);
    }

    @Test
    void history_returns_the_latest_messages_oldest_first() {
        for (int i = 0; i < 10; i++) {
            // inserted out of order: history follows the send time, not the arrival
            int n = (i * 7) % 10;
            store.messages().insertIfAbsent(message(CH, Integer.toString(n), T0.plusSeconds(n), "m" + n));
        }
        store.messages().insertIfAbsent(message(DM, "x", T0.plusSeconds(100), "other conversation"));

        assertThat(store.messages().history(CH, 3))
                .extracting(StoredMessage::text)
                .containsExactly("m7", "m8", "m9");
        assertThat(store.messages().history(CH, 100))
                .extracting(StoredMessage::ref)
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(store.messages().history(CH, 0)).isEmpty();
        assertThat(store.messages().history("ch:none", 5)).isEmpty();
    }

    @Test
    void history_before_a_time_pages_backwards_without_losing_equal_milliseconds() {
        // three messages inside one millisecond, apart only by nanoseconds
        store.messages().insertIfAbsent(message(DM, "a", T0, "a"));
        store.messages().insertIfAbsent(message(DM, "b", T0.plusNanos(1), "b"));
        store.messages().insertIfAbsent(message(DM, "c", T0.plusNanos(2), "c"));
        store.messages().insertIfAbsent(message(DM, "d", T0.plusSeconds(1), "d"));

        List<StoredMessage> page = store.messages().history(DM, T0.plusSeconds(1), 2);
        assertThat(page).extracting(StoredMessage::ref).containsExactly("b", "c");
        assertThat(store.messages().history(DM, page.getFirst().sentAt(), 2))
                .extracting(StoredMessage::ref)
                .containsExactly("a");
    }

    @Test
    void messages_sent_at_the_same_instant_keep_their_arrival_order() {
        for (String ref : List.of("z", "y", "x")) {
            store.messages().insertIfAbsent(message(CH, ref, T0, ref));
        }

        assertThat(store.messages().history(CH, 10))
                .extracting(StoredMessage::ref)
                .containsExactly("z", "y", "x");
    }

    @Test
    void update_ref_gives_an_outgoing_message_its_mid() {
        StoredMessage pending = message(CH, "pending-1", T0, "hello");
        store.messages().insertIfAbsent(pending);

        assertThat(store.messages().updateRef(CH, "pending-1", "17")).isTrue();

        assertThat(store.messages().find(CH, "pending-1")).isEmpty();
        assertThat(store.messages().find(CH, "17")).contains(pending.withRef("17"));
        // the mid is now what de-duplicates the server's echo of the same event
        assertThat(store.messages().insertIfAbsent(message(CH, "17", T0, "echo")))
                .isFalse();
    }

    @Test
    void update_ref_changes_nothing_when_the_old_ref_is_missing_or_the_new_one_taken() {
        store.messages().insertIfAbsent(message(CH, "pending", T0, "mine"));
        store.messages().insertIfAbsent(message(CH, "5", T0, "theirs"));

        assertThat(store.messages().updateRef(CH, "missing", "6")).isFalse();
        assertThat(store.messages().updateRef(CH, "pending", "5")).isFalse();

        assertThat(store.messages().find(CH, "pending").orElseThrow().text()).isEqualTo("mine");
        assertThat(store.messages().find(CH, "5").orElseThrow().text()).isEqualTo("theirs");
        assertThat(store.messages().find(CH, "6")).isEmpty();
    }

    @Test
    void refuses_bad_arguments_with_clear_errors() {
        assertThatThrownBy(() -> store.messages().history(DM, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> message(DM, "", T0, "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ref");
        assertThatThrownBy(() -> message(DM, "r", Instant.parse("3000-01-01T00:00:00Z"), "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("range");
    }

    @Test
    void the_file_shows_a_size_class_not_the_length_of_a_text() throws Exception {
        store.messages().insertIfAbsent(message(DM, "short", T0, "ok"));
        store.messages()
                .insertIfAbsent(message(
                        DM,
                        "long",
                        T0,
                        "a considerably longer message of a hundred and more characters, "
                                + "which would stand out if lengths showed"));
        store.messages().insertIfAbsent(message(DM, "huge", T0, "x".repeat(300)));
        store.close(); // an open store holds its file alone

        try (var c = ProfileStoreTest.raw(profile.file());
                var s = c.createStatement();
                var r = s.executeQuery("SELECT length(body) FROM messages ORDER BY seq")) {
            List<Integer> lengths = new java.util.ArrayList<>();
            while (r.next()) {
                lengths.add(r.getInt(1));
            }
            assertThat(lengths.get(0)).isEqualTo(lengths.get(1));
            assertThat(lengths.get(2)).isGreaterThan(lengths.get(1));
        }
        try (ProfileStore reopened = profile.open()) {
            assertThat(reopened.messages().find(DM, "huge").orElseThrow().text())
                    .hasSize(300);
        }
    }

    @Test
    void to_string_shows_no_text() {
        assertThat(message(DM, "r", T0, "very private words").toString()).doesNotContain("very private words");
    }
}
