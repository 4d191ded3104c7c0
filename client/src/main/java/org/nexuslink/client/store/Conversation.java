// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation in the profile's list. The id carries the type: {@code "dm:" + accountId} for
 * direct messages, {@code "ch:" + channelUuid} for a channel.
 *
 * @param id the conversation id, starting with its type's prefix
 * @param type direct or channel
 * @param title what the list shows
 * @param createdAt when it was first seen here; orders conversations with no message yet
 */
public record Conversation(String id, ConversationType type, String title, Instant createdAt) {
    public Conversation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(createdAt, "createdAt");
        if (!id.startsWith(type.prefix()) || id.length() == type.prefix().length()) {
            throw new IllegalArgumentException(
                    "a " + type + " conversation id is " + type.prefix() + "<id>, got " + id);
        }
        RowCodec.epochNanos(createdAt);
    }
}
