// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/** /health and /metrics on a real server process-in-JVM over real HTTP, on the embedded default. */
class OpsEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private NexusLinkServer server;

    private NexusLinkServer start(Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.put("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString());
        env.put("NEXUSLINK_SERVER_PORT", "0");
        env.put("NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1");
        server = NexusLinkServer.start(ConfigLoader.load(null, env, Map.of()), Clock.systemUTC());
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void health_reports_healthy_with_the_seed_fields_on_the_embedded_default() throws Exception {
        start(Map.of());

        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("status").asText()).isEqualTo("healthy");
        assertThat(body.get("version").asText()).isEqualTo(Version.current());
        assertThat(body.get("uptime_seconds").asLong()).isBetween(0L, 60L);
        assertThat(body.get("database").asText()).isEqualTo("connected");
        assertThat(body.get("redis").asText()).isEqualTo("disabled");
        assertThat(body.get("websocket_connections").asInt()).isZero();
        assertThat(body.get("pending_messages").asLong()).isZero();
        assertThat(Files.exists(dataDir.resolve("nexuslink.db"))).isTrue();
    }

    @Test
    void metrics_expose_seed_names_and_jvm_metrics_in_prometheus_text() throws Exception {
        start(Map.of());
        get("/health");

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
        assertThat(response.body())
                .contains("nexuslink_http_requests_total{method=\"GET\",path=\"/health\",status=\"200\"} 1.0")
                .contains("nexuslink_http_request_duration_seconds_bucket{")
                .contains("nexuslink_db_pool_connections{")
                .contains("jvm_memory_used_bytes{")
                .contains("process_uptime_seconds");
    }

    @Test
    void unknown_paths_get_a_json_not_found() throws Exception {
        start(Map.of());

        HttpResponse<String> response = get("/api/v1/nothing");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void a_wrong_method_gets_405_naming_the_allowed_ones() throws Exception {
        start(Map.of());

        HttpResponse<String> response =
                send(HttpRequest.newBuilder(uri("/health")).POST(HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).contains("GET");
        assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void an_oversized_body_gets_413_payload_too_large_while_the_client_is_still_sending() throws Exception {
        start(Map.of());

        // The refusal is written while the body is still arriving; a connection closed at once
        // would be reset under the sender and lose it, so each try must read its 413.
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/health"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 << 20])));

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(JSON.readTree(response.body()).get("code").asText()).isEqualTo("payload_too_large");
        }
    }

    @Test
    void health_reports_redis_connected_when_enabled_and_reachable() throws Exception {
        start(Map.of("NEXUSLINK_REDIS_ENABLED", "true", "NEXUSLINK_REDIS_URL", "redis://127.0.0.1:6379"));

        JsonNode body = JSON.readTree(get("/health").body());

        assertThat(body.get("redis").asText()).isEqualTo("connected");
        assertThat(body.get("status").asText()).isEqualTo("healthy");
    }

    @Test
    void health_is_degraded_but_serving_when_an_enabled_redis_does_not_answer() throws Exception {
        start(Map.of("NEXUSLINK_REDIS_ENABLED", "true", "NEXUSLINK_REDIS_URL", "redis://127.0.0.1:1"));

        HttpResponse<String> response = get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("redis").asText()).isEqualTo("disconnected");
        assertThat(body.get("status").asText()).isEqualTo("degraded");
    }
}
