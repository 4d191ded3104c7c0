// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import java.time.Instant;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.InvalidMnemonicException;
import org.nexuslink.crypto.identity.Mnemonic;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nexuslink id restore}: the account identity of recovery words, on this device. */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        description = {
            "Restore an account identity from its 12 or 24 recovery words.",
            "Reads the words from the terminal, or from standard input when that is not a terminal. "
                    + "This device gets a new device key, certified by the restored identity."
        })
final class IdRestoreCommand extends IdSubcommand {
    @Option(
            names = "--device-id",
            paramLabel = "N",
            description = "This device's id in the account, 1..127 (default: a random id from 2 to 127).")
    Integer deviceId;

    @Override
    void run() throws CommandFailure {
        DeviceId device;
        try {
            device = deviceId != null ? new DeviceId(deviceId) : DeviceId.random(random);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--device-id: " + e.getMessage());
        }
        requireNoKeystore();
        Terminal terminal = parent.terminal();
        String phrase = terminal.console()
                .map(c -> c.readLine("Recovery words (12 or 24, separated by spaces): "))
                .orElseGet(terminal::readAllStdin);
        Mnemonic mnemonic;
        try {
            mnemonic = Mnemonic.parse(phrase);
        } catch (InvalidMnemonicException e) {
            throw new CommandFailure("these are not valid recovery words: " + e.getMessage());
        }
        VaultContents contents = NewIdentity.of(mnemonic, device, Instant.now());
        try (Passphrase passphrase = readPassphrase(true)) {
            FileKeyVault.inProfile(profile.dir(), passphrase, parent.kdf(), random)
                    .create(contents);
        } catch (KeystoreException e) {
            throw new CommandFailure(e.getMessage());
        }
        out().println("Account id: " + contents.accountId());
        out().println("Device:     " + device);
        out().println("Profile:    " + profile.dir());
        out().flush();
    }
}
