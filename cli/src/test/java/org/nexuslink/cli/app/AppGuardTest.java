// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.client.ProfileLock;
import org.nexuslink.crypto.keystore.FileKeyVault;

/**
 * The local app's guard (docs/app.md, "Who can drive it"): what another web site, a rebinding DNS name or a
 * request without the token gets, on the HTTP API, the static files and the event socket.
 */
class AppGuardTest {
    @TempDir
    Path dir;

    AppFixture app;

    @BeforeEach
    void start() throws Exception {
        app = AppFixture.start(dir.resolve("profile"));
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void the_token_is_43_characters_of_base64url_and_new_at_each_start() throws Exception {
        assertThat(app.server.token()).hasSize(43).matches("[A-Za-z0-9_-]{43}");
        assertThat(app.server.openUri().toString())
                .isEqualTo("http://127.0.0.1:" + app.server.port() + "/#token=" + app.server.token());
        try (AppFixture other = AppFixture.start(dir.resolve("other"))) {
            assertThat(other.server.token()).isNotEqualTo(app.server.token());
        }
    }

    @Test
    void a_request_with_the_token_gets_the_state_with_no_store_headers() {
        AppFixture.Reply reply = app.get("/api/state");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asText()).isEqualTo("empty");
        assertThat(reply.response().headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(reply.response().headers().firstValue("X-Content-Type-Options"))
                .hasValue("nosniff");
        assertThat(reply.response().headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    void an_api_request_without_the_token_is_unauthorized() {
        AppFixture.Reply reply = app.send(HttpRequest.newBuilder(app.uri("/api/state"))
                .header("Origin", app.origin())
                .GET()
                .build());
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("unauthorized");
        assertThat(reply.json().path("message").asText()).isNotBlank();
        assertThat(reply.response().headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void a_wrong_token_is_unauthorized_and_creates_nothing() {
        String wrong = app.server.token().substring(1) + "A";
        AppFixture.Reply reply = app.send(HttpRequest.newBuilder(app.uri("/api/identity"))
                .header("Authorization", "Bearer " + wrong)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"passphrase\":\"secret words\",\"words\":12}"))
                .build());
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("unauthorized");
        assertThat(app.profile.resolve(FileKeyVault.FILE_NAME)).doesNotExist();
        AppFixture.Reply basic = app.send(HttpRequest.newBuilder(app.uri("/api/state"))
                .header("Authorization", "Basic " + app.server.token())
                .GET()
                .build());
        assertThat(basic.status()).isEqualTo(401);
    }

    @Test
    void a_foreign_origin_is_forbidden_even_with_the_token() {
        AppFixture.Reply reply = app.send(app.request("/api/identity")
                .setHeader("Origin", "http://evil.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"passphrase\":\"secret words\",\"words\":12}"))
                .build());
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("forbidden_origin");
        assertThat(app.profile.resolve(FileKeyVault.FILE_NAME)).doesNotExist();
        AppFixture.Reply otherPort = app.send(app.request("/api/state")
                .setHeader("Origin", "http://127.0.0.1:" + (app.server.port() + 1))
                .GET()
                .build());
        assertThat(otherPort.status()).isEqualTo(403);
    }

    @Test
    void the_localhost_origin_is_ours_too() {
        AppFixture.Reply reply = app.send(app.request("/api/state")
                .setHeader("Origin", "http://localhost:" + app.server.port())
                .GET()
                .build());
        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void a_cross_site_fetch_is_forbidden() {
        AppFixture.Reply reply = app.send(app.request("/api/state")
                .setHeader("Sec-Fetch-Site", "cross-site")
                .GET()
                .build());
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.code()).isEqualTo("forbidden_origin");
        AppFixture.Reply sameSite = app.send(app.request("/api/state")
                .setHeader("Sec-Fetch-Site", "same-site")
                .GET()
                .build());
        assertThat(sameSite.status()).isEqualTo(403);
        AppFixture.Reply typed = app.send(app.request("/api/state")
                .setHeader("Sec-Fetch-Site", "none")
                .GET()
                .build());
        assertThat(typed.status()).isEqualTo(200);
    }

    @Test
    void a_foreign_host_header_is_forbidden_on_the_api_and_the_page() throws Exception {
        assertThat(rawGet("/api/state", "evil.example:" + app.server.port(), true))
                .startsWith("HTTP/1.1 403");
        assertThat(rawGet("/", "rebind.example:" + app.server.port(), false)).startsWith("HTTP/1.1 403");
        assertThat(rawGet("/api/state", "localhost:" + app.server.port(), true)).startsWith("HTTP/1.1 200");
        assertThat(rawGet("/api/state", "127.0.0.1:" + app.server.port(), true)).startsWith("HTTP/1.1 200");
    }

    @Test
    void the_page_needs_no_token_and_carries_the_strict_policy() {
        AppFixture.Reply page =
                app.send(HttpRequest.newBuilder(app.uri("/")).GET().build());
        assertThat(page.status()).isEqualTo(200);
        String html = new String(page.response().body(), StandardCharsets.UTF_8);
        assertThat(html).contains("<title>NexusLink</title>");
        int p = app.server.port();
        assertThat(page.response().headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'self'; connect-src 'self' ws://127.0.0.1:" + p + " ws://localhost:" + p
                        + "; img-src 'self' data: blob:; style-src 'self'; object-src 'none'; frame-ancestors 'none'");
        // The app module's built page loads its hashed bundle from assets/.
        java.util.regex.Matcher script = java.util.regex.Pattern.compile("src=\"\\./(assets/[^\"]+\\.js)\"")
                .matcher(html);
        assertThat(script.find()).as("the page's script in %s", html).isTrue();
        AppFixture.Reply asset = app.send(
                HttpRequest.newBuilder(app.uri("/" + script.group(1))).GET().build());
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.response().headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("javascript"));
    }

    @Test
    void an_unknown_page_path_serves_the_page_and_an_unknown_api_path_is_not_found() {
        AppFixture.Reply deep = app.send(
                HttpRequest.newBuilder(app.uri("/conversations/dm:x")).GET().build());
        assertThat(deep.status()).isEqualTo(200);
        assertThat(new String(deep.response().body(), StandardCharsets.UTF_8)).contains("<title>NexusLink</title>");
        assertThat(deep.response().headers().firstValue("Content-Security-Policy"))
                .isPresent();
        AppFixture.Reply api = app.get("/api/nothing-here");
        assertThat(api.status()).isEqualTo(404);
        assertThat(api.code()).isEqualTo("not_found");
    }

    @Test
    void bad_input_is_a_bad_request_that_changes_nothing() {
        AppFixture.Reply notJson = app.send(app.request("/api/identity")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                .build());
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.code()).isEqualTo("bad_request");
        AppFixture.Reply badWords = app.post("/api/identity", Map.of("passphrase", "secret words", "words", 13));
        assertThat(badWords.status()).isEqualTo(400);
        AppFixture.Reply emptyPassphrase = app.post("/api/identity", Map.of("passphrase", "", "words", 12));
        assertThat(emptyPassphrase.status()).isEqualTo(400);
        assertThat(app.profile.resolve(FileKeyVault.FILE_NAME)).doesNotExist();
        assertThat(app.get("/api/conversations").code()).isEqualTo("no_identity");
    }

