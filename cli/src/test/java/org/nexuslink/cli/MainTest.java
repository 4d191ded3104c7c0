// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.server.ops.Version;
import picocli.CommandLine;

class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void prints_its_version() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("nexuslink " + Version.current());
    }

    @Test
    void help_lists_the_server_command() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("server", "id", "Usage: nexuslink");
    }

    @Test
    void server_help_lists_its_options_and_migrate() {
        assertThat(run("server", "--help")).isZero();
        assertThat(out.toString()).contains("--config", "--data-dir", "--port", "migrate");
    }

    @Test
    void migrate_creates_the_embedded_database_under_the_data_dir() {
        int code = run("server", "migrate", "--data-dir", dir.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("up to date");
        assertThat(Files.exists(dir.resolve("nexuslink.db"))).isTrue();
    }

    @Test
    void migrate_takes_options_given_before_it() {
        int code = run("server", "--data-dir", dir.toString(), "migrate");

        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.exists(dir.resolve("nexuslink.db"))).isTrue();
    }

    @Test
    void invalid_configuration_exits_with_code_2_naming_the_key() throws Exception {
        Path config = Files.writeString(dir.resolve("bad.toml"), "[server]\nrole = \"relay\"\n");

        int code = run("server", "--config", config.toString(), "migrate");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("server.role", "relay");
        assertThat(Files.exists(dir.resolve("nexuslink.db"))).isFalse();
    }

    @Test
    void a_port_out_of_range_exits_with_code_2() {
        assertThat(run("server", "--port", "70000", "--data-dir", dir.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("server.port");
    }

    @Test
    void an_unknown_option_is_a_usage_error() {
        assertThat(run("server", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("--bogus");
    }
}
