// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * Body of {@code catch_up}: asks for the stored events of a conversation after a cursor.
 *
 * @param cid the conversation
 * @param after return events whose mid is greater; absent means from the first event
 * @param limit at most this many events, 1 to {@value #MAX_LIMIT}; the server may return fewer
 */
public record CatchUpRequest(ConversationId cid, Optional<MessageId> after, int limit) implements Body {

    /** The largest page a client may ask for. */
    public static final int MAX_LIMIT = 1000;

    /** Validates the limit. */
    public CatchUpRequest {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
    }
}
