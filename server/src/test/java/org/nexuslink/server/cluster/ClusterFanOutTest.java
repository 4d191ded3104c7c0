// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.DirectPush;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.PostgresDatabaseExtension;
import org.nexuslink.server.testing.RedisProxy;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/**
 * Two real server nodes in one JVM sharing one PostgreSQL schema and the real Redis (each test
 * on its own channel prefix): what one node accepts reaches the other node's connections.
 */
@ExtendWith(PostgresDatabaseExtension.class)
class ClusterFanOutTest {
    private static final String REDIS = "redis://127.0.0.1:6379";

    private final MutableClock clock = new MutableClock();

    /** Node A (with the community's admin, moderator and member joined) and node B. */
    private record Nodes(TestCommunity a, TestServer b) implements AutoCloseable {
        TestServer nodeA() {
            return a.server;
        }

        @Override
        public void close() {
            try {
                b.close();
            } finally {
                a.close();
            }
        }
    }

    private Nodes start(DatabaseUrl url, String redisUrl) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "NEXUSLINK_REDIS_ENABLED",
                "true",
                "NEXUSLINK_REDIS_URL",
                redisUrl,
                "NEXUSLINK_REDIS_CHANNEL_PREFIX",
                "nxl-test-" + UUID.randomUUID(),
                "NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND",
                "1000"));
        // Nodes of one cluster are given the same server key file (a node with another refuses to start).
        try {
            settings.put(
                    "NEXUSLINK_SERVER_KEY_FILE",
                    java.nio.file.Files.createTempDirectory("nexuslink-cluster")
                            .resolve("server.key")
                            .toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TestCommunity a = TestCommunity.start(url, clock, settings);
        try {
            settings.put("NEXUSLINK_COMMUNITY_ADMIN_UUID", a.admin.id());
            TestServer b = TestServer.start(url, clock, settings);
            Nodes nodes = new Nodes(a, b);
            awaitRedis(nodes, "connected");
            return nodes;
        } catch (RuntimeException | AssertionError e) {
            a.close();
            throw e;
        }
    }

    private static void awaitRedis(Nodes nodes, String state) {
        await(
                "both nodes' redis " + state,
                () -> state.equals(nodes.nodeA()
                                .get("/health", null)
                                .body()
                                .path("redis")
                                .asText())
                        && state.equals(nodes.b()
                                .get("/health", null)
                                .body()
                                .path("redis")
                                .asText()));
    }

    /** Waits for a condition, polling, at most 10 seconds. */
    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Envelope direct(long seq, TestAccount to, Bytes ciphertext) {
        return Envelope.of(
                Command.SEND_DIRECT,
                new Seq(seq),
                new DirectSend(Bytes.of(uuid()), List.of(new DirectSend.Copy(to.id(), 1, 3, ciphertext))));
    }

    private static byte[] uuid() {
        UUID id = UUID.randomUUID();
        return ByteBuffer.allocate(16)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .array();
    }

    private static double counter(TestServer server, String direction) {
        String prefix = "nexuslink_fanout_messages_total{direction=\"" + direction + "\"";
        return server.metrics()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void a_device_on_node_a_gets_the_direct_messages_sent_through_node_b_in_order(DatabaseUrl url, Database database) {
        try (Nodes nodes = start(url, REDIS);
                TestWebSocket member = TestWebSocket.connect(nodes.nodeA(), nodes.a().memberToken);
                TestWebSocket admin = TestWebSocket.connect(nodes.b(), nodes.a().adminToken)) {
            List<Bytes> sent = new ArrayList<>();
            for (int i = 1; i <= 20; i++) {
                Bytes ciphertext = Bytes.of(new byte[] {(byte) 0xc0, (byte) i});
                sent.add(ciphertext);
                admin.send(direct(i, nodes.a().member, ciphertext));
                assertThat(admin.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(i));
            }

            List<DirectPush> pushes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                pushes.add(
                        (DirectPush) member.nextOfCommand(Command.DIRECT_PUSH).body());
            }

            assertThat(pushes).extracting(DirectPush::ciphertext).containsExactlyElementsOf(sent);
            assertThat(pushes)
                    .extracting(DirectPush::sender)
                    .containsOnly(nodes.a().admin.id());
            member.send(Envelope.of(
                    Command.ACK,
                    new Seq(1),
                    new Ack(Optional.of(new MessageId(pushes.get(0).entry())), Optional.empty())));
            await(
                    "the acknowledged entry is deleted",
                    () -> database.jdbi()
                                    .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue")
                                            .mapTo(Long.class)
                                            .one())
                            == 19);
            assertThat(counter(nodes.b(), "published")).isGreaterThanOrEqualTo(20);
            assertThat(counter(nodes.nodeA(), "received")).isGreaterThanOrEqualTo(20);
            assertThat(counter(nodes.b(), "received"))
                    .as("node B skips its own publications")
                    .isZero();
        }
    }

    @Test
    void a_channel_event_and_its_deletion_on_node_b_reach_a_reader_on_node_a(DatabaseUrl url) {
        try (Nodes nodes = start(url, REDIS);
                TestWebSocket reader = TestWebSocket.connect(nodes.nodeA(), nodes.a().memberToken);
                TestWebSocket writer = TestWebSocket.connect(nodes.b(), nodes.a().moderatorToken)) {
            TestServer.Reply created = nodes.nodeA()
                    .post("/api/v1/channels", TestServer.object().put("name", "general"), nodes.a().adminToken);
            String channel = created.body().get("id").asText();
            ConversationId cid = ConversationId.of(UUID.fromString(channel));

            writer.send(Envelope.of(Command.SEND_EVENT, new Seq(1), Event.of(cid, Kind.TEXT, Bytes.fromHex("c1"))));
            writer.send(Envelope.of(Command.SEND_EVENT, new Seq(2), Event.of(cid, Kind.TEXT, Bytes.fromHex("c2"))));
            Event first = (Event) reader.nextOfCommand(Command.EVENT_PUSH).body();
            Event second = (Event) reader.nextOfCommand(Command.EVENT_PUSH).body();
            assertThat(first.data()).isEqualTo(Bytes.fromHex("c1"));
            assertThat(first.mid()).contains(new MessageId(1));
            assertThat(second.data()).isEqualTo(Bytes.fromHex("c2"));

            assertThat(nodes.b()
                            .delete("/api/v1/channels/" + channel + "/events/1", nodes.a().moderatorToken)
                            .status())
                    .isEqualTo(204);
            Notice deleted = (Notice) reader.nextOfCommand(Command.NOTICE).body();
            assertThat(deleted)
                    .isEqualTo(new Notice(
                            Notice.EVENT_DELETED,
                            "cid=" + HexFormat.of().formatHex(cid.value().toByteArray()) + ",mid=1"));
        }
    }

    @Test
    void a_ban_or_device_removal_through_node_a_closes_sockets_on_node_b_within_a_second(DatabaseUrl url) {
        try (Nodes nodes = start(url, REDIS)) {
            TestAccount carol = new TestAccount(clock);
            TestAccount.CertifiedDevice phone = carol.device(1);
            TestAccount.CertifiedDevice laptop = carol.device(2);
            String phoneToken = carol.join(nodes.nodeA(), phone);
            carol.register(nodes.nodeA(), phoneToken, laptop);
            String laptopToken = carol.authenticate(nodes.nodeA(), laptop);
            try (TestWebSocket banned = TestWebSocket.connect(nodes.b(), nodes.a().memberToken);
                    TestWebSocket phoneWs = TestWebSocket.connect(nodes.nodeA(), phoneToken);
                    TestWebSocket laptopWs = TestWebSocket.connect(nodes.b(), laptopToken)) {

                assertThat(nodes.nodeA()
                                .post(
                                        "/api/v1/members/" + nodes.a().member.id() + "/ban",
                                        TestServer.object().put("reason", "spam"),
                                        nodes.a().adminToken)
                                .status())
                        .isEqualTo(200);
                assertThat(banned.closeCode(1)).isEqualTo(Connection.CLOSE_REVOKED);
                assertThat(banned.closeReason(1)).isEqualTo("banned");

                assertThat(carol.remove(nodes.nodeA(), phoneToken, laptop).status())
                        .isEqualTo(204);
                assertThat(laptopWs.closeCode(1)).isEqualTo(Connection.CLOSE_REVOKED);
                assertThat(phoneWs.next().body()).isEqualTo(new Notice(Notice.DEVICE_REMOVED, "device=2"));
            }
        }
    }

    @Test
    void with_redis_down_each_node_delivers_locally_and_remote_devices_catch_up_when_it_returns(DatabaseUrl url)
            throws IOException {
        try (RedisProxy redis = new RedisProxy(6379);
                Nodes nodes = start(url, redis.url());
                TestWebSocket member = TestWebSocket.connect(nodes.nodeA(), nodes.a().memberToken);
                TestWebSocket moderator = TestWebSocket.connect(nodes.nodeA(), nodes.a().moderatorToken);
                TestWebSocket admin = TestWebSocket.connect(nodes.b(), nodes.a().adminToken)) {
            String channel = nodes.nodeA()
                    .post("/api/v1/channels", TestServer.object().put("name", "general"), nodes.a().adminToken)
                    .body()
                    .get("id")
                    .asText();
            ConversationId cid = ConversationId.of(UUID.fromString(channel));

            redis.cut();
            awaitRedis(nodes, "disconnected");
            assertThat(nodes.nodeA().get("/health", null).body().get("status").asText())
                    .isEqualTo("degraded");
            assertThat(nodes.b().get("/health", null).body().get("status").asText())
                    .isEqualTo("degraded");

            admin.send(direct(1, nodes.a().moderator, Bytes.fromHex("b0")));
            assertThat(admin.nextOfCommand(Command.ACK).seq())
                    .as("node B still accepts and stores")
                    .isEqualTo(new Seq(1));
            moderator.send(direct(1, nodes.a().member, Bytes.fromHex("a0")));
            assertThat(moderator.nextOfCommand(Command.ACK).seq()).isEqualTo(new Seq(1));
            assertThat(((DirectPush) member.nextOfCommand(Command.DIRECT_PUSH).body()).ciphertext())
                    .as("node A delivers its own at once")
                    .isEqualTo(Bytes.fromHex("a0"));
            admin.send(Envelope.of(Command.SEND_EVENT, new Seq(3), Event.of(cid, Kind.TEXT, Bytes.fromHex("e0"))));
            assertThat(admin.nextOfCommand(Command.ACK).seq())
                    .as("a channel event stored on node B")
                    .isEqualTo(new Seq(3));

            redis.restore();
            awaitRedis(nodes, "connected");
            assertThat(nodes.nodeA().get("/health", null).body().get("status").asText())
                    .isEqualTo("healthy");
            assertThat(((DirectPush)
                                    moderator.nextOfCommand(Command.DIRECT_PUSH).body())
                            .ciphertext())
                    .as("node B's message from the outage, pushed by the resync without a reconnect")
                    .isEqualTo(Bytes.fromHex("b0"));
            assertThat(member.nextOfCommand(Command.NOTICE).body())
                    .as("node A tells its devices to catch up channels")
                    .isEqualTo(new Notice(Notice.RESYNC, ""));
            member.send(Envelope.of(Command.CATCH_UP, new Seq(1), new CatchUpRequest(cid, Optional.empty(), 10)));
            assertThat(((CatchUpResult) member.nextOfCommand(Command.CATCH_UP_RESULT)
                                    .body())
                            .events())
                    .extracting(Event::data)
                    .as("the event node B stored during the outage")
                    .containsExactly(Bytes.fromHex("e0"));
            admin.send(direct(2, nodes.a().member, Bytes.fromHex("b1")));
            assertThat(((DirectPush) member.nextOfCommand(Command.DIRECT_PUSH).body()).ciphertext())
                    .as("live fan-out works again")
                    .isEqualTo(Bytes.fromHex("b1"));
        }
    }
}
