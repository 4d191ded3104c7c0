// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import org.nexuslink.client.directory.DirectoryException;
import org.nexuslink.crypto.keystore.VaultContents;
import org.nexuslink.protocol.directory.ReportStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink directory report}: report a community, or read a report's status. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Report a listed community for abuse, signed by this profile's device (one report per account and community);",
            "with --status REPORT_ID, show what became of a report of yours."
        })
public final class ReportCommand extends KycCommand.AccountCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "COMMUNITY_ID")
    String communityId;

    @Option(
            names = "--category",
            defaultValue = "other",
            description = "spam, illegal, harassment, impersonation or other (default: ${DEFAULT-VALUE}).")
    String category;

    @Option(names = "--details", defaultValue = "", paramLabel = "TEXT", description = "Up to 2000 characters.")
    String details;

    @Option(names = "--status", paramLabel = "REPORT_ID", description = "Show a report's status instead.")
    String reportId;

    @Override
    protected void run() throws Exception {
        if ((communityId == null) == (reportId == null)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "give either COMMUNITY_ID (to report) or --status REPORT_ID");
        }
        VaultContents keys = unlock();
        try {
            ReportStatus status = reportId != null
                    ? connect().reportStatus(signer(keys), reportId)
                    : connect().report(signer(keys), communityId, category, details);
            out().println("Report " + status.reportId() + " on " + status.communityId() + ": " + status.status());
        } catch (DirectoryException e) {
            throw refused(e);
        }
    }
}
