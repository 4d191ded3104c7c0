// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;

/**
 * The local API against a real community server (SQLite, in this process): two app back ends,
 * Alice (the community's admin) and Bob, create identities, join, and exchange texts, replies,
 * files and revokes; verification, unread counts, channels, devices, settings and the wipe.
 */
class AppFlowTest {
    static final String ALICE_PASSPHRASE = "alice's long passphrase";
    static final String BOB_PASSPHRASE = "bob's long passphrase";

    @TempDir
    static Path dir;

    static NexusLinkServer server;
    static AppFixture alice;
    static AppFixture bob;
    static Events aliceEvents;
    static Events bobEvents;
    static String aliceAccount;
    static String bobAccount;
    static List<String> aliceWords;

    /** The events one app pushed, in order. */
    record Events(WebSocket socket, BlockingQueue<JsonNode> queue) {
        /** The next event of {@code type}, skipping others. */
        JsonNode next(String type) throws Exception {
            return next(type, e -> true);
        }

        /** The next event of {@code type} that {@code wanted} accepts, skipping others (other tests' events). */
        JsonNode next(String type, java.util.function.Predicate<JsonNode> wanted) throws Exception {
            while (true) {
                JsonNode event = queue.poll(20, TimeUnit.SECONDS);
                assertThat(event).as("an event of type " + type).isNotNull();
                if (event.path("type").asText().equals(type) && wanted.test(event)) {
                    return event;
                }
            }
        }

        /** The next message event whose text is {@code text}. */
        JsonNode message(String text) throws Exception {
            return next("message", e -> e.path("message").path("text").asText().equals(text));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        alice = AppFixture.start(dir.resolve("alice"));
        bob = AppFixture.start(dir.resolve("bob"));
        aliceEvents = listen(alice);
        bobEvents = listen(bob);
        AppFixture.Reply created = alice.post("/api/identity", Map.of("passphrase", ALICE_PASSPHRASE, "words", 12));
        assertThat(created.status()).isEqualTo(200);
        aliceAccount = created.json().path("account").asText();
        aliceWords = AppFixture.strings(created.json().path("words"));
        bobAccount = bob.post("/api/identity", Map.of("passphrase", BOB_PASSPHRASE, "words", 24))
                .json()
                .path("account")
                .asText();
        Map<String, String> env = new HashMap<>();
        Path data = dir.resolve("server");
        Files.createDirectories(data);
        env.put(
                "NEXUSLINK_DATABASE_URL",
                "sqlite:" + data.resolve("nexuslink.db").toAbsolutePath());
        env.put("NEXUSLINK_SERVER_DATA_DIR", data.toString());
        env.put("NEXUSLINK_SERVER_PORT", "0");
        env.put("NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1");
        env.put("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "1000000");
        env.put("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "1000000");
        env.put("NEXUSLINK_LIMITS_CONNECTIONS_PER_IP", "1000000");
        env.put("NEXUSLINK_ADMIN_UUID", aliceAccount);
        server = NexusLinkServer.start(ConfigLoader.load(null, env, Map.of()), Clock.systemUTC());
        String community = "http://127.0.0.1:" + server.port();
        AppFixture.Reply joined = alice.post("/api/community/join", Map.of("url", community, "displayName", "Alice"));
        assertThat(joined.status()).as(joined.json().toString()).isEqualTo(200);
        assertThat(bob.post("/api/community/join", Map.of("url", community, "displayName", "Bob"))
                        .status())
                .isEqualTo(200);
        assertThat(aliceEvents.next("connection").path("connected").asBoolean()).isTrue();
        assertThat(alice.get("/api/state").json().path("connected").asBoolean()).isTrue();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {alice, bob}) {
            try {
                c.close();
            } catch (Exception e) {
                // the next one still closes
            }
        }
        if (server != null) {
            server.close();
        }
    }

    static Events listen(AppFixture app) throws Exception {
        BlockingQueue<JsonNode> queue = new LinkedBlockingQueue<>();
        WebSocket socket = AppFixture.HTTP
                .newWebSocketBuilder()
                .header("Origin", app.origin())
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + app.server.port() + "/api/events?token=" + app.server.token()),
                        new WebSocket.Listener() {
                            private final StringBuilder partial = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                partial.append(data);
                                if (last) {
                                    try {
                                        queue.add(AppJson.MAPPER.readTree(partial.toString()));
                                    } catch (IOException e) {
                                        throw new IllegalStateException(e);
                                    }
                                    partial.setLength(0);
                                }
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        return new Events(socket, queue);
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static String dm(String account) {
        return "/api/conversations/" + enc("dm:" + account);
    }

    @Test
    void creating_an_identity_returns_the_words_once_and_keeps_no_plaintext_secret() throws Exception {
        assertThat(aliceWords).hasSize(12);
        assertThat(alice.profile.resolve(FileKeyVault.FILE_NAME)).exists();
        AppFixture.Reply state = alice.get("/api/state");
        assertThat(state.json().path("status").asText()).isEqualTo("unlocked");
        assertThat(state.json().path("account").asText()).isEqualTo(aliceAccount);
        assertThat(state.json().path("hasIdentityKey").asBoolean()).isTrue();
        assertThat(state.json().path("displayName").asText()).isEqualTo("Alice");
        assertThat(state.json().path("community").asText()).isEqualTo("http://127.0.0.1:" + server.port());
        assertThat(state.json().has("words")).isFalse();
        byte[] passphrase = ALICE_PASSPHRASE.getBytes(StandardCharsets.UTF_8);
        byte[] phrase = String.join(" ", aliceWords).getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(alice.profile)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                assertThat(indexOf(content, passphrase)).as(f.toString()).isEqualTo(-1);
                assertThat(indexOf(content, phrase)).as(f.toString()).isEqualTo(-1);
            }
        }
        AppFixture.Reply again = alice.post("/api/identity", Map.of("passphrase", "another one", "words", 12));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("exists");
        assertThat(alice.get("/api/state").json().path("account").asText()).isEqualTo(aliceAccount);
    }

