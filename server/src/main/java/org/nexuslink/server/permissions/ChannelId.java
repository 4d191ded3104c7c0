// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.permissions;

import java.util.Objects;
import java.util.UUID;
import org.nexuslink.protocol.ConversationId;

/** A channel's id: a random UUID, stored as {@code channels.id}; its 16 bytes are the channel's {@code cid}. */
public record ChannelId(UUID value) {
    public ChannelId {
        Objects.requireNonNull(value, "value");
    }

    /** A new random id. */
    public static ChannelId random() {
        return new ChannelId(UUID.randomUUID());
    }

    /**
     * The id in its canonical text form (lower or upper case hex with dashes).
     *
     * @throws IllegalArgumentException if it is not one, naming the text
     */
    public static ChannelId parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equalsIgnoreCase(text)) {
                return new ChannelId(id);
            }
        } catch (IllegalArgumentException e) {
            // reported below with the offending text
        }
        throw new IllegalArgumentException("not a channel id (UUID): '" + text + "'");
    }

    /** The conversation id of this channel's events on the wire (its UUID's 16 bytes). */
    public ConversationId conversation() {
        return ConversationId.of(value);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
