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

/**
 * A device's authenticated WebSocket to a community server, speaking MsgPack envelopes
 * (docs/protocol.md). Incoming envelopes go to a consumer, one at a time, on the client's
 * thread; sends may come from any thread and go out in the order they were made.
 */
public final class EnvelopeSocket implements AutoCloseable {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

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
    public static EnvelopeSocket connect(HttpClient http, URI webSocketUri, String token, Consumer<Envelope> onEnvelope) {
        return connect(http, webSocketUri, token, onEnvelope, (code, reason) -> { });
    }

    /**
     * Opens the socket with a device's bearer token and tells {@code onClosed} once when the
     * connection ends: the close code and reason the server sent, or {@code 1006} and the error
     * when it broke without a close frame.
     *
     * @throws java.util.concurrent.CompletionException if the server refuses the upgrade
     */
    public static EnvelopeSocket connect(HttpClient http, URI webSocketUri, String token, Consumer<Envelope> onEnvelope,
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
                        byte[] chunk = new byte[data.remaining()];
                        data.get(chunk);
                        partial.writeBytes(chunk);
                        if (last) {
                            byte[] frame = partial.toByteArray();
                            partial.reset();
                            onEnvelope.accept(CODEC.decode(frame));
                        }
                        ws.request(1);
                        return null;
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
                }).join();
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
