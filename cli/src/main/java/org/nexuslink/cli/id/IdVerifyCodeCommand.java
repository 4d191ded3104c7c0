// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.keystore.VaultSummary;
import org.nexuslink.crypto.verification.FirstContactCode;
import org.nexuslink.crypto.verification.FirstContactNonce;
import org.nexuslink.crypto.verification.SafetyNumber;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink id verify-code}: the codes to compare with a contact. */
@Command(
        name = "verify-code",
        mixinStandardHelpOptions = true,
        description = {
            "Print the safety number and the first-contact code shared with another account.",
            "Both people run this with each other's id and compare what it prints. The first-contact code "
                    + "also needs a one-time nonce: one side runs without --nonce, which makes one, and gives it "
                    + "to the other, who passes it with --nonce."
        })
final class IdVerifyCodeCommand extends IdSubcommand {
    @Parameters(index = "0", paramLabel = "THEIR-ID", description = "The contact's account id (nxl:...).")
    String theirId;

    @Option(
            names = "--nonce",
            paramLabel = "NONCE",
            description = "The first-contact nonce the contact gave you (base32); without it a new one is made.")
    String nonceText;

    @Override
    void run() throws CommandFailure {
        AccountId theirs;
        try {
            theirs = AccountId.parse(theirId.strip());
        } catch (InvalidAccountIdException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "THEIR-ID: " + e.getMessage());
        }
        FirstContactNonce nonce;
        try {
            nonce = nonceText != null ? FirstContactNonce.parse(nonceText) : FirstContactNonce.generate(random);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--nonce: " + e.getMessage());
        }
        VaultSummary summary = requireSummary();
        AccountId mine = summary.accountId();
        if (mine.equals(theirs)) {
            throw new CommandFailure("that is this profile's own id; give the contact's id");
        }
        SafetyNumber safety = SafetyNumber.between(mine, theirs);
        FirstContactCode code = FirstContactCode.compute(mine, theirs, nonce);
        out().println("You:     " + mine);
        out().println("Contact: " + theirs);
        out().println();
        out().println("Safety number (the same on both sides):");
        out().println("  " + safety.displayText());
        out().println();
        out().println("First-contact code: " + code.displayText());
        out().println("  nonce: " + nonce);
        if (nonceText == null) {
            out().println("  This nonce is new: give it to your contact, who runs");
            out().println("  nexuslink id verify-code " + mine + " --nonce " + nonce);
        }
        out().println("  The code is the first 12 characters of base32(HMAC-SHA256(key = nonce,");
        out().println("  \"" + FirstContactCode.DOMAIN + "\" 0x00 || lower identity key || higher identity key)).");
        out().flush();
    }
}
