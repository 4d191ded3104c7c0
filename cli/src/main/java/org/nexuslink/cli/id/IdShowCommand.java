// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import org.nexuslink.crypto.keystore.VaultSummary;
import picocli.CommandLine.Command;

/** {@code nexuslink id show}: the profile's account id, without unlocking any key. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Show the profile's account id and device id (no passphrase needed).")
final class IdShowCommand extends IdSubcommand {
    @Override
    void run() throws CommandFailure {
        VaultSummary summary = requireSummary();
        out().println("Account id: " + summary.accountId());
        out().println("Device:     " + summary.deviceId());
        out().println("Profile:    " + profile.dir());
        out().flush();
    }
}
