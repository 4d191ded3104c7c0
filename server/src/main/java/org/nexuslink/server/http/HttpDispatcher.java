// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.nexuslink.protocol.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes each complete HTTP request to its {@link Handler} on a virtual thread, and turns the
 * result (or the refusal) into a response. Shared by all connections: it holds no per-connection
 * state.
 */
@ChannelHandler.Sharable
final class HttpDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpDispatcher.class);

    /**
     * The last response in flight on a connection; touched only on the connection's event loop.
     * The head gates chain their refusals on it too, so that pipelined answers keep their order.
     */
    static final AttributeKey<CompletableFuture<Void>> IN_ORDER = AttributeKey.valueOf("nexuslink.inOrder");

    private final Router router;
    private final ExecutorService handlers;
    private final HttpResponses responses;

    HttpDispatcher(Router router, ExecutorService handlers, HttpResponses responses) {
        this.router = Objects.requireNonNull(router, "router");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.responses = Objects.requireNonNull(responses, "responses");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        long started = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        String method = msg.method().name();
        if (msg.decoderResult().isFailure()) {
            write(ctx, error(ErrorCode.BAD_REQUEST, "malformed HTTP request"), false, method, "unmatched", started);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        Router.Match match = router.match(method, uri.path());
        switch (match) {
            case Router.Match.NotFound ignored ->
                write(
                        ctx,
                        error(ErrorCode.NOT_FOUND, "no such endpoint: " + uri.path()),
                        keepAlive,
                        method,
                        "unmatched",
                        started);
            case Router.Match.WrongMethod wrong -> {
                FullHttpResponse response = error(
                        ErrorCode.METHOD_NOT_ALLOWED,
                        method + " is not allowed here; allowed: " + String.join(", ", wrong.allowed()));
                response.headers().set(HttpHeaderNames.ALLOW, String.join(", ", wrong.allowed()));
                write(ctx, response, keepAlive, method, "unmatched", started);
            }
            case Router.Match.Found found -> {
                Request request = new Request(
                        method,
                        uri.path(),
                        found.params(),
                        uri.parameters(),
                        msg.headers().copy(),
                        ByteBufUtil.getBytes(msg.content()),
                        (InetSocketAddress) ctx.channel().remoteAddress(),
                        ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null);
                boolean head = HttpMethod.HEAD.equals(msg.method());
                try {
                    // Pipelined requests on one connection must be answered in order: chain them.
                    var previous = ctx.channel().attr(IN_ORDER).get();
                    Runnable work = () -> write(
                            ctx,
                            run(found.route(), request, head),
                            keepAlive,
                            method,
                            found.route().pattern(),
                            started);
                    ctx.channel()
                            .attr(IN_ORDER)
                            .set(
                                    previous == null
                                            ? CompletableFuture.runAsync(work, handlers)
                                            : previous.thenRunAsync(work, handlers));
                } catch (RejectedExecutionException e) {
                    write(
                            ctx,
                            error(ErrorCode.UNAVAILABLE, "server is shutting down"),
                            false,
                            method,
                            found.route().pattern(),
                            started);
                }
            }
        }
    }

    private FullHttpResponse run(Router.Route route, Request request, boolean head) {
        try {
            FullHttpResponse response = render(route.handler().handle(request));
            if (head) {
                response.content().clear();
            }
            return response;
        } catch (Exception | LinkageError e) {
            return responses.failure(e, route.pattern());
        }
    }

    private FullHttpResponse render(Response response) {
        return switch (response) {
            case Response.Json j -> responses.json(j.status(), j.value());
            case Response.Raw r -> HttpResponses.full(r.status(), r.contentType(), r.body());
        };
    }

    private FullHttpResponse error(ErrorCode code, String message) {
        return responses.error(code, message);
    }

    private void write(
            ChannelHandlerContext ctx,
            FullHttpResponse response,
            boolean keepAlive,
            String method,
            String route,
            long started) {
        responses.send(ctx, response, keepAlive, method, route, started);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("peer", ctx.channel().remoteAddress())
                .addKeyValue("error", cause.toString())
                .log("connection error");
        ctx.close();
    }
}
