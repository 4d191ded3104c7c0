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
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.DebugLogs;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/**
 * Channel messages with Sender Keys between three real client profiles through a real server,
 * on both databases: everyone reads everyone, replies and revokes, a moderator's deletion erases
 * every reader's copy, and a member taken off a
 * private channel cannot read what is written after, even once back on the list (the writers
 * started new sender keys without her).
 */
class ChannelConversationTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @RegisterExtension
    final DebugLogs logs = new DebugLogs();

    @DatabaseTest
    void three_members_chat_and_a_removed_member_cannot_read_later_messages(DatabaseUrl url) throws Exception {
        try (TestProfile alice = TestProfile.create(dir.resolve("alice"), clock);
                TestProfile bob = TestProfile.create(dir.resolve("bob"), clock);
                TestProfile carol = TestProfile.create(dir.resolve("carol"), clock);
                TestServer server = TestServer.start(
                        url,
                        clock,
                        Map.of(
                                "NEXUSLINK_COMMUNITY_ADMIN_UUID",
                                alice.id(),
                                "NEXUSLINK_SERVER_DATA_DIR",
                                dir.resolve("server").toString()))) {
            URI community = URI.create("http://127.0.0.1:" + server.port());
            alice.joinAndConnect(community, "alice");
            bob.joinAndConnect(community, "bob");
            carol.joinAndConnect(community, "carol");
            String channelId = alice.client
                    .request(
                            ApiRoute.CHANNEL_CREATE,
                            new ChannelsApi.CreateRequest("ops", null, null, true, null, null),
                            ChannelsApi.ChannelView.class)
                    .id();
            Conversation ops = Conversation.parse("ch:" + channelId);
            alice.client.perform(ApiRoute.CHANNEL_MEMBER_ADD, null, channelId, bob.id());
            alice.client.perform(ApiRoute.CHANNEL_MEMBER_ADD, null, channelId, carol.id());

            StoredMessage first = alice.client.sendText(ops, "ops: the lighthouse is dark", Optional.empty());
            assertThat(first.ref()).isEqualTo("1");
            assertThat(bob.next().text()).isEqualTo("ops: the lighthouse is dark");
            assertThat(carol.next().text()).isEqualTo("ops: the lighthouse is dark");

            bob.client.sendText(ops, "bob: relighting it", Optional.of(MessageRef.of(first)));
            StoredMessage reply = alice.next();
            assertThat(reply.text()).isEqualTo("bob: relighting it");
            assertThat(reply.replyTo()).contains("1");
            assertThat(reply.senderAccount()).isEqualTo(bob.id());
            assertThat(carol.next().text()).isEqualTo("bob: relighting it");

            carol.client.sendText(ops, "carol: typo, ignore", Optional.empty());
            String typo = alice.next().ref();
            assertThat(bob.next().ref()).isEqualTo(typo);
            carol.client.revoke(ops, MessageRef.parse(ops, typo));
            assertThat(alice.revoked.poll(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(ops.id() + "/" + typo);
            assertThat(bob.revoked.poll(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(ops.id() + "/" + typo);
            assertThat(alice.client.history(ops, 10).stream()
                            .filter(m -> m.ref().equals(typo))
                            .findFirst()
                            .orElseThrow()
                            .revoked())
                    .isTrue();

            // A moderator deletes Bob's reply: every reader's copy is erased, not just hidden.
            alice.client.perform(ApiRoute.CHANNEL_EVENT_DELETE, null, channelId, reply.ref());
            assertThat(bob.revoked.poll(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(ops.id() + "/" + reply.ref());
            assertThat(carol.revoked.poll(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo(ops.id() + "/" + reply.ref());
            StoredMessage erased = carol.client.history(ops, 10).stream()
                    .filter(m -> m.ref().equals(reply.ref()))
                    .findFirst()
                    .orElseThrow();
            assertThat(erased.revoked()).isTrue();
            assertThat(erased.text()).isEmpty();

            alice.client.perform(ApiRoute.CHANNEL_MEMBER_REMOVE, null, channelId, carol.id());
            alice.client.sendText(ops, "ops: after carol left, the key is under the mat", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("ops: after carol left, the key is under the mat");
            carol.assertNothingMore();

            // Back on the list, Carol catches up on the event but holds no key that opens it.
            alice.client.perform(ApiRoute.CHANNEL_MEMBER_ADD, null, channelId, carol.id());
            carol.close();
            carol.reopen();
            carol.client.connect();
            alice.client.sendText(ops, "ops: welcome back", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("ops: welcome back");
            assertThat(carol.next().text()).isEqualTo("ops: welcome back");
            assertThat(carol.client.conversations())
                    .filteredOn(c -> c.conversation().equals(ops))
                    .extracting(ConversationSummary::title)
                    .as("named by the channel list")
                    .containsExactly("ops");
            assertThat(carol.client.history(ops, 20))
                    .extracting(StoredMessage::text)
                    .doesNotContain("ops: after carol left, the key is under the mat");

            assertThat(logs.text()).contains("websocket open");
            PlaintextSearch.assertAbsent(
                    List.of(
                            "lighthouse is dark",
                            "relighting it",
                            "typo, ignore",
                            "key is under the mat",
                            "welcome back"),
                    PlaintextSearch.serverDatabase(url),
                    PlaintextSearch.filesUnder(dir),
                    PlaintextSearch.filesUnder(logs.file().getParent()));
        }
    }
}
