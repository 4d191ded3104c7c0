// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestCommunity;
import org.nexuslink.server.testing.TestServer;

/** Media upload, download, delete, quotas and expiry over real HTTP, on SQLite and PostgreSQL. */
class MediaFlowTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dataDir;

    private TestServer start(DatabaseUrl url, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString());
        return TestServer.start(url, clock, env);
    }

    private String member(TestServer server) {
        TestAccount account = new TestAccount(clock);
        return account.join(server, account.device(1));
    }

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

    private static long rows(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM media_store")
                        .mapTo(Long.class)
                        .one());
    }

    static void eventually(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    @DatabaseTest
    void uploads_and_downloads_files_of_0_1_and_50_mib_with_their_digests(DatabaseUrl url) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            for (int size : new int[] {0, 1, 50 << 20}) {
                byte[] body = MediaClient.randomBytes(size, size);

                MediaClient.Reply uploaded =
                        client.upload(token, body, MediaClient.sha256(body), "?mime_type_hint=image/jpeg", size > 1);

                assertThat(uploaded.status())
                        .as("upload of %d bytes: %s", size, uploaded.message())
                        .isEqualTo(201);
                assertThat(uploaded.json().get("size").asLong()).isEqualTo(size);
                assertThat(uploaded.json().get("sha256").asText())
                        .isEqualTo(java.util.Base64.getEncoder().encodeToString(MediaClient.sha256(body)));
                assertThat(uploaded.json().get("mime_type_hint").asText()).isEqualTo("image/jpeg");
                MediaClient.Reply downloaded =
                        client.download(token, uploaded.json().get("id").asText(), null);
                assertThat(downloaded.status()).isEqualTo(200);
                assertThat(MediaClient.sha256(downloaded.body())).isEqualTo(MediaClient.sha256(body));
            }
            assertThat(files("blobs")).hasSize(3);
            assertThat(files("staging")).isEmpty();
            assertThat(client.storageBytes()).isEqualTo(1L + (50 << 20));
            assertThat(client.metrics())
                    .contains(
                            "nexuslink_http_requests_total{method=\"POST\",path=\"/api/v1/media/upload\",status=\"201\"} 3.0")
                    .contains(
                            "nexuslink_http_requests_total{method=\"GET\",path=\"/api/v1/media/{id}\",status=\"200\"} 3.0");
        }
    }

    @DatabaseTest
    void any_member_downloads_but_nobody_without_a_valid_token(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String alice = member(server);
            TestAccount bob = new TestAccount(clock);
            String bobToken = bob.join(server, bob.device(1));
            String id = client.upload(alice, new byte[] {1, 2, 3}, "")
                    .json()
                    .get("id")
                    .asText();

            assertThat(client.download(bobToken, id, null).status()).isEqualTo(200);
            assertThat(client.download(null, id, null).code()).isEqualTo("token_invalid");
            assertThat(client.download("not-a-token", id, null).code()).isEqualTo("token_invalid");
            database.inTransaction(h -> h.createUpdate("UPDATE members SET is_banned = TRUE WHERE account_id = :a")
                    .bind("a", bob.id())
                    .execute());
            MediaClient.Reply banned = client.download(bobToken, id, null);
            assertThat(banned.status()).isEqualTo(403);
            assertThat(banned.code()).isEqualTo("account_banned");
            assertThat(client.upload(bobToken, new byte[] {4}, "").code()).isEqualTo("account_banned");
        }
    }

    @DatabaseTest
    void refuses_uploads_without_a_token_and_keeps_nothing(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            byte[] body = MediaClient.randomBytes(200_000, 1);

            MediaClient.Reply anonymous = client.upload(null, body, "");
            MediaClient.Reply bogus = client.upload("bogus", body, MediaClient.sha256(body), "", true);

            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.code()).isEqualTo("token_invalid");
            assertThat(bogus.code()).isEqualTo("token_invalid");
            assertThat(rows(database)).isZero();
            assertThat(files("blobs")).isEmpty();
        }
    }

    @DatabaseTest
    void refuses_a_file_over_the_maximum_size_before_reading_it(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of("NEXUSLINK_MEDIA_MAX_FILE_SIZE", "1000"))) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(1001, 2);

            MediaClient.Reply refused = client.upload(token, body, MediaClient.sha256(body), "", true);

            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.code()).isEqualTo("payload_too_large");
            assertThat(refused.message()).contains("1001").contains("1000");
            assertThat(rows(database)).isZero();
            assertThat(client.upload(token, MediaClient.randomBytes(1000, 3), "")
                            .status())
                    .isEqualTo(201);
        }
    }

    @DatabaseTest
    void refuses_an_upload_over_the_member_quota_and_says_what_is_left(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of("NEXUSLINK_MEDIA_MEMBER_QUOTA", "1500"))) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            assertThat(client.upload(token, MediaClient.randomBytes(1000, 4), "")
                            .status())
                    .isEqualTo(201);

            MediaClient.Reply refused = client.upload(token, MediaClient.randomBytes(501, 5), "");

            assertThat(refused.status()).isEqualTo(413);
            assertThat(refused.code()).isEqualTo("quota_exceeded");
            assertThat(refused.message()).contains("500 of 1500 bytes left");
            assertThat(rows(database)).isEqualTo(1);
            assertThat(client.get("/api/v1/media/quota", token)
                            .json()
                            .get("remaining")
                            .asLong())
                    .isEqualTo(500);
            assertThat(client.upload(token, MediaClient.randomBytes(500, 6), "").status())
                    .isEqualTo(201);
            String other = member(server);
            assertThat(client.upload(other, MediaClient.randomBytes(1500, 7), "")
                            .status())
                    .isEqualTo(201);
        }
    }

    @DatabaseTest
    void concurrent_uploads_cannot_overrun_the_quota_together(DatabaseUrl url, Database database) throws Exception {
        try (TestServer server = start(url, Map.of("NEXUSLINK_MEDIA_MEMBER_QUOTA", "1000"))) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            List<java.util.concurrent.Callable<MediaClient.Reply>> uploads = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] body = MediaClient.randomBytes(400, 100 + i);
                uploads.add(() -> client.upload(token, body, ""));
            }

            List<Integer> statuses = new java.util.ArrayList<>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (var done : pool.invokeAll(uploads)) {
                    statuses.add(done.get().status());
                }
            }

            assertThat(statuses).filteredOn(s -> s == 201).hasSize(2);
            assertThat(statuses).filteredOn(s -> s == 413).hasSize(2);
            assertThat(rows(database)).isEqualTo(2);
            assertThat(client.storageBytes()).isEqualTo(800);
        }
    }

    @DatabaseTest
    void refuses_an_upload_over_the_server_storage_limit(DatabaseUrl url) {
        try (TestServer server = start(url, Map.of("NEXUSLINK_STORAGE_LIMIT", "2000"))) {
            MediaClient client = new MediaClient(server.port());
            assertThat(client.upload(member(server), MediaClient.randomBytes(1500, 8), "")
                            .status())
                    .isEqualTo(201);

            MediaClient.Reply refused = client.upload(member(server), MediaClient.randomBytes(501, 9), "");

            assertThat(refused.code()).isEqualTo("quota_exceeded");
            assertThat(refused.message()).contains("server's storage limit").contains("500 of 2000 bytes left");
        }
    }

    @DatabaseTest
    void refuses_a_digest_mismatch_and_keeps_nothing(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(3 << 20, 10);
            byte[] wrong = MediaClient.sha256(new byte[] {1});

            MediaClient.Reply refused = client.upload(token, body, wrong, "", false);

            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("digest_mismatch");
            assertThat(rows(database)).isZero();
            assertThat(files("blobs")).isEmpty();
            assertThat(files("staging")).isEmpty();
            assertThat(client.get("/api/v1/media/quota", token)
                            .json()
                            .get("used")
                            .asLong())
                    .isZero();
            assertThat(client.storageBytes()).isZero();
        }
    }

    @DatabaseTest
    void refuses_uploads_without_content_length_or_digest(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);

            MediaClient.Reply chunked = client.uploadWithoutLength(token, new byte[] {1, 2, 3});

            assertThat(chunked.status()).isEqualTo(411);
            assertThat(chunked.code()).isEqualTo("length_required");
            assertThat(client.upload(token, new byte[] {1}, "?expires_in=5").code())
                    .isEqualTo("invalid_field");
            assertThat(client.upload(token, new byte[] {1}, "?mime_type_hint=%3Cscript%3E")
                            .code())
                    .isEqualTo("invalid_field");
            assertThat(rows(database)).isZero();
        }
    }

    @DatabaseTest
    void limits_uploads_per_member_per_minute(DatabaseUrl url) {
        try (TestServer server = start(url, Map.of("NEXUSLINK_RATE_LIMIT_UPLOAD_PER_MINUTE", "2"))) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            client.upload(token, new byte[] {1}, "");
            client.upload(token, new byte[] {2}, "");

            MediaClient.Reply limited = client.upload(token, new byte[] {3}, "");

            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.code()).isEqualTo("rate_limited");
            assertThat(client.upload(member(server), new byte[] {4}, "").status())
                    .isEqualTo(201);
            clock.advance(Duration.ofSeconds(61));
            assertThat(client.upload(token, new byte[] {5}, "").status()).isEqualTo(201);
        }
    }

    @DatabaseTest
    void serves_single_byte_ranges(DatabaseUrl url) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(1000, 11);
            String id = client.upload(token, body, "").json().get("id").asText();

            MediaClient.Reply head = client.download(token, id, "bytes=0-9");
            MediaClient.Reply tail = client.download(token, id, "bytes=990-");
            MediaClient.Reply suffix = client.download(token, id, "bytes=-5");
            MediaClient.Reply beyond = client.download(token, id, "bytes=1000-");
            MediaClient.Reply several = client.download(token, id, "bytes=0-1,5-6");

            assertThat(head.status()).isEqualTo(206);
            assertThat(head.body()).isEqualTo(java.util.Arrays.copyOfRange(body, 0, 10));
            assertThat(head.contentRange()).contains("bytes 0-9/1000");
            assertThat(tail.body()).isEqualTo(java.util.Arrays.copyOfRange(body, 990, 1000));
            assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(body, 995, 1000));
            assertThat(suffix.contentRange()).contains("bytes 995-999/1000");
            assertThat(beyond.status()).isEqualTo(416);
            assertThat(beyond.code()).isEqualTo("range_not_satisfiable");
            assertThat(beyond.contentRange()).contains("bytes */1000");
            assertThat(several.status()).isEqualTo(416);
            assertThat(client.headLength(token, id)).isEqualTo(1000);
        }
    }

    @DatabaseTest
    void deletes_for_the_uploader_and_moderators_only(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String alice = member(server);
            String bob = member(server);
            TestAccount moderator = new TestAccount(clock);
            String modToken = moderator.join(server, moderator.device(1));
            database.inTransaction(h -> h.createUpdate("UPDATE members SET role = 'moderator' WHERE account_id = :a")
                    .bind("a", moderator.id())
                    .execute());
            String first =
                    client.upload(alice, new byte[] {1, 2}, "").json().get("id").asText();
            String second =
                    client.upload(alice, new byte[] {3, 4}, "").json().get("id").asText();

            MediaClient.Reply forbidden = client.delete(bob, first);

            assertThat(forbidden.status()).isEqualTo(403);
            assertThat(forbidden.code()).isEqualTo("forbidden");
            assertThat(client.delete(alice, first).status()).isEqualTo(204);
            assertThat(client.delete(modToken, second).status()).isEqualTo(204);
            assertThat(client.download(alice, first, null).code()).isEqualTo("not_found");
            assertThat(client.delete(alice, first).code()).isEqualTo("not_found");
            assertThat(files("blobs")).isEmpty();
            assertThat(rows(database)).isZero();
            assertThat(client.storageBytes()).isZero();
            var audit = server.get("/api/v1/audit?action=media_delete", modToken)
                    .body()
                    .get("entries");
            assertThat(audit).hasSize(1);
            assertThat(audit.get(0).get("actor").asText()).isEqualTo(moderator.id());
            assertThat(audit.get(0).get("details").toString()).contains(second);
        }
    }

    @DatabaseTest
    void an_expired_file_is_not_served_and_the_sweep_removes_it(DatabaseUrl url, Database database) {
        try (TestServer server = start(url, Map.of("NEXUSLINK_MEDIA_SWEEP_INTERVAL", "1"))) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            String shortLived = client.upload(token, new byte[] {1, 2, 3}, "?expires_in=60")
                    .json()
                    .get("id")
                    .asText();
            String kept =
                    client.upload(token, new byte[] {4, 5}, "").json().get("id").asText();
            assertThat(client.storageBytes()).isEqualTo(5);

            clock.advance(Duration.ofSeconds(61));

            assertThat(client.download(token, shortLived, null).code()).isEqualTo("not_found");
            eventually(() -> rows(database) == 1, "the sweep removed the expired file");
            assertThat(files("blobs")).hasSize(1);
            assertThat(client.download(token, kept, null).status()).isEqualTo(200);
            assertThat(client.storageBytes()).isEqualTo(2);
        }
    }

    @DatabaseTest
    void an_upload_cut_off_half_way_leaves_nothing(DatabaseUrl url, Database database) throws IOException {
        try (TestServer server = start(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);

            try (Socket socket = client.partialUpload(token, 10 << 20, 2 << 20)) {
                eventually(() -> rows(database) == 1 && !files("staging").isEmpty(), "the upload began");
            }

            eventually(() -> rows(database) == 0 && files("staging").isEmpty(), "the cut upload was cleaned up");
            assertThat(files("blobs")).isEmpty();
            assertThat(client.storageBytes()).isZero();
            assertThat(client.get("/api/v1/media/quota", token)
                            .json()
                            .get("used")
                            .asLong())
                    .isZero();
        }
    }

    private TestCommunity community(DatabaseUrl url, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString());
        return TestCommunity.start(url, clock, env);
    }

    @DatabaseTest
    void a_member_at_its_media_quota_cannot_reset_it_by_leaving_and_rejoining(DatabaseUrl url, Database database) {
        try (TestCommunity c = community(url, Map.of("NEXUSLINK_MEDIA_MEMBER_QUOTA", "1500"))) {
            MediaClient client = new MediaClient(c.server.port());
            assertThat(client.upload(c.memberToken, MediaClient.randomBytes(1500, 40), "")
                            .status())
                    .isEqualTo(201);

            assertThat(c.server
                            .delete("/api/v1/members/" + c.member.id(), c.memberToken)
                            .status())
                    .isEqualTo(204);
            String rejoined = c.member.join(c.server, c.member.device(2));
            MediaClient.Reply refused = client.upload(rejoined, MediaClient.randomBytes(1, 41), "");

            assertThat(refused.code()).isEqualTo("quota_exceeded");
            assertThat(client.get("/api/v1/media/quota", rejoined)
                            .json()
                            .get("used")
                            .asLong())
                    .isEqualTo(1500);
            assertThat(rows(database)).isEqualTo(1);
        }
    }

    @DatabaseTest
    void a_moderator_cannot_delete_an_admins_media(DatabaseUrl url, Database database) {
        try (TestCommunity c = community(url, Map.of())) {
            MediaClient client = new MediaClient(c.server.port());
            byte[] body = MediaClient.randomBytes(1000, 42);
            String admins =
                    client.upload(c.adminToken, body, "").json().get("id").asText();
            String members = client.upload(c.memberToken, MediaClient.randomBytes(1000, 43), "")
                    .json()
                    .get("id")
                    .asText();

            MediaClient.Reply refused = client.delete(c.moderatorToken, admins);

            assertThat(refused.code()).isEqualTo("forbidden");
            assertThat(rows(database)).isEqualTo(2);
            assertThat(files("blobs")).hasSize(2);
            assertThat(client.download(c.memberToken, admins, null).status()).isEqualTo(200);
            assertThat(client.delete(c.moderatorToken, members).status())
                    .as("a member's file")
                    .isEqualTo(204);
            assertThat(client.delete(c.adminToken, admins).status()).isEqualTo(204);
        }
    }
}
