// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;

class KeyTransparencyWarningTest {
    @Test
    void a_refusal_says_the_keys_were_refused_and_escapes_what_the_server_sent() {
        String line = ClientCommand.keyTransparencyWarning("nxl:abc", "key_not_in_log", "device 3 \u001b[2J offers");
        assertThat(line)
                .startsWith("WARNING: key transparency (key_not_in_log) for nxl:abc: ")
                .contains("The keys were refused")
                .doesNotContain("\u001b");
    }

    @Test
    void the_sdks_refusal_event_is_printed_with_the_reason_in_lower_case() {
        AccountId bob = AccountIdentity.generate().accountId();
        String line = ClientCommand.keyTransparencyWarning(new ClientEvent.KeyLogRefused(
                bob, KeyTransparencyException.Reason.ROLLED_BACK, "the server shows a key log of 3 entries"));
        assertThat(line)
                .startsWith("WARNING: key transparency (rolled_back) for " + bob + ": ")
                .contains("3 entries")
                .contains("The keys were refused");
    }

    @Test
    void a_change_of_ones_own_keys_is_reported_without_claiming_a_refusal() {
        String line = ClientCommand.keyTransparencyWarning("nxl:me", "own_keys_changed", "device 3 was added");
        assertThat(line).contains("device 3 was added").doesNotContain("refused");
    }
}
