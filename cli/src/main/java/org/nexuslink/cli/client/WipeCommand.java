// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.nexuslink.crypto.keystore.WipeReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nexuslink wipe}: seed 003's panic wipe. Every file of the profile is overwritten with
 * random bytes and deleted, after the user types {@code WIPE} (or with {@code --yes}). Needs no
 * passphrase: in a panic there is no time for one. It refuses a directory that is not a profile,
 * so a wrong {@code --profile} cannot destroy something else.
 */
@Command(
        name = "wipe",
        mixinStandardHelpOptions = true,
        description = {
            "Destroy this profile: keys, messages, everything in its directory, overwritten then deleted.",
            "Asks you to type WIPE (or pass --yes). There is no undo; the account lives on only where its "
                    + "recovery words or other devices are."
        })
public final class WipeCommand extends ClientCommand {
    /** What the user types to confirm. */
    public static final String CONFIRMATION = ProfileWipe.CONFIRMATION;

    @Option(names = "--yes", description = "Do not ask; wipe at once.")
    boolean yes;

    @Override
    protected void run() throws Exception {
        Path dir = profileDir();
        ProfileWipe.requireProfile(dir);
        if (!yes) {
            out().print("This destroys profile " + dir + " and everything in it. Type " + CONFIRMATION + " to go on: ");
            out().flush();
            String typed =
                    new BufferedReader(new InputStreamReader(environment().input(), StandardCharsets.UTF_8)).readLine();
            if (typed == null || !typed.strip().equals(CONFIRMATION)) {
                out().println();
                throw new ClientFailure("not confirmed; nothing was wiped");
            }
        }
        Path absolute = dir.toAbsolutePath().normalize();
        WipeReport report = ProfileWipe.wipe(absolute, random);
        long bytes = report.files().stream()
                .mapToLong(WipeReport.WipedFile::overwrittenBytes)
                .sum();
        out().println("Wiped " + dir + ": " + report.files().size() + " files (" + bytes + " bytes overwritten), "
                + report.directories().size() + " directories.");
        for (WipeReport.WipedFile f : report.files()) {
            out().println("  destroyed " + absolute.relativize(f.path()) + " (" + f.overwrittenBytes() + " bytes)");
        }
        if (!report.complete()) {
            for (WipeReport.Failure failure : report.failures()) {
                err().println("  left behind: " + failure.path() + ": " + failure.error());
            }
            throw new ClientFailure(
                    "the wipe is incomplete: " + report.failures().size() + " paths are left");
        }
    }
}
