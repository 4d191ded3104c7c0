// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.http.ApiJson;
import org.nexuslink.server.http.HttpServer;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Router;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.OpenApiContract;
import org.nexuslink.server.testing.Unlimited;

/** The prekey routes on a real HTTP listener over a test database, and a client for them. */
final class PrekeyApi implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();
    final PrekeyService service;

    /** A reply: status and JSON body. */
    record Reply(int status, JsonNode body, java.net.http.HttpHeaders headers) {
        String code() {
            return body.path("code").asText();
        }
    }

    PrekeyApi(Database database, Clock clock, PrekeySettings settings, PrekeyStockListener listener) {
        this(database, clock, settings, listener, 30);
    }

    PrekeyApi(
            Database database, Clock clock, PrekeySettings settings, PrekeyStockListener listener, int fetchesPerHour) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        service = new PrekeyService(database, settings, clock, listener, registry, fetchesPerHour);
        Authenticator authenticator = new Authenticator(
                new TokenStore(database, clock, new SecureRandom()),
                new Authenticator.AuthMetrics(registry),
                Unlimited.limits(registry));
        Router router = new Router();
        new PrekeyRoutes(service, authenticator, new JsonBodies(ApiJson.create())).register(router);
        try {
            dataDir = Files.createTempDirectory("nexuslink-prekey-api");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = HttpServer.start(
                new Config.Server(Config.Role.COMMUNITY, "127.0.0.1", 0, new Config.Transport.Plain(), dataDir),
                router,
                ApiJson.create(),
                registry,
                new HttpServer.Guards(
                        Unlimited.limits(registry),
                        java.time.Duration.ofSeconds(30),
                        1_000_000,
                        Optional.of(authenticator::identify)),
                List.of());
    }

    Reply get(String path, Optional<String> token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), null, token);
    }

    Reply post(String path, String body, Optional<String> token) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                bytes,
                token);
    }

    Reply post(String path, Object body, Optional<String> token) {
        try {
            return post(path, JSON.writeValueAsString(body), token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a request, checking the exchange against docs/openapi.yaml. */
    private Reply send(HttpRequest.Builder builder, byte[] sent, Optional<String> token) {
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        try {
            HttpRequest request = builder.build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            OpenApiContract.check(request, sent, response.statusCode(), response.headers(), response.body());
            JsonNode body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
            return new Reply(response.statusCode(), body, response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Override
    public void close() {
        server.close();
        try {
            Files.deleteIfExists(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
