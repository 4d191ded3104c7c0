// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.MessagesApi.Pending;
import org.nexuslink.protocol.api.MessagesApi.PendingPage;
import org.nexuslink.protocol.api.MessagesApi.SendRequest;
import org.nexuslink.protocol.api.MessagesApi.SendResponse;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.JsonBodies;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * Seed 000's REST fallback for direct messages, for clients that cannot hold a WebSocket: the
 * same send, pending queue and acknowledgement as {@code send_direct}, {@code direct_push} and
 * {@code ack}.
 */
public final class DirectMessageRoutes {
    static final int MAX_PAGE = DirectMessages.PAGE;

    private final DirectMessages direct;
    private final Authenticator authenticator;
    private final JsonBodies bodies;

    public DirectMessageRoutes(DirectMessages direct, Authenticator authenticator, JsonBodies bodies) {
        this.direct = Objects.requireNonNull(direct, "direct");
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.bodies = Objects.requireNonNull(bodies, "bodies");
    }

    private static Pending pending(QueueEntry e) {
        return new Pending(
                e.id(),
                Bytes.of(DirectMessages.bytes(e.messageId())),
                e.sender().account().toString(),
                e.sender().device().value(),
                e.createdAt().toString(),
                e.type(),
                e.ciphertext());
    }

    public void register(Router router) {
        router.add(ApiRoute.MESSAGES_SEND, this::send);
        router.add(ApiRoute.MESSAGES_PENDING, this::pending);
        router.add(ApiRoute.MESSAGE_ACKNOWLEDGE, this::acknowledge);
    }

    private Response send(Request request) {
        Principal sender = authenticator.authenticate(request);
        SendRequest body = bodies.read(request, SendRequest.class);
        DirectSend message;
        try {
            if (body.messageId() == null || body.copies() == null) {
                throw new IllegalArgumentException("message_id and copies are required");
            }
            message = new DirectSend(
                    body.messageId(),
                    body.copies().stream()
                            .map(c -> new DirectSend.Copy(
                                    c.account() == null ? "" : c.account(),
                                    c.device(),
                                    c.type(),
                                    c.ciphertext() == null ? Bytes.EMPTY : c.ciphertext()))
                            .toList());
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, e.getMessage());
        }
        try {
            DirectMessages.Accepted accepted = direct.send(sender, message).join();
            return Response.ok(new SendResponse(accepted.time().toString(), accepted.queued()));
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private Response pending(Request request) {
        Principal device = authenticator.authenticate(request);
        long after = request.queryParam("after")
                .map(a -> number("after", a, 0, Long.MAX_VALUE))
                .orElse(0L);
        int limit = request.queryParam("limit")
                .map(l -> (int) number("limit", l, 1, MAX_PAGE))
                .orElse(100);
        List<QueueEntry> page = direct.pending(device, after, limit + 1);
        return Response.ok(new PendingPage(
                page.stream().limit(limit).map(DirectMessageRoutes::pending).toList(), page.size() > limit));
    }

    private Response acknowledge(Request request) {
        Principal device = authenticator.authenticate(request);
        try {
            direct.acknowledge(device, number("id", request.pathParam("id"), 1, Long.MAX_VALUE))
                    .join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        return new Response.Raw(204, "application/json", new byte[0]);
    }

    private static long number(String field, String text, long min, long max) {
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(
                ErrorCode.INVALID_FIELD, field + " must be an integer " + min + "-" + max + ", got '" + text + "'");
    }
}