    @Test
    void the_profile_is_locked_for_other_commands_while_the_app_runs() {
        assertThat(ProfileLock.isBusy(app.profile)).isTrue();
    }

    @Test
    void a_socket_without_the_token_or_with_a_wrong_one_is_refused() {
        assertThat(refusedUpgrade("/api/events", app.origin())).isEqualTo(401);
        assertThat(refusedUpgrade("/api/events?token=" + app.server.token().substring(2) + "xx", app.origin()))
                .isEqualTo(401);
    }

    @Test
    void a_socket_from_a_foreign_origin_or_without_an_origin_is_refused() {
        assertThat(refusedUpgrade("/api/events?token=" + app.server.token(), "http://evil.example"))
                .isEqualTo(403);
        assertThat(refusedUpgrade("/api/events?token=" + app.server.token(), null))
                .isEqualTo(403);
    }

    @Test
    void a_socket_with_token_and_origin_receives_a_state_event_after_an_unlock() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = AppFixture.HTTP
                .newWebSocketBuilder()
                .header("Origin", app.origin())
                .buildAsync(
                        java.net.URI.create(
                                "ws://127.0.0.1:" + app.server.port() + "/api/events?token=" + app.server.token()),
                        collector(received))
                .get(10, TimeUnit.SECONDS);
        try {
            AppFixture.Reply created = app.post("/api/identity", Map.of("passphrase", "secret words", "words", 12));
            assertThat(created.status()).isEqualTo(200);
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"state\"}");
            app.post("/api/lock", Map.of());
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"state\"}");
            assertThat(app.get("/api/state").json().path("status").asText()).isEqualTo("locked");
            assertThat(app.post("/api/unlock", Map.of("passphrase", "wrong words"))
                            .code())
                    .isEqualTo("wrong_passphrase");
            AppFixture.Reply unlocked = app.post("/api/unlock", Map.of("passphrase", "secret words"));
            assertThat(unlocked.json().path("status").asText()).isEqualTo("unlocked");
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("{\"type\":\"state\"}");
        } finally {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        }
    }

    private static WebSocket.Listener collector(BlockingQueue<String> received) {
        return new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    received.add(partial.toString());
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }

    /** The HTTP status of a refused upgrade (fails if the socket opened). */
    private int refusedUpgrade(String pathAndQuery, String origin) {
        WebSocket.Builder builder = AppFixture.HTTP.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        var future = builder.buildAsync(
                java.net.URI.create("ws://127.0.0.1:" + app.server.port() + pathAndQuery),
                collector(new LinkedBlockingQueue<>()));
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(WebSocketHandshakeException.class);
        try {
            future.get();
            throw new AssertionError("the socket opened");
        } catch (ExecutionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A GET with a Host header of our choosing (java.net.http will not send a foreign one). */
    private String rawGet(String path, String host, boolean withToken) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", app.server.port())) {
            OutputStream out = socket.getOutputStream();
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (withToken ? "Authorization: Bearer " + app.server.token() + "\r\n" : "")
                    + "Connection: close\r\n\r\n";
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }
}
