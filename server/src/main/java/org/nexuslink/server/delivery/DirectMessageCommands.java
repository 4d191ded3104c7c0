// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.server.gateway.CommandHandler;

/** The WebSocket side of direct messages: {@code send_direct} and the device's {@code ack}s. */
public final class DirectMessageCommands {
    private DirectMessageCommands() {}

    /** Handlers to register on the gateway. */
    public static Map<Command, CommandHandler> handlers(DirectMessages direct) {
        return Map.of(
                Command.SEND_DIRECT, (connection, request) -> direct
                        .send(connection.principal(), (DirectSend) request.body())
                        .thenApply(accepted -> Optional.<Body>of(new Ack(Optional.empty(), Optional.of(accepted.time())))),
                // A device acknowledges a direct_push with the entry id as mid, once it has stored the message.
                Command.ACK, (connection, request) -> {
                    ((Ack) request.body()).mid().ifPresent(mid -> direct.acknowledge(connection.principal(), mid.value()));
                    return CompletableFuture.completedFuture(Optional.empty());
                });
    }
}
