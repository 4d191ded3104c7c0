// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nexuslink.cli.profile.ProfileOption;
import org.nexuslink.crypto.keystore.FileKeyVault;
import org.nexuslink.crypto.keystore.KeystoreException;
import org.nexuslink.crypto.keystore.Passphrase;
import org.nexuslink.crypto.keystore.VaultSummary;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What the id sub-commands share: the profile, the passphrase prompt, error reporting. */
abstract class IdSubcommand implements Callable<Integer> {
    @ParentCommand
    IdCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ProfileOption profile;

    final SecureRandom random = new SecureRandom();

    /** Does the work; a {@link CommandFailure} becomes exit code 1. */
    abstract void run() throws CommandFailure;

    @Override
    public final Integer call() {
        try {
            run();
            return 0;
        } catch (CommandFailure e) {
            err().println("error: " + e.getMessage());
            err().flush();
            return IdCommand.EXIT_FAILURE;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Path keystoreFile() {
        return profile.dir().resolve(FileKeyVault.FILE_NAME);
    }

    /** The summary of the profile's keystore, failing if there is none. */
    VaultSummary requireSummary() throws CommandFailure {
        Optional<VaultSummary> summary;
        try {
            summary = FileKeyVault.summaryOf(keystoreFile());
        } catch (KeystoreException e) {
            throw new CommandFailure(e.getMessage());
        }
        return summary.orElseThrow(() -> new CommandFailure(
                "no identity in profile " + profile.dir() + "; run `nexuslink id create` or `nexuslink id restore`"));
    }

    void requireNoKeystore() throws CommandFailure {
        if (java.nio.file.Files.exists(keystoreFile())) {
            throw new CommandFailure("profile " + profile.dir() + " already has an identity (" + keystoreFile()
                    + "); nothing was changed. Use another --profile.");
        }
    }

    /**
     * The keystore passphrase: {@code NEXUSLINK_PASSPHRASE} if set, else asked on the terminal
     * without echo, twice when {@code confirm}.
     */
    Passphrase readPassphrase(boolean confirm) throws CommandFailure {
        Terminal terminal = parent.terminal();
        Optional<String> fromEnv = terminal.env(Terminal.PASSPHRASE_ENV);
        if (fromEnv.isPresent()) {
            if (fromEnv.get().isEmpty()) {
                throw new CommandFailure(Terminal.PASSPHRASE_ENV + " is set but empty");
            }
            return Passphrase.of(fromEnv.get().toCharArray());
        }
        Terminal.Interactive console = terminal.console()
                .orElseThrow(() -> new CommandFailure(
                        "no terminal to ask for the keystore passphrase; set " + Terminal.PASSPHRASE_ENV));
        char[] first = console.readSecret("Keystore passphrase: ");
        try {
            if (first.length == 0) {
                throw new CommandFailure("the passphrase must not be empty");
            }
            if (confirm) {
                char[] second = console.readSecret("Repeat the passphrase: ");
                try {
                    if (!Arrays.equals(first, second)) {
                        throw new CommandFailure("the two passphrases differ; nothing was changed");
                    }
                } finally {
                    Arrays.fill(second, '\0');
                }
            }
            return Passphrase.of(first);
        } finally {
            Arrays.fill(first, '\0');
        }
    }
}
