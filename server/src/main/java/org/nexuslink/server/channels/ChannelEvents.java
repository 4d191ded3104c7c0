// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.channels;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.Ack;
import org.nexuslink.protocol.CatchUpRequest;
import org.nexuslink.protocol.CatchUpResult;
import org.nexuslink.protocol.Command;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.Kind;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.Notice;
import org.nexuslink.protocol.Tag;
import org.nexuslink.server.audit.AuditAction;
import org.nexuslink.server.audit.AuditLog;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.gateway.CommandHandler;
import org.nexuslink.server.gateway.Connection;
import org.nexuslink.server.gateway.ConnectionRegistry;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.permissions.Actor;
import org.nexuslink.server.permissions.ChannelAction;
import org.nexuslink.server.permissions.ChannelId;
import org.nexuslink.server.permissions.Permissions;
import org.nexuslink.server.relay.EventLog;
import org.nexuslink.server.storage.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Channel events over the gateway: {@code send_event} is checked with the permission function
 * (and seed 001's reply and revoke rules), stored once in the relay with the channel's next
 * {@code mid}, acknowledged, and pushed to every connected device whose account may read the
 * channel; {@code catch_up} pages through the relay for readers. The relay itself knows nothing
 * of members or permissions (seed 001's split). Thread-safe.
 */
public final class ChannelEvents {
    private static final Logger log = LoggerFactory.getLogger(ChannelEvents.class);
    /** The longest reason kept with a deletion. */
    public static final int MAX_REASON = 500;

    private final Database database;
    private final EventLog relay;
    private final Permissions permissions;
    private final ConnectionRegistry connections;
    private final AuditLog audit;
    private final Peers peers;
    private final Clock clock;
    private final Duration revokeWindow;

    /**
     * The other nodes of a cluster, told about what this node pushed to its own readers so they
     * push it to theirs ({@link #pushStored}, {@link #noticeDeleted}).
     */
    public interface Peers {
        /** A node on its own. */
        Peers NONE = new Peers() {
            @Override
            public void stored(ChannelId channel, MessageId mid) {}

            @Override
            public void deleted(ChannelId channel, MessageId mid) {}
        };

        void stored(ChannelId channel, MessageId mid);

        void deleted(ChannelId channel, MessageId mid);
    }

    /**
     * @param peers the other nodes of a cluster, or {@link Peers#NONE}
     * @param revokeWindow how long after sending an author may revoke their own event
     *     ({@code community.revoke_window}); moderators and admins may revoke at any time
     */
    public ChannelEvents(
            Database database,
            EventLog relay,
            Permissions permissions,
            ConnectionRegistry connections,
            AuditLog audit,
            Peers peers,
            Clock clock,
            Duration revokeWindow) {
        this.database = Objects.requireNonNull(database, "database");
        this.relay = Objects.requireNonNull(relay, "relay");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
        this.connections = Objects.requireNonNull(connections, "connections");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.peers = Objects.requireNonNull(peers, "peers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.revokeWindow = Objects.requireNonNull(revokeWindow, "revokeWindow");
        if (revokeWindow.isNegative()) {
            throw new IllegalArgumentException("revokeWindow must not be negative, got " + revokeWindow);
        }
    }

    /** Gateway handlers for {@code send_event} and {@code catch_up}. */
    public Map<Command, CommandHandler> handlers() {
        return Map.of(
                Command.SEND_EVENT,
                        (connection, request) -> CompletableFuture.completedFuture(
                                Optional.of(send(connection.principal(), (Event) request.body()))),
                Command.CATCH_UP,
                        (connection, request) -> CompletableFuture.completedFuture(
                                Optional.of(catchUp(connection.principal(), (CatchUpRequest) request.body()))));
    }

    /** Stores and fans out one event; returns the ack with its {@code mid} and {@code t}. */
    public Ack send(Principal sender, Event event) {
        ChannelId channel = channel(event.cid());
        permissions.decide(sender.account(), channel, ChannelAction.WRITE).orThrow();
        if (event.flags().contains(Flags.DELETED)) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD, "envelope.body.flg: bit 1 (deleted) is set by the server only");
        }
        checkTags(sender.account(), channel, event);
        Instant now = clock.instant();
        Event stored = database.inTransaction(h -> relay.append(h, event, sender, now));
        fanOut(channel, stored);
        peers.stored(channel, stored.mid().orElseThrow());
        return new Ack(stored.mid(), stored.time());
    }

    /**
     * Pushes a stored event (another node stored it) to this node's connected readers of the
     * channel, as it is now: a tombstone if it was deleted since. Nothing if there is no such event.
     */
    public void pushStored(ChannelId channel, MessageId mid) {
        relay.find(conversation(channel), mid).ifPresent(stored -> fanOut(channel, stored.event()));
    }

    /** One page of a channel's events after a cursor, for a reader. */
    public CatchUpResult catchUp(Principal reader, CatchUpRequest request) {
        ChannelId channel = channel(request.cid());
        permissions.decide(reader.account(), channel, ChannelAction.READ).orThrow();
        List<Event> page =
                relay.after(request.cid(), request.after().map(m -> m.value()).orElse(0L), request.limit() + 1);
        boolean more = page.size() > request.limit();
        return new CatchUpResult(more ? page.subList(0, request.limit()) : page, more);
    }

    /**
     * A moderator or admin (manage permission on the channel) deletes a stored event's content:
     * the relay keeps its tombstone, the audit log records who, which event and why (action
     * {@code delete}), and connected readers get an {@code event_deleted} notice. Deleting a
     * tombstone again changes nothing and writes no second audit entry.
     *
     * @return true if deleted now, false if it was a tombstone already
     * @throws ApiException {@code not_found} for no such channel or event, {@code forbidden} with
     *     the permission reason, {@code invalid_field} for a reason longer than {@value #MAX_REASON}
     */
    public boolean delete(AccountId moderator, ChannelId channel, MessageId mid, String reason) {
        Objects.requireNonNull(moderator, "moderator");
        Objects.requireNonNull(reason, "reason");
        if (reason.length() > MAX_REASON) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "reason has at most " + MAX_REASON + " characters, got " + reason.length());
        }
        ConversationId cid = conversation(channel);
        boolean deleted = database.inTransaction(h -> {
            permissions.decide(h, moderator, channel, ChannelAction.MANAGE).orThrow();
            Optional<EventLog.Stored> target = relay.find(h, cid, mid);
            return switch (relay.delete(h, cid, mid)) {
                case NOT_FOUND ->
                    throw new ApiException(ErrorCode.NOT_FOUND, "no event " + mid.value() + " in channel " + channel);
                case ALREADY_DELETED -> false;
                case DELETED -> {
                    EventLog.Stored before = target.orElseThrow();
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("mid", mid.value());
                    details.put("kind", before.event().kind().code());
                    if (!reason.isEmpty()) {
                        details.put("reason", reason);
                    }
                    audit.append(
                            h,
                            Actor.of(moderator),
                            AuditAction.DELETE,
                            Optional.of(before.sender().account()),
                            Optional.of(channel),
                            details);
                    yield true;
                }
            };
        });
        if (deleted) {
            if (!database.truncateWriteAheadLog()) {
                log.atWarn()
                        .addKeyValue("channel", channel)
                        .addKeyValue("mid", mid.value())
                        .log("write-ahead log busy; deleted event content leaves it at a later checkpoint");
            }
            log.atInfo()
                    .addKeyValue("moderator", moderator)
                    .addKeyValue("channel", channel)
                    .addKeyValue("mid", mid.value())
                    .log("channel event deleted");
            noticeDeleted(channel, mid);
            peers.deleted(channel, mid);
        }
        return deleted;
    }

    /** Tells this node's connected readers of the channel that an event's content is gone. */
    public void noticeDeleted(ChannelId channel, MessageId mid) {
        Notice notice = new Notice(
                Notice.EVENT_DELETED,
                "cid=" + HexFormat.of().formatHex(conversation(channel).value().toByteArray()) + ",mid=" + mid.value());
        forEachReader(channel, connection -> connection.push(Command.NOTICE, notice));
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
                        throw new ApiException(
                                ErrorCode.INVALID_FIELD, "a revoke tag belongs on a kind 5 (revoke) event");
                    }
                    EventLog.Stored target =
                            target(event.cid(), revokeTag.target().value(), "revoke");
                    boolean own = target.sender().account().equals(sender);
                    boolean mayManage = permissions
                            .decide(sender, channel, ChannelAction.MANAGE)
                            .allowed();
                    if (!own && !mayManage) {
                        throw new ApiException(
                                ErrorCode.FORBIDDEN,
                                "only the author, a moderator or an admin may revoke event "
                                        + revokeTag.target().value());
                    }
                    Instant sent = target.storedAt();
                    if (own && !mayManage && clock.instant().isAfter(sent.plus(revokeWindow))) {
                        throw new ApiException(
                                ErrorCode.FORBIDDEN,
                                "the revoke window of " + revokeWindow.toSeconds()
                                        + " s (community.revoke_window) for event "
                                        + revokeTag.target().value() + " has passed");
                    }
                }
                case Tag.Unknown unknown -> {}
            }
        }
        if (revoke && !hasRevokeTag) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "a revoke event needs a revoke tag [6, mid]");
        }
    }

    private EventLog.Stored target(ConversationId cid, long mid, String what) {
        EventLog.Stored target = relay.find(cid, new MessageId(mid))
                .orElseThrow(() -> new ApiException(
                        ErrorCode.NOT_FOUND, what + " target " + mid + " is not an event of this channel"));
        if (target.deleted()) {
            // Its content is gone: nothing is left to reply to or to revoke.
            throw new ApiException(ErrorCode.CONFLICT, what + " target " + mid + " was deleted by a moderator");
        }
        return target;
    }

    private void fanOut(ChannelId channel, Event stored) {
        forEachReader(channel, connection -> connection.push(Command.EVENT_PUSH, stored));
    }

    /** Runs {@code action} for every connection on this node whose account may read the channel now. */
    private void forEachReader(ChannelId channel, java.util.function.Consumer<Connection> action) {
        // One bulk permission decision for every connected account (a few queries), not one per account.
        List<Connection> connected = connections.all();
        Set<AccountId> readers = permissions.readers(
                channel,
                connected.stream().map(c -> c.principal().account()).collect(java.util.stream.Collectors.toSet()));
        for (Connection connection : connected) {
            if (readers.contains(connection.principal().account())) {
                action.accept(connection);
            }
        }
    }

    private static ConversationId conversation(ChannelId channel) {
        return ConversationId.of(channel.value());
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
