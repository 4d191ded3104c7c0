// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PanicWipeTest {
    @TempDir
    Path root;

    @Test
    void removes_the_keystore_and_everything_else_in_the_profile_and_reports_it() throws Exception {
        Path profile = root.resolve("profiles/default");
        FileKeyVault.inProfile(profile, Passphrase.of("pw".toCharArray()), FileKeyVaultTest.FAST, new SecureRandom())
                .create(FileKeyVaultTest.sampleContents());
        Files.write(profile.resolve(FileKeyVault.FILE_NAME + ".1.tmp"), new byte[100]);
        Files.createDirectories(profile.resolve("sessions"));
        Files.write(profile.resolve("sessions/alice.db"), new byte[200_000]);
        long keystoreSize = Files.size(profile.resolve(FileKeyVault.FILE_NAME));

        WipeReport report = new PanicWipe(new SecureRandom()).wipe(profile);

        assertThat(report.complete()).isTrue();
        assertThat(Files.exists(profile)).isFalse();
        assertThat(Files.exists(root.resolve("profiles"))).isTrue();
        assertThat(report.files())
                .extracting(WipeReport.WipedFile::path)
                .containsExactlyInAnyOrder(
                        profile.resolve(FileKeyVault.FILE_NAME),
                        profile.resolve(FileKeyVault.FILE_NAME + ".1.tmp"),
                        profile.resolve("sessions/alice.db"));
        assertThat(report.files())
                .contains(
                        new WipeReport.WipedFile(profile.resolve(FileKeyVault.FILE_NAME), keystoreSize),
                        new WipeReport.WipedFile(profile.resolve("sessions/alice.db"), 200_000));
        assertThat(report.directories()).containsExactly(profile.resolve("sessions"), profile);
    }

    @Test
    void removes_a_link_without_touching_its_target() throws Exception {
        Path outside = Files.writeString(root.resolve("outside.txt"), "keep me");
        Path profile = Files.createDirectories(root.resolve("p"));
        Files.createSymbolicLink(profile.resolve("link"), outside);

        WipeReport report = new PanicWipe(new SecureRandom()).wipe(profile);

        assertThat(report.files()).containsExactly(new WipeReport.WipedFile(profile.resolve("link"), 0));
        assertThat(Files.readString(outside)).isEqualTo("keep me");
    }

    @Test
    void missing_profile_is_an_empty_report() {
        WipeReport report = new PanicWipe(new SecureRandom()).wipe(root.resolve("none"));
        assertThat(report.files()).isEmpty();
        assertThat(report.complete()).isTrue();
    }

    @Test
    void refuses_to_wipe_a_file_system_root() {
        assertThatThrownBy(() -> new PanicWipe(new SecureRandom()).wipe(Path.of("/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("root");
    }
}
