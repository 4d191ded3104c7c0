// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.MutableClock;
import org.nexuslink.server.testing.TestAccount;
import org.nexuslink.server.testing.TestServer;

/**
 * Measures the server's heap while a 200 MiB upload streams through it: the server runs in its own
 * JVM with {@code -Xmx64m}, and its {@code jvm_memory_used_bytes{area="heap"}} is sampled from
 * /metrics every 100 ms during the upload. Not part of the build's test suite (its name matches no
 * surefire include); run it on purpose, as docs/benchmarks.md shows:
 *
 * <pre>mvn -B -q -pl server -am verify -Dtest=MediaHeapBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 *
 * Optional: {@code -Dnexuslink.bench.mib=200 -Dnexuslink.bench.xmx=64m}.
 */
class MediaHeapBenchmark {
    private static final int MIB = 1 << 20;

    /** Deterministic pseudo-random bytes, generated as they are read: never all in memory. */
    private static InputStream generated(long size) {
        return new InputStream() {
            private final SplittableRandom random = new SplittableRandom(42);
            private long left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) random.nextInt();
                }
                left -= n;
                return n;
            }
        };
    }

    private static byte[] digest(long size) throws IOException {
        MessageDigest sha = Sha256.digester();
        try (InputStream in = generated(size)) {
            byte[] buffer = new byte[MIB];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }

    private static long heapUsed(MediaClient client) {
        return client.metrics()
                .lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void measures_the_heap_while_a_large_upload_streams() throws Exception {
        long size = Long.getLong("nexuslink.bench.mib", 200) * MIB;
        String xmx = System.getProperty("nexuslink.bench.xmx", "64m");
        Path dir = Files.createTempDirectory("nexuslink-heap-bench");
        DatabaseUrl.Sqlite url = new DatabaseUrl.Sqlite(dir.resolve("nexuslink.db"));
        MutableClock clock = new MutableClock(Instant.now());
        Map<String, String> settings = Map.of(
                "NEXUSLINK_SERVER_DATA_DIR",
                dir.toString(),
                "NEXUSLINK_MEDIA_MAX_FILE_SIZE",
                "4GiB",
                "NEXUSLINK_MEDIA_MEMBER_QUOTA",
                "8GiB");
        TestAccount alice = new TestAccount(clock);
        String token;
        try (TestServer server = TestServer.start(url, clock, settings)) {
            token = alice.join(server, alice.device(1));
        }
        byte[] sha = digest(size);
        try (ChildServer child = ChildServer.start(
                List.of("-Xmx" + xmx),
                Map.of(
                        "NEXUSLINK_DATABASE_URL", TestServer.urlString(url),
                        "NEXUSLINK_SERVER_DATA_DIR", dir.toString(),
                        "NEXUSLINK_SERVER_PORT", "0",
                        "NEXUSLINK_SERVER_BIND_ADDRESS", "127.0.0.1",
                        "NEXUSLINK_MEDIA_MAX_FILE_SIZE", "4GiB",
                        "NEXUSLINK_MEDIA_MEMBER_QUOTA", "8GiB",
                        "NEXUSLINK_LOGGING_LEVEL", "warn"),
                dir.resolve("server.log"))) {
            MediaClient client = new MediaClient(child.port());
            long before = heapUsed(client);
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + child.port() + "/api/v1/media/upload"))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Digest", MediaClient.contentDigest(sha))
                    .POST(HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> generated(size)), size))
                    .build();
            long started = System.nanoTime();
            CompletableFuture<HttpResponse<String>> upload =
                    http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            long max = before;
            int samples = 0;
            while (!upload.isDone()) {
                max = Math.max(max, heapUsed(client));
                samples++;
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            HttpResponse<String> response = upload.join();
            long after = heapUsed(client);

            String report = String.format(
                    java.util.Locale.ROOT,
                    "upload of %d MiB into a server with -Xmx%s: status %d in %.1f s (%.0f MiB/s); heap used "
                            + "before %.1f MiB, max during %.1f MiB over %d samples, after %.1f MiB%n",
                    size / MIB,
                    xmx,
                    response.statusCode(),
                    seconds,
                    size / MIB / seconds,
                    before / (double) MIB,
                    max / (double) MIB,
                    samples,
                    after / (double) MIB);
            System.out.print(report);
            Files.writeString(Path.of("target", "media-heap-benchmark.txt"), report);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
    }
}
