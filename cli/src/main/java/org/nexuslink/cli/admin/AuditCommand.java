// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.time.Instant;
import java.util.Optional;
import org.nexuslink.cli.TerminalText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code nexuslink admin audit}: the newest audit entries, filtered. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = "Show the audit log, newest first (admins and moderators).")
final class AuditCommand extends AdminSubcommand {
    @ParentCommand
    AdminCommand parent;

    @Option(names = "--actor", paramLabel = "ACCOUNT", description = "Only entries by this account (or 'console').")
    String actor;

    @Option(names = "--target", paramLabel = "ACCOUNT", description = "Only entries about this account.")
    String target;

    @Option(names = "--action", paramLabel = "ACTION", description = "Only this action (ban, mute, role_change, ...).")
    String action;

    @Option(names = "--since", paramLabel = "TIME", description = "Only entries at or after this ISO-8601 UTC time.")
    Instant since;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "50",
            description = "At most N entries, 1-500 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    AdminCommand admin() {
        return parent;
    }

    @Override
    void run(Administration administration) {
        if (limit < 1 || limit > 500) {
            throw new AdminFailure("--limit must be 1-500, got " + limit);
        }
        administration
                .audit(new Administration.AuditQuery(
                        Optional.ofNullable(actor),
                        Optional.ofNullable(target),
                        Optional.ofNullable(action),
                        Optional.ofNullable(since),
                        limit))
                .forEach(e -> out().printf(
                                "%-24s %-60s %-20s %s%s %s%n",
                                TerminalText.safe(e.at()),
                                TerminalText.safe(e.actor()),
                                TerminalText.safe(e.action()),
                                TerminalText.safe(e.target()),
                                e.channel().isEmpty() ? "" : " #" + TerminalText.safe(e.channel()),
                                TerminalText.safe(e.details())));
    }
}
