// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.crypto.server.ServerKeyPair;
import org.nexuslink.protocol.directory.SigningDomains;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.TestServer;

/** What the client checks of a directory before it believes a listing. */
class DirectoryClientTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void pins_the_directory_and_refuses_another_key_or_a_community_server() throws Exception {
        try (TestServer directory = TestServer.start(
                        new DatabaseUrl.Sqlite(dir.resolve("d.db")),
                        Clock.systemUTC(),
                        Map.of(
                                "NEXUSLINK_SERVER_ROLE",
                                "directory",
                                "NEXUSLINK_DIRECTORY_POW_DIFFICULTY",
                                "12",
                                "NEXUSLINK_SERVER_DATA_DIR",
                                dir.resolve("d").toString()));
                TestServer community = TestServer.start(
                        new DatabaseUrl.Sqlite(dir.resolve("c.db")),
                        Clock.systemUTC(),
                        Map.of("NEXUSLINK_SERVER_DATA_DIR", dir.resolve("c").toString()))) {
            URI uri = URI.create("http://127.0.0.1:" + directory.port());
            DirectoryClient client = DirectoryClient.connect(uri, Optional.empty(), Clock.systemUTC(), RANDOM);

            assertThat(client.info().powDifficulty()).isEqualTo(12);
            assertThat(client.search("anything", List.of(), 20, 0).communities())
                    .isEmpty();
            assertThat(DirectoryClient.connect(uri, Optional.of(client.pinnedKey()), Clock.systemUTC(), RANDOM)
                            .directoryId())
                    .isEqualTo(client.directoryId());
            assertThatThrownBy(() -> DirectoryClient.connect(
                            uri, Optional.of(ServerKeyPair.generate(RANDOM).publicKey()), Clock.systemUTC(), RANDOM))
                    .isInstanceOfSatisfying(
                            DirectoryException.class, e -> assertThat(e.code()).isEqualTo("directory_key_mismatch"));
            assertThatThrownBy(() -> DirectoryClient.connect(
                            URI.create("http://127.0.0.1:" + community.port()),
                            Optional.empty(),
                            Clock.systemUTC(),
                            RANDOM))
                    .isInstanceOfSatisfying(
                            DirectoryException.class, e -> assertThat(e.code()).isEqualTo("not_a_directory"));
        }
    }

    @Test
    void refuses_a_listing_the_directory_did_not_sign() throws Exception {
        ServerKeyPair directoryKey = ServerKeyPair.generate(RANDOM);
        ServerKeyPair forger = ServerKeyPair.generate(RANDOM);
        String communityKey = ServerKeyPair.generate(RANDOM).publicKey().base64();
        String endpoint = "http://203.0.113.9";
        // A directory (or a party in between) serving a listing whose signature is not its key's.
        HttpServer hostile = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hostile.createContext(
                "/api/v1/server",
                exchange -> reply(
                        exchange,
                        "{\"server_id\":\"nxs-x\",\"public_key\":\""
                                + directoryKey.publicKey().base64()
                                + "\",\"name\":\"d\",\"role\":\"directory\",\"version\":\"0\"}"));
        hostile.createContext(
                "/api/v1/community/nxc-1",
                exchange -> reply(
                        exchange,
                        "{\"community_id\":\"nxc-1\","
                                + "\"name\":\"n\",\"description\":\"\",\"tags\":[],\"endpoint\":\"" + endpoint
                                + "\",\"server_key\":\""
                                + communityKey
                                + "\",\"admin_account\":\"a\",\"verified\":true,\"reputation\":1,\"status\":\"active\","
                                + "\"registered_at\":0,\"last_seen_at\":0,\"listing_signature\":\""
                                + Base64.getEncoder()
                                        .encodeToString(forger.sign(
                                                SigningDomains.LISTING,
                                                SigningDomains.listingBytes("nxc-1", communityKey, endpoint)))
                                + "\"}"));
        hostile.start();
        try {
            DirectoryClient client = DirectoryClient.connect(
                    URI.create("http://127.0.0.1:" + hostile.getAddress().getPort()),
                    Optional.empty(),
                    Clock.systemUTC(),
                    RANDOM);

            assertThatThrownBy(() -> client.verifiedForJoin("nxc-1"))
                    .isInstanceOfSatisfying(
                            DirectoryException.class, e -> assertThat(e.code()).isEqualTo("bad_listing_signature"));
        } finally {
            hostile.stop(0);
        }
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, String json) throws java.io.IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
