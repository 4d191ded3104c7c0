// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.time.Instant;
import java.util.Objects;

/**
 * A conversation in this profile's list.
 *
 * @param title what the list shows: a channel's name, or the peer's account id
 * @param createdAt when it was first seen here; orders conversations with no message yet
 */
public record ConversationSummary(Conversation conversation, String title, Instant createdAt) {
    public ConversationSummary {
        Objects.requireNonNull(conversation, "conversation");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
