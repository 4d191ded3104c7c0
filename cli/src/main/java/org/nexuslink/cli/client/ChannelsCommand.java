// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.util.List;
import org.nexuslink.cli.TerminalText;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.Member;
import org.nexuslink.client.NexusClient;
import org.nexuslink.client.RefusedException;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.ChannelsApi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nexuslink channels}: the community's channels this account can read. */
@Command(
        name = "channels",
        mixinStandardHelpOptions = true,
        description = {
            "List the channels this account can read (address them as #name or ch:<id>).",
            "`channels create NAME` creates one (admins); `channels members CHANNEL` lists a private one's "
                    + "members."
        },
        subcommands = {ChannelsCommand.Create.class, ChannelsCommand.Members.class})
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
        return String.format(
                "ch:%-36s  #%-20s %-12s %-7s %s%s",
                TerminalText.safe(String.valueOf(c.id())),
                TerminalText.safe(String.valueOf(c.name())),
                TerminalText.safe(String.valueOf(c.type())),
                c.isPrivate() ? "private" : "public",
                c.archived() ? "archived" : "active",
                canWrite ? "" : "  read-only");
    }

    /** {@code nexuslink channels members CHANNEL}: a private channel's members, by display name. */
    @Command(
            name = "members",
            mixinStandardHelpOptions = true,
            description = {
                "List a private channel's members: display name, role and account id.",
                "A public channel has no list: every member of the community reads it."
            })
    public static final class Members extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CHANNEL", description = "#name or ch:<channel uuid>.")
        String channel;

        @Option(names = "--json", description = "One JSON object per line.")
        boolean json;

        @Override
        protected void run() throws Exception {
            ConversationArg target = SendCommand.parseConversation(spec, channel);
            if (target instanceof ConversationArg.Direct || target instanceof ConversationArg.MemberName) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "CHANNEL is #name or ch:<channel uuid>, not a direct conversation");
            }
            try (Session session = session(true)) {
                NexusClient client = session.client();
                Conversation.Channel resolved = (Conversation.Channel) SendCommand.resolve(client, target);
                List<Member> members;
                try {
                    members = client.channelMembers(resolved.channel());
                } catch (RefusedException e) {
                    if (e.code() == ErrorCode.CONFLICT) {
                        throw new ClientFailure(channel + " is public: it has no member list, every member reads it");
                    }
                    throw e;
                }
                members.forEach(m -> out().println(json ? MembersCommand.json(m) : MembersCommand.row(m)));
            }
        }
    }

    /** {@code nexuslink channels create NAME}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
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
                ChannelsApi.CreateRequest body = new ChannelsApi.CreateRequest(
                        name, null, description.isEmpty() ? null : description, isPrivate, null, null);
                ChannelsApi.ChannelView created =
                        client.request(ApiRoute.CHANNEL_CREATE, body, ChannelsApi.ChannelView.class);
                out().println(
                                json
                                        ? TerminalText.json(created)
                                        : "created " + row(created).strip());
            }
        }
    }
}
