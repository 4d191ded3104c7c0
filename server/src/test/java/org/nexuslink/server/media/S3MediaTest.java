// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.SqliteDatabaseExtension;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * The s3 backend against a real S3-compatible server: S3Proxy (in memory) started here on a free
 * loopback port, speaking AWS Signature V4 with presigned URLs, as MinIO or AWS would.
 */
@ExtendWith(SqliteDatabaseExtension.class)
class S3MediaTest {
    private static final String ACCESS_KEY = "nexuslink-test";
    private static final String SECRET_KEY = "nexuslink-test-secret";
    private static final String BUCKET = "media";
    /** Headers the JDK HTTP client sets itself and refuses to be given. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "expect", "connection");

    private final MutableClock clock = new MutableClock();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static BlobStoreContext objects;
    private static S3Proxy proxy;

    @TempDir
    java.nio.file.Path dataDir;

    @BeforeAll
    static void start_s3() throws Exception {
        objects = ContextBuilder.newBuilder("transient")
                .credentials("unused", "unused")
                .build(BlobStoreContext.class);
        objects.getBlobStore().createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder()
                .blobStore(objects.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!AbstractLifeCycle.STARTED.equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("S3Proxy did not start: " + proxy.getState());
            }
            Thread.onSpinWait();
        }
    }

    @AfterAll
    static void stop_s3() throws Exception {
        proxy.stop();
        objects.close();
    }

    @BeforeEach
    void empty_the_bucket() {
        objects.getBlobStore().clearContainer(BUCKET);
    }

    private TestServer server(DatabaseUrl url, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString());
        env.put("NEXUSLINK_MEDIA_BACKEND", "s3");
        env.put("NEXUSLINK_MEDIA_S3_ENDPOINT", "http://127.0.0.1:" + proxy.getPort());
        env.put("NEXUSLINK_MEDIA_S3_BUCKET", BUCKET);
        env.put("NEXUSLINK_MEDIA_S3_ACCESS_KEY", ACCESS_KEY);
        env.put("NEXUSLINK_MEDIA_S3_SECRET_KEY", SECRET_KEY);
        env.put("NEXUSLINK_MEDIA_S3_PATH_STYLE", "true");
        return TestServer.start(url, clock, env);
    }

    private String member(TestServer server) {
        TestAccount account = new TestAccount(clock);
        return account.join(server, account.device(1));
    }

    private static long rows(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM media_store")
                        .mapTo(Long.class)
                        .one());
    }

    private int objectCount() {
        return objects.getBlobStore().list(BUCKET).size();
    }

    private static Map<String, Object> declaration(byte[] body) {
        return Map.of(
                "size",
                body.length,
                "sha256",
                Base64.getEncoder().encodeToString(MediaClient.sha256(body)),
                "mime_type_hint",
                "video/mp4");
    }

    /** PUTs {@code body} to a presigned URL as the server told the client to. */
    private int put(JsonNode upload, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(upload.get("upload_url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        for (Iterator<Map.Entry<String, JsonNode>> headers =
                        upload.get("upload_headers").fields();
                headers.hasNext(); ) {
            Map.Entry<String, JsonNode> header = headers.next();
            if (!RESTRICTED.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                request.header(header.getKey(), header.getValue().asText());
            }
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** Follows the server's redirect to the presigned URL, without the bearer token. */
    private HttpResponse<byte[]> follow(MediaClient.Reply redirect, String range)
            throws IOException, InterruptedException {
        assertThat(redirect.status()).isEqualTo(302);
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(redirect.location().orElseThrow()))
                .GET();
        if (range != null) {
            request.header("Range", range);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void a_presigned_upload_is_verified_then_served_through_presigned_downloads(DatabaseUrl.Sqlite url)
            throws Exception {
        try (TestServer server = server(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(300_000, 21);

            MediaClient.Reply begun = client.postJson("/api/v1/media/uploads", token, declaration(body));
            assertThat(begun.status()).as(begun.message()).isEqualTo(201);
            String id = begun.json().get("id").asText();
            assertThat(client.download(token, id, null).code())
                    .as("not served before completion")
                    .isEqualTo("not_found");
            assertThat(put(begun.json(), body)).isEqualTo(200);
            MediaClient.Reply completed = client.postJson("/api/v1/media/" + id + "/complete", token, Map.of());

            assertThat(completed.status()).as(completed.message()).isEqualTo(200);
            assertThat(completed.json().get("size").asLong()).isEqualTo(body.length);
            HttpResponse<byte[]> whole = follow(client.download(token, id, null), null);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(MediaClient.sha256(whole.body())).isEqualTo(MediaClient.sha256(body));
            HttpResponse<byte[]> part = follow(client.download(token, id, null), "bytes=100-199");
            assertThat(part.statusCode()).isEqualTo(206);
            assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(body, 100, 200));
            assertThat(client.download(null, id, null).code()).isEqualTo("token_invalid");
            assertThat(client.storageBytes()).isEqualTo(body.length);
        }
    }

    @Test
    void a_replayed_presigned_upload_cannot_overwrite_a_completed_file(DatabaseUrl.Sqlite url) throws Exception {
        try (TestServer server = server(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(1000, 25);
            JsonNode begun = client.postJson("/api/v1/media/uploads", token, declaration(body))
                    .json();
            String id = begun.get("id").asText();
            assertThat(put(begun, body)).isEqualTo(200);
            assertThat(client.postJson("/api/v1/media/" + id + "/complete", token, Map.of())
                            .status())
                    .isEqualTo(200);

            int replayed = put(begun, MediaClient.randomBytes(1000, 26));

            assertThat(replayed).isEqualTo(412);
            HttpResponse<byte[]> served = follow(client.download(token, id, null), null);
            assertThat(MediaClient.sha256(served.body())).isEqualTo(MediaClient.sha256(body));
            assertThat(objectCount()).isEqualTo(1);
        }
    }

    @Test
    void a_presigned_upload_with_other_bytes_is_refused_and_deleted(DatabaseUrl.Sqlite url, Database database)
            throws Exception {
        try (TestServer server = server(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] declared = MediaClient.randomBytes(1000, 22);
            JsonNode begun = client.postJson("/api/v1/media/uploads", token, declaration(declared))
                    .json();
            String id = begun.get("id").asText();

            MediaClient.Reply early = client.postJson("/api/v1/media/" + id + "/complete", token, Map.of());
            put(begun, MediaClient.randomBytes(1000, 23));
            MediaClient.Reply refused = client.postJson("/api/v1/media/" + id + "/complete", token, Map.of());

            assertThat(early.code()).isEqualTo("conflict");
            assertThat(refused.code()).isEqualTo("digest_mismatch");
            assertThat(objectCount()).isZero();
            assertThat(rows(database)).isZero();
            assertThat(client.get("/api/v1/media/quota", token)
                            .json()
                            .get("used")
                            .asLong())
                    .isZero();
        }
    }

    @Test
    void a_streamed_upload_goes_to_the_object_store(DatabaseUrl.Sqlite url) throws Exception {
        try (TestServer server = server(url, Map.of())) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(2 << 20, 24);

            MediaClient.Reply uploaded = client.upload(token, body, "");

            assertThat(uploaded.status()).as(uploaded.message()).isEqualTo(201);
            assertThat(objectCount()).isEqualTo(1);
            HttpResponse<byte[]> downloaded =
                    follow(client.download(token, uploaded.json().get("id").asText(), null), null);
            assertThat(MediaClient.sha256(downloaded.body())).isEqualTo(MediaClient.sha256(body));
            assertThat(client.delete(token, uploaded.json().get("id").asText()).status())
                    .isEqualTo(204);
            assertThat(objectCount()).isZero();
        }
    }

    @Test
    void an_upload_never_completed_is_swept_with_its_object(DatabaseUrl.Sqlite url, Database database)
            throws Exception {
        try (TestServer server =
                server(url, Map.of("NEXUSLINK_MEDIA_SWEEP_INTERVAL", "1", "NEXUSLINK_MEDIA_ORPHAN_AFTER", "3600"))) {
            MediaClient client = new MediaClient(server.port());
            String token = member(server);
            byte[] body = MediaClient.randomBytes(5000, 25);
            JsonNode begun = client.postJson("/api/v1/media/uploads", token, declaration(body))
                    .json();
            put(begun, body);
            assertThat(objectCount()).isEqualTo(1);

            clock.advance(Duration.ofSeconds(3601));

            MediaFlowTest.eventually(() -> objectCount() == 0 && rows(database) == 0, "the orphan was swept");
        }
    }

    @Test
    void the_local_backend_refuses_presigned_uploads(DatabaseUrl.Sqlite url) {
        try (TestServer server =
                TestServer.start(url, clock, Map.of("NEXUSLINK_SERVER_DATA_DIR", dataDir.toString()))) {
            MediaClient client = new MediaClient(server.port());
            MediaClient.Reply refused =
                    client.postJson("/api/v1/media/uploads", member(server), declaration(new byte[] {1}));

            assertThat(refused.code()).isEqualTo("bad_request");
            assertThat(refused.message()).contains("POST /api/v1/media/upload");
        }
    }
}
