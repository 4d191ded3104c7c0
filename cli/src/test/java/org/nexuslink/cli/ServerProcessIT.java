// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: {@code java -jar nexuslink.jar server} in its own process,
 * answering /health, then stopping cleanly on SIGTERM.
 */
class ServerProcessIT {
    @TempDir
    Path dir;

    @Test
    void the_packaged_server_starts_answers_health_and_stops_on_sigterm() throws Exception {
        Path jar = Path.of("target", "nexuslink.jar").toAbsolutePath();
        assertThat(jar).exists();
        int port = freePort();
        Path log = dir.resolve("server.log");
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
        Process server = new ProcessBuilder(List.of(
                        java.toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        jar.toString(),
                        "server",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--port",
                        Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            HttpResponse<String> health = awaitHealth(port, server, log);

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"healthy\"", "\"database\":\"connected\"");
            assertThat(dir.resolve("data").resolve("nexuslink.db")).exists();
        } finally {
            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readString(log)).contains("nexuslink server started", "nexuslink server stopped");
    }

    private static HttpResponse<String> awaitHealth(int port, Process server, Path log) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("server exited with " + server.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError("server did not answer within 60 s:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
