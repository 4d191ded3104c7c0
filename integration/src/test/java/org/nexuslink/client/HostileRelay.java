// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.server.ServerKeyPair;

/**
 * Community A's operator turned hostile, as an HTTP front for A at its own URL: it passes every
 * request to A (as a reverse proxy, naming its own origin in {@code X-Forwarded-*}) until told to
 * attack; then it takes sign-in challenges from community B instead, hands them to the victim
 * (as they are, or rewritten to name A's key and signed with it), and uses whatever the victim
 * signs at B. What B answered is kept for the test to assert on.
 */
final class HostileRelay implements AutoCloseable {
    enum Mode {
        /** An honest reverse proxy for A. */
        PASS_THROUGH,
        /** Relays B's challenge unchanged (B's key, A's origin: B takes the origin from the proxy headers). */
        RELAY_B,
        /** Relays B's challenge rewritten to name A's key and signed with A's key. */
        REWRITE_AS_A
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer http;
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI a;
    private final URI b;
    private final ServerKeyPair aKey;
    private volatile Mode mode = Mode.PASS_THROUGH;
    /** What the victim signed and the relay used at B, and B's answers (status + body). */
    final List<JsonNode> signedByVictim = new CopyOnWriteArrayList<>();

    final List<String> answersFromB = new CopyOnWriteArrayList<>();

    HostileRelay(URI a, URI b, ServerKeyPair aKey) throws IOException {
        this.a = a;
        this.b = b;
        this.aKey = aKey;
        this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    void attack(Mode mode) {
        this.mode = mode;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            Mode now = mode;
            HttpResponse<byte[]> answer;
            if (now != Mode.PASS_THROUGH && path.equals("/api/v1/auth/challenge")) {
                answer = forward(b, exchange, body);
                if (now == Mode.REWRITE_AS_A && answer.statusCode() == 200) {
                    answer = null;
                    byte[] rewritten = rewrite(body);
                    reply(exchange, 200, rewritten);
                    return;
                }
            } else if (now != Mode.PASS_THROUGH && path.equals("/api/v1/auth/verify")) {
                signedByVictim.add(JSON.readTree(body));
                answer = forward(b, exchange, body);
                answersFromB.add(answer.statusCode() + " " + new String(answer.body()));
            } else {
                answer = forward(a, exchange, body);
            }
            reply(exchange, answer.statusCode(), answer.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            reply(exchange, 502, ("{\"code\":\"relay_failed\",\"message\":\"" + e + "\"}").getBytes());
        }
    }

    /** Takes a fresh challenge from B and turns it into one naming A's key and this relay's origin. */
    private byte[] rewrite(byte[] request) throws Exception {
        HttpResponse<byte[]> fromB = send(b, "POST", "/api/v1/auth/challenge", request, null);
        ObjectNode issued = (ObjectNode) JSON.readTree(fromB.body());
        ServerChallenge original = ServerChallenge.decode(
                Base64.getDecoder().decode(issued.get("challenge").asText()));
        ServerChallenge forged = ServerChallenge.of(
                original.nonce(), original.serverId(), original.issuedAt(), aKey.publicKey(), Origin.of(url()));
        issued.put("challenge", Base64.getEncoder().encodeToString(forged.encoded()))
                .put("server_signature", Base64.getEncoder().encodeToString(forged.serverSignature(aKey)))
                .put("server_key", aKey.publicKey().base64())
                .put("origin", forged.origin().toString());
        return JSON.writeValueAsBytes(issued);
    }

    private HttpResponse<byte[]> forward(URI target, HttpExchange exchange, byte[] body) throws Exception {
        return send(
                target,
                exchange.getRequestMethod(),
                exchange.getRequestURI().toString(),
                body,
                exchange.getRequestHeaders().getFirst("Authorization"));
    }

    private HttpResponse<byte[]> send(URI target, String method, String pathAndQuery, byte[] body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(pathAndQuery))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("X-Forwarded-Proto", "http")
                .header("X-Forwarded-Host", url().getAuthority());
        if (body.length > 0) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
