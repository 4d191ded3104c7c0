// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code s3} backend answers a download with a redirect to a presigned URL: the client
 * follows it without the bearer token. A small HTTP server plays the community server and the
 * object store (the real ones are in AttachmentsServerTest and the server's S3MediaTest).
 */
class MediaClientRedirectTest {
    private static final String ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final byte[] BLOB = "encrypted bytes".getBytes(StandardCharsets.US_ASCII);

    private final List<String> seen = new CopyOnWriteArrayList<>();
    private HttpServer http;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/v1/media/", exchange -> {
            seen.add("server auth="
                    + Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getResponseHeaders().add("Location", "/store/" + ID + "?X-Amz-Signature=abc");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        http.createContext("/store/", exchange -> {
            seen.add("store auth="
                    + Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, BLOB.length);
            exchange.getResponseBody().write(BLOB);
            exchange.close();
        });
        http.start();
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    @Test
    void follows_the_object_store_redirect_without_the_token() throws Exception {
        MediaClient client = new MediaClient(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort()), () -> "t0k3n");
        Path out = dir.resolve("blob");

        client.download(ID, out);

        assertThat(Files.readAllBytes(out)).isEqualTo(BLOB);
        assertThat(seen).containsExactly("server auth=Optional[Bearer t0k3n]", "store auth=Optional.empty");
    }

    @Test
    void refuses_a_media_id_that_is_not_a_uuid_before_any_request() {
        MediaClient client = new MediaClient(
                URI.create("http://127.0.0.1:" + http.getAddress().getPort()), () -> "t");

        assertThatThrownBy(() -> client.download("../members", dir.resolve("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a media id");
        assertThatThrownBy(() -> client.delete("quota")).isInstanceOf(IllegalArgumentException.class);
        assertThat(seen).isEmpty();
        assertThat(TestFiles.files(dir)).isEmpty();
    }
}
