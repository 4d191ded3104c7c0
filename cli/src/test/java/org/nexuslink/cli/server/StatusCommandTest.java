// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.Main;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.ops.Version;
import picocli.CommandLine;

/** {@code nexuslink server status} against a real server on SQLite. */
class StatusCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private NexusLinkServer start() {
        return NexusLinkServer.start(
                ConfigLoader.load(
                        null,
                        Map.of(
                                "NEXUSLINK_SERVER_DATA_DIR",
                                dir.toString(),
                                "NEXUSLINK_SERVER_PORT",
                                "0",
                                "NEXUSLINK_SERVER_BIND_ADDRESS",
                                "127.0.0.1"),
                        Map.of()),
                Clock.systemUTC());
    }

    @Test
    void a_healthy_server_shows_its_figures_and_exits_0() {
        try (NexusLinkServer server = start()) {
            Run run = run("server", "status", "--url", "http://127.0.0.1:" + server.port());

            assertThat(run.exit()).as(run.err()).isEqualTo(StatusCommand.HEALTHY);
            assertThat(run.out())
                    .containsPattern("status\\s+healthy")
                    .containsPattern("version\\s+" + java.util.regex.Pattern.quote(Version.current()))
                    .containsPattern("database\\s+connected")
                    .containsPattern("redis\\s+disabled")
                    .containsPattern("connections\\s+0")
                    .containsPattern("queue\\s+0 pending messages")
                    .containsPattern("nexuslink_members\\s+0");
        }
    }

    @Test
    void json_output_carries_the_health_fields_and_the_metrics() throws Exception {
        try (NexusLinkServer server = start()) {
            Run run = run("server", "status", "--json", "--url", "http://127.0.0.1:" + server.port() + "/");

            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode body = JSON.readTree(run.out());
            assertThat(body.get("status").asText()).isEqualTo("healthy");
            assertThat(body.get("pending_messages").asLong()).isZero();
            assertThat(body.get("websocket_connections").asInt()).isZero();
            assertThat(body.get("uptime_seconds").asLong()).isNotNegative();
            assertThat(body.path("metrics").has("nexuslink_members"))
                    .as(run.out())
                    .isTrue();
        }
    }

    @Test
    void an_unhealthy_server_exits_4() throws Exception {
        try (NexusLinkServer server = start()) {
            // The queue count is what /health reads from the database; without its table the
            // database no longer serves the node, which is what "unhealthy" reports.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("nexuslink.db"));
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE message_queue RENAME TO message_queue_gone");
            }

            Run run = run("server", "status", "--url", "http://127.0.0.1:" + server.port());

            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(StatusCommand.UNHEALTHY);
            assertThat(run.out()).containsPattern("status\\s+unhealthy").containsPattern("database\\s+disconnected");
        }
    }

    @Test
    void an_unreachable_server_exits_5_with_a_clear_message() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Run text = run("server", "status", "--url", "http://127.0.0.1:" + port);
        Run json = run("server", "status", "--json", "--url", "http://127.0.0.1:" + port);

        assertThat(text.exit()).isEqualTo(StatusCommand.UNREACHABLE);
        assertThat(text.err()).contains("unreachable", "127.0.0.1:" + port);
        assertThat(json.exit()).isEqualTo(StatusCommand.UNREACHABLE);
        assertThat(JSON.readTree(json.out()).get("status").asText()).isEqualTo("unreachable");
    }

    @Test
    void uptime_reads_as_days_hours_and_minutes() {
        assertThat(StatusCommand.duration(93_780)).isEqualTo("1d 2h 3m (93780 s)");
        assertThat(StatusCommand.duration(59)).isEqualTo("0m 59s (59 s)");
    }
}
