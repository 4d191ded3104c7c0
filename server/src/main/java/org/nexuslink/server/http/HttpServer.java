// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.config.Config;
import org.nexuslink.server.config.ConfigException;
import org.nexuslink.server.config.ConfigKey;
import org.nexuslink.server.ratelimit.RateLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP(S) listener: Netty with epoll where available, every request handled on its own
 * virtual thread. Owns its event loops and handler executor; {@link #close()} stops them.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    /** Outbound bytes per connection above which it counts as not writable (slow consumer). */
    public static final int OUTBOUND_HIGH_WATER = 1 << 20;

    static final int OUTBOUND_LOW_WATER = 256 << 10;

    /** Largest request body accepted by the aggregating REST path. */
    public static final int MAX_REQUEST_BYTES = 1 << 20;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService handlers;
    private final Channel channel;

    private HttpServer(EventLoopGroup boss, EventLoopGroup workers, ExecutorService handlers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.handlers = handlers;
        this.channel = channel;
    }

    /** Checks a bearer token on a request head (blocking is fine: it runs on a virtual thread). */
    @FunctionalInterface
    public interface TokenCheck {
        /** @throws ApiException when the token is not valid now */
        void verify(String token);
    }

    /**
     * What protects a listener from one client: the request rate and connection count per
     * address, the idle timeout, and the bearer check before large bodies.
     *
     * @param limits the rate limits ({@code rate_limit.requests_per_second} per address)
     * @param idleTimeout {@code limits.http_idle_timeout}
     * @param connectionsPerIp {@code limits.connections_per_ip}
     * @param tokens checks tokens before a body over 64 KiB is read; empty refuses such bodies
     */
    public record Guards(RateLimits limits, Duration idleTimeout, int connectionsPerIp, Optional<TokenCheck> tokens) {
        public Guards {
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(tokens, "tokens");
        }
    }

    /** The pipeline handlers that serve plain HTTP only; a WebSocket upgrade removes them. */
    private static final List<String> HTTP_ONLY = List.of("http-idle", "http-timeouts", "address-limit", "body-gate");

    /**
     * Binds the listener and starts serving.
     *
     * @param server the {@code [server]} table: address, port, TLS
     * @param router the routes, complete before this call
     * @param json the API's JSON mapper
     * @param registry where HTTP metrics go
     * @param guards the per-client limits of the listener
     * @param beforeDispatch shared handlers that see each complete request before the router
     *     (the WebSocket gateway takes its upgrade requests there)
     * @throws ConfigException when the TLS files cannot be used
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static HttpServer start(
            Config.Server server,
            Router router,
            ObjectMapper json,
            MeterRegistry registry,
            Guards guards,
            List<ChannelHandler> beforeDispatch) {
        return start(server, router, json, registry, guards, List.of(), beforeDispatch);
    }

    /**
     * Binds the listener and starts serving, with handlers that see requests before the body is
     * aggregated.
     *
     * @param streaming shared handlers placed before the 1 MiB aggregator: they see the request
     *     head and then its body chunk by chunk, so they can take over uploads and downloads
     *     larger than memory (media). They pass on whatever they do not serve.
     * @see #start(Config.Server, Router, ObjectMapper, MeterRegistry, Guards, List)
     */
    public static HttpServer start(
            Config.Server server,
            Router router,
            ObjectMapper json,
            MeterRegistry registry,
            Guards guards,
            List<ChannelHandler> streaming,
            List<ChannelHandler> beforeDispatch) {
        SslContext tls = switch (server.transport()) {
            case Config.Transport.Plain plain -> null;
            case Config.Transport.Tls files -> tlsContext(files);
        };
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(io);
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("http-", 0).factory());
        HttpDispatcher dispatcher =
                new HttpDispatcher(router, handlers, new HttpResponses(json, new HttpMetrics(registry)));
        ConnectionCap connections = new ConnectionCap(guards.connectionsPerIp(), guards.limits());
        long idleMillis = guards.idleTimeout().toMillis();
        try {
            Channel channel = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    // Bounds what one connection may hold unsent; above it the gateway drops slow readers.
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(OUTBOUND_LOW_WATER, OUTBOUND_HIGH_WATER))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            // Cheapest checks first: the connection count before TLS, the
                            // address's rate before any handler, the token before a large body.
                            p.addLast("connections", connections);
                            if (tls != null) {
                                p.addLast("tls", tls.newHandler(ch.alloc()));
                            }
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("http-idle", new IdleStateHandler(true, 0, 0, idleMillis, TimeUnit.MILLISECONDS));
                            p.addLast("http-timeouts", new HttpTimeouts(guards.idleTimeout()));
                            p.addLast("address-limit", new AddressRateGate(guards.limits(), handlers, json));
                            streaming.forEach(p::addLast);
                            p.addLast("body-gate", new BodyGate(guards.tokens(), handlers, json));
                            p.addLast("aggregate", new BoundedAggregator(MAX_REQUEST_BYTES, json));
                            beforeDispatch.forEach(p::addLast);
                            p.addLast("dispatch", dispatcher);
                        }
                    })
                    .bind(server.bindAddress(), server.port())
                    .syncUninterruptibly()
                    .channel();
            log.atInfo()
                    .addKeyValue("address", channel.localAddress())
                    .addKeyValue("tls", tls != null)
                    .addKeyValue("transport", epoll ? "epoll" : "nio")
                    .log("listening");
            return new HttpServer(boss, workers, handlers, channel);
        } catch (RuntimeException e) {
            shutdown(boss, workers, handlers);
            throw new java.io.UncheckedIOException(
                    "cannot listen on " + server.bindAddress() + ":" + server.port() + ": " + e.getMessage(),
                    new java.io.IOException(e));
        }
    }

    private static SslContext tlsContext(Config.Transport.Tls files) {
        try {
            return SslContextBuilder.forServer(
                            files.certificateChain().toFile(),
                            files.privateKey().toFile())
                    .build();
        } catch (Exception | Error e) {
            throw new ConfigException(
                    ConfigKey.SERVER_TLS_CERT.path() + "/" + ConfigKey.SERVER_TLS_KEY.keyName(),
                    "cannot load the PEM certificate chain and private key (the key must be PKCS#8, "
                            + "'BEGIN PRIVATE KEY'; convert with 'openssl pkcs8 -topk8 -nocrypt'): " + e.getMessage());
        }
    }

    /**
     * Takes the plain-HTTP handlers (idle timeouts, request gates) out of a connection that has
     * just become a WebSocket: it lives as long as its pings say, and its frames are not requests.
     */
    public static void upgradedToWebSocket(ChannelPipeline pipeline) {
        for (String name : HTTP_ONLY) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
    }

    /** The bound port (useful when the configured port was 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        shutdown(boss, workers, handlers);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, ExecutorService handlers) {
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        handlers.shutdown();
        try {
            if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
                handlers.shutdownNow();
            }
            boss.terminationFuture().await(5, TimeUnit.SECONDS);
            workers.terminationFuture().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refuses oversized bodies with the API's JSON error instead of Netty's bare 413. */
    private static final class BoundedAggregator extends HttpObjectAggregator {
        private final byte[] refusal;

        BoundedAggregator(int maxContentLength, ObjectMapper json) {
            super(maxContentLength);
            try {
                this.refusal = json.writeValueAsBytes(new ErrorBody(
                        ErrorCode.PAYLOAD_TOO_LARGE.code(), "request body exceeds " + maxContentLength + " bytes"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialize an error body", e);
            }
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            byte[] body = refusal.clone();
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(ErrorCode.PAYLOAD_TOO_LARGE.httpStatus()),
                    Unpooled.wrappedBuffer(body));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (HttpUtil.isKeepAlive(oversized) && !(oversized instanceof FullHttpMessage)) {
                // The aggregator discards the rest of this body; closing now would reset the
                // connection under a client still sending, and it would never read the refusal.
                ctx.writeAndFlush(response);
            } else {
                // The aggregator drops what still arrives of this body while the connection lingers.
                HttpResponses.lingerThenClose(ctx, ctx.writeAndFlush(response));
            }
        }
    }
}
