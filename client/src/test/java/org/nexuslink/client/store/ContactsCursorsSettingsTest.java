// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContactsCursorsSettingsTest {
    @TempDir
    Path dir;

    private ProfileStore store;

    @BeforeEach
    void open() {
        store = TestProfile.create(dir, "small").open();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void contacts_round_trip_and_list_by_account_id() {
        Contact bob = new Contact(
                "nxl:bob", Optional.of("Bobby"), true, Optional.of(Instant.parse("2026-11-01T08:00:00.5Z")));
        Contact alice = new Contact("nxl:alice", Optional.empty(), false, Optional.empty());
        store.contacts().save(bob);
        store.contacts().save(alice);

        assertThat(store.contacts().find("nxl:bob")).contains(bob);
        assertThat(store.contacts().find("nxl:carol")).isEmpty();
        assertThat(store.contacts().list()).containsExactly(alice, bob);

        Contact unverified = new Contact("nxl:bob", Optional.of("Bob"), false, Optional.empty());
        store.contacts().save(unverified);
        assertThat(store.contacts().find("nxl:bob")).contains(unverified);
        assertThat(store.contacts().list()).hasSize(2);
    }

    @Test
    void a_cursor_starts_at_zero_and_never_moves_backwards() {
        assertThat(store.cursors().get("https://a.example", "ch:1")).isZero();

        store.cursors().put("https://a.example", "ch:1", 10);
        store.cursors().put("https://a.example", "ch:1", 7);
        assertThat(store.cursors().get("https://a.example", "ch:1")).isEqualTo(10);

        store.cursors().put("https://a.example", "ch:1", 11);
        assertThat(store.cursors().get("https://a.example", "ch:1")).isEqualTo(11);
        // per server and per conversation
        assertThat(store.cursors().get("https://b.example", "ch:1")).isZero();
        assertThat(store.cursors().get("https://a.example", "ch:2")).isZero();

        assertThatThrownBy(() -> store.cursors().put("https://a.example", "ch:1", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThat(store.cursors().get("https://a.example", "ch:1")).isEqualTo(11);
    }

    @Test
    void settings_hold_bytes_and_numbers() {
        assertThat(store.settings().get("prekey.next_id")).isEmpty();
        assertThat(store.settings().getLong("prekey.next_id", 1)).isEqualTo(1);

        store.settings().putLong("prekey.next_id", 101);
        store.settings().put("device.session.https://a.example", new byte[] {1, 2, 3});

        assertThat(store.settings().getLong("prekey.next_id", 1)).isEqualTo(101);
        assertThat(store.settings().get("device.session.https://a.example"))
                .hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));

        store.settings().delete("device.session.https://a.example");
        assertThat(store.settings().get("device.session.https://a.example")).isEmpty();
    }

    @Test
    void a_setting_that_is_not_a_number_is_a_clear_error() {
        store.settings().put("odd", new byte[] {1, 2, 3});

        assertThatThrownBy(() -> store.settings().getLong("odd", 0))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("number setting odd");
    }
}