    @Test
    void a_text_and_a_reply_go_both_ways_and_arrive_as_events() throws Exception {
        AppFixture.Reply sent = alice.post(dm(bobAccount) + "/messages", Map.of("text", "hello bob"));
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        JsonNode message = sent.json();
        assertThat(message.path("mine").asBoolean()).isTrue();
        assertThat(message.path("kind").asText()).isEqualTo("text");
        assertThat(message.path("canRevoke").asBoolean()).isTrue();
        String ref = message.path("ref").asText();
        assertThat(ref).matches("[0-9a-f]{32}");

        JsonNode event = bobEvents.message("hello bob");
        assertThat(event.path("conversation").asText()).isEqualTo("dm:" + aliceAccount);
        assertThat(event.path("message").path("text").asText()).isEqualTo("hello bob");
        assertThat(event.path("message").path("senderName").asText()).isEqualTo("Alice");
        assertThat(event.path("message").path("mine").asBoolean()).isFalse();

        Map<String, Object> reply = new HashMap<>();
        reply.put("text", "hi alice");
        reply.put("replyTo", ref);
        AppFixture.Reply answered = bob.post(dm(aliceAccount) + "/messages", reply);
        assertThat(answered.status()).as(answered.json().toString()).isEqualTo(200);
        assertThat(answered.json().path("replyTo").asText()).isEqualTo(ref);
        assertThat(answered.json().path("replyText").asText()).isEqualTo("hello bob");
        JsonNode back = aliceEvents.message("hi alice");
        assertThat(back.path("message").path("text").asText()).isEqualTo("hi alice");
        assertThat(back.path("message").path("replyTo").asText()).isEqualTo(ref);

        JsonNode history =
                alice.get(dm(bobAccount) + "/messages?limit=50").json().path("messages");
        List<String> texts = history.findValuesAsText("text");
        assertThat(texts).containsSubsequence("hello bob", "hi alice");
    }

