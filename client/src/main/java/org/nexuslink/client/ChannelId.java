// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.Objects;
import java.util.UUID;

/** A community channel's id, as the server lists it ({@code GET /api/v1/channels}). */
public record ChannelId(UUID value) {
    public ChannelId {
        Objects.requireNonNull(value, "value");
    }

    /**
     * Parses a channel id's text form (a UUID).
     *
     * @throws IllegalArgumentException naming the text when it is not a UUID
     */
    public static ChannelId parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return new ChannelId(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a channel id is a UUID, not '" + text + "'", e);
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
