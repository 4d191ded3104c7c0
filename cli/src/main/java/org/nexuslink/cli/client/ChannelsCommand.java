// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.NexusClient;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink channels}: the community's channels this account can read. */
@Command(name = "channels", mixinStandardHelpOptions = true,
        description = {"List the channels this account can read (address them as #name or ch:<id>).",
                "`channels create NAME` creates one (admins)."},
        subcommands = ChannelsCommand.Create.class)
public final class ChannelsCommand extends ClientCommand {
    @Option(names = "--json", description = "Print the server's JSON list.")
    boolean json;

    @Override
    protected void run() throws Exception {
        try (Session session = session(true)) {
            ChannelsApi.ChannelList list = session.client().channels();
            if (json) {
                out().println(TerminalText.json(list));
                return;
            }
            for (ChannelsApi.ChannelView c : list.channels()) {
                out().println(row(c));
            }
        }
    }

    static String row(ChannelsApi.ChannelView c) {
        boolean canWrite = c.access() == null || c.access().canWrite();
        return String.format("ch:%-36s  #%-20s %-12s %-7s %s%s", TerminalText.safe(String.valueOf(c.id())),
                TerminalText.safe(String.valueOf(c.name())), TerminalText.safe(String.valueOf(c.type())),
                c.isPrivate() ? "private" : "public", c.archived() ? "archived" : "active", canWrite ? "" : "  read-only");
    }

    /** {@code nexuslink channels create NAME}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a channel (admins only), through the community's API.")
    public static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The channel's name (1-100 characters).")
        String name;

        @Option(names = "--private", description = "Only accounts on its member list (and admins) can read it.")
        boolean isPrivate;

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "", description = "What it is for.")
        String description;

        @Option(names = "--json", description = "Print the server's JSON answer.")
        boolean json;

        @Override
        protected void run() throws Exception {
            try (Session session = session(true)) {
                NexusClient client = session.client();
                requireCommunity(client);
                ChannelsApi.CreateRequest body = new ChannelsApi.CreateRequest(name, null,
                        description.isEmpty() ? null : description, isPrivate, null, null);
                ChannelsApi.ChannelView created = client.request(ApiRoute.CHANNEL_CREATE, body,
                        ChannelsApi.ChannelView.class);
                out().println(json ? TerminalText.json(created) : "created " + row(created).strip());
            }
        }
    }
}