    @Test
    void unread_counts_follow_the_read_marker() throws Exception {
        bob.post(dm(aliceAccount) + "/messages", Map.of("text", "one"));
        aliceEvents.message("one");
        String last = bob.post(dm(aliceAccount) + "/messages", Map.of("text", "two"))
                .json()
                .path("ref")
                .asText();
        aliceEvents.message("two");
        JsonNode summary = conversation(alice, "dm:" + bobAccount);
        assertThat(summary.path("unread").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(summary.path("kind").asText()).isEqualTo("direct");
        assertThat(summary.path("title").asText()).isEqualTo("Bob");
        assertThat(summary.path("last").path("text").asText()).isEqualTo("two");
        assertThat(alice.post(dm(bobAccount) + "/read", Map.of("ref", last)).status())
                .isEqualTo(204);
        assertThat(conversation(alice, "dm:" + bobAccount).path("unread").asInt())
                .isZero();
        AppFixture.Reply unknown = alice.post(dm(bobAccount) + "/read", Map.of("ref", "00".repeat(16)));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("not_found");
    }

    @Test
    void a_file_arrives_with_the_same_bytes() throws Exception {
        byte[] bytes = new byte[70_000];
        new java.util.Random(7).nextBytes(bytes);
        AppFixture.Reply sent = alice.send(
                alice.request(dm(bobAccount) + "/files?name=" + enc("report ü.pdf") + "&mime=" + enc("application/pdf"))
                        .header("Content-Type", "application/pdf")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build());
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        assertThat(sent.json().path("kind").asText()).isEqualTo("file");
        assertThat(sent.json().path("file").path("name").asText()).isEqualTo("report ü.pdf");
        assertThat(sent.json().path("file").path("size").asLong()).isEqualTo(bytes.length);
        JsonNode encrypting =
                aliceEvents.next("transfer", e -> e.path("name").asText().equals("report ü.pdf"));
        assertThat(encrypting.path("phase").asText()).isEqualTo("encrypting");
        String transfer = encrypting.path("id").asText();
        JsonNode uploading = aliceEvents.next(
                "transfer",
                e -> e.path("id").asText().equals(transfer)
                        && e.path("phase").asText().equals("uploading"));
        assertThat(uploading.path("total").asLong()).isGreaterThan(bytes.length);
        JsonNode done = aliceEvents.next(
                "transfer",
                e -> e.path("id").asText().equals(transfer)
                        && !e.path("phase").asText().equals("uploading"));
        assertThat(done.path("phase").asText()).isEqualTo("done");
        assertThat(done.path("done").asLong()).isEqualTo(bytes.length);

        JsonNode received = bobEvents
                .next(
                        "message",
                        e -> e.path("message")
                                .path("ref")
                                .asText()
                                .equals(sent.json().path("ref").asText()))
                .path("message");
        assertThat(received.path("file").path("mime").asText()).isEqualTo("application/pdf");
        AppFixture.Reply download = bob.send(bob.request(
                        dm(aliceAccount) + "/messages/" + received.path("ref").asText() + "/file")
                .header("Accept-Encoding", "gzip") // as browsers ask: the body still comes as it is
                .GET()
                .build());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.response().body()).isEqualTo(bytes);
        assertThat(download.response().headers().firstValue("Content-Length"))
                .as("the exact length, for the page's progress bar")
                .hasValue(Integer.toString(bytes.length));
        assertThat(download.response().headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(download.response().headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename*=UTF-8''report%20%C3%BC.pdf");
        JsonNode downloading =
                bobEvents.next("transfer", e -> e.path("phase").asText().equals("downloading"));
        String id = downloading.path("id").asText();
        JsonNode last = downloading;
        while (last.path("phase").asText().equals("downloading")) {
            assertThat(last.path("done").asLong())
                    .isLessThanOrEqualTo(last.path("total").asLong());
            last = bobEvents.next("transfer", e -> e.path("id").asText().equals(id));
        }
        assertThat(last.path("phase").asText()).isEqualTo("done");
        assertThat(last.path("done").asLong()).isEqualTo(bytes.length);

        AppFixture.Reply badName =
                alice.send(alice.request(dm(bobAccount) + "/files?name=" + enc("../x") + "&mime=text/plain")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1}))
                        .build());
        assertThat(badName.status()).isEqualTo(400);

