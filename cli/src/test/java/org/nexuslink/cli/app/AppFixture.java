// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import org.nexuslink.cli.client.ClientEnvironment;
import org.nexuslink.crypto.keystore.KdfParameters;

/** One running local app back end on a profile directory, and an HTTP client that talks to it as the web UI does. */
final class AppFixture implements AutoCloseable {
    static final KdfParameters FAST = new KdfParameters(256, 1, 1);
    static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path profile;
    final AppSession session;
    final AppServer server;

    record Reply(int status, JsonNode json, HttpResponse<byte[]> response) {
        String code() {
            return json.path("error").asText();
        }
    }

    private AppFixture(Path profile, AppSession session, AppServer server) {
        this.profile = profile;
        this.session = session;
        this.server = server;
    }

    static AppFixture start(Path profile) throws IOException {
        ClientEnvironment env =
                ClientEnvironment.of(Map.of(), Clock.systemUTC(), FAST, new ByteArrayInputStream(new byte[0]));
        SecureRandom random = new SecureRandom();
        AppSession session = AppSession.open(profile, env, random, new EventHub());
        return new AppFixture(profile, session, AppServer.start(session, 0, random));
    }

    String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    URI uri(String path) {
        return URI.create(origin() + path);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + server.token())
                .header("Origin", origin())
                .header("Sec-Fetch-Site", "same-origin");
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            byte[] body = response.body();
            boolean json =
                    response.headers().firstValue("Content-Type").orElse("").startsWith("application/json");
            JsonNode node = json && body.length > 0 ? AppJson.MAPPER.readTree(body) : AppJson.object();
            return new Reply(response.statusCode(), node, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply post(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body)))
                .build());
    }

    Reply put(String path, Object body) {
        return send(request(path)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json(body)))
                .build());
    }

    Reply delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** A JSON array of strings as a list. */
    static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> list = new java.util.ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    static String json(Object body) {
        try {
            return AppJson.MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        session.close();
    }
}
