// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Seq;
import org.nexuslink.server.auth.Principal;

/**
 * One authenticated WebSocket connection of one device. Sending is safe from any thread (Netty
 * queues writes on the channel's event loop); the server's own {@code seq} counter is atomic.
 */
public final class Connection {
    /** Close code: the device was removed or its account banned (application range 4000-4999). */
    public static final int CLOSE_REVOKED = 4001;
    /**
     * Close code: the device reads too slowly and its outbound buffer is full. Nothing is lost:
     * queued messages stay queued and are pushed again when it reconnects.
     */
    public static final int CLOSE_SLOW_CONSUMER = 4002;
    /**
     * Close code: the bearer token the connection was opened with expired. The device signs in
     * again for a fresh token and reconnects; nothing is lost.
     */
    public static final int CLOSE_TOKEN_EXPIRED = 4003;

    private final Principal principal;
    private final Instant tokenExpiresAt;
    private final Channel channel;
    private final EnvelopeCodec codec;
    private final GatewayMetrics metrics;
    private final AtomicLong seq = new AtomicLong();
    /** Pushes sent and not yet acknowledged: each covers one ack that takes no send token. */
    private final AtomicLong ackCredit = new AtomicLong();

    private final QueueCursor queueCursor = new QueueCursor();
    /** Completed when the channel becomes writable again; replaced by each waiter. */
    private volatile CompletableFuture<Void> writable = CompletableFuture.completedFuture(null);

    Connection(
            Principal principal, Instant tokenExpiresAt, Channel channel, EnvelopeCodec codec, GatewayMetrics metrics) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.tokenExpiresAt = Objects.requireNonNull(tokenExpiresAt, "tokenExpiresAt");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public Principal principal() {
        return principal;
    }

    /** When the token this connection was authenticated with expires. */
    public Instant tokenExpiresAt() {
        return tokenExpiresAt;
    }

    /** This connection's position in its device's direct-message queue. */
    public QueueCursor queueCursor() {
        return queueCursor;
    }

    /**
     * Sends a server-initiated envelope, first waiting (on the caller's virtual thread) until the
     * connection can take more: for bulk pushes such as draining a queue, which must not trip the
     * slow-consumer bound by themselves.
     *
     * @return false if the connection closed or stayed full for {@code timeout}
     */
    public boolean pushWhenWritable(Command command, Body body, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (channel.isActive() && !channel.isWritable()) {
            CompletableFuture<Void> signal = new CompletableFuture<>();
            writable = signal;
            if (channel.isWritable()) {
                break;
            }
            try {
                signal.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                close(CLOSE_SLOW_CONSUMER, "slow consumer: reconnect to resync");
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!channel.isActive()) {
            return false;
        }
        push(command, body);
        return true;
    }

    /** Called by the handler on the event loop when the outbound buffer drains below the low mark. */
    void writabilityChanged() {
        if (channel.isWritable()) {
            writable.complete(null);
        }
    }

    /** Sends a server-initiated envelope with the next server {@code seq}. */
    public void push(Command command, Body body) {
        ackCredit.incrementAndGet();
        send(Envelope.of(command, new Seq(seq.incrementAndGet()), body));
    }

    /**
     * Uses up one push's acknowledgement: true if a push is still unacknowledged, so this ack
     * answers it and is free; false for an ack beyond the pushes received, which costs a send
     * token like any request.
     */
    boolean takeAckCredit() {
        return ackCredit.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /**
     * Sends an envelope as one binary frame. When the connection's outbound buffer is above its
     * high-water mark the device is not keeping up: rather than grow memory without bound, the
     * connection is closed with {@link #CLOSE_SLOW_CONSUMER} and the device resyncs on reconnect.
     */
    public void send(Envelope envelope) {
        if (!channel.isWritable()) {
            close(CLOSE_SLOW_CONSUMER, "slow consumer: reconnect to resync");
            return;
        }
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(envelope))));
        metrics.sent(envelope.command());
    }

    /** Closes with a WebSocket close code and reason, after pending writes. */
    public void close(int code, String reason) {
        if (!channel.isWritable()) {
            // The close frame would queue behind what the device does not read: just drop the connection.
            channel.close();
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    boolean isOpen() {
        return channel.isActive();
    }
}
