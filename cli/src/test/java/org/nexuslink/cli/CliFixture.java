// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Runs the packaged {@code nexuslink.jar} as separate processes, as a user would: a community
 * server on a free port (restartable on the same data directory), and CLI commands per profile.
 * Also searches the server's files and logs for plaintexts. Used by the client ITs.
 */
final class CliFixture implements AutoCloseable {
    static final String PASSPHRASE = "correct horse battery staple";
    /** Options that make a short-lived CLI JVM start faster and quieter. */
    private static final List<String> JVM = List.of(
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto");

    final Path dir;
    final Path dataDir;
    final int port;
    final Path jar = Path.of("target", "nexuslink.jar").toAbsolutePath();
    final Path java = Path.of(ProcessHandle.current().info().command().orElseThrow());
    private final List<Path> serverLogs = new ArrayList<>();
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private Process server;

    CliFixture(Path dir) throws IOException {
        this.dir = dir;
        this.dataDir = dir.resolve("server-data");
        this.port = freePort();
        assertThat(jar).exists();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path profile(String name) {
        return dir.resolve("profiles").resolve(name);
    }

    /** The result of one CLI command. */
    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return this;
        }

        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Starts (or restarts) the server on the same port and data directory and waits for /health. */
    void startServer(Map<String, String> env) throws Exception {
        Path log = dir.resolve("server-" + serverLogs.size() + ".log");
        serverLogs.add(log);
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        command.addAll(List.of(
                "-jar", jar.toString(), "server", "--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("NEXUSLINK_RATE_LIMIT_REQUESTS_PER_SECOND", "10000");
        builder.environment().put("NEXUSLINK_RATE_LIMIT_WS_MESSAGES_PER_SECOND", "10000");
        builder.environment().put("NEXUSLINK_RATE_LIMIT_UPLOAD_PER_MINUTE", "1000");
        server = builder.start();
        started.add(server);
        HttpClient probe =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("server exited: " + Files.readString(log));
            }
            try {
                if (probe.send(
                                        HttpRequest.newBuilder(URI.create(url() + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new AssertionError("server did not start: " + Files.readString(log));
    }

    /** Stops the server with SIGTERM and waits for it. */
    void stopServer() throws InterruptedException {
        server.destroy();
        assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server stopped").isTrue();
    }

    private ProcessBuilder cliBuilder(String profile, List<String> args) {
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(JVM);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        if (profile != null) {
            command.addAll(List.of("--profile", profile(profile).toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("NEXUSLINK_PASSPHRASE", PASSPHRASE);
        return builder;
    }

    /** Runs one command on a profile to its end (at most 3 minutes). */
    Result cli(String profile, String... args) throws Exception {
        Process p = cliBuilder(profile, List.of(args))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        started.add(p);
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(3, TimeUnit.MINUTES))
                .as("command %s finished", List.of(args))
                .isTrue();
        return new Result(
                p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** A long-running command whose output lines are collected as they come. */
    final class Running implements AutoCloseable {
        final Process process;
        final List<String> out = new CopyOnWriteArrayList<>();
        final List<String> err = new CopyOnWriteArrayList<>();

        Running(Process process) {
            this.process = process;
            pump(process.getInputStream(), out);
            pump(process.getErrorStream(), err);
        }

        private void pump(java.io.InputStream in, List<String> lines) {
            // A platform thread: this read blocks in the kernel for the child's whole life, and on
            // a virtual thread it would block its carrier too, leaving the scheduler to add spares.
            Thread.ofPlatform().daemon().name("pump-" + process.pid()).start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            });
        }

        /** Waits until an output line matches. */
        String awaitOut(Predicate<String> match, String what) throws InterruptedException {
            return await(out, match, what);
        }

        String awaitErr(Predicate<String> match, String what) throws InterruptedException {
            return await(err, match, what);
        }

        private String await(List<String> lines, Predicate<String> match, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                for (String line : lines) {
                    if (match.test(line)) {
                        return line;
                    }
                }
                if (!process.isAlive() && lines.stream().noneMatch(match)) {
                    TimeUnit.MILLISECONDS.sleep(200); // let the pumps finish
                    return lines.stream()
                            .filter(match)
                            .findFirst()
                            .orElseThrow(() -> new AssertionError(what + ": the process exited (" + process.exitValue()
                                    + ") without it; out=" + out + " err=" + err));
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
            throw new AssertionError(
                    what + ": not seen in 90 s; out=" + out + " err=" + err + "; the process's threads:\n" + threads());
        }

        /** The process's threads as jcmd prints them, so a hang says where it hangs. */
        private String threads() throws InterruptedException {
            try {
                Process jcmd = new ProcessBuilder(
                                java.resolveSibling("jcmd").toString(), Long.toString(process.pid()), "Thread.print")
                        .redirectErrorStream(true)
                        .start();
                String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                jcmd.waitFor(30, TimeUnit.SECONDS);
                return dump;
            } catch (IOException e) {
                return "(no thread dump: " + e.getMessage() + ")";
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    Running start(String profile, String... args) throws IOException {
        Process p = cliBuilder(profile, List.of(args)).start();
        started.add(p);
        return new Running(p);
    }

    /**
     * Asserts that none of the plaintexts occurs in the server's database files (SQLite and its
     * WAL), its media folder, any other file under its data directory, or its logs.
     */
    void assertNoPlaintextOnServer(Collection<byte[]> plaintexts) throws IOException {
        List<Path> files = new ArrayList<>(serverLogs);
        try (Stream<Path> all = Files.walk(dataDir)) {
            all.filter(Files::isRegularFile).forEach(files::add);
        }
        assertThat(files)
                .as("server files to search")
                .anyMatch(f -> f.getFileName().toString().equals("nexuslink.db"));
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (byte[] secret : plaintexts) {
                assertThat(indexOf(content, secret))
                        .as(
                                "plaintext '%s' in server file %s",
                                new String(secret, 0, Math.min(secret.length, 40), StandardCharsets.ISO_8859_1), file)
                        .isEqualTo(-1);
            }
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }
}
