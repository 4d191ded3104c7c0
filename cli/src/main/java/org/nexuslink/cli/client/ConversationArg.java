// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.nexuslink.client.ChannelId;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.protocol.api.ChannelsApi;

/**
 * A conversation as typed on the command line: {@code dm:<account id>} or a bare {@code nxl:...}
 * account id (a direct conversation), {@code ch:<channel uuid>}, or {@code #name} (a channel by
 * name). {@link #parse} checks the form offline; a {@code #name} is resolved against the
 * profile's known channels or the server's channel list.
 */
public sealed interface ConversationArg {
    /** What the usage error says a conversation looks like. */
    String FORMS = "dm:<account id>, nxl:<account id>, ch:<channel uuid> or #channel-name";

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
        throw new IllegalArgumentException("'" + text + "' is not a conversation; use " + FORMS);
    }

    /** The SDK's conversation, when it is known without resolving a name. */
    default Optional<Conversation> known() {
        return switch (this) {
            case Direct d -> Optional.of(Conversation.direct(d.peer()));
            case Channel c -> Optional.of(Conversation.channel(new ChannelId(c.id())));
            case ChannelName n -> Optional.empty();
        };
    }

    /**
     * The SDK's conversation: a name is looked up first among the profile's channel
     * conversations, then in {@code serverChannels} (the server's {@code {"channels": [...]}}),
     * which is asked only when needed.
     *
     * @throws ClientFailure if no channel has that name, listing those that exist
     */
    default Conversation resolve(List<ConversationSummary> known, ServerChannels serverChannels) {
        Optional<Conversation> conversation = known();
        if (conversation.isPresent()) {
            return conversation.get();
        }
        String name = ((ChannelName) this).name();
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

    /** The server's channel list, fetched on demand. */
    @FunctionalInterface
    interface ServerChannels {
        ChannelsApi.ChannelList fetch();
    }
}
