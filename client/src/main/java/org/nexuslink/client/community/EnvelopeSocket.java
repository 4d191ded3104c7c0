// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's authenticated WebSocket to a community server, speaking MsgPack envelopes
 * (docs/protocol.md). Incoming envelopes go to a consumer, one at a time, on the client's
 * thread; sends may come from any thread and go out in the order they were made.
 *
 * <p>A frame from the server longer than the protocol's {@code maxFrameBytes} (64 KiB) ends the
 * connection as soon as its parts add up to more, with close code {@value #TOO_BIG}: a hostile
 * or broken server cannot make the client buffer without bound. A frame that is not an envelope
 * ends it with {@value #PROTOCOL_ERROR}.
 */
public final class EnvelopeSocket implements AutoCloseable {
    /** The close code reported when the server sends a frame over the limit (RFC 6455 "message too big"). */
    public static final int TOO_BIG = 1009;
    /** The close code reported when the server sends a frame that is not an envelope (RFC 6455 "protocol error"). */
    public static final int PROTOCOL_ERROR = 1002;

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeSocket.class);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    /** The longest frame taken from a server: the protocol's, which the server's encoder keeps to. */
    static final int MAX_FRAME_BYTES = CODEC.limits().maxFrameBytes();

    private final WebSocket socket;
    private final ReentrantLock sending = new ReentrantLock();
    /** The last send in flight; a WebSocket allows one at a time. Guarded by {@link #sending}. */
    private CompletableFuture<WebSocket> tail = CompletableFuture.completedFuture(null);

    private EnvelopeSocket(WebSocket socket) {
        this.socket = socket;
    }

    /**
     * Opens the socket with a device's bearer token.
     *
     * @throws java.util.concurrent.CompletionException if the server refuses the upgrade
     */
    public static EnvelopeSocket connect(
            HttpClient http, URI webSocketUri, String token, Consumer<Envelope> onEnvelope) {
        return connect(http, webSocketUri, token, onEnvelope, (code, reason) -> {});
    }

    /**
     * Opens the socket with a device's bearer token and tells {@code onClosed} once when the
     * connection ends: the close code and reason the server sent, or {@code 1006} and the error
     * when it broke without a close frame.
     *
     * @throws java.util.concurrent.CompletionException if the server refuses the upgrade
     */
    public static EnvelopeSocket connect(
            HttpClient http,
            URI webSocketUri,
            String token,
            Consumer<Envelope> onEnvelope,
            java.util.function.BiConsumer<Integer, String> onClosed) {
        Objects.requireNonNull(onEnvelope, "onEnvelope");
        Objects.requireNonNull(onClosed, "onClosed");
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        WebSocket socket = http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(webSocketUri, new WebSocket.Listener() {
                    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

                    @Override
                    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                        if (closed.get()) {
                            return null;
                        }
                        if ((long) partial.size() + data.remaining() > MAX_FRAME_BYTES) {
                            refuse(ws, TOO_BIG, "the server sent a frame over " + MAX_FRAME_BYTES + " bytes");
                            return null;
                        }
                        byte[] chunk = new byte[data.remaining()];
                        data.get(chunk);
                        partial.writeBytes(chunk);
                        if (last) {
                            byte[] frame = partial.toByteArray();
                            partial.reset();
                            Envelope envelope;
                            try {
                                envelope = CODEC.decode(frame);
                            } catch (ProtocolException e) {
                                refuse(
                                        ws,
                                        PROTOCOL_ERROR,
                                        "the server sent a frame that is not an envelope: " + e.getMessage());
                                return null;
                            }
                            onEnvelope.accept(envelope);
                        }
                        ws.request(1);
                        return null;
                    }

                    /** Drops the connection at once, telling {@code onClosed} why; nothing more is read. */
                    private void refuse(WebSocket ws, int code, String reason) {
                        partial.reset();
                        ws.abort();
                        LOG.atWarn()
                                .setMessage("connection dropped")
                                .addKeyValue("code", code)
                                .addKeyValue("reason", reason)
                                .log();
                        if (closed.compareAndSet(false, true)) {
                            onClosed.accept(code, reason);
                        }
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        if (closed.compareAndSet(false, true)) {
                            onClosed.accept(statusCode, reason);
                        }
                        return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        if (closed.compareAndSet(false, true)) {
                            onClosed.accept(1006, String.valueOf(error.getMessage()));
                        }
                    }
                })
                .join();
        return new EnvelopeSocket(socket);
    }

    /** Queues an envelope for sending; completes when it has been written. */
    public CompletableFuture<WebSocket> send(Envelope envelope) {
        ByteBuffer frame = ByteBuffer.wrap(CODEC.encode(envelope));
        sending.lock();
        try {
            tail = tail.thenCompose(previous -> socket.sendBinary(frame, true));
            return tail;
        } finally {
            sending.unlock();
        }
    }

    /** Drops the connection at once. */
    @Override
    public void close() {
        socket.abort();
    }
}
