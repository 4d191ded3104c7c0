// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import org.nexuslink.cli.admin.AdminCommand;
import org.nexuslink.cli.bench.BenchCommand;
import org.nexuslink.cli.id.IdCommand;
import org.nexuslink.cli.server.ServerCommand;
import org.nexuslink.server.ops.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code nexuslink} command: one binary for the server roles, administration and the client. */
@Command(
        name = "nexuslink",
        mixinStandardHelpOptions = true,
        versionProvider = Main.VersionProvider.class,
        description = "NexusLink: end-to-end encrypted messaging. Your identity is a key pair.",
        subcommands = {ServerCommand.class, IdCommand.class, AdminCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command tree; tests drive it directly. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(new ExitCodes.Handler());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the build's version for {@code --version}. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nexuslink " + Version.current(), "Java " + Runtime.version()};
        }
    }
}
