// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.kt;

import picocli.CommandLine.Command;

/** {@code nexuslink kt}: key transparency (docs/key-transparency.md). */
@Command(
        name = "kt",
        mixinStandardHelpOptions = true,
        description = "Key transparency: audit a community server's log of account keys.",
        subcommands = {AuditCommand.class})
public final class KtCommand {}
