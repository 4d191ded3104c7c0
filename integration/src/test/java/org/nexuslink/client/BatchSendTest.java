// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.store.Direction;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestServer;

/**
 * Texts queued while the client is busy go out together: their copies are encrypted in one
 * transaction, committed before any leaves, and sent without waiting for each other's answers.
 * Every one arrives, in order, on every device of the recipient and of the sender; one that cannot
 * be sent fails alone.
 */
class BatchSendTest {
    private static final int COUNT = 100;

    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @DatabaseTest
    void texts_queued_together_share_commits_and_arrive_in_order(DatabaseUrl url) throws Exception {
        try (TwoMembers members = TwoMembers.joinedWithoutFloodLimits(url, clock, dir);
                TestProfile nobody = TestProfile.create(dir.resolve("nobody"), clock)) {
            URI community = members.community();
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.sendText(bob.dm(), "hello", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("hello");

            try (TestProfile laptop = TestProfile.linked(dir.resolve("alice-laptop"), alice, 2);
                    TestProfile bobLaptop = TestProfile.linked(dir.resolve("bob-laptop"), bob, 2)) {
                alice.client.registerDevice(laptop.keys.certificate());
                laptop.joinAndConnect(community, "");
                // Alice learns of Bob's laptop only from the server's stale_devices answers to the
                // burst's messages, each of which is then sent again alone.
                bob.client.registerDevice(bobLaptop.keys.certificate());
                bobLaptop.joinAndConnect(community, "");

                long commitsBefore = alice.client.store().commits();
                List<CompletableFuture<StoredMessage>> sent = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                CompletableFuture<StoredMessage> toNobody = null;
                for (int i = 1; i <= COUNT; i++) {
                    if (i == COUNT / 2) {
                        toNobody = alice.client.sendTextAsync(
                                nobody.dm(), "to an account that never joined", Optional.empty());
                    }
                    texts.add("burst " + i);
                    sent.add(alice.client.sendTextAsync(bob.dm(), "burst " + i, Optional.empty()));
                }

                List<String> refs = new ArrayList<>();
                for (CompletableFuture<StoredMessage> future : sent) {
                    refs.add(future.get(TestProfile.WAIT.toSeconds(), TimeUnit.SECONDS)
                            .ref());
                }
                assertThat(toNobody).failsWithin(TestProfile.WAIT);
                long commits = alice.client.store().commits() - commitsBefore;
                assertThat(commits)
                        .as("commits for %d messages sent together", COUNT)
                        .isLessThan(COUNT / 4);

                assertThat(bob.nextTexts(COUNT)).containsExactlyElementsOf(texts);
                assertThat(bobLaptop.nextTexts(COUNT)).containsExactlyElementsOf(texts);
                List<StoredMessage> copies = new ArrayList<>();
                for (int i = 0; i < COUNT; i++) {
                    copies.add(laptop.next());
                }
                assertThat(copies).extracting(StoredMessage::text).containsExactlyElementsOf(texts);
                assertThat(copies).allSatisfy(copy -> {
                    assertThat(copy.direction()).isEqualTo(Direction.OUT);
                    assertThat(copy.conversationId()).isEqualTo(bob.dm().id());
                });
                List<StoredMessage> history = alice.client.history(bob.dm(), 500);
                assertThat(history).extracting(StoredMessage::ref).endsWith(refs.toArray(String[]::new));
                assertThat(history).hasSize(1 + COUNT);
                assertThat(alice.client.history(nobody.dm(), 10))
                        .as("nothing filed for the failed message")
                        .isEmpty();
                bob.assertNothingMore();
                bobLaptop.assertNothingMore();
            }
        }
    }

    @DatabaseTest
    void channel_texts_queued_together_share_commits_and_arrive_in_order(DatabaseUrl url) throws Exception {
        try (TestProfile alice = TestProfile.create(dir.resolve("alice"), clock);
                TestProfile bob = TestProfile.create(dir.resolve("bob"), clock);
                TestServer server = TestServer.start(
                        url,
                        clock,
                        Map.of(
                                "NEXUSLINK_COMMUNITY_ADMIN_UUID",
                                alice.id(),
                                "NEXUSLINK_SERVER_DATA_DIR",
                                dir.resolve("server").toString(),
                                "NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND",
                                "100000",
                                "NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND",
                                "100000"))) {
            URI community = URI.create("http://127.0.0.1:" + server.port());
            alice.joinAndConnect(community, "alice");
            bob.joinAndConnect(community, "bob");
            Conversation ops = Conversation.parse("ch:"
                    + alice.client
                            .request(
                                    ApiRoute.CHANNEL_CREATE,
                                    new ChannelsApi.CreateRequest("ops", null, null, null, null, null),
                                    ChannelsApi.ChannelView.class)
                            .id());
            Conversation lounge = Conversation.parse("ch:"
                    + alice.client
                            .request(
                                    ApiRoute.CHANNEL_CREATE,
                                    new ChannelsApi.CreateRequest("lounge", null, null, null, null, null),
                                    ChannelsApi.ChannelView.class)
                            .id());
            StoredMessage first = alice.client.sendText(ops, "first", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("first");

            long commitsBefore = alice.client.store().commits();
            Map<Conversation, List<String>> texts = Map.of(ops, new ArrayList<>(), lounge, new ArrayList<>());
            List<CompletableFuture<StoredMessage>> sent = new ArrayList<>();
            CompletableFuture<StoredMessage> toNowhere = null;
            for (int i = 1; i <= COUNT; i++) {
                if (i == COUNT / 2) {
                    toNowhere = alice.client.sendTextAsync(
                            Conversation.parse("ch:" + java.util.UUID.randomUUID()), "lost", Optional.empty());
                    // A direct message's ref cannot be replied to in a channel: refused before it is queued.
                    assertThatThrownBy(() -> alice.client.sendTextAsync(
                                    ops,
                                    "a reply to a direct message's ref",
                                    Optional.of(new MessageRef.Direct(Bytes.of(new byte[16])))))
                            .isInstanceOf(IllegalArgumentException.class);
                }
                Conversation channel = i % 3 == 0 ? lounge : ops;
                texts.get(channel).add("event " + i);
                sent.add(alice.client.sendTextAsync(
                        channel, "event " + i, i == 7 ? Optional.of(MessageRef.of(first)) : Optional.empty()));
            }
            for (CompletableFuture<StoredMessage> future : sent) {
                future.get(TestProfile.WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(toNowhere).failsWithin(TestProfile.WAIT);
            assertThat(alice.client.store().commits() - commitsBefore)
                    .as("commits for %d channel messages sent together", COUNT)
                    .isLessThan(COUNT / 4);

            List<StoredMessage> received = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                received.add(bob.next());
            }
            for (Conversation channel : List.of(ops, lounge)) {
                assertThat(received)
                        .filteredOn(m -> m.conversationId().equals(channel.id()))
                        .extracting(StoredMessage::text)
                        .containsExactlyElementsOf(texts.get(channel));
                assertThat(alice.client.history(channel, 500))
                        .extracting(StoredMessage::text)
                        .endsWith(texts.get(channel).toArray(String[]::new));
            }
            assertThat(received)
                    .filteredOn(m -> m.text().equals("event 7"))
                    .singleElement()
                    .satisfies(m -> assertThat(m.replyTo()).contains(first.ref()));
            bob.assertNothingMore();
        }
    }
}
