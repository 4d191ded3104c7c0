// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.PostgresDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;
import org.nexuslink.server.testing.TestWebSocket;

/**
 * The rate-limit attacks of issue 18 item 4, each performed end to end against a real server: a
 * flood of sign-in challenges, one account flooding from several addresses, a second node as a
 * way around a bucket, and a second WebSocket (or a stream of acks) as a way around the send
 * limit. Buckets move with the test's clock, so nothing refills unless the test says so.
 */
class RateLimitAttacksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIS = "redis://127.0.0.1:6379";

    private final MutableClock clock = new MutableClock();

    @TempDir
    Path keys;

    /** A status, the Retry-After header if any, and the JSON body. */
    record Answer(int status, String retryAfter, JsonNode body) {
        String code() {
            return body.path("code").asText();
        }
    }

    static Answer send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(""),
                    body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest challenge(TestServer server, TestAccount account) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/auth/challenge"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"account_id\":\"" + account.id() + "\",\"device_id\":1}", StandardCharsets.UTF_8))
                .build();
    }

    private static long challengeRows(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM auth_challenges")
                        .mapTo(Long.class)
                        .one());
    }

    @DatabaseTest
    void a_flood_of_challenges_from_one_address_gets_429_and_writes_no_rows_beyond_its_bucket(
            DatabaseUrl url, Database database) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server =
                        TestServer.start(url, clock, Map.of("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "10"));
                HttpClient http = HttpClient.newHttpClient()) {
            alice.join(server, alice.device(1)); // two requests: challenge and join
            long before = challengeRows(database);

            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                answers.add(send(http, challenge(server, alice)));
            }

            assertThat(answers)
                    .extracting(Answer::status)
                    .containsExactly(200, 200, 200, 200, 200, 200, 200, 200, 429, 429, 429, 429);
            Answer refused = answers.get(8);
            assertThat(refused.code()).isEqualTo("rate_limited");
            assertThat(refused.retryAfter())
                    .as("whole seconds until a token is back")
                    .isEqualTo("1");
            assertThat(challengeRows(database))
                    .as("no challenge stored for a refused request")
                    .isEqualTo(before + 8);

            clock.advance(Duration.ofSeconds(1));
            assertThat(send(http, challenge(server, alice)).status())
                    .as("the bucket refills")
                    .isEqualTo(200);
            assertThat(server.metrics()).contains("nexuslink_rate_limited_total{limit=\"address\"} 4.0");
        }
    }

    @DatabaseTest
    void one_account_flooding_an_authenticated_route_from_two_addresses_gets_429(DatabaseUrl url) throws Exception {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = TestServer.start(url, clock, Map.of("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "6"));
                HttpClient first = HttpClient.newBuilder()
                        .localAddress(InetAddress.getByName("127.0.0.1"))
                        .build();
                HttpClient second = HttpClient.newBuilder()
                        .localAddress(InetAddress.getByName("127.0.0.2"))
                        .build()) {
            String token = alice.join(server, alice.device(1)); // two of 127.0.0.1's six, none of the account's
            HttpRequest devices = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/api/v1/devices"))
                    .header("Authorization", "Bearer " + token)
                    .GET()
                    .build();

            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // Each address stays within its own six: only the account's bucket can refuse.
                answers.add(send(first, devices));
                answers.add(send(second, devices));
            }

            assertThat(answers).extracting(Answer::status).containsExactly(200, 200, 200, 200, 200, 200, 429, 429);
            assertThat(answers.get(7).code()).isEqualTo("rate_limited");
            assertThat(answers.get(7).retryAfter()).isEqualTo("1");
            clock.advance(Duration.ofSeconds(1)); // lets 127.0.0.1 read the metrics
            assertThat(server.metrics()).contains("nexuslink_rate_limited_total{limit=\"account\"} 2.0");
        }
    }

    @Test
    @ExtendWith(PostgresDatabaseExtension.class)
    void two_servers_sharing_redis_share_one_bucket(DatabaseUrl url) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "NEXUSLINK_REDIS_ENABLED",
                "true",
                "NEXUSLINK_REDIS_URL",
                REDIS,
                "NEXUSLINK_REDIS_CHANNEL_PREFIX",
                "nxl-test-" + UUID.randomUUID(),
                "NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND",
                "5",
                // Nodes of one cluster share one server key (a node with another refuses to start).
                "NEXUSLINK_SERVER_KEY_FILE",
                keys.resolve("server.key").toString()));
        try (TestServer a = TestServer.start(url, clock, settings);
                TestServer b = TestServer.start(url, clock, settings);
                HttpClient http = HttpClient.newHttpClient()) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // Three to each node: alone, each would allow all of its three.
                for (TestServer node : List.of(a, b)) {
                    statuses.add(send(
                                    http,
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/health"))
                                            .build())
                            .status());
                }
            }

            assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 429);
            clock.advance(Duration.ofSeconds(1));
            assertThat(send(
                                    http,
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/health"))
                                            .build())
                            .status())
                    .as("the shared bucket refills with the clock")
                    .isEqualTo(200);
        }
    }

    @Test
    @ExtendWith(PostgresDatabaseExtension.class)
    void a_device_connected_to_two_servers_sharing_redis_cannot_double_its_send_rate(DatabaseUrl url) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "NEXUSLINK_REDIS_ENABLED",
                "true",
                "NEXUSLINK_REDIS_URL",
                REDIS,
                "NEXUSLINK_REDIS_CHANNEL_PREFIX",
                "nxl-test-" + UUID.randomUUID(),
                "NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND",
                "3",
                "NEXUSLINK_SERVER_KEY_FILE",
                keys.resolve("server.key").toString()));
        TestAccount alice = new TestAccount(clock);
        try (TestServer a = TestServer.start(url, clock, settings);
                TestServer b = TestServer.start(url, clock, settings)) {
            String token = alice.join(a, alice.device(1));
            try (TestWebSocket onA = TestWebSocket.connect(a, token);
                    TestWebSocket onB = TestWebSocket.connect(b, token)) {
                for (TestWebSocket ws : List.of(onA, onB)) {
                    ws.send(ping(1));
                    ws.send(ping(2));
                }
                List<Envelope> replies = List.of(onA.next(), onA.next(), onB.next(), onB.next());

                assertThat(replies).filteredOn(e -> e.command() == Command.PONG).hasSize(3);
                assertThat(replies)
                        .filteredOn(e -> e.command() == Command.ERROR)
                        .extracting(e -> ((ErrorBody) e.body()).code())
                        .containsExactly("rate_limited");
                assertThat(replies.subList(0, 2))
                        .extracting(Envelope::seq)
                        .as("replies keep the order of requests")
                        .containsExactly(new Seq(1), new Seq(2));
            }
        }
    }

    @DatabaseTest
    void a_device_with_two_websockets_cannot_double_its_send_rate_and_its_acks_count(DatabaseUrl url) {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "3"))) {
            String token = alice.join(server, alice.device(1));
            try (TestWebSocket one = TestWebSocket.connect(server, token);
                    TestWebSocket two = TestWebSocket.connect(server, token)) {
                one.send(ping(1));
                one.send(ping(2));
                two.send(ping(1));
                two.send(ping(2));
                List<Envelope> replies = List.of(one.next(), one.next(), two.next(), two.next());

                assertThat(replies)
                        .filteredOn(e -> e.command() == Command.PONG)
                        .as("three a second for the device, whichever connection asks")
                        .hasSize(3);
                assertThat(replies)
                        .filteredOn(e -> e.command() == Command.ERROR)
                        .extracting(e -> ((ErrorBody) e.body()).code())
                        .containsExactly("rate_limited");

                clock.advance(Duration.ofSeconds(1));
                // More acks than the connection got pushes (its notices on connect): the
                // surplus takes the second's tokens, so the ping after them is refused.
                for (int i = 0; i < 10; i++) {
                    one.send(Envelope.of(Command.ACK, new Seq(100 + i), Ack.EMPTY));
                }
                one.send(ping(200));
                Envelope answer = one.next();
                while (!answer.seq().equals(new Seq(200))) {
                    answer = one.next();
                }
                assertThat(answer.command()).isEqualTo(Command.ERROR);
                assertThat(((ErrorBody) answer.body()).code()).isEqualTo("rate_limited");
            }
            assertThat(server.metrics()).contains("nexuslink_rate_limited_total{limit=\"device_sends\"}");
        }
    }

    private static Envelope ping(long seq) {
        return Envelope.of(Command.PING, new Seq(seq), Body.Empty.INSTANCE);
    }
}
