// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.nexuslink.protocol.ErrorCode;

/**
 * A check on each request's head that runs before anything downstream sees the request: the
 * head (and its body) are held while a blocking check runs on a virtual thread, with reading
 * switched off, and released in arrival order once it passes. A refused request is answered
 * here (in order behind the responses still in flight) and its body is never handed on: a small
 * body is read and dropped and the connection kept; after a larger one the connection closes.
 *
 * <p>A connection that closes after its refusal lingers ({@link HttpResponses#lingerThenClose}):
 * whatever still arrives is dropped here, neither held nor parsed beyond HTTP framing.
 *
 * <p>One instance per connection; all state is touched on the connection's event loop only.
 */
abstract class HeadGate extends ChannelInboundHandlerAdapter {
    /** The body size up to which a refused request's body is read and dropped to keep the connection. */
    static final long DISCARD_LIMIT = 64 << 10;

    /** What a head needs before it may pass. */
    sealed interface Check {
        /** Nothing: pass now. */
        record Pass() implements Check {}

        /** Refused at once, without blocking. */
        record Refuse(ApiException refusal) implements Check {}

        /** A check that may block; returns a refusal or empty to pass. */
        record Blocking(java.util.function.Supplier<Optional<ApiException>> run) implements Check {}
    }

    static final Check PASS = new Check.Pass();

    private final Executor blocking;
    private final ObjectMapper json;
    /** Messages that arrived while a check was running, in order. */
    private final Deque<Object> held = new ArrayDeque<>();

    private boolean checking;
    /** The body of a refused request is being read and dropped. */
    private boolean discarding;
    /** The connection closes after a refusal; everything that arrives is dropped. */
    private boolean lingering;

    HeadGate(Executor blocking, ObjectMapper json) {
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** What {@code head} needs; called on the event loop, must not block. */
    abstract Check check(ChannelHandlerContext ctx, HttpRequest head);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (lingering) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (checking || !held.isEmpty()) {
            held.add(msg);
            return;
        }
        handle(ctx, msg);
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (discarding) {
            if (msg instanceof LastHttpContent) {
                discarding = false;
            }
            if (msg instanceof HttpContent) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (!(msg instanceof HttpRequest head) || head.decoderResult().isFailure()) {
            ctx.fireChannelRead(msg);
            return;
        }
        switch (check(ctx, head)) {
            case Check.Pass pass -> ctx.fireChannelRead(msg);
            case Check.Refuse refuse -> refuse(ctx, head, refuse.refusal());
            case Check.Blocking run -> {
                checking = true;
                ctx.channel().config().setAutoRead(false);
                try {
                    blocking.execute(() -> {
                        Optional<ApiException> refusal;
                        try {
                            refusal = run.run().get();
                        } catch (ApiException e) {
                            refusal = Optional.of(e);
                        } catch (RuntimeException e) {
                            refusal = Optional.of(new ApiException(ErrorCode.INTERNAL_ERROR, "internal error"));
                            org.slf4j.LoggerFactory.getLogger(HeadGate.class)
                                    .atError()
                                    .setCause(e)
                                    .log("request head check failed");
                        }
                        Optional<ApiException> outcome = refusal;
                        ctx.executor().execute(() -> checked(ctx, head, outcome));
                    });
                } catch (RejectedExecutionException e) {
                    checked(ctx, head, Optional.of(new ApiException(ErrorCode.UNAVAILABLE, "server is shutting down")));
                }
            }
        }
    }

    private void checked(ChannelHandlerContext ctx, HttpRequest head, Optional<ApiException> refusal) {
        checking = false;
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(head);
            releaseHeld();
            return;
        }
        // Reading resumes before the head is handed on: a handler downstream that takes the
        // request over (media) may switch it off again for itself.
        ctx.channel().config().setAutoRead(true);
        refusal.ifPresentOrElse(r -> refuse(ctx, head, r), () -> ctx.fireChannelRead(head));
        while (!checking && !lingering && !held.isEmpty()) {
            handle(ctx, held.poll());
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest head, ApiException refusal) {
        boolean complete = head instanceof LastHttpContent;
        boolean smallBody =
                !HttpUtil.isTransferEncodingChunked(head) && HttpUtil.getContentLength(head, 0L) <= DISCARD_LIMIT;
        boolean keepAlive = HttpUtil.isKeepAlive(head) && (complete || smallBody);
        ReferenceCountUtil.release(head);
        discarding = !complete && keepAlive;
        if (!keepAlive) {
            lingering = true;
            releaseHeld();
        }
        FullHttpResponse response = ErrorResponses.of(json, refusal);
        response.headers()
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        Runnable write = () -> {
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                HttpResponses.lingerThenClose(ctx, written);
            }
        };
        CompletableFuture<Void> previous =
                ctx.channel().attr(HttpDispatcher.IN_ORDER).get();
        if (previous == null) {
            write.run();
        } else {
            // Behind the last answer: it is written from its virtual thread through the event
            // loop's task queue, so this write is queued there after it.
            ctx.channel()
                    .attr(HttpDispatcher.IN_ORDER)
                    .set(previous.thenRun(() -> ctx.executor().execute(write)));
        }
    }

    private void releaseHeld() {
        for (Object msg; (msg = held.poll()) != null; ) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Removed at a WebSocket upgrade; nothing is held then, but never leak what is.
        releaseHeld();
    }
}
