// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * Identifies a conversation (a direct conversation or a channel): the {@code cid} of an event.
 *
 * <p>On the wire it is an opaque MsgPack binary of 1 to 32 bytes; a channel uses the 16 bytes of
 * its UUID. Servers and relays compare it byte for byte and never interpret it.
 *
 * @param value the identifier's bytes, 1 to {@value #MAX_LENGTH} of them
 */
public record ConversationId(Bytes value) {

    /** The longest identifier, in bytes. */
    public static final int MAX_LENGTH = 32;

    /** Validates the length. */
    public ConversationId {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "conversation id must be 1 to " + MAX_LENGTH + " bytes, got " + value.length());
        }
    }

    /** Returns the id of the channel with this UUID: its 16 bytes, most significant first. */
    public static ConversationId of(UUID channel) {
        Objects.requireNonNull(channel, "channel");
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putLong(channel.getMostSignificantBits()).putLong(channel.getLeastSignificantBits());
        return new ConversationId(Bytes.of(buffer.array()));
    }

    @Override
    public String toString() {
        return "cid:" + value.hex();
    }
}
