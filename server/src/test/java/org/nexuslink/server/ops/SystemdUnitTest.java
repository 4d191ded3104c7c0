// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/nexuslink.service passes {@code systemd-analyze verify} with no warning, and keeps
 * its hardening. The unit names Debian's JDK 21 path; to verify it on a machine without that JDK,
 * the test checks a copy pointing at the JDK running the test.
 */
class SystemdUnitTest {
    private static final Path UNIT = Path.of("..", "deploy", "systemd", "nexuslink.service");
    private static final String UNIT_JAVA = "/usr/lib/jvm/java-21-openjdk-amd64/bin/java";

    @TempDir
    Path dir;

    @Test
    void the_unit_passes_systemd_analyze_verify_without_a_warning() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assertThat(analyze)
                .as("systemd-analyze is installed on the build machine (package systemd)")
                .isExecutable();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path copy = dir.resolve("nexuslink.service");
        Files.writeString(copy, Files.readString(UNIT).replace(UNIT_JAVA, java));

        Process verify = new ProcessBuilder(List.of(analyze.toString(), "verify", copy.toString()))
                .redirectErrorStream(true)
                .start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output).as("systemd-analyze verify reports nothing").isBlank();
    }

    @Test
    void the_unit_runs_unprivileged_on_a_read_only_system() throws Exception {
        List<String> lines = Files.readAllLines(UNIT);

        assertThat(lines)
                .contains(
                        "DynamicUser=yes",
                        "NoNewPrivileges=yes",
                        "ProtectSystem=strict",
                        "ProtectHome=yes",
                        "PrivateTmp=yes",
                        "CapabilityBoundingSet=",
                        "StateDirectory=nexuslink nexuslink/tmp",
                        "RestartPreventExitStatus=2");
        assertThat(String.join("\n", lines))
                .contains("-jar /opt/nexuslink/nexuslink.jar server", "--data-dir /var/lib/nexuslink", UNIT_JAVA);
    }
}
