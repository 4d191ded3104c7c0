// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.community.GatewayConnection;
import org.nexuslink.client.content.Content;
import org.nexuslink.client.content.Payload;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Tag;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.DebugLogs;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/**
 * Channel revokes and the channel binding of Sender Keys ciphertext (docs/client.md, "Channels"),
 * attacked end to end through a real server: a member forging the encrypted target of a revoke,
 * a server relaying a revoke it should have refused, and a server copying a ciphertext from one
 * channel into another. Alice is the community's admin; Bob and Carol are members.
 */
class ChannelRevokeTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @RegisterExtension
    final DebugLogs logs = new DebugLogs();

    @DatabaseTest
    void a_writer_cannot_revoke_another_members_message_with_a_forged_inner_target(DatabaseUrl url) throws Exception {
        try (Community c = Community.start(url, clock, dir)) {
            long bobs = Long.parseLong(c.bob.client
                    .sendText(c.general, "bob: the plan", Optional.empty())
                    .ref());
            c.alice.next();
            c.carol.next();
            long carols = Long.parseLong(c.carol
                    .client
                    .sendText(c.general, "carol: ok", Optional.empty())
                    .ref());
            c.alice.next();
            c.bob.next();

            // Carol tags her own message, which the server lets her revoke, and names Bob's inside.
            c.carol.close();
            try (ForgingWriter carol = new ForgingWriter(c.carol);
                    HostileServer log = HostileServer.on(url);
                    GatewayConnection gateway = c.connectAs(c.carol)) {
                Event earlier = log.event(c.channel, carols);
                gateway.request(
                        Command.SEND_EVENT,
                        carol.event(
                                c.channel,
                                earlier,
                                Payload.of(new Content.Revoke(Long.toString(bobs)), Instant.now())
                                        .inChannel(c.channel),
                                List.of(new Tag.Revoke(new MessageId(carols)))));
                gateway.request(
                        Command.SEND_EVENT,
                        carol.event(
                                c.channel,
                                earlier,
                                Payload.of(new Content.Text("carol: marker", Optional.empty()), Instant.now())
                                        .inChannel(c.channel),
                                List.of()));
            }

            // The marker came after the forged revoke: by now the readers have handled both.
            assertThat(c.alice.next().text()).isEqualTo("carol: marker");
            assertThat(c.bob.next().text()).isEqualTo("carol: marker");
            assertThat(c.alice.revoked).isEmpty();
            assertThat(c.bob.revoked).isEmpty();
            for (TestProfile reader : List.of(c.alice, c.bob)) {
                assertThat(reader.client.history(c.general, 10))
                        .filteredOn(StoredMessage::revoked)
                        .isEmpty();
                assertThat(reader.client.history(c.general, 10))
                        .extracting(StoredMessage::text)
                        .contains("bob: the plan", "carol: ok");
            }
        }
    }

    @DatabaseTest
    void a_revoke_of_another_members_message_relayed_by_a_lying_server_is_not_applied(DatabaseUrl url)
            throws Exception {
        try (Community c = Community.start(url, clock, dir)) {
            long bobs = Long.parseLong(c.bob.client
                    .sendText(c.general, "bob: the plan", Optional.empty())
                    .ref());
            c.alice.next();
            c.carol.next();
            long carols = Long.parseLong(c.carol
                    .client
                    .sendText(c.general, "carol: ok", Optional.empty())
                    .ref());
            c.alice.next();
            c.bob.next();

            c.carol.close();
            try (ForgingWriter carol = new ForgingWriter(c.carol);
                    HostileServer log = HostileServer.on(url);
                    GatewayConnection gateway = c.connectAs(c.carol)) {
                Event forged = carol.event(
                        c.channel,
                        log.event(c.channel, carols),
                        Payload.of(new Content.Revoke(Long.toString(bobs)), Instant.now())
                                .inChannel(c.channel),
                        List.of(new Tag.Revoke(new MessageId(bobs))));
                // An honest server refuses it: Carol is neither the author nor a moderator...
                assertThatThrownBy(() -> gateway.request(Command.SEND_EVENT, forged))
                        .isInstanceOfSatisfying(
                                RefusedException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
                // ...a lying one stores and relays it anyway.
                log.append(forged, c.carol.id());
            }

            c.alice.close();
            c.alice.reopen();
            c.alice.client.connect(); // catches the relayed revoke up before it returns
            assertThat(c.alice.revoked).isEmpty();
            assertThat(c.alice.client.history(c.general, 10))
                    .filteredOn(m -> m.ref().equals(Long.toString(bobs)))
                    .singleElement()
                    .satisfies(m -> {
                        assertThat(m.revoked()).isFalse();
                        assertThat(m.text()).isEqualTo("bob: the plan");
                    });
        }
    }

    @DatabaseTest
    void a_sender_key_ciphertext_replayed_into_another_channel_is_refused(DatabaseUrl url) throws Exception {
        try (Community c = Community.start(url, clock, dir)) {
            c.alice.client.sendText(c.general, "general: hello", Optional.empty());
            assertThat(c.bob.next().text()).isEqualTo("general: hello");
            c.carol.next();
            UUID vault = UUID.fromString(c.alice
                    .client
                    .request(
                            ApiRoute.CHANNEL_CREATE,
                            new ChannelsApi.CreateRequest("vault", null, null, true, null, null),
                            ChannelsApi.ChannelView.class)
                    .id());
            c.alice.client.perform(ApiRoute.CHANNEL_MEMBER_ADD, null, vault, c.bob.id());

            // Bob is offline while Alice writes in the private channel. The server copies her
            // ciphertext into the public channel, as hers, and withholds the original (a ciphertext
            // Bob had read would fail as a repeat, and catch-up order is the server's to choose).
            c.bob.close();
            long secret = Long.parseLong(c.alice
                    .client
                    .sendText(Conversation.parse("ch:" + vault), "vault: the code is 1234", Optional.empty())
                    .ref());
            try (HostileServer log = HostileServer.on(url)) {
                Event original = log.event(vault, secret);
                log.append(Event.of(ConversationId.of(c.channel), Kind.TEXT, original.data()), c.alice.id());
                log.withhold(vault, secret);
            }

            c.bob.reopen();
            c.bob.client.connect(); // catches the copy up before it returns
            assertThat(c.bob.received).isEmpty();
            assertThat(c.bob.client.history(c.general, 10))
                    .extracting(StoredMessage::text)
                    .containsExactly("general: hello");
            assertThat(c.bob.client.history(Conversation.parse("ch:" + vault), 10))
                    .isEmpty();
        }
    }

    @DatabaseTest
    void an_admin_revokes_another_members_message_for_every_reader(DatabaseUrl url) throws Exception {
        try (Community c = Community.start(url, clock, dir)) {
            StoredMessage bobs = c.bob.client.sendText(c.general, "bob: off topic", Optional.empty());
            c.alice.next();
            c.carol.next();
            c.alice.client.revoke(c.general, MessageRef.of(bobs));
            assertThat(c.bob.revoked.poll(TestProfile.WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(c.general.id() + "/" + bobs.ref());
            assertThat(c.carol.revoked.poll(TestProfile.WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isEqualTo(c.general.id() + "/" + bobs.ref());
            assertThat(c.carol.client.history(c.general, 10))
                    .singleElement()
                    .satisfies(m -> assertThat(m.revoked()).isTrue());
        }
    }

    /** A server with Alice (its admin), Bob and Carol joined and connected, and a public channel. */
    private record Community(
            TestServer server,
            URI uri,
            TestProfile alice,
            TestProfile bob,
            TestProfile carol,
            UUID channel,
            Conversation general)
            implements AutoCloseable {

        static Community start(DatabaseUrl url, MutableClock clock, Path dir) throws Exception {
            TestProfile alice = TestProfile.create(dir.resolve("alice"), clock);
            TestProfile bob = TestProfile.create(dir.resolve("bob"), clock);
            TestProfile carol = TestProfile.create(dir.resolve("carol"), clock);
            TestServer server = TestServer.start(
                    url,
                    clock,
                    Map.of(
                            "NEXUSLINK_COMMUNITY_ADMIN_UUID",
                            alice.id(),
                            "NEXUSLINK_SERVER_DATA_DIR",
                            dir.resolve("server").toString()));
            URI uri = URI.create("http://127.0.0.1:" + server.port());
            alice.joinAndConnect(uri, "alice");
            bob.joinAndConnect(uri, "bob");
            carol.joinAndConnect(uri, "carol");
            UUID channel = UUID.fromString(alice.client
                    .request(
                            ApiRoute.CHANNEL_CREATE,
                            new ChannelsApi.CreateRequest("general", null, null, null, null, null),
                            ChannelsApi.ChannelView.class)
                    .id());
            return new Community(server, uri, alice, bob, carol, channel, Conversation.parse("ch:" + channel));
        }

        /** A bare gateway connection as {@code profile}'s device, its pushes ignored. */
        GatewayConnection connectAs(TestProfile profile) throws Exception {
            CommunityApi api = new CommunityApi(uri).trustOnFirstUse();
            String token = api.authenticate(
                            profile.id(), profile.keys.certificate().deviceId().value(), profile.keys.deviceKey())
                    .token();
            return GatewayConnection.open(api.http(), api.webSocketUri(), token, push -> {}, (code, reason) -> {});
        }

        @Override
        public void close() {
            try {
                carol.close();
                bob.close();
                alice.close();
            } finally {
                server.close();
            }
        }
    }
}
