// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.challenge.Origin;
import org.nexuslink.crypto.challenge.ServerChallenge;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.server.config.ConfigException;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

class ServerKeyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    private TestServer start(DatabaseUrl url, Path dataDir) {
        return TestServer.start(
                url,
                clock,
                Map.of("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString(), "NEXUSLINK_COMMUNITY_NAME", "Tea Room"));
    }

    @DatabaseTest
    void the_server_key_is_created_owner_only_at_first_start_and_kept(DatabaseUrl url, Database database)
            throws Exception {
        Path keyFile = dir.resolve("a/server.key");
        ServerPublicKey first;
        String id;
        try (TestServer server = start(url, dir.resolve("a"))) {
            JsonNode info = server.get("/api/v1/server", null).body();
            first = ServerPublicKey.fromBase64(info.get("public_key").asText());
            id = info.get("server_id").asText();
            assertThat(id).startsWith("nxs-");
            assertThat(info.get("name").asText()).isEqualTo("Tea Room");
            assertThat(info.get("role").asText()).isEqualTo("community");
            assertThat(info.get("version").asText()).isNotEmpty();
        }
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(ServerKeyPair.loadOrCreate(keyFile, new SecureRandom()).publicKey())
                .isEqualTo(first);
        assertThat(recordedKey(database)).isEqualTo(first.bytes());
        try (TestServer again = start(url, dir.resolve("a"))) {
            JsonNode info = again.get("/api/v1/server", null).body();
            assertThat(info.get("public_key").asText()).isEqualTo(first.base64());
            assertThat(info.get("server_id").asText()).isEqualTo(id);
        }
    }

    @DatabaseTest
    void a_node_given_another_key_file_refuses_to_start_and_changes_nothing(DatabaseUrl url, Database database) {
        ServerPublicKey recorded;
        try (TestServer server = start(url, dir.resolve("node1"))) {
            recorded = ServerPublicKey.fromBase64(
                    server.get("/api/v1/server", null).body().get("public_key").asText());
        }

        assertThatThrownBy(() -> start(url, dir.resolve("node2")))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.key()).isEqualTo("server.key_file"))
                .hasMessageContaining("every node of a cluster must be given the same key file");
        assertThat(recordedKey(database)).isEqualTo(recorded.bytes());
    }

    @DatabaseTest
    void a_server_from_before_server_keys_records_its_key_at_first_start(DatabaseUrl url, Database database) {
        database.inTransaction(h -> h.createUpdate(
                        "INSERT INTO server_identity (id, server_id, created_at) " + "VALUES (1, 'nxs-old', 0)")
                .execute());
        try (TestServer server = start(url, dir.resolve("old"))) {
            JsonNode info = server.get("/api/v1/server", null).body();
            assertThat(info.get("server_id").asText()).isEqualTo("nxs-old");
            assertThat(recordedKey(database))
                    .isEqualTo(Base64.getDecoder().decode(info.get("public_key").asText()));
        }
    }

    @DatabaseTest
    void a_challenge_names_the_server_key_and_the_origin_asked_for_and_carries_the_keys_signature(DatabaseUrl url)
            throws Exception {
        TestAccount alice = new TestAccount(clock);
        try (TestServer server = start(url, dir.resolve("s"))) {
            ServerPublicKey key = ServerPublicKey.fromBase64(
                    server.get("/api/v1/server", null).body().get("public_key").asText());
            String body = "{\"account_id\":\"" + alice.id() + "\",\"device_id\":1}";

            JsonNode direct = challenge(server, body, Map.of());
            JsonNode proxied = challenge(
                    server,
                    body,
                    Map.of("X-Forwarded-Proto", "https", "X-Forwarded-Host", "Chat.Example.org:443, internal:8080"));

            ServerChallenge plain = ServerChallenge.decode(
                    Base64.getDecoder().decode(direct.get("challenge").asText()));
            assertThat(plain.serverKey()).isEqualTo(key);
            assertThat(plain.origin()).isEqualTo(Origin.parse("http://127.0.0.1:" + server.port()));
            assertThat(direct.get("server_key").asText()).isEqualTo(key.base64());
            assertThat(direct.get("origin").asText()).isEqualTo("http://127.0.0.1:" + server.port());
            plain.verifyServer(
                    Base64.getDecoder().decode(direct.get("server_signature").asText()),
                    key,
                    Origin.parse("http://127.0.0.1:" + server.port()));
            ServerChallenge behindProxy = ServerChallenge.decode(
                    Base64.getDecoder().decode(proxied.get("challenge").asText()));
            assertThat(behindProxy.origin()).isEqualTo(Origin.parse("https://chat.example.org"));
        }
    }

    @DatabaseTest
    void a_response_over_a_challenge_rewritten_to_name_another_key_is_refused(DatabaseUrl url, Database database)
            throws Exception {
        TestAccount alice = new TestAccount(clock);
        TestAccount.CertifiedDevice phone = alice.device(1);
        ServerKeyPair hostile = ServerKeyPair.generate(new SecureRandom());
        try (TestServer server = start(url, dir.resolve("b"))) {
            alice.join(server, phone);
            com.fasterxml.jackson.databind.node.ObjectNode honest = alice.verifyRequest(server, phone);
            ServerChallenge issued = ServerChallenge.decode(
                    Base64.getDecoder().decode(honest.get("challenge").asText()));
            ServerChallenge rewritten = ServerChallenge.of(
                    issued.nonce(),
                    issued.serverId(),
                    issued.issuedAt(),
                    hostile.publicKey(),
                    Origin.parse("https://hostile.example"));
            com.fasterxml.jackson.databind.node.ObjectNode forged = honest.deepCopy()
                    .put("challenge", Base64.getEncoder().encodeToString(rewritten.encoded()))
                    .put("signature", Base64.getEncoder().encodeToString(rewritten.sign(phone.keys())));
            long tokens = count(database, "auth_tokens");

            TestServer.Reply refused = server.post("/api/v1/auth/verify", forged, null);

            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.code()).isEqualTo("challenge_invalid");
            assertThat(count(database, "auth_tokens")).isEqualTo(tokens);
            assertThat(server.post("/api/v1/auth/verify", honest, null).status())
                    .isEqualTo(200);
        }
    }

    private JsonNode challenge(TestServer server, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/api/v1/auth/challenge"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response =
                HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static byte[] recordedKey(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT public_key FROM server_identity WHERE id = 1")
                        .mapTo(byte[].class)
                        .one());
    }

    private static long count(Database database, String table) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }
}
