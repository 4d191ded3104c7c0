// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.cli.client.ClientEnvironment;
import org.nexuslink.cli.client.ProfileLock;
import picocli.CommandLine;

/** {@code nexuslink app} as a command: its one line, the lock it holds, and stopping. */
class AppCommandTest {
    @TempDir
    Path dir;

    @Test
    void prints_only_the_open_line_serves_with_its_token_and_releases_the_profile_when_stopped() throws Exception {
        Path profile = dir.resolve("profile");
        PipedInputStream pipe = new PipedInputStream();
        PrintWriter out = new PrintWriter(new PipedOutputStream(pipe), true, StandardCharsets.UTF_8);
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(ClientEnvironment.of(
                Map.of(), Clock.systemUTC(), AppFixture.FAST, new ByteArrayInputStream(new byte[0])));
        cmd.setOut(out);
        cmd.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread app = Thread.ofVirtual()
                .start(() -> exit.set(cmd.execute("app", "--profile", profile.toString(), "--no-browser")));
        BufferedReader lines = new BufferedReader(new InputStreamReader(pipe, StandardCharsets.UTF_8));
        String line = lines.readLine();
        Matcher m = Pattern.compile("open http://127\\.0\\.0\\.1:(\\d+)/#token=([A-Za-z0-9_-]{43})")
                .matcher(line);
        assertThat(m.matches()).as(line).isTrue();
        assertThat(ProfileLock.isBusy(profile)).isTrue();

        HttpResponse<String> state = AppFixture.HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/api/state"))
                        .header("Authorization", "Bearer " + m.group(2))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(state.statusCode()).isEqualTo(200);
        assertThat(state.body()).contains("\"status\":\"empty\"");

        app.interrupt();
        app.join(10_000);
        assertThat(app.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
        out.close();
        assertThat(lines.readLine()).as("nothing after the open line").isNull();
        assertThat(ProfileLock.isBusy(profile)).isFalse();
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void a_busy_profile_is_refused() throws Exception {
        Path profile = dir.resolve("busy");
        java.nio.file.Files.createDirectories(profile);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine(ClientEnvironment.of(
                Map.of(), Clock.systemUTC(), AppFixture.FAST, new ByteArrayInputStream(new byte[0])));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        try (ProfileLock held = ProfileLock.acquire(profile)) {
            assertThat(cmd.execute("app", "--profile", profile.toString(), "--no-browser"))
                    .isEqualTo(1);
        }
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("in use");
    }
}
