// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.nexuslink.cli.Main;
import picocli.CommandLine;

/** The {@code nexuslink bench} command line: its modes, usage errors, and a one-line error when no server answers. */
class BenchCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void help_lists_every_mode() {
        assertThat(run("bench", "--help")).isZero();
        assertThat(out.toString()).contains("direct", "channel", "idle", "offline");
    }

    @Test
    void idle_help_names_its_memory_options() {
        assertThat(run("bench", "idle", "--help")).isZero();
        assertThat(out.toString()).contains("--server-pid", "--settle", "--source-addresses", "--json");
    }

    @Test
    void a_zero_duration_is_a_usage_error() {
        assertThat(run("bench", "direct", "--server", "http://127.0.0.1:1", "--duration", "0"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--duration");
    }

    @Test
    void a_negative_warmup_is_a_usage_error() {
        assertThat(run("bench", "direct", "--server", "http://127.0.0.1:1", "--warmup", "-1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--warmup");
    }

    @Test
    void one_device_cannot_make_a_direct_pair() {
        assertThat(run("bench", "direct", "--server", "http://127.0.0.1:1", "--devices", "1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--devices must be at least 2");
    }

    @Test
    void channel_needs_the_channel() {
        assertThat(run("bench", "channel", "--server", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--channel");
    }

    @Test
    void no_server_is_a_one_line_failure_not_a_stack_trace() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(run("bench", "offline", "--server", "http://127.0.0.1:" + port, "--messages", "1"))
                .isEqualTo(1);
        assertThat(err.toString()).startsWith("nexuslink: ").doesNotContain("\tat ");
        assertThat(out.toString()).isEmpty();
    }
}
