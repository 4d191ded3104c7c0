// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import java.util.List;
import java.util.Locale;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.server.directory.AbuseReportStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code nexuslink directory reports}: the reviewers' queue of abuse reports. */
@Command(
        name = "reports",
        mixinStandardHelpOptions = true,
        description = "Abuse reports, as a reviewer on the directory's database.",
        subcommands = {ReportsCommand.ListReports.class, ReportsCommand.Resolve.class})
public final class ReportsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code reports list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List reports in a state, oldest first.")
    static final class ListReports extends KycCommand.ReviewerCommand {
        @Option(
                names = "--status",
                defaultValue = "open",
                description = "open, upheld or dismissed (default: ${DEFAULT-VALUE}).")
        String status;

        @Override
        void run(ReviewerDatabase directory) {
            AbuseReportStore.State state;
            try {
                state = AbuseReportStore.State.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--status: open, upheld or dismissed");
            }
            List<AbuseReportStore.Report> reports =
                    directory.services().reports().list(state);
            if (reports.isEmpty()) {
                out().println("No " + state.wire() + " reports.");
            }
            for (AbuseReportStore.Report r : reports) {
                out().println(r.reportId() + "  " + r.communityId() + "  " + r.category() + "  by " + r.reporter()
                        + "  " + r.createdAt());
                if (!r.details().isEmpty()) {
                    out().println("    " + TerminalText.safe(r.details()));
                }
            }
        }
    }

    /** {@code reports resolve}. */
    @Command(
            name = "resolve",
            mixinStandardHelpOptions = true,
            description = {
                "Uphold (the community stays suspended) or dismiss a report (a suspended community is listed again",
                "once its open reports are below the threshold and none is upheld)."
            })
    static final class Resolve extends KycCommand.ReviewerCommand {
        @Parameters(index = "0", paramLabel = "REPORT_ID")
        String reportId;

        @Option(names = "--uphold", description = "Uphold the report.")
        boolean uphold;

        @Option(names = "--dismiss", description = "Dismiss the report.")
        boolean dismiss;

        @Override
        void run(ReviewerDatabase directory) {
            if (uphold == dismiss) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "give exactly one of --uphold, --dismiss");
            }
            AbuseReportStore.State outcome = uphold ? AbuseReportStore.State.UPHELD : AbuseReportStore.State.DISMISSED;
            directory.services().reports().resolve(reportId, outcome);
            out().println("Report " + reportId + " " + outcome.wire());
        }
    }
}
