// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/** A server process killed (SIGKILL) in the middle of an upload leaves no visible partial file. */
@ExtendWith(SqliteDatabaseExtension.class)
class MediaCrashTest {
    @TempDir
    Path dataDir;

    private List<Path> files(String dir) {
        Path root = dataDir.resolve("media").resolve(dir);
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long rows(Database database, String where) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM media_store " + where)
                        .mapTo(Long.class)
                        .one());
    }

    @Test
    void a_server_killed_during_an_upload_leaves_no_partial_file(DatabaseUrl.Sqlite url, Database database)
            throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        Map<String, String> settings = Map.of("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString());
        TestAccount alice = new TestAccount(clock);
        String token;
        try (TestServer server = TestServer.start(url, clock, settings)) {
            token = alice.join(server, alice.device(1));
        }
        try (ChildServer child = ChildServer.start(
                List.of(),
                Map.of(
                        "NEXUSLINK_DATABASE_URL", TestServer.urlString(url),
                        "NEXUSLINK_SERVER_DATA_DIR", dataDir.toString(),
                        "NEXUSLINK_SERVER_PORT", "0",
                        "NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1",
                        "NEXUSLINK_LOGGING_LEVEL", "warn"),
                dataDir.resolve("child.log"))) {
            MediaClient client = new MediaClient(child.port());
            try (Socket upload = client.partialUpload(token, 20 << 20, 6 << 20)) {
                MediaFlowTest.eventually(
                        () -> rows(database, "") == 1 && !files("staging").isEmpty(), "the upload is being written");

                child.kill();
            }
        }
        assertThat(files("blobs")).as("no blob was made visible").isEmpty();
        assertThat(rows(database, "WHERE completed_at IS NULL")).isEqualTo(1);
        String id = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT id FROM media_store")
                        .mapTo(String.class)
                        .one());

        clock.advance(Duration.ofDays(2));
        try (TestServer restarted = TestServer.start(url, clock, settings)) {
            assertThat(files("staging"))
                    .as("the partial bytes are deleted at start")
                    .isEmpty();
            MediaClient client = new MediaClient(restarted.port());
            TestAccount bob = new TestAccount(clock);
            String bobToken = bob.join(restarted, bob.device(1));
            assertThat(client.download(bobToken, id, null).code()).isEqualTo("not_found");
            MediaFlowTest.eventually(() -> rows(database, "") == 0, "the orphan sweep removed the unfinished upload");
            assertThat(client.storageBytes()).isZero();
            assertThat(files("blobs")).isEmpty();
        }
    }
}
