// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ProfileOptionTest {
    @Command(name = "probe")
    static final class Probe {
        @Mixin
        ProfileOption profile;
    }

    @Test
    void defaults_to_the_default_profile_under_the_home_directory() {
        Probe p = new Probe();
        new CommandLine(p).parseArgs();
        assertThat(p.profile.dir())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".nexuslink", "profiles", "default"));
    }

    @Test
    void takes_the_directory_given() {
        Probe p = new Probe();
        new CommandLine(p).parseArgs("--profile", "/tmp/x");
        assertThat(p.profile.dir()).isEqualTo(Path.of("/tmp/x"));
    }
}
