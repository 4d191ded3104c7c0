// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.HexFormat;
import java.util.Objects;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.protocol.Bytes;

/**
 * A message within its conversation: a direct message by the 16-byte id its sender chose, a
 * channel message by the sequence number ({@code mid}) the server gave it. What replies and
 * revokes point at, and what the CLI shows in brackets.
 */
public sealed interface MessageRef {
    /** A direct message's id. */
    record Direct(Bytes messageId) implements MessageRef {
        /** The length of a direct message id. */
        public static final int LENGTH = 16;

        public Direct {
            Objects.requireNonNull(messageId, "messageId");
            if (messageId.length() != LENGTH) {
                throw new IllegalArgumentException(
                        "a direct message id has " + LENGTH + " bytes, got " + messageId.length());
            }
        }
    }

    /** A channel event's sequence number. */
    record Channel(long mid) implements MessageRef {
        public Channel {
            if (mid < 1) {
                throw new IllegalArgumentException("a channel message number is positive, got " + mid);
            }
        }
    }

    /** The text form: 32 hex digits for a direct message, the decimal {@code mid} for a channel's. */
    default String text() {
        return switch (this) {
            case Direct d -> d.messageId().hex();
            case Channel c -> Long.toString(c.mid());
        };
    }

    /** The ref of a stored message. */
    static MessageRef of(StoredMessage message) {
        return parse(Conversation.of(message), message.ref());
    }

    /**
     * Parses {@link #text()}'s form for a message of {@code conversation}.
     *
     * @throws IllegalArgumentException naming the text and the form expected there
     */
    static MessageRef parse(Conversation conversation, String text) {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(text, "text");
        return switch (conversation) {
            case Conversation.Direct d -> {
                if (text.length() != 2 * Direct.LENGTH || !text.chars().allMatch(HexFormat::isHexDigit)) {
                    throw new IllegalArgumentException(
                            "a direct message is referred to by its 32 hex digits, not '" + text + "'");
                }
                yield new Direct(Bytes.fromHex(text.toLowerCase(java.util.Locale.ROOT)));
            }
            case Conversation.Channel c -> {
                try {
                    yield new Channel(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "a channel message is referred to by its number, not '" + text + "'", e);
                }
            }
        };
    }
}
