// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.signal.libsignal.protocol.SessionBuilder;
import org.signal.libsignal.protocol.SessionCipher;
import org.signal.libsignal.protocol.groups.GroupCipher;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.state.SessionRecord;
import org.sqlite.SQLiteConfig;

/**
 * The in-memory rows of identities, sessions and sender keys never answer with something other
 * than what the file holds: no other connection (another process) can open the file while the
 * store has it, and the rows follow a rollback and an undone savepoint.
 */
class StoreCacheTest {
    @TempDir
    Path dir;

    @Test
    void no_other_connection_can_open_the_store_while_it_is_open() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        try (ProfileStore store = alice.open()) {
            store.settings().put("marker", new byte[] {7});

            assertThatThrownBy(alice::open)
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("is open in another process");
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(100);
            try (Connection raw = DriverManager.getConnection("jdbc:sqlite:" + alice.file(), config.toProperties());
                    Statement s = raw.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT count(*) FROM settings"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("SQLITE_BUSY");
            }

            // The refused openers changed nothing, and the store goes on as before.
            assertThat(store.settings().get("marker"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(7));
            store.settings().put("marker", new byte[] {8});
        }
        try (ProfileStore reopened = alice.open()) {
            assertThat(reopened.settings().get("marker"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(8));
        }
    }

    @Test
    void a_rolled_back_transaction_leaves_the_session_as_committed() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        byte[] committed;
        try (ProfileStore store = alice.open();
                ProfileStore bobStore = bob.open()) {
            new SessionBuilder(store.signal(), bob.address()).process(SignalStoreTest.publishKeys(bobStore, bob));
            committed = store.signal().loadSession(bob.address()).serialize();

            assertThatThrownBy(() -> store.transaction(() -> {
                        encrypt(store, bob, "never sent");
                        assertThat(store.signal().loadSession(bob.address()).serialize())
                                .isNotEqualTo(committed);
                        throw new IllegalStateException("the send failed");
                    }))
                    .hasMessage("the send failed");

            assertThat(store.signal().loadSession(bob.address()).serialize()).isEqualTo(committed);
        }
        try (ProfileStore reopened = alice.open()) {
            assertThat(reopened.signal().loadSession(bob.address()).serialize()).isEqualTo(committed);
        }
    }

    @Test
    void an_undone_savepoint_keeps_the_rest_of_its_transaction() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        UUID distribution = UUID.randomUUID();
        byte[] sessionBefore;
        byte[] senderKeyBefore;
        try (ProfileStore store = alice.open();
                ProfileStore bobStore = bob.open()) {
            new SessionBuilder(store.signal(), bob.address()).process(SignalStoreTest.publishKeys(bobStore, bob));
            new GroupSessionBuilder(store.signal()).create(alice.address(), distribution);
            sessionBefore = store.signal().loadSession(bob.address()).serialize();
            senderKeyBefore =
                    store.signal().loadSenderKey(alice.address(), distribution).serialize();

            store.transaction(() -> {
                // kept: a channel message
                try {
                    new GroupCipher(store.signal(), alice.address()).encrypt(distribution, "kept".getBytes(UTF_8));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                // undone: a direct message whose handling failed
                assertThatThrownBy(() -> store.savepoint(() -> {
                            encrypt(store, bob, "undone");
                            throw new IllegalArgumentException("rejected");
                        }))
                        .hasMessage("rejected");
                assertThat(store.signal().loadSession(bob.address()).serialize())
                        .isEqualTo(sessionBefore);
            });

            assertThat(store.signal().loadSession(bob.address()).serialize()).isEqualTo(sessionBefore);
            assertThat(store.signal()
                            .loadSenderKey(alice.address(), distribution)
                            .serialize())
                    .isNotEqualTo(senderKeyBefore);
        }
        try (ProfileStore reopened = alice.open()) {
            assertThat(reopened.signal().loadSession(bob.address()).serialize()).isEqualTo(sessionBefore);
            assertThat(reopened.signal()
                            .loadSenderKey(alice.address(), distribution)
                            .serialize())
                    .isNotEqualTo(senderKeyBefore);
        }
    }

