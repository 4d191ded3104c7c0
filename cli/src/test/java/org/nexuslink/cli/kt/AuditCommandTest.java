// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.kt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.cli.ExitCodes;
import org.nexuslink.cli.Main;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.server.NexusLinkServer;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigLoader;
import org.nexuslink.server.storage.Database;
import picocli.CommandLine;

/** {@code nexuslink kt audit} against a real server on SQLite, honest and then rewritten by its operator. */
class AuditCommandTest {
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

    private Config config() {
        return ConfigLoader.load(
                null,
                Map.of(
                        "NEXUSLINK_SERVER_DATA_DIR",
                        dir.resolve("server").toString(),
                        "NEXUSLINK_SERVER_PORT",
                        "0",
                        "NEXUSLINK_SERVER_BIND_ADDRESS",
                        "127.0.0.1"),
                Map.of());
    }

    private NexusLinkServer start() {
        return NexusLinkServer.start(config(), Clock.systemUTC());
    }

    private static void join(NexusLinkServer server) throws Exception {
        CommunityApi api = new CommunityApi(URI.create("http://127.0.0.1:" + server.port())).trustOnFirstUse();
        AccountIdentity identity = AccountIdentity.generate();
        DeviceKeyPair device = DeviceKeyPair.generate();
        api.join(
                identity,
                device,
                identity.certify(
                        DeviceId.PRIMARY, device.publicKey(), Clock.systemUTC().instant(), Optional.empty()),
                "someone",
                "cli");
    }

    private static String url(NexusLinkServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void an_honest_log_audits_clean_run_after_run() throws Exception {
        Path state = dir.resolve("kt.state");
        try (NexusLinkServer server = start()) {
            join(server);
            join(server);
            Run first = run("kt", "audit", url(server), "--state", state.toString());
            assertThat(first.exit()).as(first.err()).isEqualTo(ExitCodes.OK);
            assertThat(first.out())
                    .containsPattern("tree size\\s+4")
                    .contains("identity 2, device added 2, device removed 0")
                    .contains("none (first run)");
            assertThat(Files.readString(state)).startsWith("nexuslink-kt-audit-v1 ");

            join(server);
            Run second = run("kt", "audit", url(server), "--state", state.toString());
            assertThat(second.exit()).as(second.err()).isEqualTo(ExitCodes.OK);
            assertThat(second.out()).containsPattern("tree size\\s+6").contains("size 4, consistent");
        }
    }

    @Test
    void a_log_rewritten_between_runs_exits_3_and_keeps_the_state() throws Exception {
        Path state = dir.resolve("kt.state");
        try (NexusLinkServer server = start()) {
            join(server);
            join(server);
            assertThat(run("kt", "audit", url(server), "--state", state.toString())
                            .exit())
                    .isEqualTo(ExitCodes.OK);
        }
        String kept = Files.readString(state);
        // The operator restores the log from an older backup.
        try (Database database = NexusLinkServer.openAndMigrate(config().database())) {
            database.inTransaction(h -> {
                h.execute("DELETE FROM kt_leaves WHERE leaf_index >= 2");
                h.execute(
                        "DELETE FROM kt_nodes WHERE NOT ((level = 0 AND node_index < 2) OR (level = 1 AND node_index = 0))");
                h.execute("DELETE FROM kt_heads WHERE tree_size > 2");
                return h.execute("UPDATE kt_state SET tree_size = 2");
            });
        }
        try (NexusLinkServer server = start()) {
            Run rolledBack = run("kt", "audit", url(server), "--state", state.toString());
            assertThat(rolledBack.exit()).as(rolledBack.out()).isEqualTo(AuditCommand.INCONSISTENT);
            assertThat(rolledBack.err()).contains("INCONSISTENT").contains("rolled its log back");

            join(server);
            join(server); // past the audited size again, with other entries: a fork
            Run forked = run("kt", "audit", url(server), "--state", state.toString());
            assertThat(forked.exit()).as(forked.out()).isEqualTo(AuditCommand.INCONSISTENT);
            assertThat(forked.err()).contains("INCONSISTENT").contains("does not extend");
            assertThat(Files.readString(state))
                    .as("a failed audit keeps the last good state")
                    .isEqualTo(kept);
        }
    }

    @Test
    void another_server_key_than_the_state_names_exits_3() throws Exception {
        Path state = dir.resolve("kt.state");
        try (NexusLinkServer server = start()) {
            join(server);
            assertThat(run("kt", "audit", url(server), "--state", state.toString())
                            .exit())
                    .isEqualTo(ExitCodes.OK);
        }
        Files.delete(dir.resolve("server").resolve("server.key"));
        Files.delete(dir.resolve("server").resolve("nexuslink.db"));
        try (NexusLinkServer server = start()) {
            Run run = run("kt", "audit", url(server), "--state", state.toString());
            assertThat(run.exit()).isEqualTo(AuditCommand.INCONSISTENT);
            assertThat(run.err()).contains("presents server key");
        }
    }

    @Test
    void a_bad_state_file_is_a_usage_error_and_an_unreachable_server_a_failure() throws Exception {
        Path state = dir.resolve("kt.state");
        Files.writeString(state, "something else\n");
        Run bad = run("kt", "audit", "http://127.0.0.1:1", "--state", state.toString());
        assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("not a kt audit state file");
        Run unreachable = run("kt", "audit", "http://127.0.0.1:1");
        assertThat(unreachable.exit()).isEqualTo(ExitCodes.FAILURE);
        assertThat(unreachable.err()).contains("cannot reach");
        assertThat(run("kt", "audit", "--help").out()).contains("--state").contains("Exit codes");
    }
}
