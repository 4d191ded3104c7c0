// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.nexuslink.protocol.ErrorCode;

/**
 * No body larger than {@link #UNAUTHENTICATED_BODY_LIMIT} is read before its bearer token is
 * checked: such a request's head waits here, with reading off, until the token resolves; a
 * request without a token, or with one that does not resolve, is refused, its body dropped
 * unparsed while the connection lingers, and the connection closed. The endpoints open to
 * anyone (challenge, verify, join) need far less, so a stranger can make the server hold at most
 * that much per request; members still get the aggregator's 1 MiB. Sits after the streaming
 * media handler (which authenticates uploads on their head itself) and before the aggregator.
 */
final class BodyGate extends HeadGate {
    /** The largest body read before authentication. */
    static final long UNAUTHENTICATED_BODY_LIMIT = 64 << 10;

    private final Optional<HttpServer.TokenCheck> tokens;

    BodyGate(Optional<HttpServer.TokenCheck> tokens, Executor blocking, ObjectMapper json) {
        super(blocking, json);
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    Check check(ChannelHandlerContext ctx, HttpRequest head) {
        if (head instanceof LastHttpContent
                || !HttpUtil.isTransferEncodingChunked(head)
                        && HttpUtil.getContentLength(head, 0L) <= UNAUTHENTICATED_BODY_LIMIT) {
            return PASS;
        }
        String header = head.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        if (tokens.isEmpty() || !header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return new Check.Refuse(new ApiException(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "a request body over " + UNAUTHENTICATED_BODY_LIMIT
                            + " bytes needs an 'Authorization: Bearer <token>' header"));
        }
        String token = header.substring("bearer ".length()).trim();
        HttpServer.TokenCheck check = tokens.get();
        return new Check.Blocking(() -> {
            check.verify(token);
            return Optional.empty();
        });
    }
}
