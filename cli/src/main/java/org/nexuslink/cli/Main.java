// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import org.nexuslink.cli.admin.AdminCommand;
import org.nexuslink.cli.app.AppCommand;
import org.nexuslink.cli.bench.BenchCommand;
import org.nexuslink.cli.chat.ChatCommand;
import org.nexuslink.cli.client.ChannelsCommand;
import org.nexuslink.cli.client.ClientEnvironment;
import org.nexuslink.cli.client.CommunityCommand;
import org.nexuslink.cli.client.ContactsCommand;
import org.nexuslink.cli.client.DeviceCommand;
import org.nexuslink.cli.client.HistoryCommand;
import org.nexuslink.cli.client.InboxCommand;
import org.nexuslink.cli.client.MembersCommand;
import org.nexuslink.cli.client.RevokeCommand;
import org.nexuslink.cli.client.SendCommand;
import org.nexuslink.cli.client.WipeCommand;
import org.nexuslink.cli.id.IdCommand;
import org.nexuslink.cli.kt.KtCommand;
import org.nexuslink.cli.p2p.P2pCommand;
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
        subcommands = {
            ServerCommand.class,
            IdCommand.class,
            CommunityCommand.class,
            SendCommand.class,
            InboxCommand.class,
            HistoryCommand.class,
            RevokeCommand.class,
            ChatCommand.class,
            AppCommand.class,
            ChannelsCommand.class,
            ContactsCommand.class,
            MembersCommand.class,
            DeviceCommand.class,
            WipeCommand.class,
            AdminCommand.class,
            BenchCommand.class,
            P2pCommand.class,
            org.nexuslink.cli.directory.DirectoryCommand.class,
            KtCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable, ClientEnvironment.Holder {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ClientEnvironment clientEnvironment;

    private Main(ClientEnvironment clientEnvironment) {
        this.clientEnvironment = clientEnvironment;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command tree; tests drive it directly. */
    public static CommandLine commandLine() {
        return commandLine(ClientEnvironment.system());
    }

    /** The command tree with the client commands' environment supplied (tests). */
    public static CommandLine commandLine(ClientEnvironment environment) {
        return new CommandLine(new Main(environment)).setExecutionExceptionHandler(new ExitCodes.Handler());
    }

    @Override
    public ClientEnvironment clientEnvironment() {
        return clientEnvironment;
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
