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
import java.util.Objects;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.ProtocolException;
import org.nexuslink.protocol.Seq;
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

    ConnectionHandler(Connection connection, WebSocketServerHandshaker handshaker, EnvelopeCodec codec,
                      ConnectionRegistry registry) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.handshaker = Objects.requireNonNull(handshaker, "handshaker");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case BinaryWebSocketFrame binary -> envelope(ByteBufUtil.getBytes(binary.content()));
            case PingWebSocketFrame ping -> ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            case PongWebSocketFrame pong -> { }
            case CloseWebSocketFrame close -> handshaker.close(ctx.channel(), close.retain());
            default -> connection.send(Envelope.error(Seq.UNKNOWN, ErrorBody.of(ErrorCode.MALFORMED_FRAME,
                    "only binary frames carrying MsgPack envelopes are accepted")));
        }
    }

    private void envelope(byte[] bytes) {
        Envelope request;
        try {
            request = codec.decode(bytes);
        } catch (ProtocolException e) {
            connection.send(Envelope.error(e.seq().orElse(Seq.UNKNOWN), e.toErrorBody()));
            return;
        }
        Seq seq = request.seq();
        switch (request.command()) {
            case PING -> connection.send(Envelope.of(Command.PONG, seq, org.nexuslink.protocol.Body.Empty.INSTANCE));
            // The upgrade already authenticated this connection; a hello is acknowledged as a no-op.
            case HELLO -> connection.send(Envelope.of(Command.ACK, seq, Ack.EMPTY));
            case PONG, ACK -> { }
            case SEND_EVENT, CATCH_UP -> connection.send(Envelope.error(seq, ErrorBody.of(ErrorCode.UNEXPECTED_COMMAND,
                    request.command().wireName() + " is not served by this server version yet")));
            case EVENT_PUSH, ERROR, CATCH_UP_RESULT, NOTICE -> connection.send(Envelope.error(seq,
                    ErrorBody.of(ErrorCode.UNEXPECTED_COMMAND, request.command().wireName()
                            + " is sent by servers, not to them")));
        }
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
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        registry.remove(connection);
        log.atDebug().addKeyValue("account", connection.principal().account())
                .addKeyValue("device", connection.principal().device()).log("websocket closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug().addKeyValue("error", cause.toString()).log("websocket error");
        ctx.close();
    }
}
