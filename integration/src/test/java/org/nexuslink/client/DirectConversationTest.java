// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.DebugLogs;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/**
 * Direct messages between real client profiles through a real server, on both databases: both
 * ways, replies, offline delivery to a restarted client, revokes, a second device of one account
 * (which the sender learns of from the server's stale-devices answer), and none of the
 * plaintexts in the server's database files or the clients' stores.
 */
class DirectConversationTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @RegisterExtension
    final DebugLogs logs = new DebugLogs();

    @DatabaseTest
    void two_accounts_talk_both_ways_online_offline_and_across_devices(DatabaseUrl url) throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of())) {
            TestServer server = members.server();
            URI community = members.community();
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.connect();
            assertThat(server.metrics())
                    .as("connecting again while connected opens no second connection")
                    .contains("nexuslink_ws_connections_active 2.0");
            assertThat(alice.client.devices().devices().get(0).deviceType()).isEqualTo(NexusClient.DEFAULT_DEVICE_TYPE);
            assertThat(alice.client.devices().devices().get(0).os())
                    .isEqualTo(System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT));

            StoredMessage hello =
                    alice.client.sendText(bob.dm(), "hello bob, the pelican flies at noon", Optional.empty());
            StoredMessage read = bob.next();
            assertThat(read.text()).isEqualTo("hello bob, the pelican flies at noon");
            assertThat(read.conversationId()).isEqualTo(alice.dm().id());
            assertThat(read.ref()).isEqualTo(hello.ref());
            assertThat(read.direction()).isEqualTo(Direction.IN);
            assertThat(read.senderAccount()).isEqualTo(alice.id());
            assertThat(bob.client.store().contacts().find(alice.id()))
                    .as("a new correspondent is an unverified contact")
                    .hasValueSatisfying(c -> assertThat(c.verified()).isFalse());

            bob.client.sendText(alice.dm(), "noted, the heron waits", Optional.of(MessageRef.of(read)));
            StoredMessage reply = alice.next();
            assertThat(reply.text()).isEqualTo("noted, the heron waits");
            assertThat(reply.replyTo()).contains(hello.ref());

            bob.close();
            for (int i = 1; i <= 3; i++) {
                alice.client.sendText(bob.dm(), "while you were away " + i, Optional.empty());
            }
            bob.reopen();
            bob.client.connect();
            assertThat(bob.nextTexts(3))
                    .containsExactly("while you were away 1", "while you were away 2", "while you were away 3");
            bob.assertNothingMore();

            alice.client.revoke(bob.dm(), MessageRef.of(hello));
            assertThat(bob.revoked.poll(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(alice.dm().id() + "/" + hello.ref());
            List<StoredMessage> history = bob.client.history(alice.dm(), 10);
            assertThat(history).extracting(StoredMessage::text).contains("noted, the heron waits");
            assertThat(history.stream()
                            .filter(m -> m.ref().equals(hello.ref()))
                            .findFirst()
                            .orElseThrow()
                            .revoked())
                    .isTrue();

            StoredMessage late = alice.client.sendText(bob.dm(), "too late to take back", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("too late to take back");
            clock.advance(java.time.Duration.ofMinutes(3));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> alice.client.revoke(bob.dm(), MessageRef.of(late)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("revoke window");
            assertThat(alice.client.history(bob.dm(), 1).getFirst().revoked())
                    .as("nothing changed")
                    .isFalse();

            // Alice links a second device; Bob's next message reaches both (after the server told
            // his client that a device was missing), and Alice's own message reaches her other device.
            try (TestProfile aliceLaptop = TestProfile.linked(dir.resolve("alice-laptop"), alice, 2)) {
                alice.client.registerDevice(aliceLaptop.keys.certificate());
                aliceLaptop.joinAndConnect(community, "");
                bob.client.sendText(alice.dm(), "to every device of yours", Optional.empty());
                assertThat(alice.next().text()).isEqualTo("to every device of yours");
                assertThat(aliceLaptop.next().text()).isEqualTo("to every device of yours");

                alice.client.sendText(bob.dm(), "sent from my phone", Optional.empty());
                assertThat(bob.next().text()).isEqualTo("sent from my phone");
                StoredMessage copy = aliceLaptop.next();
                assertThat(copy.text()).isEqualTo("sent from my phone");
                assertThat(copy.conversationId())
                        .as("filed under the conversation with Bob")
                        .isEqualTo(bob.dm().id());
                assertThat(copy.direction()).isEqualTo(Direction.OUT);

                alice.client.removeDevice(2);
                bob.client.sendText(alice.dm(), "only the phone now", Optional.empty());
                assertThat(alice.next().text()).isEqualTo("only the phone now");
                aliceLaptop.assertNothingMore();
                assertThat(aliceLaptop.client.isConnected())
                        .as("the removed device was disconnected")
                        .isFalse();
                assertThat(aliceLaptop.removed.poll(
                                TestProfile.WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                        .as("the removed device was told so")
                        .isNotNull();
            }

            assertThat(logs.text()).contains("websocket open");
            PlaintextSearch.assertAbsent(
                    List.of(
                            "pelican flies",
                            "heron waits",
                            "while you were away",
                            "every device of yours",
                            "sent from my phone",
                            "only the phone now",
                            "too late to take back"),
                    PlaintextSearch.serverDatabase(url),
                    PlaintextSearch.filesUnder(dir),
                    PlaintextSearch.filesUnder(logs.file().getParent()));
        }
    }
}
