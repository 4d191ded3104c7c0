// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A js-libp2p 2.x node (src/test/js/peer.mjs) in a child Node.js process: its JSON event lines
 * are queued for the test, commands go to its stdin. Installs the npm packages from the
 * checked-in lock file on first use ({@code npm ci}), since node_modules is not in git.
 */
final class JsPeer implements AutoCloseable {
    static final Path DIR = Path.of("src/test/js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    private final StringBuilder stderr = new StringBuilder();

    private JsPeer(Process process) {
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        // Platform threads: these reads block in the kernel for the peer's whole life, and on a
        // virtual thread each would block its carrier too, leaving the scheduler to add spares.
        Thread.ofPlatform()
                .daemon()
                .start(() -> pump(
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                        true));
        Thread.ofPlatform()
                .daemon()
                .start(() -> pump(
                        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
                        false));
    }

    static JsPeer start(PeerKeyPair key) throws IOException, InterruptedException {
        return start(key, false);
    }

    /** @param mdns also run @libp2p/mdns discovery (querying every 500 ms) */
    static JsPeer start(PeerKeyPair key, boolean mdns) throws IOException, InterruptedException {
        installPackages();
        List<String> command = new ArrayList<>(List.of("node", "peer.mjs", Hex.of(key.encodedPrivateKey())));
        if (mdns) {
            command.add("mdns");
        }
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).start();
        return new JsPeer(p);
    }

    static synchronized void installPackages() throws IOException, InterruptedException {
        if (Files.isDirectory(DIR.resolve("node_modules/libp2p"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(DIR.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IOException("npm ci failed in " + DIR + ":\n" + output);
        }
    }

    private void pump(BufferedReader reader, boolean json) {
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                if (json) {
                    try {
                        events.add(JSON.readTree(line));
                    } catch (IOException notJson) {
                        synchronized (stderr) {
                            stderr.append(line).append('\n');
                        }
                    }
                } else {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /** The first event (already seen or still to come) of {@code type} that matches. */
    JsonNode await(String type, Predicate<JsonNode> matches, Duration timeout) throws InterruptedException {
        for (JsonNode e : seen) {
            if (e.path("event").asText().equals(type) && matches.test(e)) {
                return e;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
            if (e == null) {
                throw new AssertionError("no '" + type + "' event from the js peer within " + timeout + "; events "
                        + seen + "; stderr:\n" + stderr());
            }
            seen.add(e);
            if (e.path("event").asText().equals("error")) {
                throw new AssertionError("js peer error: " + e + "; stderr:\n" + stderr());
            }
            if (e.path("event").asText().equals(type) && matches.test(e)) {
                return e;
            }
        }
    }

    JsonNode await(String type, Duration timeout) throws InterruptedException {
        return await(type, e -> true, timeout);
    }

    private String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            send("exit");
        } catch (IOException alreadyGone) {
            // The process ended on its own.
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
