// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.Objects;
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

    private final Principal principal;
    private final Channel channel;
    private final EnvelopeCodec codec;
    private final AtomicLong seq = new AtomicLong();

    Connection(Principal principal, Channel channel, EnvelopeCodec codec) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    public Principal principal() {
        return principal;
    }

    /** Sends a server-initiated envelope with the next server {@code seq}. */
    public void push(Command command, Body body) {
        send(Envelope.of(command, new Seq(seq.incrementAndGet()), body));
    }

    /** Sends an envelope as one binary frame. */
    public void send(Envelope envelope) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(envelope))));
    }

    /** Closes with a WebSocket close code and reason, after pending writes. */
    public void close(int code, String reason) {
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason)).addListener(ChannelFutureListener.CLOSE);
    }

    boolean isOpen() {
        return channel.isActive();
    }
}
