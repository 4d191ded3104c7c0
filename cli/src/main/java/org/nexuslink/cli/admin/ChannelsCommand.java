// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.admin;

import java.util.UUID;
import org.nexuslink.cli.TerminalText;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code nexuslink admin channels}: list, create and archive channels. */
@Command(
        name = "channels",
        mixinStandardHelpOptions = true,
        description = "List, create and archive channels.",
        subcommands = {ChannelsCommand.List.class, ChannelsCommand.Create.class, ChannelsCommand.Archive.class})
final class ChannelsCommand implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing sub-command: one of list, create, archive");
    }

    /** A leaf under {@code channels}. */
    abstract static class Leaf extends AdminSubcommand {
        @ParentCommand
        ChannelsCommand channels;

        @Override
        AdminCommand admin() {
            return channels.admin;
        }

        void print(Administration.ChannelRow c) {
            out().printf(
                            "%-36s %-12s %-7s %-8s %s%n",
                            TerminalText.safe(c.id()),
                            TerminalText.safe(c.type()),
                            c.isPrivate() ? "private" : "public",
                            c.archived() ? "archived" : "active",
                            TerminalText.safe(c.name()));
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the channels (through the API: those the identity may read).")
    static final class List extends Leaf {
        @Override
        void run(Administration administration) {
            administration.channels().forEach(this::print);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a channel (admins only).")
    static final class Create extends Leaf {
        @Parameters(index = "0", paramLabel = "NAME", description = "The channel's name (1-100 characters).")
        String name;

        @Option(
                names = "--type",
                paramLabel = "TYPE",
                defaultValue = "text",
                description = "text, announcement or voice (default: ${DEFAULT-VALUE}; voice carries no media here).")
        String type;

        @Option(names = "--private", description = "Readable only by the accounts on its member list (and admins).")
        boolean isPrivate;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "What it is for.")
        String description;

        @Override
        void run(Administration administration) {
            print(administration.createChannel(name, type, isPrivate, description));
        }
    }

    @Command(
            name = "archive",
            mixinStandardHelpOptions = true,
            description = "Archive a channel: it stays readable, nobody can write in it.")
    static final class Archive extends Leaf {
        @Parameters(index = "0", paramLabel = "ID", description = "The channel id.")
        UUID id;

        @Option(names = "--undo", description = "Unarchive instead.")
        boolean undo;

        @Override
        void run(Administration administration) {
            print(administration.archiveChannel(id, !undo));
        }
    }
}