        // A body declared larger than the limit is refused before it is read.
        int before =
                alice.get(dm(bobAccount) + "/messages").json().path("messages").size();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", alice.server.port())) {
            String head = "POST " + dm(bobAccount) + "/files?name=big.bin HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + alice.server.port() + "\r\nAuthorization: Bearer " + alice.server.token()
                    + "\r\nContent-Length: " + (FileRoutes.MAX_UPLOAD + 1) + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = new java.io.BufferedReader(
                            new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(status).startsWith("HTTP/1.1 413");
        }
        assertThat(alice.get(dm(bobAccount) + "/messages").json().path("messages"))
                .as("nothing was sent")
                .hasSize(before);
    }

    @Test
    void a_revoke_reaches_the_other_side_and_only_the_author_may() throws Exception {
        String ref = alice.post(dm(bobAccount) + "/messages", Map.of("text", "oops"))
                .json()
                .path("ref")
                .asText();
        JsonNode received = bobEvents.message("oops").path("message");
        assertThat(received.path("ref").asText()).isEqualTo(ref);
        assertThat(received.path("canRevoke").asBoolean()).isFalse();
        AppFixture.Reply notMine = bob.post(dm(aliceAccount) + "/messages/" + ref + "/revoke", Map.of());
        assertThat(notMine.status()).isBetween(400, 499);
        assertThat(alice.post(dm(bobAccount) + "/messages/" + ref + "/revoke", Map.of())
                        .status())
                .isEqualTo(204);
        JsonNode revoked = bobEvents.next("revoked", e -> e.path("ref").asText().equals(ref));
        assertThat(revoked.path("conversation").asText()).isEqualTo("dm:" + aliceAccount);
        assertThat(revoked.path("ref").asText()).isEqualTo(ref);
        JsonNode shown = bob.get(dm(aliceAccount) + "/messages").json().path("messages");
        JsonNode gone = null;
        for (JsonNode m : shown) {
            if (m.path("ref").asText().equals(ref)) {
                gone = m;
            }
        }
        assertThat(gone).isNotNull();
        assertThat(gone.path("revoked").asBoolean()).isTrue();
        assertThat(gone.path("text").asText()).isEmpty();
        // The revoke itself is no message to show, on either side.
        for (AppFixture app : List.of(alice, bob)) {
            String peer = app == alice ? bobAccount : aliceAccount;
            assertThat(app.get(dm(peer) + "/messages").json().path("messages"))
                    .extracting(m -> m.path("kind").asText())
                    .doesNotContain("other");
        }
    }

    @Test
    void both_sides_see_the_same_safety_number_and_first_contact_code() {
        JsonNode mine =
                alice.get("/api/contacts/" + enc(bobAccount) + "/verification").json();
        String nonce = mine.path("nonce").asText();
        JsonNode theirs = bob.get("/api/contacts/" + enc(aliceAccount) + "/verification?nonce=" + enc(nonce))
                .json();
        assertThat(mine.path("safetyNumber").asText()).matches("(\\d{5} ){11}\\d{5}");
        assertThat(theirs.path("safetyNumber").asText())
                .isEqualTo(mine.path("safetyNumber").asText());
        assertThat(theirs.path("firstContactCode").asText())
                .isEqualTo(mine.path("firstContactCode").asText());
        assertThat(mine.path("safetyNumberQr").asText()).isNotBlank();
        assertThat(mine.path("verified").asBoolean()).isFalse();
        JsonNode verified = alice.post("/api/contacts/" + enc(bobAccount) + "/verify", Map.of())
                .json();
        assertThat(verified.path("verified").asBoolean()).isTrue();
        assertThat(verified.path("verifiedAt").asText()).isNotBlank();
        assertThat(alice.get("/api/contacts/" + enc(bobAccount) + "/verification")
                        .json()
                        .path("verified")
                        .asBoolean())
                .isTrue();
        assertThat(alice.get("/api/contacts/nxl:nope/verification").status()).isEqualTo(400);
    }

