// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TransferProgress} as the media client tells it: bytes counted up to the whole body, in
 * order, on upload and download. A small HTTP server plays the community server.
 */
class MediaClientProgressTest {
    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final byte[] BLOB = new byte[300_000];

    static {
        new Random(3).nextBytes(BLOB);
    }

    record Update(TransferProgress.Phase phase, long done, long total) {}

    private final List<Update> updates = new CopyOnWriteArrayList<>();
    private HttpServer http;
    private MediaClient client;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/media/upload", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String sha;
            try {
                sha = Base64.getEncoder()
                        .encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            byte[] answer = ("{\"id\":\"" + ID + "\",\"size\":" + body.length + ",\"sha256\":\"" + sha
                            + "\",\"uploaded_at\":\"2026-12-07T00:00:00Z\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        http.createContext("/api/v1/media/" + ID, exchange -> {
            exchange.sendResponseHeaders(200, BLOB.length);
            exchange.getResponseBody().write(BLOB);
            exchange.close();
        });
        http.start();
        client = new MediaClient(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort()), () -> "t");
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    @Test
    void a_download_counts_up_to_its_content_length() throws Exception {
        client.download(ID, dir.resolve("blob"), (phase, done, total) -> updates.add(new Update(phase, done, total)));

        assertThat(Files.readAllBytes(dir.resolve("blob"))).isEqualTo(BLOB);
        assertThat(updates)
                .isNotEmpty()
                .allMatch(u -> u.phase() == TransferProgress.Phase.DOWNLOADING && u.total() == BLOB.length);
        assertThat(updates).isSortedAccordingTo((a, b) -> Long.compare(a.done(), b.done()));
        assertThat(updates.getLast().done()).isEqualTo(BLOB.length);
    }

    @Test
    void an_upload_counts_the_bytes_sent_up_to_the_file_size() throws Exception {
        Path file = dir.resolve("cipher");
        Files.write(file, BLOB);

        String id = client.upload(
                file,
                "",
                MediaClient.sha256(file),
                (phase, done, total) -> updates.add(new Update(phase, done, total)));

        assertThat(id).isEqualTo(ID);
        assertThat(updates)
                .isNotEmpty()
                .allMatch(u -> u.phase() == TransferProgress.Phase.UPLOADING && u.total() == BLOB.length);
        assertThat(updates).isSortedAccordingTo((a, b) -> Long.compare(a.done(), b.done()));
        assertThat(updates.getLast().done()).isEqualTo(BLOB.length);
    }
}
