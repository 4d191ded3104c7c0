// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.util.Objects;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * Moderator deletion of a stored channel event (seed 000's message deletion):
 * {@code DELETE /api/v1/channels/{id}/events/{mid}[?reason=...]}; docs/api.md documents it.
 */
public final class ChannelEventRoutes {
    private final ChannelEvents events;
    private final Authenticator authenticator;

    public ChannelEventRoutes(ChannelEvents events, Authenticator authenticator) {
        this.events = Objects.requireNonNull(events, "events");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    public void register(Router router) {
        router.add(ApiRoute.CHANNEL_EVENT_DELETE, this::delete);
    }

    private Response delete(Request request) {
        var caller = authenticator.authenticate(request);
        var channel = ChannelRoutes.id(request);
        MessageId mid = mid(request.pathParam("mid"));
        events.delete(
                caller.account(), channel, mid, request.queryParam("reason").orElse(""));
        // 204 also when the event was a tombstone already: deleting is idempotent.
        return ChannelRoutes.noContent();
    }

    private static MessageId mid(String text) {
        try {
            long value = Long.parseLong(text);
            if (value >= 1) {
                return new MessageId(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(
                ErrorCode.INVALID_FIELD,
                "mid must be an event id from 1 to " + Long.MAX_VALUE + ", got '" + text + "'");
    }
}
