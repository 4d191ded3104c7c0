// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFileNameTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "report.pdf|report.pdf",
                "../x|x",
                "../../../../etc/passwd|passwd",
                "/etc/passwd|passwd",
                "..\\..\\windows\\system32\\evil.dll|evil.dll",
                "C:\\Users\\me\\notes.txt|notes.txt",
                "..|file",
                ".|file",
                "...|file",
                "a/..|file",
                "dir/|file",
                ".bashrc|bashrc",
                "name.|name",
                "  spaced  |spaced",
                "a:b*c?d<e>f\"g.txt|a_b_c_d_e_f_g.txt",
                "CON|_CON",
                "nul.txt|_nul.txt",
                "résumé.pdf|résumé.pdf",
            })
    void makes_a_single_safe_element(String hostile, String expected) {
        assertThat(SafeFileName.of(hostile)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a|b", "a\u0000b", "a\nb", "a\u202eb", "a\u0007b"})
    void replaces_control_and_direction_characters(String hostile) {
        assertThat(SafeFileName.of(hostile)).isEqualTo("a_b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/abs/olute", "..", "a/../../b", "\\\\server\\share\\f", "x/./../.."})
    void resolves_inside_the_target_directory(String hostile) {
        Path resolved = SafeFileName.resolve(dir, hostile, 0);

        assertThat(resolved.getParent()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(SafeFileName.resolve(dir, hostile, 3).getParent())
                .isEqualTo(dir.toAbsolutePath().normalize());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"report.pdf|2|report (2).pdf", "README|1|README (1)", "..|1|file (1)"})
    void numbers_alternative_names_before_the_extension(String name, int n, String expected) {
        assertThat(SafeFileName.resolve(dir, name, n).getFileName().toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {201, 1000, 5000})
    void cuts_long_names_keeping_the_extension(int length) {
        String safe = SafeFileName.of("ü".repeat(length) + ".jpeg");

        assertThat(safe.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(SafeFileName.MAX_BYTES);
        assertThat(safe).endsWith(".jpeg").startsWith("üü");
    }
}
