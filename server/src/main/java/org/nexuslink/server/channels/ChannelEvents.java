// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.nio.ByteBuffer;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.Body;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.Tag;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.gateway.CommandHandler;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.gateway.ConnectionRegistry;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.permissions.ChannelAction;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.relay.EventLog;
import org.nexuslink.server.storage.Database;
import java.util.concurrent.CompletableFuture;

/**
 * Channel events over the gateway: {@code send_event} is checked with the permission function
 * (and seed 001's reply and revoke rules), stored once in the relay with the channel's next
 * {@code mid}, acknowledged, and pushed to every connected device whose account may read the
 * channel; {@code catch_up} pages through the relay for readers. The relay itself knows nothing
 * of members or permissions (seed 001's split). Thread-safe.
 */
public final class ChannelEvents {
    /** How long after sending a member may revoke their own event (seed 001: 2 minutes). */
    public static final Duration REVOKE_WINDOW = Duration.ofMinutes(2);

    private final Database database;
    private final EventLog relay;
    private final Permissions permissions;
    private final ConnectionRegistry connections;
    private final Clock clock;

    public ChannelEvents(Database database, EventLog relay, Permissions permissions, ConnectionRegistry connections,
                         Clock clock) {
        this.database = Objects.requireNonNull(database, "database");
        this.relay = Objects.requireNonNull(relay, "relay");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Gateway handlers for {@code send_event} and {@code catch_up}. */
    public Map<Command, CommandHandler> handlers() {
        return Map.of(
                Command.SEND_EVENT, (connection, request) -> CompletableFuture.completedFuture(
                        Optional.of(send(connection.principal(), (Event) request.body()))),
                Command.CATCH_UP, (connection, request) -> CompletableFuture.completedFuture(
                        Optional.of(catchUp(connection.principal(), (CatchUpRequest) request.body()))));
    }

    /** Stores and fans out one event; returns the ack with its {@code mid} and {@code t}. */
    public Ack send(Principal sender, Event event) {
        ChannelId channel = channel(event.cid());
        permissions.decide(sender.account(), channel, ChannelAction.WRITE).orThrow();
        checkTags(sender.account(), channel, event);
        Instant now = clock.instant();
        Event stored = database.inTransaction(h -> relay.append(h, event, sender, now));
        fanOut(channel, stored);
        return new Ack(stored.mid(), stored.time());
    }

    /** One page of a channel's events after a cursor, for a reader. */
    public CatchUpResult catchUp(Principal reader, CatchUpRequest request) {
        ChannelId channel = channel(request.cid());
        permissions.decide(reader.account(), channel, ChannelAction.READ).orThrow();
        List<Event> page = relay.after(request.cid(), request.after().map(m -> m.value()).orElse(0L),
                request.limit() + 1);
        boolean more = page.size() > request.limit();
        return new CatchUpResult(more ? page.subList(0, request.limit()) : page, more);
    }

    private void checkTags(AccountId sender, ChannelId channel, Event event) {
        boolean revoke = event.kind().equals(Kind.REVOKE);
        boolean hasRevokeTag = false;
        for (Tag tag : event.tags()) {
            switch (tag) {
                case Tag.Reply reply -> target(event.cid(), reply.target().value(), "reply");
                case Tag.Revoke revokeTag -> {
                    hasRevokeTag = true;
                    if (!revoke) {
                        throw new ApiException(ErrorCode.INVALID_FIELD, "a revoke tag belongs on a kind 5 (revoke) event");
                    }
                    EventLog.Stored target = target(event.cid(), revokeTag.target().value(), "revoke");
                    boolean own = target.sender().account().equals(sender);
                    if (!own && !permissions.decide(sender, channel, ChannelAction.MANAGE).allowed()) {
                        throw new ApiException(ErrorCode.FORBIDDEN,
                                "only the author, a moderator or an admin may revoke event " + revokeTag.target().value());
                    }
                    Instant sent = target.event().time().orElseThrow();
                    if (own && clock.instant().isAfter(sent.plus(REVOKE_WINDOW))) {
                        throw new ApiException(ErrorCode.FORBIDDEN, "the revoke window of " + REVOKE_WINDOW.toMinutes()
                                + " minutes for event " + revokeTag.target().value() + " has passed");
                    }
                }
                case Tag.Unknown unknown -> { }
            }
        }
        if (revoke && !hasRevokeTag) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "a revoke event needs a revoke tag [6, mid]");
        }
    }

    private EventLog.Stored target(ConversationId cid, long mid, String what) {
        return relay.find(cid, new org.nexuslink.protocol.MessageId(mid)).orElseThrow(() -> new ApiException(
                ErrorCode.NOT_FOUND, what + " target " + mid + " is not an event of this channel"));
    }

    private void fanOut(ChannelId channel, Event stored) {
        // One bulk permission decision for every connected account (a few queries), not one per account.
        List<Connection> connected = connections.all();
        Set<AccountId> readers = permissions.readers(channel,
                connected.stream().map(c -> c.principal().account()).collect(java.util.stream.Collectors.toSet()));
        for (Connection connection : connected) {
            if (readers.contains(connection.principal().account())) {
                connection.push(Command.EVENT_PUSH, stored);
            }
        }
    }

    private static ChannelId channel(ConversationId cid) {
        byte[] bytes = cid.value().toByteArray();
        if (bytes.length != 16) {
            throw new ApiException(ErrorCode.NOT_FOUND, "conversation " + cid + " is not a channel of this community");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new ChannelId(new UUID(b.getLong(), b.getLong()));
    }

}
