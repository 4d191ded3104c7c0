// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A detached tmux session on a private tmux server (its own socket name), to drive an
 * interactive command as a user would: type keys, read the screen.
 */
final class Tmux implements AutoCloseable {
    private static final String SESSION = "it";
    private final String socket;
    private String lastScreen = "";

    Tmux(String socket) {
        this.socket = socket;
    }

    /** Starts {@code command} in a 200x50 window, with extra environment variables. */
    void start(String command, Map<String, String> env) throws Exception {
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", SESSION, "-x", "200", "-y", "50"));
        env.forEach((k, v) -> args.addAll(List.of("-e", k + "=" + v)));
        // Keep the pane after the command exits, so a failure stays readable on the screen.
        args.add(command + "; echo '[exited '$?']'; sleep 600");
        run(args);
    }

    /** The visible screen. */
    String screen() throws Exception {
        lastScreen = run(List.of("capture-pane", "-p", "-J", "-t", SESSION));
        return lastScreen;
    }

    /** Types a line and Enter. */
    void type(String line) throws Exception {
        run(List.of("send-keys", "-t", SESSION, "-l", line));
        run(List.of("send-keys", "-t", SESSION, "Enter"));
    }

    void await(Predicate<String> match, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (match.test(screen())) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError(what + ": not on the screen within 90 s; screen:\n" + lastScreen);
    }

    /** Waits until the command in the pane has exited with status 0. */
    void awaitExit() throws Exception {
        await(screen -> screen.contains("[exited "), "the command exited");
        if (!lastScreen.contains("[exited 0]")) {
            throw new AssertionError("the command failed; screen:\n" + lastScreen);
        }
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + args + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        new ProcessBuilder("tmux", "-L", socket, "kill-server")
                .redirectErrorStream(true)
                .start()
                .waitFor(20, TimeUnit.SECONDS);
    }
}
