// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.signal.libsignal.protocol.IdentityKey;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.ecc.ECKeyPair;
import org.signal.libsignal.protocol.groups.GroupSessionBuilder;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SessionRecord;

class ProfileStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00.25Z");

    @TempDir
    Path dir;

    private static final SignalProtocolAddress BOB = new SignalProtocolAddress("nxl:bob", 2);
    private static final UUID CHANNEL = UUID.fromString("6f1c2b1e-5a43-4c56-9a59-0d4b8f0b3c11");

    private record Filled(IdentityKey bobKey, byte[] session, byte[] senderKey) {}

    private static Filled fillEveryTable(ProfileStore store, TestProfile profile) {
        IdentityKey bobKey = new IdentityKey(ECKeyPair.generate().getPublicKey());
        store.signal().saveIdentity(BOB, bobKey);
        SessionRecord session = new SessionRecord();
        store.signal().storeSession(BOB, session);
        SignalStoreTest.publishKeys(store, profile);
        store.signal().storePreKey(8, new PreKeyRecord(8, ECKeyPair.generate()));
        new GroupSessionBuilder(store.signal()).create(profile.address(), CHANNEL);
        store.contacts().save(new Contact("nxl:bob", Optional.of("Bob"), true, Optional.of(T0)));
        store.conversations().save(new Conversation("dm:nxl:bob", ConversationType.DIRECT, "Bob", T0));
        store.messages()
                .insertIfAbsent(new StoredMessage(
                        "dm:nxl:bob",
                        "0a0b",
                        "nxl:bob",
                        2,
                        Direction.IN,
                        1,
                        T0,
                        T0.plusSeconds(1),
                        "hello",
                        Optional.empty(),
                        Optional.empty(),
                        false));
        store.cursors().put("https://c.example", "ch:" + CHANNEL, 99);
        store.settings().putLong("prekey.next_id", 9);
        return new Filled(
                bobKey,
                session.serialize(),
                store.signal().loadSenderKey(profile.address(), CHANNEL).serialize());
    }

    private static void assertEveryTable(ProfileStore store, TestProfile profile, Filled filled) throws Exception {
        assertThat(store.signal().identity(BOB)).contains(filled.bobKey());
        assertThat(store.signal().loadSession(BOB).serialize()).isEqualTo(filled.session());
        assertThat(store.signal().preKeyIds()).containsExactly(7, 8);
        assertThat(store.signal().loadSignedPreKey(1).getId()).isEqualTo(1);
        assertThat(store.signal().kyberPreKeyIds()).containsExactly(9, 10);
        assertThat(store.signal().lastResortKyberPreKeyIds()).containsExactly(10);
        assertThat(store.signal().loadSenderKey(profile.address(), CHANNEL).serialize())
                .isEqualTo(filled.senderKey());
        assertThat(store.contacts().find("nxl:bob"))
                .contains(new Contact("nxl:bob", Optional.of("Bob"), true, Optional.of(T0)));
        assertThat(store.conversations().list())
                .containsExactly(new Conversation("dm:nxl:bob", ConversationType.DIRECT, "Bob", T0));
        assertThat(store.messages().history("dm:nxl:bob", 10))
                .extracting(StoredMessage::text)
                .containsExactly("hello");
        assertThat(store.cursors().get("https://c.example", "ch:" + CHANNEL)).isEqualTo(99);
        assertThat(store.settings().getLong("prekey.next_id", 0)).isEqualTo(9);
    }

    @Test
    void every_table_reads_back_after_reopening_with_the_same_key() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        Filled filled;
        try (ProfileStore store = profile.open()) {
            filled = fillEveryTable(store, profile);
            assertEveryTable(store, profile, filled);
        }
        try (ProfileStore store = profile.open()) {
            assertEveryTable(store, profile, filled);
        }
    }

    @Test
    void a_new_store_is_owner_only_in_wal_mode_at_the_latest_schema() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        profile.open().close();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile.file())))
                .isEqualTo("rw-------");
        try (Connection c = raw(profile.file());
                Statement s = c.createStatement()) {
            assertThat(single(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(single(s, "SELECT max(version) FROM schema_version"))
                    .isEqualTo(Integer.toString(SchemaMigrator.latest()));
        }
    }

    @Test
    void the_wrong_key_is_refused_and_the_file_is_unchanged() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        Filled filled;
        try (ProfileStore store = profile.open()) {
            filled = fillEveryTable(store, profile);
        }
        byte[] before = Files.readAllBytes(profile.file());
        DeviceKeyPair other = DeviceKeyPair.generate();

        assertThatThrownBy(() -> ProfileStore.open(profile.file(), StoreKey.derive(other), other.asIdentityKeyPair()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot be opened with this key");

        assertThat(Files.readAllBytes(profile.file())).isEqualTo(before);
        assertThat(Files.exists(Path.of(profile.file() + "-wal"))).isFalse();
        try (ProfileStore store = profile.open()) {
            assertEveryTable(store, profile, filled);
        }
    }

    @Test
    void the_right_key_with_another_identity_is_refused() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        profile.open().close();
        byte[] before = Files.readAllBytes(profile.file());

        assertThatThrownBy(() -> ProfileStore.open(
                        profile.file(), profile.key(), DeviceKeyPair.generate().asIdentityKeyPair()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("another device identity");
        assertThat(Files.readAllBytes(profile.file())).isEqualTo(before);
    }

    @Test
    void a_file_that_is_not_sqlite_is_refused_and_left_alone() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        byte[] junk = "this is not a database, just a text file that is long enough to have a header"
                .repeat(20)
                .getBytes();
        Files.write(profile.file(), junk);

        assertThatThrownBy(profile::open)
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not a SQLite database");
        assertThat(Files.readAllBytes(profile.file())).isEqualTo(junk);
    }

    @Test
    void another_sqlite_database_is_refused_and_left_alone() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        try (Connection c = raw(profile.file());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (text TEXT)");
            s.execute("INSERT INTO notes VALUES ('keep me')");
        }
        byte[] before = Files.readAllBytes(profile.file());

        assertThatThrownBy(profile::open)
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("not a NexusLink profile store");
        assertThat(Files.readAllBytes(profile.file())).isEqualTo(before);
    }

    @Test
    void a_store_from_a_newer_client_is_refused() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        profile.open().close();
        try (Connection c = raw(profile.file());
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version VALUES (99, 'future', 'x')");
        }

        assertThatThrownBy(profile::open).isInstanceOf(StoreException.class).hasMessageContaining("schema version 99");
    }

    @Test
    void an_edited_released_migration_is_refused() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        profile.open().close();
        try (Connection c = raw(profile.file());
                Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 1");
        }

        assertThatThrownBy(profile::open).isInstanceOf(StoreException.class).hasMessageContaining("was edited");
    }

    @Test
    void a_sealed_value_moved_to_another_row_does_not_open() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            store.messages().insertIfAbsent(MessagesTest.message("dm:nxl:a", "1", T0, "to a"));
            store.messages().insertIfAbsent(MessagesTest.message("dm:nxl:b", "1", T0, "to b"));
            store.settings().put("x", new byte[] {1});
            store.settings().put("y", new byte[] {2});
        }
        try (Connection c = raw(profile.file());
                Statement s = c.createStatement()) {
            s.execute("UPDATE messages SET body = (SELECT body FROM messages WHERE seq = 2) WHERE seq = 1");
            s.execute("UPDATE settings SET v = (SELECT max(v) FROM settings)");
        }
        try (ProfileStore store = profile.open()) {
            assertThat(store.messages().find("dm:nxl:b", "1").orElseThrow().text())
                    .isEqualTo("to b");
            assertThatThrownBy(() -> store.messages().find("dm:nxl:a", "1"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("does not open");
            // exactly one of the two settings still holds its own value
            int opened = 0;
            for (String key : List.of("x", "y")) {
                try {
                    store.settings().get(key);
                    opened++;
                } catch (StoreException e) {
                    assertThat(e).hasMessageContaining("settings.v");
                }
            }
            assertThat(opened).isEqualTo(1);
        }
    }

    @Test
    void a_transaction_commits_together_or_not_at_all() {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            assertThatThrownBy(() -> store.transaction(() -> {
                        store.settings().putLong("a", 1);
                        store.messages().insertIfAbsent(MessagesTest.message("dm:nxl:a", "1", T0, "lost"));
                        throw new IllegalStateException("network failed");
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("network failed");

            assertThat(store.settings().get("a")).isEmpty();
            assertThat(store.messages().find("dm:nxl:a", "1")).isEmpty();

            store.transaction(() -> {
                store.settings().putLong("a", 2);
                store.cursors().put("s", "ch:x", 5);
            });
            assertThat(store.settings().getLong("a", 0)).isEqualTo(2);
            assertThat(store.cursors().get("s", "ch:x")).isEqualTo(5);
        }
    }

    @Test
    void a_closed_store_refuses_work() {
        TestProfile profile = TestProfile.create(dir, "p");
        ProfileStore store = profile.open();
        store.close();
        store.close();

        assertThatThrownBy(() -> store.settings().get("a"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void a_missing_directory_is_a_clear_error() {
        DeviceKeyPair device = DeviceKeyPair.generate();
        assertThatThrownBy(() -> ProfileStore.open(
                        dir.resolve("nope/p.db"), StoreKey.derive(device), device.asIdentityKeyPair()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("does not exist");
        assertThat(Files.exists(dir.resolve("nope"))).isFalse();
    }

    @Test
    void several_threads_write_at_once_and_nothing_is_lost() throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        int threads = 8;
        int perThread = 50;
        try (ProfileStore store = profile.open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        store.messages()
                                .insertIfAbsent(
                                        MessagesTest.message("ch:shared", thread + "-" + i, T0.plusMillis(i), "m"));
                        store.cursors().put("s", "ch:shared", (long) i * threads + thread);
                        store.settings().putLong("thread." + thread, i);
                        SignalProtocolAddress address = new SignalProtocolAddress("nxl:peer" + thread, 1);
                        store.signal()
                                .saveIdentity(
                                        address,
                                        new IdentityKey(ECKeyPair.generate().getPublicKey()));
                        store.signal()
                                .storePreKey(
                                        thread * 1000 + i, new PreKeyRecord(thread * 1000 + i, ECKeyPair.generate()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(store.messages().history("ch:shared", 10_000)).hasSize(threads * perThread);
            assertThat(store.cursors().get("s", "ch:shared")).isEqualTo((long) (perThread - 1) * threads + threads - 1);
            for (int t = 0; t < threads; t++) {
                assertThat(store.settings().getLong("thread." + t, -1)).isEqualTo(perThread - 1);
            }
            assertThat(store.signal().preKeyIds()).hasSize(threads * perThread);
        }
    }

    static Connection raw(Path file) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    private static String single(Statement s, String sql) throws Exception {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }
}
