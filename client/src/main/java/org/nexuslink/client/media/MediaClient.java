// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.nexuslink.client.RefusedException;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.api.ApiJson;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.MediaApi;

/**
 * A community server's media endpoints (docs/api.md "Media") as a client uses them: streamed
 * upload of an already encrypted file with {@code Content-Length} and an RFC 9530
 * {@code Content-Digest}, streamed download to a file, delete and quota. Files never pass
 * through memory whole. Thread-safe: it holds only an {@link HttpClient} and the token supplier.
 *
 * <p>Every request asks {@code bearerToken} for the current token. Remote waits are bounded: a
 * connection within {@link #CONNECT_TIMEOUT}, an answer within {@link #ANSWER_TIMEOUT} (plus the
 * time to send the body at {@link #SLOWEST_UPLOAD_BYTES_PER_SECOND} for uploads), and a download
 * that delivers no byte for {@link #IDLE_TIMEOUT} is abandoned.
 */
public final class MediaClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    static final long SLOWEST_UPLOAD_BYTES_PER_SECOND = 64 * 1024;
    private static final int MAX_REDIRECTS = 3;
    private static final ObjectMapper JSON = ApiJson.tolerant();

    private final URI server;
    private final Supplier<String> bearerToken;
    private final HttpClient http;

    /**
     * @param server      the server's base URL, e.g. {@code https://chat.example.org}
     * @param bearerToken gives the device's current access token for each request
     */
    public MediaClient(URI server, Supplier<String> bearerToken) {
        this.server = Objects.requireNonNull(server, "server");
        this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
        if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme())) {
            throw new IllegalArgumentException("server must be an http or https URL, got " + server);
        }
        // HTTP/1.1: the server speaks it, and no h2c upgrade is attempted on plain HTTP.
        // Redirects are followed by hand, so that the token never goes to an object store.
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Uploads an encrypted file, computing its SHA-256 first (one extra read of the file).
     *
     * @param mime the {@code mime_type_hint} the server stores as given, or {@code ""} for none;
     *             the server sees it in the clear, so {@link Attachments} sends none
     * @return the media id
     * @throws RefusedException if the server refuses (e.g. {@code quota_exceeded}, {@code payload_too_large})
     */
    public String upload(Path ciphertext, String mime) throws IOException, InterruptedException {
        return upload(ciphertext, mime, sha256(ciphertext));
    }

    /**
     * Uploads an encrypted file whose SHA-256 the caller already knows, streamed from the file
     * with {@code Content-Length}, {@code Content-Digest} and {@code Expect: 100-continue} (a
     * refusal arrives before the body is sent). If the file's bytes differ from {@code sha256}
     * the server refuses with {@code digest_mismatch} and keeps nothing.
     *
     * @return the media id
     * @throws RefusedException if the server refuses
     * @throws IOException      if the file cannot be read, the connection fails, or the server's
     *                          answer does not describe the uploaded file
     */
    public String upload(Path ciphertext, String mime, byte[] sha256) throws IOException, InterruptedException {
        return upload(ciphertext, mime, sha256, TransferProgress.NONE);
    }

    /**
     * As {@link #upload(Path, String, byte[])}, telling {@code progress} the bytes handed to the
     * connection ({@link TransferProgress.Phase#UPLOADING}).
     */
    public String upload(Path ciphertext, String mime, byte[] sha256, TransferProgress progress)
            throws IOException, InterruptedException {
        Objects.requireNonNull(ciphertext, "ciphertext");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(mime, "mime");
        Objects.requireNonNull(sha256, "sha256");
        if (sha256.length != AttachmentCipher.DIGEST_LENGTH) {
            throw new IllegalArgumentException("sha256 must have 32 bytes, got " + sha256.length);
        }
        long size = Files.size(ciphertext);
        String query = mime.isEmpty() ? "" : "?mime_type_hint=" + URLEncoder.encode(mime, StandardCharsets.UTF_8);
        Duration timeout = ANSWER_TIMEOUT.plusSeconds(size / SLOWEST_UPLOAD_BYTES_PER_SECOND);
        HttpRequest request = authorized(server.resolve(ApiRoute.MEDIA_UPLOAD.path() + query))
                .timeout(timeout)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(sha256) + ":")
                .expectContinue(true)
                // ofFile announces the file's size as Content-Length and reads it in chunks.
                .POST(new CountedBody(HttpRequest.BodyPublishers.ofFile(ciphertext), size, progress))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        MediaApi.MediaView body = answer(refuseUnless(response, 201), MediaApi.MediaView.class);
        String id = body.id() == null ? "" : body.id();
        try {
            MediaIdFormat.require(id);
        } catch (IllegalArgumentException e) {
            throw new IOException("the server answered the upload with an invalid media id", e);
        }
        if (body.size() != size || !Base64.getEncoder().encodeToString(sha256).equals(body.sha256())) {
            throw new IOException("the server stored media " + id + " with size " + body.size() + " and sha256 "
                    + body.sha256() + ", not the " + size + " bytes sent");
        }
        return id;
    }

    /**
     * Downloads a file to {@code out} (created or replaced), streamed: the bytes go to a
     * temporary file beside {@code out}, moved into place once complete, so a failed download
     * leaves no partial file. Follows the {@code s3} backend's redirect without the token.
     *
     * @throws IllegalArgumentException if {@code mediaId} is not a media id
     * @throws RefusedException         if the server refuses (e.g. {@code not_found})
     */
    public void download(String mediaId, Path out) throws IOException, InterruptedException {
        download(mediaId, out, TransferProgress.NONE);
    }

    /**
     * As {@link #download(String, Path)}, telling {@code progress} the bytes received
     * ({@link TransferProgress.Phase#DOWNLOADING}, of the answer's {@code Content-Length}).
     */
    public void download(String mediaId, Path out, TransferProgress progress) throws IOException, InterruptedException {
        MediaIdFormat.require(mediaId);
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(progress, "progress");
        Path target = out.toAbsolutePath();
        Path temp = Files.createTempFile(target.getParent(), ".nexuslink-download-", ".part");
        boolean moved = false;
        try {
            HttpRequest request = authorized(server.resolve(ApiRoute.MEDIA_DOWNLOAD.path(mediaId)))
                    .timeout(ANSWER_TIMEOUT)
                    .GET()
                    .build();
            for (int hops = 0; ; hops++) {
                HttpResponse<Optional<byte[]>> response = receive(request, temp, progress);
                int status = response.statusCode();
                if (status == 200) {
                    long expected = response.headers()
                            .firstValueAsLong("Content-Length")
                            .orElse(-1);
                    if (expected >= 0 && Files.size(temp) != expected) {
                        throw new IOException(
                                "media " + mediaId + ": received " + Files.size(temp) + " of " + expected + " bytes");
                    }
                    break;
                }
                if (isRedirect(status) && hops < MAX_REDIRECTS) {
                    request = HttpRequest.newBuilder(redirectTarget(request.uri(), response.headers()))
                            .timeout(ANSWER_TIMEOUT)
                            .GET()
                            .build();
                    continue;
                }
                throw refusal(status, response.body().orElse(new byte[0]));
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Deletes a file (the uploader's, or any as a moderator or admin).
     *
     * @throws RefusedException if the server refuses ({@code not_found}, {@code forbidden})
     */
    public void delete(String mediaId) throws IOException, InterruptedException {
        MediaIdFormat.require(mediaId);
        HttpRequest request = authorized(server.resolve(ApiRoute.MEDIA_DELETE.path(mediaId)))
                .timeout(ANSWER_TIMEOUT)
                .DELETE()
                .build();
        refuseUnless(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), 204);
    }

    /**
     * The caller's media quota: bytes used (unfinished uploads included), the quota, what is
     * left of it, what is left on the server, and the largest file the server accepts.
     */
    public MediaApi.Quota quota() throws IOException, InterruptedException {
        HttpRequest request = authorized(server.resolve(ApiRoute.MEDIA_QUOTA.path()))
                .timeout(ANSWER_TIMEOUT)
                .GET()
                .build();
        return answer(
                refuseUnless(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), 200), MediaApi.Quota.class);
    }

    /** The SHA-256 of a file, read in chunks. */
    static byte[] sha256(Path file) throws IOException {
        MessageDigest sha = AttachmentCipher.sha256();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(AttachmentCipher.CHUNK);
            while (in.read(buffer.clear()) != -1) {
                sha.update(buffer.flip());
            }
        }
        return sha.digest();
    }

    private HttpRequest.Builder authorized(URI uri) {
        String token = Objects.requireNonNull(bearerToken.get(), "the bearer token supplier gave null");
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token);
    }

    /**
     * Sends a GET whose 200 body streams into {@code file}; any other answer's body is kept in
     * memory (an error or a redirect is small). Abandons the exchange if the body stalls.
     */
    private HttpResponse<Optional<byte[]>> receive(HttpRequest request, Path file, TransferProgress progress)
            throws IOException, InterruptedException {
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        HttpResponse.BodyHandler<Optional<byte[]>> handler = info -> info.statusCode() == 200
                ? new Progress<>(
                        HttpResponse.BodySubscribers.mapping(
                                HttpResponse.BodySubscribers.ofFile(
                                        file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
                                path -> Optional.empty()),
                        lastProgress,
                        new AtomicLong(),
                        info.headers().firstValueAsLong("Content-Length").orElse(-1),
                        progress)
                : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), Optional::of);
        CompletableFuture<HttpResponse<Optional<byte[]>>> pending = http.sendAsync(request, handler);
        try {
            while (true) {
                try {
                    return pending.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    // The request's own timeout covers the wait for the headers; this covers the body.
                    if (System.nanoTime() - lastProgress.get() > IDLE_TIMEOUT.toNanos()) {
                        pending.cancel(true);
                        throw new HttpTimeoutException(
                                "no data from " + request.uri().getHost() + " for " + IDLE_TIMEOUT.toSeconds() + " s");
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("download failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new IOException("download cancelled", e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        }
    }

    /** A body subscriber that notes the time of each chunk received, and counts the bytes. */
    private record Progress<T>(
            HttpResponse.BodySubscriber<T> delegate,
            AtomicLong lastProgress,
            AtomicLong received,
            long total,
            TransferProgress progress)
            implements HttpResponse.BodySubscriber<T> {
        @Override
        public CompletionStage<T> getBody() {
            return delegate.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            delegate.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            lastProgress.set(System.nanoTime());
            long n = 0;
            for (ByteBuffer b : item) {
                n += b.remaining();
            }
            delegate.onNext(item);
            progress.update(TransferProgress.Phase.DOWNLOADING, received.addAndGet(n), total);
        }

        @Override
        public void onError(Throwable throwable) {
            delegate.onError(throwable);
        }

        @Override
        public void onComplete() {
            delegate.onComplete();
        }
    }

    /** A request body that tells {@code progress} how many of its bytes went to the connection. */
    private record CountedBody(HttpRequest.BodyPublisher delegate, long total, TransferProgress progress)
            implements HttpRequest.BodyPublisher {
        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            AtomicLong sent = new AtomicLong();
            delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    long n = item.remaining();
                    subscriber.onNext(item);
                    progress.update(TransferProgress.Phase.UPLOADING, sent.addAndGet(n), total);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static URI redirectTarget(URI from, HttpHeaders headers) throws IOException {
        String location = headers.firstValue("Location")
                .orElseThrow(() -> new IOException("redirect from " + from.getHost() + " without a Location"));
        URI target = from.resolve(location);
        if (!"https".equals(target.getScheme()) && !"http".equals(target.getScheme())) {
            throw new IOException("refusing a redirect to a " + target.getScheme() + " URL");
        }
        return target;
    }

    private static byte[] refuseUnless(HttpResponse<byte[]> response, int expected) throws IOException {
        if (response.statusCode() != expected) {
            throw refusal(response.statusCode(), response.body());
        }
        return response.body();
    }

    /** An answer's body as {@code type}; every field of a primitive type must be present. */
    private static <T> T answer(byte[] body, Class<T> type) throws IOException {
        try {
            T value = JSON.readerFor(type)
                    .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .readValue(body);
            if (value == null) {
                throw new IOException("the server's answer is null");
            }
            return value;
        } catch (IOException e) {
            throw new IOException("the server's answer is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static RefusedException refusal(int status, byte[] body) {
        try {
            ErrorBody error = JSON.readValue(body, ErrorBody.class);
            return RefusedException.http(status, error.code(), error.message());
        } catch (IOException | RuntimeException notAnErrorBody) {
            return RefusedException.http(status, "unknown", "HTTP " + status + " without an error body");
        }
    }

    @Override
    public String toString() {
        return "MediaClient[" + server + "]";
    }
}
