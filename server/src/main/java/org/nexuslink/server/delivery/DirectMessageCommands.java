// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.DirectSend;
import org.nexuslink.protocol.Envelope;
import org.nexuslink.server.gateway.CommandHandler;
import org.nexuslink.server.gateway.Connection;

/** The WebSocket side of direct messages: {@code send_direct} and the device's {@code ack}s. */
public final class DirectMessageCommands {
    private DirectMessageCommands() {}

    /** Handlers to register on the gateway. */
    public static Map<Command, CommandHandler> handlers(DirectMessages direct) {
        CommandHandler send = new CommandHandler() {
            @Override
            public CompletionStage<Optional<Body>> handle(Connection connection, Envelope request) {
                return accepted(direct.send(connection.principal(), (DirectSend) request.body()));
            }

            @Override
            public Optional<CompletionStage<Optional<Body>>> handleWithoutBlocking(
                    Connection connection, Envelope request) {
                return direct.sendIfCached(connection.principal(), (DirectSend) request.body())
                        .map(this::accepted);
            }

            private CompletionStage<Optional<Body>> accepted(CompletableFuture<DirectMessages.Accepted> sent) {
                return sent.thenApply(accepted -> Optional.of(new Ack(Optional.empty(), Optional.of(accepted.time()))));
            }

            // A sender's next message is validated and queued while this one waits for its commit.
            @Override
            public boolean pipelined() {
                return true;
            }
        };
        CommandHandler ack = new CommandHandler() {
            // A device acknowledges a direct_push with the entry id as mid, once it has stored the message.
            @Override
            public CompletionStage<Optional<Body>> handle(Connection connection, Envelope request) {
                return ((Ack) request.body())
                        .mid()
                        .map(mid -> direct.acknowledge(connection.principal(), mid.value())
                                .thenApply(done -> Optional.<Body>empty()))
                        .orElse(CompletableFuture.completedFuture(Optional.empty()));
            }

            // It only hands the delete to the queue's writer.
            @Override
            public Optional<CompletionStage<Optional<Body>>> handleWithoutBlocking(
                    Connection connection, Envelope request) {
                return Optional.of(handle(connection, request));
            }

            @Override
            public boolean ordered() {
                return false;
            }
        };
        return Map.of(Command.SEND_DIRECT, send, Command.ACK, ack);
    }
}
