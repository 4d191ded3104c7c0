// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.EnvelopeCodec;

/** A real WebSocket client of {@code /ws} for tests: sends envelopes, collects what arrives. */
public final class TestWebSocket implements AutoCloseable {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    /**
     * How long an expected envelope may take. Only a failing test waits this long; it is generous
     * because two cores running the suite can stall a large drain for seconds.
     */
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final WebSocket socket;
    private final BlockingQueue<Envelope> received;
    private final CompletableFuture<Integer> closed;
    private final CompletableFuture<String> closeReason;

    private TestWebSocket(
            WebSocket socket,
            BlockingQueue<Envelope> received,
            CompletableFuture<Integer> closed,
            CompletableFuture<String> closeReason) {
        this.socket = socket;
        this.received = received;
        this.closed = closed;
        this.closeReason = closeReason;
    }

    /** Connects with a bearer token; fails (CompletionException) when the server refuses the upgrade. */
    public static TestWebSocket connect(TestServer server, String token) {
        BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<String> closeReason = new CompletableFuture<>();
        WebSocket.Builder builder =
                HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        WebSocket socket = builder.buildAsync(
                        URI.create("ws://127.0.0.1:" + server.port() + "/ws"), new WebSocket.Listener() {
                            private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

                            @Override
                            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                                byte[] chunk = new byte[data.remaining()];
                                data.get(chunk);
                                partial.writeBytes(chunk);
                                if (last) {
                                    received.add(CODEC.decode(partial.toByteArray()));
                                    partial.reset();
                                }
                                ws.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                                closeReason.complete(reason);
                                closed.complete(statusCode);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket ws, Throwable error) {
                                closed.completeExceptionally(error);
                            }
                        })
                .join();
        return new TestWebSocket(socket, received, closed, closeReason);
    }

    public void send(Envelope envelope) {
        sendRaw(CODEC.encode(envelope));
    }

    public void sendRaw(byte[] frame) {
        socket.sendBinary(ByteBuffer.wrap(frame), true).join();
    }

    public void sendText(String text) {
        socket.sendText(text, true).join();
    }

    /**
     * The next envelope other than the notices every connection may get whatever the test does
     * ({@code prekeys_low}: every test device that has not uploaded prekeys gets one on connect;
     * {@code queue_empty}: after the queue's drain on connect), waiting at most {@link #WAIT}.
     */
    public Envelope next() {
        while (true) {
            Envelope envelope = nextIncludingNotices();
            if (!(envelope.body() instanceof org.nexuslink.protocol.Notice notice
                    && (notice.type().equals(org.nexuslink.protocol.Notice.PREKEYS_LOW)
                            || notice.type().equals(org.nexuslink.protocol.Notice.QUEUE_EMPTY)))) {
                return envelope;
            }
        }
    }

    /** The next envelope, which must be a notice other than {@code prekeys_low} (those are skipped). */
    public org.nexuslink.protocol.Notice nextNotice() {
        while (true) {
            Envelope envelope = nextIncludingNotices();
            if (!(envelope.body() instanceof org.nexuslink.protocol.Notice notice)) {
                throw new AssertionError(
                        "expected a notice, got " + envelope.command().wireName());
            }
            if (!notice.type().equals(org.nexuslink.protocol.Notice.PREKEYS_LOW)) {
                return notice;
            }
        }
    }

    /** The next envelope with this command, skipping others (e.g. pushes of the caller's own events). */
    public Envelope nextOfCommand(org.nexuslink.protocol.Command command) {
        while (true) {
            Envelope envelope = next();
            if (envelope.command() == command) {
                return envelope;
            }
        }
    }

    /** The next envelope of any kind, waiting at most {@link #WAIT}. */
    public Envelope nextIncludingNotices() {
        try {
            Envelope envelope = received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (envelope == null) {
                throw new AssertionError("no envelope within " + WAIT.toSeconds() + " s");
            }
            return envelope;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The close reason the server sent, waiting at most {@code seconds}. */
    public String closeReason(long seconds) {
        return closeReason.orTimeout(seconds, TimeUnit.SECONDS).join();
    }

    /** The close code the server sent, waiting at most {@code seconds}. */
    public int closeCode(long seconds) {
        return closed.orTimeout(seconds, TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        socket.abort();
    }

    /**
     * A device on a stalled network: completes the WebSocket handshake over a plain socket with a
     * tiny receive buffer, then never reads again.
     */
    public static java.net.Socket stalled(TestServer server, String token) throws java.io.IOException {
        java.net.Socket socket = new java.net.Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
        String key = java.util.Base64.getEncoder().encodeToString(new byte[16]);
        socket.getOutputStream()
                .write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key
                                + "\r\nSec-WebSocket-Version: 13\r\n"
                                + "Authorization: Bearer " + token + "\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        java.io.InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed during the handshake: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new java.io.IOException("upgrade refused: " + head);
        }
        return socket;
    }
}
