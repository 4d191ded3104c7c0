// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.directory;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nexuslink directory}: the official directory, as a user and as a reviewer. */
@Command(
        name = "directory",
        mixinStandardHelpOptions = true,
        description = {
            "Find communities in a directory, request KYC and report abuse (as a profile's account);",
            "decide KYC requests and reports (as a reviewer, on the directory's own database)."
        },
        subcommands = {
            SearchCommand.class,
            KycCommand.class,
            ReportCommand.class,
            ReportsCommand.class,
            ComplianceKeyCommand.class
        })
public final class DirectoryCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
