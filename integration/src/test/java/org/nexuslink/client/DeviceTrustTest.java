// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * Devices are the identity key's to add and remove, as clients see it (issue 18, item 3): a
 * revoked device gets no copy even from a server that lists it again and hides the revocation,
 * and a device id that comes back with a new certified key brings a warning, not a blocked
 * account. Real profiles and a real server, on SQLite and PostgreSQL.
 */
class DeviceTrustTest {
    private static final String[] PREKEY_TABLES = {"signed_prekeys", "kyber_prekeys", "prekeys"};

    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    private static long queuedFor(Database database, String account, int device) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue "
                                + "WHERE recipient_account = :account AND recipient_device = :device")
                        .bind("account", account)
                        .bind("device", device)
                        .mapTo(Long.class)
                        .one());
    }

    private static RefusedException gatewayRefusal(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof RefusedException g) {
                return g;
            }
        }
        throw new AssertionError("not a refusal by the server", thrown);
    }

    @DatabaseTest
    void a_server_that_hides_a_revocation_gets_no_copy_for_the_revoked_device(DatabaseUrl url, Database database)
            throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of());
                TestProfile stolen = TestProfile.linked(dir.resolve("bob-laptop"), members.bob(), 2);
                TestProfile tablet = TestProfile.linked(dir.resolve("bob-tablet"), members.bob(), 3)) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            bob.client.registerDevice(stolen.keys.certificate());
            stolen.joinAndConnect(members.community(), "");
            // The operator keeps the stolen device's prekeys aside, to hand its bundle out later.
            database.inTransaction(h -> {
                for (String table : PREKEY_TABLES) {
                    h.execute("CREATE TABLE kept_" + table + " AS SELECT * FROM " + table + " WHERE account_id = '"
                            + bob.id() + "' AND device_id = 2");
                }
                return null;
            });

            bob.client.removeDevice(2);
            // Alice's first message fetches Bob's bundles, and with them the revocation.
            alice.client.sendText(bob.dm(), "before the operator turned", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("before the operator turned");

            // The hostile operator lists the revoked device again and stops serving the revocation;
            // Bob linking a tablet makes the server reload his device list.
            database.inTransaction(h -> {
                h.execute(
                        "UPDATE devices SET revoked_at = NULL WHERE account_id = '" + bob.id() + "' AND device_id = 2");
                h.execute("DELETE FROM device_revocations");
                for (String table : PREKEY_TABLES) {
                    h.execute("INSERT INTO " + table + " SELECT * FROM kept_" + table);
                }
                return null;
            });
            bob.client.registerDevice(tablet.keys.certificate());
            tablet.joinAndConnect(members.community(), "");

            assertThatThrownBy(() -> alice.client.sendText(bob.dm(), "for the stolen laptop", Optional.empty()))
                    .as("the server insists on the revoked device, the client refuses to write to it")
                    .satisfies(e -> assertThat(gatewayRefusal(e).code()).isEqualTo(ErrorCode.STALE_DEVICES))
                    .satisfies(e -> assertThat(gatewayRefusal(e).detail()).contains(bob.id() + ":2"));
            assertThat(queuedFor(database, bob.id(), 2))
                    .as("no copy for the revoked device")
                    .isZero();
            assertThat(alice.client.store().signal().containsSession(new SignalProtocolAddress(bob.id(), 2)))
                    .as("no session with the revoked key")
                    .isFalse();
        }
    }

    @DatabaseTest
    void a_device_id_that_reappears_with_a_new_key_brings_a_warning_and_messages_still_flow(DatabaseUrl url)
            throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of())) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.sendText(bob.dm(), "hello bob", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("hello bob");
            bob.client.sendText(alice.dm(), "hello alice", Optional.empty());
            assertThat(alice.next().text()).isEqualTo("hello alice");

            // Bob loses his phone, leaves, and restores his account from the mnemonic on a new one:
            // device 1 again, with a new key certified by the same identity key.
            bob.client.perform(ApiRoute.MEMBER_REMOVE, null, bob.id());
            try (TestProfile restored = TestProfile.restored(dir.resolve("bob-restored"), bob)) {
                restored.joinAndConnect(members.community(), "bob");
                restored.client.sendText(alice.dm(), "it is me, on a new phone", Optional.empty());

                StoredMessage read = alice.next();
                assertThat(read.text()).isEqualTo("it is me, on a new phone");
                assertThat(alice.keyChanges.poll(TestProfile.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                        .isEqualTo(bob.id() + ":1");
                assertThat(alice.rejected).isEmpty();

                alice.client.sendText(bob.dm(), "welcome back", Optional.empty());
                assertThat(restored.next().text()).isEqualTo("welcome back");
                assertThat(alice.keyChanges).as("one warning per change").isEmpty();
            }
        }
    }
}
