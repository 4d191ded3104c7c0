// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Notice;
import org.nexuslink.server.auth.Authenticator;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.auth.TokenStore;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.ErrorResponses;
import org.nexuslink.server.http.HttpServer;
import org.nexuslink.server.ops.MetricName;
import org.nexuslink.server.ratelimit.Limit;
import org.nexuslink.server.ratelimit.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint {@code /ws}: authenticates the upgrade with the device's bearer token
 * ({@code Authorization: Bearer} or, for browsers, {@code ?token=}), completes the handshake and
 * registers the connection. Sits in every HTTP pipeline before the REST dispatcher and passes
 * everything else through. Token checks block on the database, so they run on virtual threads.
 */
@ChannelHandler.Sharable
public final class Gateway extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** The path of the WebSocket endpoint. */
    public static final String PATH = "/ws";
    /** A connection that sends nothing (not even a ping) for this long is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(120);

    private final Authenticator authenticator;
    private final ConnectionRegistry registry;
    private final EnvelopeCodec codec;
    private final ObjectMapper json;
    private final ExecutorService blocking;
    private final Consumer<Connection> onConnect;
    private final Map<Command, CommandHandler> handlers;
    private final GatewayMetrics metrics;
    private final RateLimits limits;

    /**
     * @param onConnect called on a virtual thread after a connection is registered (to send what
     *     the device missed while offline)
     * @param handlers the services for client commands beyond hello and ping
     * @param limits whose {@link Limit#DEVICE_SENDS} buckets bound what each device sends
     */
    public Gateway(
            Authenticator authenticator,
            ConnectionRegistry registry,
            EnvelopeCodec codec,
            ObjectMapper json,
            ExecutorService blocking,
            MeterRegistry meters,
            Consumer<Connection> onConnect,
            Map<Command, CommandHandler> handlers,
            RateLimits limits) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.json = Objects.requireNonNull(json, "json");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.onConnect = Objects.requireNonNull(onConnect, "onConnect");
        this.handlers = Map.copyOf(handlers);
        this.metrics = new GatewayMetrics(meters);
        this.limits = Objects.requireNonNull(limits, "limits");
        Gauge.builder(MetricName.WS_CONNECTIONS_ACTIVE.meterName(), registry, ConnectionRegistry::size)
                .description("Open WebSocket connections on this node")
                .register(meters);
    }

    public ConnectionRegistry registry() {
        return registry;
    }

    /** Tells every connected device of the account, then closes the removed device's connections. */
    public void deviceRemoved(AccountId account, DeviceId device) {
        Notice notice = new Notice(Notice.DEVICE_REMOVED, "device=" + device.value());
        List<Connection> connections = registry.ofAccount(account);
        connections.forEach(c -> c.push(Command.NOTICE, notice));
        registry.of(new Principal(account, device)).forEach(c -> c.close(Connection.CLOSE_REVOKED, "device removed"));
    }

    /**
     * Closes every live connection of an account with close code 4001 and {@code reason}: its
     * tokens are already gone (banned or removed), so it must not keep a session open.
     */
    public void closeAccount(AccountId account, String reason) {
        registry.ofAccount(account).forEach(c -> c.close(Connection.CLOSE_REVOKED, reason));
    }

    /**
     * Closes, with {@link Connection#CLOSE_TOKEN_EXPIRED}, every connection on this node whose
     * token has expired by {@code now}: a session lives no longer than the token that opened it.
     * The server runs this on a schedule; returns how many it closed.
     */
    public int closeExpired(Instant now) {
        int closed = 0;
        for (Connection connection : registry.all()) {
            if (!connection.tokenExpiresAt().isAfter(now)) {
                connection.close(Connection.CLOSE_TOKEN_EXPIRED, "token expired: sign in again");
                closed++;
            }
        }
        return closed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)
                || !PATH.equals(new QueryStringDecoder(request.uri()).path())
                || !HttpMethod.GET.equals(request.method())) {
            ctx.fireChannelRead(msg);
            return;
        }
        String token = token(request);
        blocking.execute(() -> {
            try {
                TokenStore.Resolved resolved = authenticator.authenticateWithExpiry(token);
                ctx.channel().eventLoop().execute(() -> upgrade(ctx, request, resolved));
            } catch (ApiException e) {
                refuse(ctx, request, ErrorResponses.of(json, e));
            } catch (RuntimeException e) {
                log.atError().setCause(e).log("websocket upgrade failed");
                refuse(ctx, request, ErrorResponses.of(json, ErrorCode.INTERNAL_ERROR, "internal error"));
            }
        });
    }

    private static String token(FullHttpRequest request) {
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION, "");
        if (header.toLowerCase(Locale.ROOT).startsWith("bearer ")) {
            return header.substring("bearer ".length()).trim();
        }
        List<String> query = new QueryStringDecoder(request.uri()).parameters().get("token");
        return query == null || query.isEmpty() ? "" : query.get(0);
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request, TokenStore.Resolved resolved) {
        Principal principal = resolved.principal();
        try {
            String scheme = ctx.pipeline().get(SslHandler.class) != null ? "wss" : "ws";
            WebSocketServerHandshakerFactory factory = new WebSocketServerHandshakerFactory(
                    scheme + "://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + PATH,
                    null,
                    WebSocketDecoderConfig.newBuilder()
                            .maxFramePayloadLength(codec.limits().maxFrameBytes())
                            .allowExtensions(false)
                            .build());
            WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
            if (handshaker == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
                return;
            }
            Connection connection = new Connection(principal, resolved.expiresAt(), ctx.channel(), codec, metrics);
            ChannelPipeline pipeline = ctx.pipeline();
            handshaker.handshake(ctx.channel(), request).addListener(done -> {
                if (!done.isSuccess()) {
                    ctx.close();
                    return;
                }
                pipeline.remove("dispatch");
                HttpServer.upgradedToWebSocket(pipeline);
                pipeline.addLast("idle", new IdleStateHandler(IDLE_TIMEOUT.toSeconds(), 0, 0, TimeUnit.SECONDS));
                pipeline.addLast(
                        "connection",
                        new ConnectionHandler(
                                connection, handshaker, codec, registry, handlers, blocking, limits, metrics));
                pipeline.remove(this);
                registry.add(connection);
                log.atDebug()
                        .addKeyValue("account", principal.account())
                        .addKeyValue("device", principal.device())
                        .log("websocket open");
                blocking.execute(() -> onConnect.accept(connection));
            });
        } finally {
            request.release();
        }
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response) {
        request.release();
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
