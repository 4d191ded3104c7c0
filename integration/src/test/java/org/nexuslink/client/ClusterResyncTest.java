// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.PostgresDatabaseExtension;
import org.nexuslink.server.testing.RedisProxy;
import org.nexuslink.server.testing.TestServer;

/**
 * Two clients on two server nodes that share PostgreSQL and Redis: a channel message written
 * while Redis is down reaches the member on the other node once Redis is back, through the
 * server's {@code resync} notice and the client's catch-up, without the client reconnecting.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class ClusterResyncTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @Test
    void a_channel_message_written_while_the_nodes_lost_each_other_arrives_when_they_are_back(DatabaseUrl url)
            throws Exception {
        try (RedisProxy redis = new RedisProxy(6379);
                TestProfile alice = TestProfile.create(dir.resolve("alice"), clock);
                TestProfile bob = TestProfile.create(dir.resolve("bob"), clock)) {
            Map<String, String> settings = Map.of(
                    "NEXUSLINK_REDIS_ENABLED", "true",
                    "NEXUSLINK_REDIS_URL", redis.url(),
                    "NEXUSLINK_REDIS_CHANNEL_PREFIX", "nxl-test-" + UUID.randomUUID(),
                    "NEXUSLINK_COMMUNITY_ADMIN_UUID", alice.id(),
                    // Nodes of one cluster share the server key file.
                    "NEXUSLINK_SERVER_KEY_FILE", dir.resolve("server.key").toString());
            try (TestServer nodeA = TestServer.start(
                            url, clock, with(settings, "NEXUSLINK_SERVER_DATA_DIR", dir.resolve("a")));
                    TestServer nodeB = TestServer.start(
                            url, clock, with(settings, "NEXUSLINK_SERVER_DATA_DIR", dir.resolve("b")))) {
                awaitRedis(nodeA, nodeB, "connected");
                alice.joinAndConnect(URI.create("http://127.0.0.1:" + nodeA.port()), "alice");
                bob.joinAndConnect(URI.create("http://127.0.0.1:" + nodeB.port()), "bob");
                Conversation channel = Conversation.parse("ch:"
                        + alice.client
                                .request(
                                        ApiRoute.CHANNEL_CREATE,
                                        new ChannelsApi.CreateRequest("general", null, null, null, null, null),
                                        ChannelsApi.ChannelView.class)
                                .id());
                alice.client.sendText(channel, "before the outage", Optional.empty());
                assertThat(bob.next().text())
                        .as("fan-out from node A to node B")
                        .isEqualTo("before the outage");

                redis.cut();
                awaitRedis(nodeA, nodeB, "disconnected");
                alice.client.sendText(channel, "written while redis was down", Optional.empty());
                bob.assertNothingMore();

                redis.restore();
                awaitRedis(nodeA, nodeB, "connected");
                assertThat(bob.next().text()).isEqualTo("written while redis was down");
                assertThat(bob.connection).as("bob's client never reconnected").doesNotContain(false);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String key, Path value) {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put(key, value.toString());
        return all;
    }

    private static void awaitRedis(TestServer a, TestServer b, String state) throws InterruptedException {
        BooleanSupplier both = () -> state.equals(
                        a.get("/health", null).body().path("redis").asText())
                && state.equals(b.get("/health", null).body().path("redis").asText());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!both.getAsBoolean()) {
            assertThat(System.nanoTime()).as("both nodes' redis " + state).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
