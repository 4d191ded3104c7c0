// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.client.ChannelId;
import org.nexuslink.client.Conversation;
import org.nexuslink.client.ConversationSummary;
import org.nexuslink.crypto.identity.AccountId;

/**
 * How the CLI names accounts and conversations on screen: a member by the display name the
 * community lists ({@code alice}), a channel by its name ({@code #general}), a direct conversation
 * by its peer's name ({@code @alice}); the ids where no name is known, or always with
 * {@code --ids}. JSON output always carries the ids. Immutable.
 */
public final class Labels {
    private static final Labels IDS = new Labels(Map.of(), Map.of());

    private final Map<String, String> members;
    private final Map<ChannelId, String> channels;

    private Labels(Map<String, String> members, Map<ChannelId, String> channels) {
        this.members = Map.copyOf(members);
        this.channels = Map.copyOf(channels);
    }

    /** Ids everywhere (what {@code --ids} asks for). */
    public static Labels ids() {
        return IDS;
    }

    /** Names from the community's member names and the profile's channel conversations. */
    public static Labels of(Map<AccountId, String> memberNames, List<ConversationSummary> conversations) {
        Map<String, String> members = new HashMap<>();
        memberNames.forEach((account, name) -> members.put(account.toString(), name));
        Map<ChannelId, String> channels = new HashMap<>();
        for (ConversationSummary c : conversations) {
            if (c.conversation() instanceof Conversation.Channel channel
                    && !c.title().equals(channel.channel().toString())) {
                channels.put(channel.channel(), c.title());
            }
        }
        return new Labels(members, channels);
    }

    /** An account: its display name when known, else its id. */
    public String account(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        return members.getOrDefault(accountId, accountId);
    }

    /** A conversation: {@code @name} or {@code #name} when known, else its id. */
    public String conversation(Conversation conversation) {
        return switch (conversation) {
            case Conversation.Direct d ->
                Optional.ofNullable(members.get(d.peer().toString()))
                        .map(name -> "@" + name)
                        .orElse(conversation.id());
            case Conversation.Channel c ->
                Optional.ofNullable(channels.get(c.channel()))
                        .map(name -> "#" + name)
                        .orElse(conversation.id());
        };
    }

    /** A conversation by its stored id (see {@link #conversation(Conversation)}). */
    public String conversation(String conversationId) {
        try {
            return conversation(Conversation.parse(conversationId));
        } catch (IllegalArgumentException e) {
            return conversationId;
        }
    }
}
