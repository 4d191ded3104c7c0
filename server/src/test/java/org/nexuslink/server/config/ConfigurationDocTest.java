// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md must list every key with its environment variable and default. */
class ConfigurationDocTest {
    @Test
    void documents_every_key_with_its_variable_and_default() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String row = doc.lines()
                    .filter(line -> line.startsWith("| `" + key.path() + "`"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("docs/configuration.md has no row for " + key.path()));
            assertThat(row).as(key.path()).contains("`" + key.envVar() + "`");
            for (String alias : key.envAliases()) {
                assertThat(row).as(key.path()).contains("`" + alias + "`");
            }
            String shownDefault = key.defaultValue().isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`";
            assertThat(row).as(key.path()).contains(shownDefault);
        }
    }
}
