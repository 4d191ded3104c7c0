// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Flow;
import org.nexuslink.server.testing.OpenApiContract;

/**
 * The media endpoints over real HTTP, as a client uses them: uploads with {@code Content-Digest},
 * downloads with ranges, and a raw socket for uploads that stop half-way.
 */
final class MediaClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final String base;
    private final HttpClient http;

    MediaClient(int port) {
        this.port = port;
        this.base = "http://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** A client speaking HTTPS, trusting what {@code tls} trusts. */
    MediaClient(int port, javax.net.ssl.SSLContext tls) {
        this.port = port;
        this.base = "https://127.0.0.1:" + port;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .build();
    }

    /** An answer: status, headers of interest, raw body, and the body as JSON when it is JSON. */
    record Reply(int status, byte[] body, Optional<String> contentRange, Optional<String> location) {
        JsonNode json() {
            try {
                return body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String code() {
            return json().path("code").asText();
        }

        String message() {
            return json().path("message").asText();
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] sha256(byte[] bytes) {
        return Sha256.digester().digest(bytes);
    }

    static String contentDigest(byte[] sha256) {
        return "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }

    /** Uploads {@code body} claiming its true digest. */
    Reply upload(String token, byte[] body, String query) {
        return upload(token, body, sha256(body), query, false);
    }

    /** Uploads {@code body} claiming {@code claimed} as its SHA-256. */
    Reply upload(String token, byte[] body, byte[] claimed, String query, boolean expectContinue) {
        HttpRequest.Builder request = request("/api/v1/media/upload" + query, token)
                .header("Content-Digest", contentDigest(claimed))
                .header("Content-Type", "application/octet-stream")
                .expectContinue(expectContinue)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return send(request, body);
    }

    /** An upload sent with chunked transfer encoding, so without Content-Length. */
    Reply uploadWithoutLength(String token, byte[] body) {
        Flow.Publisher<java.nio.ByteBuffer> publisher = HttpRequest.BodyPublishers.ofByteArray(body);
        return send(request("/api/v1/media/upload", token)
                .header("Content-Digest", contentDigest(sha256(body)))
                .POST(HttpRequest.BodyPublishers.fromPublisher(publisher)));
    }

    Reply download(String token, String id, String range) {
        HttpRequest.Builder request = request("/api/v1/media/" + id, token).GET();
        if (range != null) {
            request.header("Range", range);
        }
        return send(request);
    }

    /** A HEAD request: status and the Content-Length the server announced. */
    long headLength(String token, String id) {
        try {
            HttpResponse<byte[]> response = http.send(
                    request("/api/v1/media/" + id, token)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || response.body().length != 0) {
                throw new AssertionError(
                        "HEAD answered " + response.statusCode() + " with " + response.body().length + " body bytes");
            }
            return response.headers().firstValueAsLong("Content-Length").orElse(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply delete(String token, String id) {
        return send(request("/api/v1/media/" + id, token).DELETE());
    }

    Reply get(String path, String token) {
        return send(request(path, token).GET());
    }

    Reply postJson(String path, String token, Object body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            return send(
                    request(path, token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                    bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Prometheus text of /metrics. */
    String metrics() {
        return new String(send(request("/metrics", null).GET()).body(), StandardCharsets.UTF_8);
    }

    /** The value of {@code nexuslink_media_storage_bytes} as /metrics shows it. */
    long storageBytes() {
        return metrics()
                .lines()
                .filter(l -> l.startsWith("nexuslink_media_storage_bytes "))
                .map(l -> (long)
                        Double.parseDouble(l.substring(l.indexOf(' ') + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no nexuslink_media_storage_bytes in /metrics"));
    }

    /**
     * Starts an upload of {@code declared} bytes on a raw socket, sends {@code sent} of them and
     * returns the open socket, so the caller can cut it (or kill the server) half-way.
     */
    Socket partialUpload(String token, long declared, int sent) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        String head = "POST /api/v1/media/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: " + declared + "\r\nContent-Digest: "
                + contentDigest(new byte[32]) + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        for (int left = sent; left > 0; left -= chunk.length) {
            out.write(chunk, 0, Math.min(left, chunk.length));
        }
        out.flush();
        return socket;
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder request) {
        return send(request, null);
    }

    /**
     * Sends a request, checking the exchange against docs/openapi.yaml.
     *
     * @param sent the body sent, or null for none
     */
    private Reply send(HttpRequest.Builder builder, byte[] sent) {
        try {
            HttpRequest request = builder.build();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            OpenApiContract.check(request, sent, response.statusCode(), response.headers(), response.body());
            return new Reply(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue("Content-Range"),
                    response.headers().firstValue("Location"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
