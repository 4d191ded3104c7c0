// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.nexuslink.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way an HTTP answer leaves the server, on the routed path ({@link HttpDispatcher}) and the
 * streaming one (the media handler) alike: a body with the shared headers, a failure turned into
 * its JSON error (a refusal's code, or {@code internal_error} logged with its stack), and the
 * write that counts the answer in {@code nexuslink_http_requests_total} and keeps or closes the
 * connection. Thread-safe.
 */
public final class HttpResponses {
    /** How long a connection closing after a refusal goes on reading and dropping what arrives. */
    static final long LINGER_MILLIS = 2_000;

    private static final Logger log = LoggerFactory.getLogger(HttpResponses.class);

    private final ObjectMapper json;
    private final HttpMetrics metrics;

    public HttpResponses(ObjectMapper json, HttpMetrics metrics) {
        this.json = Objects.requireNonNull(json, "json");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** A complete answer with the headers every answer carries. */
    public static FullHttpResponse full(int status, String contentType, byte[] body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    /** {@code value} (a record of {@code org.nexuslink.protocol.api}) as a JSON answer. */
    public FullHttpResponse json(int status, Object value) {
        try {
            return full(status, "application/json", json.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot serialize a " + value.getClass().getSimpleName(), e);
        }
    }

    /** The JSON error for a code. */
    public FullHttpResponse error(ErrorCode code, String message) {
        return ErrorResponses.of(json, code, message);
    }

    /**
     * The answer to a handler's failure: a refusal's JSON error (with {@code Retry-After} when it
     * has one); anything else is a bug, logged with its stack and answered {@code internal_error}.
     *
     * @param route the route's pattern, for the log
     */
    public FullHttpResponse failure(Throwable failure, String route) {
        if (failure instanceof ApiException refusal) {
            return ErrorResponses.of(json, refusal);
        }
        log.atError().setCause(failure).addKeyValue("route", route).log("unhandled error in handler");
        return error(ErrorCode.INTERNAL_ERROR, "internal error");
    }

    /**
     * Writes a complete answer, counts it under {@code route}, and closes the connection after it
     * unless {@code keepAlive}. Event loop only.
     */
    public ChannelFuture send(
            ChannelHandlerContext ctx,
            FullHttpResponse response,
            boolean keepAlive,
            String method,
            String route,
            long started) {
        metrics.record(method, route, response.status().code(), System.nanoTime() - started);
        response.headers()
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return written;
    }

    /**
     * Closes the connection once {@code written} (a refusal sent while the request's body may
     * still be arriving) is out: ends the sending side (TLS's close_notify, or a TCP half-close)
     * and closes once the client closes too, or at the latest after {@link #LINGER_MILLIS}.
     * Closing at once would have the kernel reset the connection under a client still sending,
     * and the reset discards the refusal before the client reads it. The caller's handler drops
     * what arrives meanwhile. Event loop only.
     */
    static void lingerThenClose(ChannelHandlerContext ctx, ChannelFuture written) {
        written.addListener(done -> {
            if (!done.isSuccess()) {
                ctx.close();
                return;
            }
            Future<?> shut;
            if (ctx.pipeline().get(SslHandler.class) instanceof SslHandler tls) {
                shut = tls.closeOutbound();
            } else if (ctx.channel() instanceof DuplexChannel duplex) {
                shut = duplex.shutdownOutput();
            } else {
                ctx.close();
                return;
            }
            shut.addListener(closed -> {
                if (!closed.isSuccess()) {
                    ctx.close();
                    return;
                }
                // Half-closure is not allowed on these channels, so the end of the client's input
                // closes the connection sooner.
                ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            });
        });
    }
}