    @Test
    void writes_held_in_a_transaction_are_seen_by_its_own_queries_and_reach_the_file_at_commit() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        org.signal.libsignal.protocol.SignalProtocolAddress second =
                new org.signal.libsignal.protocol.SignalProtocolAddress(bob.accountId(), 2);
        try (ProfileStore store = alice.open();
                ProfileStore bobStore = bob.open()) {
            new SessionBuilder(store.signal(), bob.address()).process(SignalStoreTest.publishKeys(bobStore, bob));
            SessionRecord record = store.signal().loadSession(bob.address());
            long commits = store.commits();
            store.transaction(() -> {
                store.signal().storeSession(second, record);
                store.settings().put("marker", new byte[] {7});
                // a query over the whole table sees the write the transaction holds
                assertThat(store.signal().sessionDevices(bob.accountId())).containsExactly(1, 2);
                assertThat(store.settings().get("marker"))
                        .hasValueSatisfying(v -> assertThat(v).containsExactly(7));
            });
            assertThat(store.commits()).isEqualTo(commits + 1);
        }
        // Closing writes nothing held (it only forgets the kept rows): what the reopened store
        // reads, the commit wrote.
        try (ProfileStore reopened = alice.open()) {
            assertThat(reopened.signal().loadSession(second)).isNotNull();
            assertThat(reopened.settings().get("marker"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(7));
            assertThat(reopened.signal().sessionDevices(bob.accountId())).containsExactly(1, 2);
        }
    }

    @Test
    void writes_to_the_file_inside_an_undone_savepoint_are_undone_and_the_rest_commits() {
        TestProfile alice = TestProfile.create(dir, "alice");
        java.time.Instant t0 = java.time.Instant.parse("2026-11-23T10:00:00Z");
        try (ProfileStore store = alice.open()) {
            store.transaction(() -> {
                store.messages().insertIfAbsent(MessagesTest.message("dm:a", "01", t0, "kept before"));
                // a unit that writes only kept rows, then one that writes the file: both undone
                assertThatThrownBy(() -> store.savepoint(() -> {
                            store.settings().put("marker", new byte[] {1});
                            store.savepoint(() ->
                                    store.messages().insertIfAbsent(MessagesTest.message("dm:a", "02", t0, "inner")));
                            store.messages().insertIfAbsent(MessagesTest.message("dm:a", "03", t0, "outer"));
                            throw new IllegalArgumentException("rejected");
                        }))
                        .hasMessage("rejected");
                // a nested unit undone alone inside one that stays
                store.savepoint(() -> {
                    store.messages().insertIfAbsent(MessagesTest.message("dm:a", "04", t0, "kept outer"));
                    assertThatThrownBy(() -> store.savepoint(() -> {
                                store.messages().insertIfAbsent(MessagesTest.message("dm:a", "05", t0, "undone inner"));
                                throw new IllegalStateException("inner failed");
                            }))
                            .hasMessage("inner failed");
                });
                store.messages().insertIfAbsent(MessagesTest.message("dm:a", "06", t0, "kept after"));
            });
        }
        try (ProfileStore reopened = alice.open()) {
            assertThat(reopened.messages().history("dm:a", 10))
                    .extracting(StoredMessage::ref)
                    .containsExactlyInAnyOrder("01", "04", "06");
            assertThat(reopened.settings().get("marker")).isEmpty();
        }
    }

    @Test
    void a_savepoint_needs_a_transaction() {
        TestProfile alice = TestProfile.create(dir, "alice");
        try (ProfileStore store = alice.open()) {
            assertThatThrownBy(() -> store.savepoint(() -> {})).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void a_deleted_session_is_gone_from_memory_too() throws Exception {
        TestProfile alice = TestProfile.create(dir, "alice");
        TestProfile bob = TestProfile.create(dir, "bob");
        try (ProfileStore store = alice.open();
                ProfileStore bobStore = bob.open()) {
            new SessionBuilder(store.signal(), bob.address()).process(SignalStoreTest.publishKeys(bobStore, bob));
            SessionRecord loaded = store.signal().loadSession(bob.address());
            assertThat(loaded).isNotNull();
            store.signal().deleteSession(bob.address());
            assertThat(store.signal().loadSession(bob.address())).isNull();
            assertThat(store.signal().containsSession(bob.address())).isFalse();

            new SessionBuilder(store.signal(), bob.address()).process(SignalStoreTest.publishKeys(bobStore, bob));
            store.signal().deleteAllSessions(bob.accountId());
            assertThat(store.signal().loadSession(bob.address())).isNull();
        }
    }

    private static void encrypt(ProfileStore store, TestProfile to, String text) {
        try {
            new SessionCipher(store.signal(), to.address()).encrypt(text.getBytes(UTF_8));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
