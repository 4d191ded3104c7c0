// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyTransparencyWarningTest {
    @Test
    void a_refusal_says_the_keys_were_refused_and_escapes_what_the_server_sent() {
        String line = ClientCommand.keyTransparencyWarning("nxl:abc", "key_not_in_log", "device 3 \u001b[2J offers");
        assertThat(line).startsWith("WARNING: key transparency (key_not_in_log) for nxl:abc: ")
                .contains("The keys were refused").doesNotContain("\u001b");
    }

    @Test
    void a_change_of_ones_own_keys_is_reported_without_claiming_a_refusal() {
        String line = ClientCommand.keyTransparencyWarning("nxl:me", "own_keys_changed", "device 3 was added");
        assertThat(line).contains("device 3 was added").doesNotContain("refused");
    }
}
