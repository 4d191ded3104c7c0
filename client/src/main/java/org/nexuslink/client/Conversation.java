// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.Objects;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;

/**
 * Where messages go: direct messages with one account, or a community channel. Switch over it
 * exhaustively; a new kind of conversation then fails to compile until it is handled.
 */
public sealed interface Conversation {
    /** Direct messages with {@code peer}, end to end encrypted to each of its devices. */
    record Direct(AccountId peer) implements Conversation {
        public Direct {
            Objects.requireNonNull(peer, "peer");
        }
    }

    /** A channel of the community, end to end encrypted with Sender Keys. */
    record Channel(ChannelId channel) implements Conversation {
        public Channel {
            Objects.requireNonNull(channel, "channel");
        }
    }

    /** The id the local store and the CLI write: {@code dm:<account id>} or {@code ch:<channel uuid>}. */
    default String id() {
        return switch (this) {
            case Direct d -> "dm:" + d.peer();
            case Channel c -> "ch:" + c.channel();
        };
    }

    /**
     * Parses {@link #id()}'s form.
     *
     * @throws IllegalArgumentException naming the text and what was wrong with it
     */
    static Conversation parse(String id) {
        Objects.requireNonNull(id, "id");
        if (id.startsWith("dm:")) {
            try {
                return new Direct(AccountId.parse(id.substring(3)));
            } catch (InvalidAccountIdException e) {
                throw new IllegalArgumentException("'" + id + "' names no account: " + e.getMessage(), e);
            }
        }
        if (id.startsWith("ch:")) {
            return new Channel(ChannelId.parse(id.substring(3)));
        }
        throw new IllegalArgumentException("a conversation is dm:<account id> or ch:<channel uuid>, not '" + id + "'");
    }

    /** The conversation a stored message belongs to. */
    static Conversation of(StoredMessage message) {
        return parse(message.conversationId());
    }

    /** Direct messages with {@code peer}. */
    static Conversation direct(AccountId peer) {
        return new Direct(peer);
    }

    /** The channel {@code channel}. */
    static Conversation channel(ChannelId channel) {
        return new Channel(channel);
    }
}