    @Test
    void the_admin_creates_channels_and_a_member_is_refused() throws Exception {
        JsonNode channels = alice.get("/api/channels").json();
        assertThat(channels.path("canCreate").asBoolean()).isTrue();
        AppFixture.Reply created = alice.post("/api/channels", Map.of("name", "general-app", "visibility", "public"));
        assertThat(created.status()).as(created.json().toString()).isEqualTo(200);
        String conversation = created.json().path("conversation").asText();
        assertThat(conversation).isEqualTo("ch:" + created.json().path("id").asText());
        assertThat(bob.get("/api/channels").json().path("canCreate").asBoolean())
                .isFalse();
        AppFixture.Reply refused = bob.post("/api/channels", Map.of("name", "bobs", "visibility", "private"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("refused");
        assertThat(refused.json().path("detail").asText()).isEqualTo("forbidden");
        AppFixture.Reply members =
                alice.get("/api/channels/" + created.json().path("id").asText() + "/members");
        assertThat(members.status()).isEqualTo(409);

        AppFixture.Reply sent =
                alice.post("/api/conversations/" + enc(conversation) + "/messages", Map.of("text", "welcome"));
        assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
        assertThat(sent.json().path("ref").asText()).matches("\\d+");
    }

    @Test
    void the_channels_admin_may_revoke_a_members_message_and_the_member_may_not_revoke_hers() throws Exception {
        String channel = alice.post("/api/channels", Map.of("name", "moderated-app", "visibility", "public"))
                .json()
                .path("conversation")
                .asText();
        String messages = "/api/conversations/" + enc(channel) + "/messages";
        String hers = alice.post(messages, Map.of("text", "house rules"))
                .json()
                .path("ref")
                .asText();
        JsonNode rules = bobEvents.message("house rules").path("message");
        assertThat(rules.path("canRevoke").asBoolean())
                .as("a member on the admin's message")
                .isFalse();
        AppFixture.Reply sent = bob.post(messages, Map.of("text", "spam spam"));
        assertThat(sent.json().path("canRevoke").asBoolean())
                .as("a member on her own message")
                .isTrue();
        String his = sent.json().path("ref").asText();

        JsonNode spam = aliceEvents.message("spam spam").path("message");
        assertThat(spam.path("mine").asBoolean()).isFalse();
        assertThat(spam.path("canRevoke").asBoolean())
                .as("the admin on a member's message")
                .isTrue();
        assertThat(alice.get(messages).json().path("messages"))
                .filteredOn(m -> m.path("ref").asText().equals(his))
                .singleElement()
                .satisfies(m -> assertThat(m.path("canRevoke").asBoolean()).isTrue());

        AppFixture.Reply refused = bob.post(messages + "/" + hers + "/revoke", Map.of());
        assertThat(refused.status()).as(refused.json().toString()).isBetween(400, 499);
        assertThat(alice.get(messages).json().path("messages"))
                .filteredOn(m -> m.path("ref").asText().equals(hers))
                .singleElement()
                .satisfies(m -> assertThat(m.path("revoked").asBoolean()).isFalse());

        assertThat(alice.post(messages + "/" + his + "/revoke", Map.of()).status())
                .isEqualTo(204);
        bobEvents.next("revoked", e -> e.path("ref").asText().equals(his));
        assertThat(bob.get(messages).json().path("messages"))
                .filteredOn(m -> m.path("ref").asText().equals(his))
                .singleElement()
                .satisfies(m -> assertThat(m.path("revoked").asBoolean()).isTrue());
    }

    @Test
    void members_devices_and_settings_are_listed() {
        JsonNode members = alice.get("/api/members").json();
        assertThat(members.path("me").path("role").asText()).isEqualTo("admin");
        assertThat(members.path("members").findValuesAsText("displayName")).contains("Alice", "Bob");
        JsonNode devices = alice.get("/api/devices").json();
        assertThat(devices.path("canLink").asBoolean()).isTrue();
        assertThat(devices.path("devices").get(0).path("current").asBoolean()).isTrue();
        assertThat(alice.post("/api/devices/link", Map.of("code", "NXLINK1:garbage"))
                        .status())
                .isEqualTo(400);
        assertThat(alice.delete("/api/devices/99").status()).isEqualTo(400);

        assertThat(alice.get("/api/settings").json().path("notifications").asText())
                .isEqualTo("hidden");
        assertThat(alice.put("/api/settings", Map.of("notifications", "full"))
                        .json()
                        .path("notifications")
                        .asText())
                .isEqualTo("full");
        assertThat(alice.put("/api/settings", Map.of("notifications", "loud")).status())
                .isEqualTo(400);
        assertThat(alice.get("/api/settings").json().path("notifications").asText())
                .isEqualTo("full");
    }

    @Test
    void opening_a_conversation_lists_it_without_sending() {
        AppFixture.Reply bad = alice.post("/api/conversations", Map.of("account", "nxl:short"));
        assertThat(bad.status()).isEqualTo(400);
        AppFixture.Reply self = alice.post("/api/conversations", Map.of("account", aliceAccount));
        assertThat(self.status()).isEqualTo(400);
        AppFixture.Reply opened = alice.post("/api/conversations", Map.of("account", bobAccount));
        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.json().path("id").asText()).isEqualTo("dm:" + bobAccount);
    }

    @Test
    void the_wipe_needs_the_typed_word_and_then_empties_the_profile() throws Exception {
        try (AppFixture carol = AppFixture.start(dir.resolve("carol"))) {
            carol.post("/api/identity", Map.of("passphrase", "carol's passphrase", "words", 12));
            for (Object confirm : new Object[] {"wipe", "", "WIPE "}) {
                AppFixture.Reply refused = carol.post("/api/wipe", Map.of("confirm", confirm));
                assertThat(refused.status()).isEqualTo(400);
                assertThat(refused.code()).isEqualTo("bad_request");
            }
            assertThat(carol.post("/api/wipe", Map.of()).status()).isEqualTo(400);
            assertThat(carol.profile.resolve(FileKeyVault.FILE_NAME)).exists();
            assertThat(carol.get("/api/state").json().path("status").asText()).isEqualTo("unlocked");

            AppFixture.Reply wiped = carol.post("/api/wipe", Map.of("confirm", "WIPE"));
            assertThat(wiped.status()).isEqualTo(200);
            assertThat(wiped.json().path("status").asText()).isEqualTo("empty");
            assertThat(carol.profile.resolve(FileKeyVault.FILE_NAME)).doesNotExist();
            assertThat(carol.profile.resolve("messages.db")).doesNotExist();
            assertThat(carol.get("/api/conversations").code()).isEqualTo("no_identity");
            // The profile can start again.
            assertThat(carol.post("/api/identity", Map.of("passphrase", "carol again", "words", 12))
                            .status())
                    .isEqualTo(200);
        }
    }

    @Test
    void a_locked_profile_refuses_until_unlocked() {
        try (AppFixture dave = start("dave")) {
            dave.post("/api/identity", Map.of("passphrase", "dave's passphrase", "words", 12));
            assertThat(dave.get("/api/members").code()).isEqualTo("not_joined");
            dave.post("/api/lock", Map.of());
            assertThat(dave.get("/api/conversations").code()).isEqualTo("locked");
            assertThat(dave.get("/api/conversations").status()).isEqualTo(409);
            assertThat(dave.post("/api/unlock", Map.of("passphrase", "nope")).code())
                    .isEqualTo("wrong_passphrase");
            assertThat(dave.post("/api/unlock", Map.of("passphrase", "dave's passphrase"))
                            .status())
                    .isEqualTo(200);
            assertThat(dave.get("/api/conversations").status()).isEqualTo(200);
        }
    }

    @Test
    void a_restore_gives_the_same_account_on_a_new_device() {
        try (AppFixture again = start("alice-again")) {
            AppFixture.Reply bad = again.post("/api/identity/restore", Map.of("passphrase", "p", "words", "not words"));
            assertThat(bad.status()).isEqualTo(400);
            AppFixture.Reply restored = again.post(
                    "/api/identity/restore", Map.of("passphrase", "restored", "words", String.join(" ", aliceWords)));
            assertThat(restored.status()).isEqualTo(200);
            assertThat(restored.json().path("account").asText()).isEqualTo(aliceAccount);
            assertThat(restored.json().path("state").path("device").asInt()).isNotEqualTo(1);
        }
    }

    @Test
    void a_new_device_links_from_the_app_joins_and_receives_alices_messages() throws Exception {
        String passphrase = "the laptop's passphrase";
        try (AppFixture laptop = start("alice-laptop")) {
            Events laptopEvents = listen(laptop);
            assertThat(alice.post("/api/link/request", Map.of("passphrase", "p"))
                            .code())
                    .as("a profile with an identity does not request a link")
                    .isEqualTo("exists");
            assertThat(laptop.post("/api/link/request", Map.of("passphrase", ""))
                            .status())
                    .isEqualTo(400);
            assertThat(laptop.get("/api/state").json().path("status").asText()).isEqualTo("empty");

            // A second request replaces the first, whatever its passphrase.
            laptop.post("/api/link/request", Map.of("passphrase", "an earlier passphrase"));
            AppFixture.Reply requested = laptop.post("/api/link/request", Map.of("passphrase", passphrase));
            assertThat(requested.status()).as(requested.json().toString()).isEqualTo(200);
            String code = requested.json().path("code").asText();
            assertThat(code).startsWith("NXLINK1:");
            assertThat(java.time.Instant.parse(
                            requested.json().path("expiresAt").asText()))
                    .isAfter(java.time.Instant.now());
            JsonNode pending = laptop.get("/api/state").json();
            assertThat(pending.path("status").asText()).isEqualTo("pending");
            assertThat(pending.path("linkCode").asText()).isEqualTo(code);
            assertThat(pending.path("expiresAt").asText())
                    .isEqualTo(requested.json().path("expiresAt").asText());
            assertThat(laptop.profile.resolve(FileKeyVault.FILE_NAME)).doesNotExist();

            AppFixture.Reply approved = alice.post("/api/devices/link", Map.of("code", code));
            assertThat(approved.status()).as(approved.json().toString()).isEqualTo(200);
            String certificate = approved.json().path("certificateCode").asText();
            int device = approved.json().path("device").asInt();

            AppFixture.Reply wrong = laptop.post(
                    "/api/link/finish", Map.of("passphrase", "an earlier passphrase", "certificate", certificate));
            assertThat(wrong.code()).isEqualTo("wrong_passphrase");
            assertThat(laptop.get("/api/state").json().path("status").asText()).isEqualTo("pending");

            AppFixture.Reply finished =
                    laptop.post("/api/link/finish", Map.of("passphrase", passphrase, "certificate", certificate));
            assertThat(finished.status()).as(finished.json().toString()).isEqualTo(200);
            assertThat(finished.json().path("status").asText()).isEqualTo("unlocked");
            assertThat(finished.json().path("account").asText()).isEqualTo(aliceAccount);
            assertThat(finished.json().path("device").asInt()).isEqualTo(device);
            assertThat(finished.json().path("hasIdentityKey").asBoolean()).isFalse();
            assertThat(finished.json().path("linkCode").isNull()).isTrue();
            assertThat(laptop.profile.resolve(FileKeyVault.FILE_NAME)).exists();
            assertThat(laptop.profile.resolve(org.nexuslink.cli.client.DeviceLinkCommand.PENDING_FILE))
                    .doesNotExist();
            assertThat(laptop.post("/api/link/finish", Map.of("passphrase", passphrase, "certificate", certificate))
                            .code())
                    .isEqualTo("exists");

            String community = alice.get("/api/state").json().path("community").asText();
            AppFixture.Reply joined =
                    laptop.post("/api/community/join", Map.of("url", community, "displayName", "Alice"));
            assertThat(joined.status()).as(joined.json().toString()).isEqualTo(200);
            assertThat(laptop.get("/api/devices").json().path("canLink").asBoolean())
                    .isFalse();

            AppFixture.Reply sent = bob.post(dm(aliceAccount) + "/messages", Map.of("text", "to both of your devices"));
            assertThat(sent.status()).as(sent.json().toString()).isEqualTo(200);
            assertThat(laptopEvents
                            .message("to both of your devices")
                            .path("conversation")
                            .asText())
                    .isEqualTo("dm:" + bobAccount);
            aliceEvents.message("to both of your devices");

            assertThat(alice.delete("/api/devices/" + device).status()).isEqualTo(204);
            laptopEvents.socket().abort();
        }
    }

    @Test
    void a_foreign_or_garbage_certificate_is_refused_and_changes_nothing() throws Exception {
        try (AppFixture laptop = start("foreign-laptop")) {
            assertThat(laptop.post("/api/link/finish", Map.of("passphrase", "p", "certificate", "NXLCERT1:AAAA"))
                            .status())
                    .as("nothing pending, nothing to finish")
                    .isIn(400, 409);
            laptop.post("/api/link/request", Map.of("passphrase", "p"));
            JsonNode before = laptop.get("/api/state").json();

            AccountIdentity other = AccountIdentity.generate();
            String foreign = org.nexuslink.cli.client.DeviceLinkCommand.certificateCode(other.certify(
                    new DeviceId(9), DeviceKeyPair.generate().publicKey(), java.time.Instant.now(), Optional.empty()));
            for (String certificate : List.of("NXLCERT1:AAAA", "garbage", foreign)) {
                AppFixture.Reply refused =
                        laptop.post("/api/link/finish", Map.of("passphrase", "p", "certificate", certificate));
                assertThat(refused.status()).as(certificate).isEqualTo(400);
                assertThat(refused.code()).isEqualTo("bad_request");
                assertThat(refused.json().path("message").asText()).containsAnyOf("certificate", "another device");
            }
            assertThat(laptop.get("/api/state").json()).isEqualTo(before);
            assertThat(laptop.profile.resolve(FileKeyVault.FILE_NAME)).doesNotExist();
            assertThat(laptop.profile.resolve(org.nexuslink.cli.client.DeviceLinkCommand.PENDING_FILE))
                    .exists();
        }
    }

    private static AppFixture start(String name) {
        try {
            return AppFixture.start(dir.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode conversation(AppFixture app, String id) {
        for (JsonNode c : app.get("/api/conversations").json().path("conversations")) {
            if (c.path("id").asText().equals(id)) {
                return c;
            }
        }
        throw new AssertionError("no conversation " + id);
    }

    /** Where {@code needle} first stands in {@code haystack}, or -1 (bytes as ISO-8859-1 chars). */
    private static int indexOf(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1)
                .indexOf(new String(needle, StandardCharsets.ISO_8859_1));
    }
}
