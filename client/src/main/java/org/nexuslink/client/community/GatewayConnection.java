// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.community;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.nexuslink.client.RefusedException;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.protocol.ErrorBody;
import org.nexuslink.protocol.Seq;

/**
 * One authenticated WebSocket session with a community server's gateway (docs/protocol.md):
 * requests get their reply by {@code seq}, pushes ({@code direct_push}, {@code event_push},
 * {@code notice}) go to a consumer one at a time in the order they arrived.
 *
 * <p>Requests may be made from any thread. A request whose connection ends fails with an
 * {@link IOException}; one without a reply within the timeout fails with a timeout.
 */
public final class GatewayConnection implements AutoCloseable {
    /** How long a request waits for its reply. */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    private final EnvelopeSocket socket;
    private final AtomicLong nextSeq = new AtomicLong();
    private final Map<Long, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();

    private GatewayConnection(
            HttpClient http,
            URI webSocketUri,
            String token,
            Consumer<Envelope> onPush,
            BiConsumer<Integer, String> onClosed) {
        this.socket = EnvelopeSocket.connect(
                http,
                webSocketUri,
                token,
                envelope -> {
                    if (isReply(envelope.command())) {
                        CompletableFuture<Envelope> waiting =
                                pending.remove(envelope.seq().value());
                        if (waiting != null) {
                            waiting.complete(envelope);
                        }
                    } else {
                        onPush.accept(envelope);
                    }
                },
                (code, reason) -> {
                    IOException gone = new IOException(
                            "connection closed (" + code + (reason.isEmpty() ? "" : ": " + reason) + ")");
                    closed.complete(code + " " + reason);
                    pending.values().forEach(f -> f.completeExceptionally(gone));
                    pending.clear();
                    onClosed.accept(code, reason);
                });
    }

    /**
     * Connects with a device's bearer token.
     *
     * @param onPush receives every envelope that is not a reply to a request, on the socket's thread
     * @param onClosed told once when the server or the network ends the connection
     * @throws IOException if the server refuses the upgrade or cannot be reached
     */
    public static GatewayConnection open(
            HttpClient http,
            URI webSocketUri,
            String token,
            Consumer<Envelope> onPush,
            BiConsumer<Integer, String> onClosed)
            throws IOException {
        Objects.requireNonNull(onPush, "onPush");
        Objects.requireNonNull(onClosed, "onClosed");
        try {
            return new GatewayConnection(http, webSocketUri, token, onPush, onClosed);
        } catch (java.util.concurrent.CompletionException e) {
            throw new IOException(
                    "cannot open the WebSocket to " + webSocketUri + ": "
                            + e.getCause().getMessage(),
                    e);
        }
    }

    /**
     * Sends a request and waits for its reply.
     *
     * @return the reply, never an {@code error}
     * @throws RefusedException with the server's error code when it answers {@code error}
     * @throws IOException when the connection ends or no reply comes in time
     */
    public Envelope request(Command command, Body body) throws IOException, InterruptedException {
        return await(command, requestAsync(command, body));
    }

    /**
     * Sends a request without waiting: requests sent one after another go out at once, in order,
     * and the server answers them in that order. {@link #await} reads the reply.
     *
     * @return completes with the reply (an {@code error} one included), or exceptionally when the
     *     connection ends or no reply comes within {@link #REPLY_TIMEOUT}
     */
    public CompletableFuture<Envelope> requestAsync(Command command, Body body) {
        long seq = nextSeq.incrementAndGet();
        CompletableFuture<Envelope> reply = new CompletableFuture<>();
        pending.put(seq, reply);
        if (closed.isDone()) {
            pending.remove(seq);
            reply.completeExceptionally(new IOException("connection closed (" + closed.getNow("") + ")"));
            return reply;
        }
        socket.send(Envelope.of(command, new Seq(seq), body));
        return reply.orTimeout(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, failure) -> pending.remove(seq));
    }

    /**
     * Waits for the reply to a {@link #requestAsync} request.
     *
     * @return the reply, never an {@code error}
     * @throws RefusedException with the server's error code when it answers {@code error}
     * @throws IOException when the connection ends or no reply comes in time
     */
    public static Envelope await(Command command, CompletableFuture<Envelope> reply)
            throws IOException, InterruptedException {
        try {
            Envelope answer = reply.get();
            if (answer.body() instanceof ErrorBody error) {
                throw RefusedException.gateway(error.code(), error.message());
            }
            return answer;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException) {
                throw new IOException(
                        "no reply to " + command.wireName() + " within " + REPLY_TIMEOUT.toSeconds() + " s");
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Sends an envelope that expects no reply (an {@code ack} of a push). */
    public void send(Command command, Seq seq, Body body) {
        socket.send(Envelope.of(command, seq, body));
    }

    /** Whether the connection has ended. */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the connection. */
    @Override
    public void close() {
        socket.close();
        IOException gone = new IOException("connection closed by the client");
        closed.complete("closed by the client");
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    private static boolean isReply(Command command) {
        return command == Command.ACK
                || command == Command.ERROR
                || command == Command.PONG
                || command == Command.CATCH_UP_RESULT;
    }
}
