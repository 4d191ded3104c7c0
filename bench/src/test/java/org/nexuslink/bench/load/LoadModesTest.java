// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.PostgresDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * Each load mode, run for a moment against a real server (real joins, real WebSockets through the
 * bench's own client), produces the JSON fields docs/benchmarks.md promises with sane values.
 * These check function only; the figures come from the commands in docs/benchmarks.md.
 */
class LoadModesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> UNLIMITED = Map.of(
            "NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "1000000",
            "NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000");

    private static URI uri(TestServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    private static JsonNode json(LoadReport report) throws Exception {
        return JSON.readTree(report.toJson());
    }

    @DatabaseTest
    void direct_delivers_every_acknowledged_message_and_reports_latency(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(url, Clock.systemUTC(), UNLIMITED)) {
            LoadReport report = new DirectLoad(uri(server), 4, Duration.ofSeconds(1), 0, 64, 1, n -> {}).run();
            JsonNode json = json(report);

            assertThat(json.get("mode").asText()).isEqualTo("direct");
            assertThat(json.get("errors").asLong()).isZero();
            assertThat(json.get("delivered").asLong())
                    .isPositive()
                    .isEqualTo(json.get("acknowledged").asLong())
                    .isEqualTo(json.get("sent").asLong());
            assertThat(json.get("delivered_per_second").asDouble()).isPositive();
            assertThat(json.get("latency_ms").get("p50").asDouble())
                    .isPositive()
                    .isLessThanOrEqualTo(json.get("latency_ms").get("p99").asDouble());
            assertThat(json.get("latency_ms").has("p999")).isTrue();
        }
    }

    @Test
    void direct_after_a_warmup_measures_only_the_duration() throws Exception {
        try (TestServer server = TestServer.start(sqlite(), Clock.systemUTC(), UNLIMITED)) {
            LoadReport report = new DirectLoad(
                            uri(server), 2, Duration.ofSeconds(1), Duration.ofSeconds(1), 200, 64, 1, n -> {})
                    .run();
            JsonNode json = json(report);

            assertThat(report.errors()).isZero();
            assertThat(json.get("warmup_seconds").asDouble()).isEqualTo(1.0);
            // 200/s offered for two seconds, one of them measured.
            assertThat(json.get("seconds").asDouble()).isLessThan(1.9);
            assertThat(report.sent()).isBetween(50L, 260L);
            assertThat(report.delivered()).isPositive();
        }
    }

    @Test
    @ExtendWith(PostgresDatabaseExtension.class)
    void direct_with_senders_on_a_second_node_delivers_every_message_across_nodes(DatabaseUrl url) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(UNLIMITED);
        settings.putAll(Map.of(
                "NEXUSLINK_REDIS_ENABLED",
                "true",
                "NEXUSLINK_REDIS_CHANNEL_PREFIX",
                "nxl-test-bench-" + UUID.randomUUID(),
                "NEXUSLINK_SERVER_KEY_FILE",
                java.nio.file.Files.createTempDirectory("nexuslink-bench")
                        .resolve("server.key")
                        .toString()));
        try (TestServer receivers = TestServer.start(url, Clock.systemUTC(), settings);
                TestServer senders = TestServer.start(url, Clock.systemUTC(), settings)) {
            LoadReport report = new DirectLoad(
                            uri(receivers),
                            Optional.of(uri(senders)),
                            4,
                            Duration.ZERO,
                            Duration.ofSeconds(1),
                            0,
                            64,
                            1,
                            n -> {})
                    .run();

            assertThat(report.errors()).as(report.toJson()).isZero();
            assertThat(report.delivered()).isPositive().isEqualTo(report.sent());
            assertThat(fanOut(senders, "published"))
                    .as("every message went through Redis")
                    .isGreaterThanOrEqualTo(report.sent());
            assertThat(fanOut(receivers, "received")).isGreaterThanOrEqualTo(report.sent());
        }
    }

    private static double fanOut(TestServer server, String direction) {
        String prefix = "nexuslink_fanout_messages_total{direction=\"" + direction + "\"";
        return server.metrics()
                .lines()
                .filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void direct_at_a_rate_offers_about_that_rate() throws Exception {
        try (TestServer server = TestServer.start(sqlite(), Clock.systemUTC(), UNLIMITED)) {
            LoadReport report = new DirectLoad(uri(server), 2, Duration.ofSeconds(1), 200, 64, 1, n -> {}).run();

            assertThat(report.errors()).isZero();
            // 200/s for one second: never more than that plus the first tick.
            assertThat(report.sent()).isBetween(50L, 260L);
            assertThat(report.delivered()).isEqualTo(report.sent());
            assertThat(json(report).get("offered_per_second").asInt()).isEqualTo(200);
        }
    }

    @Test
    void channel_reaches_every_connected_member_and_reports_fan_out() throws Exception {
        TestAccount admin = new TestAccount(Clock.systemUTC());
        Map<String, String> settings = new java.util.HashMap<>(UNLIMITED);
        settings.put("NEXUSLINK_COMMUNITY_ADMIN_UUID", admin.id());
        try (TestServer server = TestServer.start(sqlite(), Clock.systemUTC(), settings)) {
            String token = admin.join(server, admin.device(1));
            TestServer.Reply created =
                    server.post("/api/v1/channels", TestServer.object().put("name", "bench"), token);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            UUID channel = UUID.fromString(created.body().get("id").asText());

            LoadReport report =
                    new ChannelLoad(uri(server), channel, 5, Duration.ofSeconds(1), 0, 32, 1, 0, n -> {}).run();
            JsonNode json = json(report);

            assertThat(report.errors()).as(report.toJson()).isZero();
            assertThat(report.sent()).isPositive();
            assertThat(report.delivered()).isEqualTo(report.sent() * 5);
            assertThat(json.get("events_not_delivered_to_all").asLong()).isZero();
            assertThat(json.get("fan_out_max_ms").asDouble()).isPositive();
            assertThat(json.get("members_connected").asInt()).isEqualTo(5);
        }
    }

    @Test
    void a_channel_the_members_may_not_write_is_reported_as_errors() throws Exception {
        try (TestServer server = TestServer.start(sqlite(), Clock.systemUTC(), UNLIMITED)) {
            LoadReport report = new ChannelLoad(
                            uri(server), UUID.randomUUID(), 2, Duration.ofSeconds(1), 0, 32, 1, 0, n -> {})
                    .run();

            assertThat(report.errors()).isPositive();
            assertThat(report.errorCodes()).containsKey("not_found");
            assertThat(report.delivered()).isZero();
        }
    }

    @Test
    void idle_holds_the_connections_and_reads_the_server_memory() throws Exception {
        try (TestServer server = TestServer.start(sqlite(), Clock.systemUTC(), UNLIMITED)) {
            long self = ProcessHandle.current().pid(); // the server runs in this JVM
            LoadReport report = new IdleLoad(
                            uri(server), 10, Duration.ofSeconds(1), 1, 2, Optional.of(self), Duration.ZERO, t -> {})
                    .run();
            JsonNode json = json(report);

            assertThat(json.get("connections").asInt()).isEqualTo(10);
            assertThat(json.get("server_pid").asLong()).isEqualTo(self);
            assertThat(json.get("server_rss_bytes").asLong()).isPositive();
            assertThat(json.get("server_rss_before_bytes").asLong()).isPositive();
            assertThat(json.has("server_rss_bytes_per_connection")).isTrue();
            assertThat(report.errors()).isZero();
            assertThat(server.metrics()).contains("nexuslink_ws_connections_active");
        }
    }

    @Test
    void idle_finds_a_local_server_from_its_port() throws Exception {
        try (TestServer server = TestServer.start(sqlite(), Clock.systemUTC(), UNLIMITED)) {
            assertThat(ServerMemory.listening(server.port()))
                    .contains(ProcessHandle.current().pid());
        }
    }

    @DatabaseTest
    void offline_stores_then_drains_every_message(DatabaseUrl url) throws Exception {
        try (TestServer server = TestServer.start(url, Clock.systemUTC(), UNLIMITED)) {
            LoadReport report = new OfflineLoad(uri(server), 2, 300, 64, 1, t -> {}).run();
            JsonNode json = json(report);

            assertThat(report.errors()).isZero();
            assertThat(json.get("stored").asLong()).isEqualTo(300);
            assertThat(json.get("delivered").asLong()).isEqualTo(300);
            assertThat(json.get("stored_per_second").asDouble()).isPositive();
            assertThat(json.get("drain_seconds").asDouble()).isPositive();
        }
    }

    @Test
    void the_report_is_one_json_object_with_escaped_strings_and_null_for_missing_values() throws Exception {
        Map<String, Object> extra = new java.util.LinkedHashMap<>();
        extra.put("note", "a \"quoted\"\nline");
        extra.put("server_rss_bytes", null);
        extra.put("ratio", 0.5);
        LoadReport report = LoadReport.of("idle", 3, 2, 0, 0, 0, 1, Map.of("x", 1L), new Latencies(), extra);
        JsonNode json = json(report);

        assertThat(json.get("note").asText()).isEqualTo("a \"quoted\"\nline");
        assertThat(json.get("server_rss_bytes").isNull()).isTrue();
        assertThat(json.get("ratio").asDouble()).isEqualTo(0.5);
        assertThat(json.get("latency_ms").get("p50").isNull()).isTrue();
        assertThat(json.get("error_codes").get("x").asLong()).isEqualTo(1);
    }

    private static DatabaseUrl sqlite() throws java.io.IOException {
        return new DatabaseUrl.Sqlite(
                java.nio.file.Files.createTempDirectory("nexuslink-bench").resolve("db.sqlite"));
    }
}
