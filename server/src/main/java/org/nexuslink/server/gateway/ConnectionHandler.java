// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.ProtocolException;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.ratelimit.Limit;
import org.nexuslink.server.ratelimit.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one connection's frames: MsgPack envelopes in binary frames (docs/protocol.md). A frame
 * that does not decode gets an {@code error} envelope naming the field, and the connection stays
 * open; it changes nothing. Runs on the connection's event loop only.
 */
final class ConnectionHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger log = LoggerFactory.getLogger(ConnectionHandler.class);

    private final Connection connection;
    private final WebSocketServerHandshaker handshaker;
    private final EnvelopeCodec codec;
    private final ConnectionRegistry registry;
    private final Map<Command, CommandHandler> handlers;
    private final Executor blocking;
    private final RateLimits limits;
    /** The device's {@link Limit#DEVICE_SENDS} bucket key: shared by all its connections. */
    private final String device;

    private final GatewayMetrics metrics;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /** The last request in flight; touched only on this connection's event loop. */
    private CompletableFuture<Void> tail = DONE;
    /**
     * The last rate check waiting for Redis (shared buckets only): requests pass it in arrival
     * order. Touched only on this connection's event loop.
     */
    private CompletableFuture<Void> checks = DONE;
    /** Requests waiting in {@link #checks}; above {@link #MAX_PENDING_CHECKS} reading pauses. */
    private int pendingChecks;
    /** Requests a connection may have waiting for a shared rate check before it stops being read. */
    static final int MAX_PENDING_CHECKS = 64;

    ConnectionHandler(
            Connection connection,
            WebSocketServerHandshaker handshaker,
            EnvelopeCodec codec,
            ConnectionRegistry registry,
            Map<Command, CommandHandler> handlers,
            Executor blocking,
            RateLimits limits,
            GatewayMetrics metrics) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.handshaker = Objects.requireNonNull(handshaker, "handshaker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.handlers = Map.copyOf(handlers);
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.device = connection.principal().account() + ":"
                + connection.principal().device().value();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case BinaryWebSocketFrame binary -> envelope(ctx, ByteBufUtil.getBytes(binary.content()));
            case PingWebSocketFrame ping ->
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case PongWebSocketFrame pong -> {}
            case CloseWebSocketFrame close -> handshaker.close(ctx.channel(), close.retain());
            default ->
                connection.send(Envelope.error(
                        Seq.UNKNOWN,
                        ErrorBody.of(
                                ErrorCode.MALFORMED_FRAME,
                                "only binary frames carrying MsgPack envelopes are accepted")));
        }
    }

    private void envelope(ChannelHandlerContext ctx, byte[] bytes) {
        Envelope request;
        try {
            request = codec.decode(bytes);
        } catch (ProtocolException e) {
            connection.send(Envelope.error(e.seq().orElse(Seq.UNKNOWN), e.toErrorBody()));
            return;
        }
        metrics.received(request.command());
        // rate_limit.ws_messages_per_second holds per device, across its connections and nodes.
        // A pong does nothing; an ack answering a push this connection received is free, so a
        // device can acknowledge all it is sent; any other ack costs a token like a send (each
        // is a queue delete, so a flood of them must not be free).
        boolean free =
                request.command() == Command.PONG || request.command() == Command.ACK && connection.takeAckCredit();
        if (checks.isDone() && (free || !limits.mayBlock())) {
            admit(request, free || limits.take(Limit.DEVICE_SENDS, device).allowed());
            return;
        }
        // Shared buckets: the check waits for Redis on a virtual thread, never on the event loop.
        // A client sending faster than the checks complete is stopped being read, so the chain
        // of waiting requests stays bounded.
        if (++pendingChecks >= MAX_PENDING_CHECKS) {
            ctx.channel().config().setAutoRead(false);
        }
        checks = checks.thenApplyAsync(
                        ignored ->
                                free || limits.take(Limit.DEVICE_SENDS, device).allowed(),
                        blocking)
                .thenAcceptAsync(
                        allowed -> {
                            if (--pendingChecks < MAX_PENDING_CHECKS / 2
                                    && !ctx.channel().config().isAutoRead()) {
                                ctx.channel().config().setAutoRead(true);
                            }
                            admit(request, allowed);
                        },
                        ctx.channel().eventLoop())
                .exceptionally(failure -> {
                    log.atError().setCause(failure).log("websocket rate check failed");
                    return null;
                });
    }

    private void admit(Envelope request, boolean allowed) {
        Seq seq = request.seq();
        if (!allowed) {
            connection.send(
                    Envelope.error(
                            seq,
                            ErrorBody.of(
                                    ErrorCode.RATE_LIMITED,
                                    "more than rate_limit.ws_messages_per_second requests from this device; this one was dropped")));
            return;
        }
        CommandHandler handler = handlers.get(request.command());
        if (handler != null) {
            if (!handler.ordered() || tail.isDone()) {
                Optional<CompletableFuture<Void>> served = serveWithoutBlocking(handler, request);
                if (served.isPresent()) {
                    tail = tail.isDone() ? served.get() : CompletableFuture.allOf(tail, served.get());
                    return;
                }
            }
            tail = tail.thenRunAsync(() -> serve(handler, request).join(), blocking);
            return;
        }
        switch (request.command()) {
            // Answered behind the requests before it, so replies keep the order of requests.
            case PING ->
                tail = tail.thenRunAsync(
                        () -> connection.send(Envelope.of(Command.PONG, seq, Body.Empty.INSTANCE)), blocking);
            // The upgrade already authenticated this connection; a hello is acknowledged as a no-op.
            case HELLO ->
                tail = tail.thenRunAsync(() -> connection.send(Envelope.of(Command.ACK, seq, Ack.EMPTY)), blocking);
            case PONG -> {}
            default ->
                connection.send(Envelope.error(
                        seq,
                        ErrorBody.of(
                                ErrorCode.UNEXPECTED_COMMAND,
                                request.command().wireName() + " is not accepted from clients by this server")));
        }
    }

    /**
     * Calls the handler and sends its reply or error when its stage completes.
     *
     * @return completes, never exceptionally, when the next request may start: at once for a
     *     pipelined handler, else once the reply is sent
     */
    private CompletableFuture<Void> serve(CommandHandler handler, Envelope request) {
        CompletionStage<Optional<Body>> reply;
        try {
            reply = handler.handle(connection, request);
        } catch (RuntimeException e) {
            fail(request, e);
            return DONE;
        }
        return answer(handler, request, reply);
    }

    /** {@link #serve} through {@link CommandHandler#handleWithoutBlocking}; empty if it declined. */
    private Optional<CompletableFuture<Void>> serveWithoutBlocking(CommandHandler handler, Envelope request) {
        Optional<CompletionStage<Optional<Body>>> reply;
        try {
            reply = handler.handleWithoutBlocking(connection, request);
        } catch (RuntimeException e) {
            fail(request, e);
            return Optional.of(DONE);
        }
        return reply.map(r -> answer(handler, request, r));
    }

    private CompletableFuture<Void> answer(
            CommandHandler handler, Envelope request, CompletionStage<Optional<Body>> reply) {
        CompletableFuture<Void> replied = reply.<Void>handle((body, failure) -> {
                    if (failure != null) {
                        fail(
                                request,
                                failure instanceof CompletionException c && c.getCause() != null
                                        ? c.getCause()
                                        : failure);
                    } else {
                        body.ifPresent(b -> connection.send(Envelope.of(replyCommand(b), request.seq(), b)));
                    }
                    return null;
                })
                .toCompletableFuture();
        return handler.pipelined() ? DONE : replied;
    }

    /** The command that carries a reply body: error, catch_up_result, or else ack. */
    private static Command replyCommand(Body body) {
        return switch (body) {
            case ErrorBody error -> Command.ERROR;
            case org.nexuslink.protocol.CatchUpResult result -> Command.CATCH_UP_RESULT;
            default -> Command.ACK;
        };
    }

    private void fail(Envelope request, Throwable failure) {
        if (failure instanceof ApiException api) {
            connection.send(Envelope.error(request.seq(), ErrorBody.of(api.code(), api.getMessage())));
            return;
        }
        log.atError()
                .setCause(failure)
                .addKeyValue("command", request.command().wireName())
                .log("unhandled error serving a websocket command");
        connection.send(Envelope.error(request.seq(), ErrorBody.of(ErrorCode.INTERNAL_ERROR, "internal error")));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            connection.close(1001, "idle timeout");
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        connection.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connection.writabilityChanged();
        registry.remove(connection);
        log.atDebug()
                .addKeyValue("account", connection.principal().account())
                .addKeyValue("device", connection.principal().device())
                .log("websocket closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("error", cause.toString()).log("websocket error");
        ctx.close();
    }
}
