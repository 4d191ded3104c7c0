// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.gateway;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Envelope;

/**
 * Serves one command arriving on a connection. Called on a virtual thread, one request of a
 * connection at a time and in arrival order (so a device's messages keep their order); may block.
 * The returned stage completes with the reply body (sent with the request's {@code seq}), empty
 * for none; throwing or completing with {@link org.nexuslink.server.http.ApiException} sends an
 * {@code error} envelope with its code.
 */
@FunctionalInterface
public interface CommandHandler {
    CompletionStage<Optional<Body>> handle(Connection connection, Envelope request);
}
