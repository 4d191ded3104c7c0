// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Envelope;

/**
 * Serves one command arriving on a connection. Called on a virtual thread, one request of a
 * connection at a time and in arrival order (so a device's messages keep their order); may block.
 * {@link #handleWithoutBlocking} may serve it on the event loop instead.
 * The returned stage completes with the reply body (sent with the request's {@code seq}), empty
 * for none; throwing or completing with {@link org.nexuslink.server.http.ApiException} sends an
 * {@code error} envelope with its code.
 *
 * <p>By default the connection's next request waits until this one's stage completes, so a
 * {@code ping} after an {@code ack} is answered once the ack took effect. A {@linkplain
 * #pipelined() pipelined} handler lets the next request start once {@link #handle} returned,
 * which keeps a sender's messages flowing while earlier ones wait for their commit.
 */
@FunctionalInterface
public interface CommandHandler {
    CompletionStage<Optional<Body>> handle(Connection connection, Envelope request);

    /** Whether the next request may start before this one's stage completes. */
    default boolean pipelined() {
        return false;
    }

    /**
     * Serves the request on the connection's event loop, if that needs no blocking (no database
     * read, no lock held for long): the answer as {@link #handle} gives it, or empty to have
     * {@link #handle} called on a virtual thread instead. A virtual thread's hand-off and
     * scheduling cost more than the work of a cached direct-message check or of an
     * acknowledgement. Called only when the connection has no earlier request in flight, unless
     * the handler is not {@linkplain #ordered() ordered}.
     */
    default Optional<CompletionStage<Optional<Body>>> handleWithoutBlocking(Connection connection, Envelope request) {
        return Optional.empty();
    }

    /**
     * Whether the request waits for the connection's earlier requests. One whose order against
     * them does not matter, such as the acknowledgement of a push, is served as soon as it
     * arrives; the requests after it still wait for its stage unless it is {@linkplain
     * #pipelined() pipelined}.
     */
    default boolean ordered() {
        return true;
    }
}
