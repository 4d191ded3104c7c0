// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.Mnemonic;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultContents;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nexuslink id create}: a new account identity from fresh recovery words. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = {
            "Create a new account identity in the profile.",
            "Shows the recovery words once, then the account id. The keys are sealed under a passphrase "
                    + "read from the terminal (asked twice) or from NEXUSLINK_PASSPHRASE."
        })
final class IdCreateCommand extends IdSubcommand {
    @Option(
            names = "--words",
            paramLabel = "12|24",
            defaultValue = "12",
            description = "Number of recovery words: 12 or 24 (default: ${DEFAULT-VALUE}).")
    int words;

    @Override
    void run() throws CommandFailure {
        Mnemonic.WordCount count;
        try {
            count = Mnemonic.WordCount.of(words);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--words must be 12 or 24, got " + words);
        }
        requireNoKeystore();
        try (Passphrase passphrase = readPassphrase(true)) {
            Mnemonic mnemonic = Mnemonic.generate(count, random);
            VaultContents contents = NewIdentity.of(mnemonic, DeviceId.PRIMARY, Instant.now());
            FileKeyVault.inProfile(profile.dir(), passphrase, parent.kdf(), random)
                    .create(contents);
            printWords(out(), mnemonic.words());
            out().println("Account id: " + contents.accountId());
            out().println("Device:     " + DeviceId.PRIMARY);
            out().println("Profile:    " + profile.dir());
            out().flush();
        } catch (KeystoreException e) {
            throw new CommandFailure(e.getMessage());
        }
    }

    static void printWords(PrintWriter out, List<String> words) {
        out.println("Your recovery words. Write them down and keep them offline: they are shown only now,");
        out.println("and anyone who has them can take over this account.");
        out.println();
        for (int i = 0; i < words.size(); i++) {
            out.printf(
                    "  %2d. %-10s%s",
                    i + 1, words.get(i), (i % 4 == 3 || i == words.size() - 1) ? System.lineSeparator() : " ");
        }
        out.println();
    }
}
