// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.client.ChannelId;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.client.Member;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.protocol.api.ChannelsApi;

/**
 * A conversation as typed on the command line: {@code dm:<account id>}, a bare {@code nxl:...}
 * account id or {@code @name} (a direct conversation, the last with the member of that display
 * name), {@code ch:<channel uuid>}, or {@code #name} (a channel by name). {@link #parse} checks
 * the form offline; a name is resolved against what the profile knows, then the server's lists.
 */
public sealed interface ConversationArg {
    /** What the usage error says a conversation looks like. */
    String FORMS = "dm:<account id>, nxl:<account id>, @member-name, ch:<channel uuid> or #channel-name";

    /** A direct conversation with an account. */
    record Direct(AccountId peer) implements ConversationArg {
        public Direct {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** A channel by id. */
    record Channel(UUID id) implements ConversationArg {
        public Channel {
            Objects.requireNonNull(id, "id");
        }
    }

    /** A channel by name, still to be resolved. */
    record ChannelName(String name) implements ConversationArg {
        public ChannelName {
            if (name.isBlank()) {
                throw new IllegalArgumentException("a channel name is not empty");
            }
        }
    }

    /** A direct conversation with the member who goes by a display name, still to be resolved. */
    record MemberName(String name) implements ConversationArg {
        public MemberName {
            if (name.isBlank()) {
                throw new IllegalArgumentException("a member name is not empty");
            }
        }
    }

    /**
     * Parses a conversation argument.
     *
     * @throws IllegalArgumentException naming the bad value and the accepted forms
     */
    static ConversationArg parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip();
        try {
            if (t.startsWith("dm:")) {
                return new Direct(AccountId.parse(t.substring(3)));
            }
            if (t.startsWith("nxl:")) {
                return new Direct(AccountId.parse(t));
            }
        } catch (InvalidAccountIdException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid account id: " + e.getMessage());
        }
        if (t.startsWith("ch:")) {
            try {
                return new Channel(UUID.fromString(t.substring(3)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not ch:<channel uuid>");
            }
        }
        if (t.startsWith("#") && t.length() > 1) {
            return new ChannelName(t.substring(1));
        }
        if (t.startsWith("@") && t.length() > 1) {
            return new MemberName(t.substring(1));
        }
        throw new IllegalArgumentException("'" + text + "' is not a conversation; use " + FORMS);
    }

    /** The SDK's conversation, when it is known without resolving a name. */
    default Optional<Conversation> known() {
        return switch (this) {
            case Direct d -> Optional.of(Conversation.direct(d.peer()));
            case Channel c -> Optional.of(Conversation.channel(new ChannelId(c.id())));
            case ChannelName n -> Optional.empty();
            case MemberName n -> Optional.empty();
        };
    }

    /**
     * The SDK's conversation: a name is looked up first among the profile's channel
     * conversations, then in {@code serverChannels} (the server's {@code {"channels": [...]}}),
     * which is asked only when needed.
     *
     * @throws ClientFailure if no channel has that name, listing those that exist
     */
    default Conversation resolve(
            List<ConversationSummary> known, ServerChannels serverChannels, ServerMembers serverMembers) {
        return switch (this) {
            case Direct d -> Conversation.direct(d.peer());
            case Channel c -> Conversation.channel(new ChannelId(c.id()));
            case ChannelName n -> channelNamed(n.name(), known, serverChannels);
            case MemberName n -> memberNamed(n.name(), serverMembers);
        };
    }

    private static Conversation channelNamed(
            String name, List<ConversationSummary> known, ServerChannels serverChannels) {
        for (ConversationSummary c : known) {
            if (c.conversation() instanceof Conversation.Channel && c.title().equals(name)) {
                return c.conversation();
            }
        }
        List<String> names = new ArrayList<>();
        for (ChannelsApi.ChannelView channel : serverChannels.fetch().channels()) {
            if (name.equals(channel.name())) {
                return Conversation.channel(ChannelId.parse(channel.id()));
            }
            names.add("#" + channel.name());
        }
        throw new ClientFailure("no channel named #" + name + " that this account can read"
                + (names.isEmpty() ? " (it can read none)" : "; channels: " + String.join(", ", names)));
    }

    /**
     * The direct conversation with the one member who goes by {@code name}: among the names the
     * profile kept, else in the community's list (asked only then).
     *
     * @throws ClientFailure if nobody or more than one member goes by it (naming their ids: a
     *     display name is not unique, the id is what identifies)
     */
    private static Conversation memberNamed(String name, ServerMembers serverMembers) {
        List<AccountId> kept = serverMembers.kept().entrySet().stream()
                .filter(e -> e.getValue().equals(name))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        List<AccountId> named = kept.isEmpty()
                ? serverMembers.fetch().stream()
                        .filter(m -> m.displayName().filter(name::equals).isPresent())
                        .map(Member::account)
                        .sorted()
                        .toList()
                : kept;
        if (named.size() == 1) {
            return Conversation.direct(named.getFirst());
        }
        throw new ClientFailure(
                named.isEmpty()
                        ? "no member goes by the name " + name + " (see `nexuslink members`)"
                        : named.size() + " members go by the name " + name + "; use an account id: "
                                + String.join(
                                        ", ",
                                        named.stream().map(AccountId::toString).toList()));
    }

    /** The community's members, for {@code @name}: the names the profile kept, and the list on demand. */
    interface ServerMembers {
        Map<AccountId, String> kept();

        List<Member> fetch();
    }

    /** The server's channel list, fetched on demand. */
    @FunctionalInterface
    interface ServerChannels {
        ChannelsApi.ChannelList fetch();
    }
}
