// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.storage.DatabaseUrl;

/**
 * A real server on a test database and a free port, with a small JSON-over-HTTP client. Tests use
 * it the way a client would: every call is a real HTTP request, and every exchange is checked
 * against docs/openapi.yaml ({@link OpenApiContract}), so a test fails when the server answers
 * something the file does not describe.
 */
public final class TestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NexusLinkServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(NexusLinkServer server) {
        this.server = server;
    }

    /**
     * Starts a community server on {@code url} with {@code clock} and extra {@code NEXUSLINK_*}
     * settings (e.g. {@code NEXUSLINK_COMMUNITY_MAX_MEMBERS}).
     */
    public static TestServer start(DatabaseUrl url, Clock clock, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("NEXUSLINK_DATABASE_URL", urlString(url));
        env.putIfAbsent("NEXUSLINK_SERVER_PORT", "0");
        // Every test request comes from 127.0.0.1, most on a clock that never moves: limits stay
        // out of the way unless a test sets them.
        env.putIfAbsent("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000");
        env.putIfAbsent("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "1000000");
        env.putIfAbsent("NEXUSLINK_LIMITS_CONNECTIONS_PER_IP", "1000000");
        env.put("NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1");
        try {
            env.putIfAbsent(
                    "NEXUSLINK_SERVER_DATA_DIR",
                    Files.createTempDirectory("nexuslink-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestServer(NexusLinkServer.start(ConfigLoader.load(null, env, Map.of()), clock));
    }

    /** The URL form the configuration takes for a test database (with its schema on PostgreSQL). */
    public static String urlString(DatabaseUrl url) {
        return switch (url) {
            case DatabaseUrl.Sqlite sqlite -> "sqlite:" + sqlite.file().toAbsolutePath();
            case DatabaseUrl.Postgres pg ->
                "postgres://" + pg.user()
                        + (pg.password().isEmpty() ? "" : ":" + pg.password()) + "@" + pg.host() + ":" + pg.port()
                        + "/" + pg.database()
                        + pg.schema().map(s -> "?schema=" + s).orElse("");
        };
    }

    /** An HTTP answer: status and JSON body (an empty object when there was no body). */
    public record Reply(int status, JsonNode body) {
        /** The error code of a refusal. */
        public String code() {
            return body.path("code").asText();
        }
    }

    public Reply get(String path, String token) {
        return send(request(path, token).GET(), null);
    }

    public Reply post(String path, Object body, String token) {
        byte[] bytes = bytes(body);
        return send(
                request(path, token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                bytes);
    }

    public Reply put(String path, Object body, String token) {
        byte[] bytes = bytes(body);
        return send(
                request(path, token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                bytes);
    }

    public Reply delete(String path, String token) {
        return send(request(path, token).DELETE(), null);
    }

    /** A DELETE with a JSON body (a device removal carrying its revocation). */
    public Reply delete(String path, Object body, String token) {
        byte[] bytes = bytes(body);
        return send(
                request(path, token)
                        .header("Content-Type", "application/json")
                        .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(bytes)),
                bytes);
    }

    /** A new JSON array to fill in. */
    public static com.fasterxml.jackson.databind.node.ArrayNode array() {
        return JSON.createArrayNode();
    }

    /** The Prometheus text of {@code GET /metrics}. */
    public String metrics() {
        try {
            return http.send(request("/metrics", null).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new JSON object to fill in as a request body. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public int port() {
        return server.port();
    }

    public NexusLinkServer server() {
        return server;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder builder, byte[] sent) {
        try {
            HttpRequest request = builder.build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            OpenApiContract.check(request, sent, response.statusCode(), response.headers(), response.body());
            JsonNode body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(Object body) {
        try {
            return body instanceof String s
                    ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
