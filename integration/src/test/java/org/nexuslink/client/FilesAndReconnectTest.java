// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestServer;

/**
 * Files and staying connected, against a real server on the SQLite default: a 5 MiB file goes
 * encrypted through the media store and comes out byte for byte; a client whose server restarts
 * reconnects by itself and receives what is sent after, once.
 */
@ExtendWith(SqliteDatabaseExtension.class)
class FilesAndReconnectTest {
    private static final String MARKER = "quarterly figures: the otter ledger 41ac";

    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @Test
    void a_five_mebibyte_file_arrives_intact_and_its_plaintext_is_nowhere_on_the_server(DatabaseUrl url)
            throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of())) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            Path file = dir.resolve("outbox").resolve("report.txt");
            Files.createDirectories(file.getParent());
            byte[] content = new byte[5 * 1024 * 1024];
            new Random(7).nextBytes(content);
            byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(marker, 0, content, 1000, marker.length);
            Files.write(file, content);

            alice.client.sendFile(bob.dm(), file, "text/plain", Optional.empty());
            StoredMessage received = bob.next();
            assertThat(received.kind()).isEqualTo(3);
            assertThat(received.attachment()).isPresent();
            // Later, in a client that is not connected: the download authenticates, nothing more.
            bob.close();
            bob.reopen();
            Path saved = bob.client.saveFile(received, dir.resolve("inbox"));
            assertThat(saved.getFileName().toString()).isEqualTo("report.txt");
            assertThat(Files.readAllBytes(saved)).isEqualTo(content);
            assertThat(bob.client.isConnected())
                    .as("saving a file opens no connection")
                    .isFalse();

            Files.delete(file);
            Files.delete(saved);
            PlaintextSearch.assertAbsent(
                    List.of(MARKER, "report.txt"),
                    PlaintextSearch.serverDatabase(url),
                    PlaintextSearch.filesUnder(dir));
        }
    }

    @Test
    void a_client_reconnects_after_the_server_restarts_and_misses_nothing(DatabaseUrl url) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Map<String, String> settings = Map.of(
                "NEXUSLINK_SERVER_PORT",
                Integer.toString(port),
                "NEXUSLINK_SERVER_DATA_DIR",
                dir.resolve("server").toString());
        URI community = URI.create("http://127.0.0.1:" + port);
        try (TestProfile alice = TestProfile.create(dir.resolve("alice"), clock);
                TestProfile bob = TestProfile.create(dir.resolve("bob"), clock)) {
            try (TestServer server = TestServer.start(url, clock, settings)) {
                alice.joinAndConnect(community, "alice");
                bob.joinAndConnect(community, "bob");
                assertThat(bob.connection.poll(10, TimeUnit.SECONDS)).isTrue();
                alice.client.sendText(bob.dm(), "before the restart", Optional.empty());
                assertThat(bob.next().text()).isEqualTo("before the restart");
            }
            assertThat(bob.connection.poll(10, TimeUnit.SECONDS))
                    .as("bob saw the connection drop")
                    .isFalse();
            try (TestServer restarted = TestServer.start(url, clock, settings)) {
                assertThat(bob.connection.poll(20, TimeUnit.SECONDS))
                        .as("bob reconnected by himself")
                        .isTrue();
                alice.client.sendText(bob.dm(), "after the restart", Optional.empty());
                assertThat(bob.next().text()).isEqualTo("after the restart");
                bob.assertNothingMore();
            }
        }
    }
}
