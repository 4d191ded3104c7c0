// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code limits.http_idle_timeout} on an HTTP connection, in two parts:
 * <ul>
 *   <li>a head deadline: while no request is being served (from accept, and from the end of each
 *       response) the next request's head must be complete within the timeout, however slowly
 *       its bytes trickle in; an idle keep-alive connection is closed the same way;</li>
 *   <li>a stall rule, on the {@code IdleStateHandler} before it (reads and writes both count as
 *       progress): a request body or a response that makes no progress for the timeout closes
 *       the connection. A request the server itself is still working on is not cut.</li>
 * </ul>
 * Removed at a WebSocket upgrade (the gateway has its own pings and idle rule). One instance per
 * connection, touched on its event loop only.
 */
final class HttpTimeouts extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(HttpTimeouts.class);

    private final long timeoutNanos;
    private ScheduledFuture<?> headDeadline;
    /** Requests whose head arrived and whose response has not been fully written. */
    private int inFlight;
    /** A request body is still arriving. */
    private boolean receiving;

    HttpTimeouts(Duration timeout) {
        this.timeoutNanos = Objects.requireNonNull(timeout, "timeout").toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armHeadDeadline(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            inFlight++;
            cancelHeadDeadline();
            receiving = !(msg instanceof LastHttpContent);
        } else if (msg instanceof LastHttpContent) {
            receiving = false;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean interim = msg instanceof HttpResponse response
                && response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !interim) {
            promise.addListener(done -> {
                inFlight = Math.max(0, inFlight - 1);
                if (inFlight == 0 && ctx.channel().isActive() && !ctx.isRemoved()) {
                    armHeadDeadline(ctx);
                }
            });
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            // Silent both ways: a stalled body or a reader that stopped reading; a request the
            // server is still computing (all of it received, nothing waiting to be written) is left alone.
            boolean computing = inFlight > 0 && !receiving && ctx.channel().isWritable();
            if (!computing) {
                log.atDebug().addKeyValue("peer", ctx.channel().remoteAddress()).log("http connection stalled; closed");
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private void armHeadDeadline(ChannelHandlerContext ctx) {
        cancelHeadDeadline();
        headDeadline = ctx.executor()
                .schedule(
                        () -> {
                            if (inFlight == 0) {
                                log.atDebug()
                                        .addKeyValue("peer", ctx.channel().remoteAddress())
                                        .log("no complete request head within limits.http_idle_timeout; closed");
                                ctx.close();
                            }
                        },
                        timeoutNanos,
                        TimeUnit.NANOSECONDS);
    }

    private void cancelHeadDeadline() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelHeadDeadline();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHeadDeadline();
        super.channelInactive(ctx);
    }
}
