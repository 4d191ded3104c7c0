// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.relay;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ConversationId;
import org.nexuslink.protocol.EnvelopeCodec;
import org.nexuslink.protocol.Event;
import org.nexuslink.protocol.Extensions;
import org.nexuslink.protocol.Flags;
import org.nexuslink.protocol.MessageId;
import org.nexuslink.protocol.RawValue;
import org.nexuslink.protocol.Tag;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;

/**
 * The relay (seed 001): a dumb store of events per conversation. It assigns each event the next
 * {@code mid} of its conversation and hands back pages after a cursor; it knows nothing of
 * members, roles or permissions. Owns {@code events} and {@code event_counters}. Thread-safe.
 *
 * <p>Each row keeps the event's fields the relay needs as columns (kind, reply/revoke target,
 * data, sender, time) and, in {@code tags}, the codec's encoding of the stored event without its
 * data, so flags, tags, signature and extensions come back byte for byte.
 */
public final class EventLog {
    private final Database database;
    private final EnvelopeCodec codec = new EnvelopeCodec();

    public EventLog(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * A stored event with who sent it and when, to the millisecond (the event's {@code t} has
     * whole seconds only, too coarse for a revoke window).
     */
    public record Stored(Event event, Principal sender, Instant storedAt) {
        /** Whether a moderator deleted this event's content, leaving its tombstone. */
        public boolean deleted() {
            return event.flags().contains(Flags.DELETED);
        }
    }

    /** What {@link #delete} found. */
    public enum Deletion {
        /** The content is gone now; the row is a tombstone. */
        DELETED,
        /** The event was a tombstone already; nothing changed. */
        ALREADY_DELETED,
        /** The conversation has no such event. */
        NOT_FOUND
    }

    /** Stores an event as the next of its conversation, inside the caller's write transaction. */
    public Event append(Handle h, Event event, Principal sender, Instant now) {
        String cid = key(event.cid());
        long mid = h.createQuery("INSERT INTO event_counters (cid, last_mid) VALUES (:cid, 1) "
                        + "ON CONFLICT (cid) DO UPDATE SET last_mid = event_counters.last_mid + 1 RETURNING last_mid")
                .bind("cid", cid)
                .mapTo(Long.class)
                .one();
        Event stored = event.withExt(event.ext()
                        .with(
                                Extensions.AUTHOR,
                                RawValue.ofString(sender.account().toString()))
                        .with(
                                Extensions.AUTHOR_DEVICE,
                                RawValue.ofUnsigned(sender.device().value())))
                .stored(new MessageId(mid), now.truncatedTo(ChronoUnit.SECONDS));
        Optional<Long> ref = event.tags().stream()
                .flatMap(t -> switch (t) {
                    case Tag.Reply r -> java.util.stream.Stream.of(r.target().value());
                    case Tag.Revoke r -> java.util.stream.Stream.of(r.target().value());
                    case Tag.Unknown u -> java.util.stream.Stream.<Long>empty();
                })
                .findFirst();
        h.createUpdate("INSERT INTO events (cid, mid, kind, flags, tags, ref_mid, data, sig, sender_account, "
                        + "sender_device, created_at) VALUES (:cid, :mid, :kind, :flags, :shell, :ref, :data, :sig, "
                        + ":account, :device, :at)")
                .bind("cid", cid)
                .bind("mid", mid)
                .bind("kind", event.kind().code())
                .bind("flags", stored.flags().bits())
                .bind("shell", codec.encodeEvent(withoutData(stored)))
                .bind("ref", ref.orElse(null))
                .bind("data", stored.data().toByteArray())
                .bind("sig", stored.signature().map(Bytes::toByteArray).orElse(null))
                .bind("account", sender.account().toString())
                .bind("device", sender.device().value())
                .bind("at", now)
                .execute();
        return stored;
    }

    /**
     * Deletes an event's content inside the caller's write transaction, keeping its tombstone:
     * the row keeps cid, mid, kind, tags, sender and time, loses data, signature and extensions,
     * and is flagged {@link Flags#DELETED}. On SQLite the freed bytes are overwritten with zeros
     * ({@code secure_delete} for this statement); old copies in the write-ahead log leave with the
     * next {@link Database#truncateWriteAheadLog() truncating checkpoint}.
     *
     * @return whether the content was deleted now, was deleted before, or there is no such event
     */
    public Deletion delete(Handle h, ConversationId cid, MessageId mid) {
        Optional<byte[]> shell = h.createQuery("SELECT tags FROM events WHERE cid = :cid AND mid = :mid")
                .bind("cid", key(cid))
                .bind("mid", mid.value())
                .mapTo(byte[].class)
                .findOne();
        if (shell.isEmpty()) {
            return Deletion.NOT_FOUND;
        }
        Event before = codec.decodeEvent(shell.get());
        if (before.flags().contains(Flags.DELETED)) {
            return Deletion.ALREADY_DELETED;
        }
        Event tombstone = new Event(
                before.cid(),
                before.kind(),
                before.mid(),
                before.time(),
                before.flags().with(Flags.DELETED),
                before.tags(),
                Bytes.of(new byte[0]),
                Optional.empty(),
                org.nexuslink.protocol.Extensions.EMPTY);
        boolean sqlite = database.dialect() == Dialect.SQLITE;
        long secureDelete =
                sqlite ? h.createQuery("PRAGMA secure_delete").mapTo(Long.class).one() : 0;
        if (sqlite) {
            h.execute("PRAGMA secure_delete = ON");
        }
        try {
            h.createUpdate("UPDATE events SET data = NULL, sig = NULL, is_tombstone = TRUE, flags = :flags, "
                            + "tags = :shell WHERE cid = :cid AND mid = :mid")
                    .bind("flags", tombstone.flags().bits())
                    .bind("shell", codec.encodeEvent(tombstone))
                    .bind("cid", key(cid))
                    .bind("mid", mid.value())
                    .execute();
        } finally {
            if (sqlite) {
                h.execute("PRAGMA secure_delete = " + secureDelete);
            }
        }
        return Deletion.DELETED;
    }

    /** One event of a conversation, if stored. */
    public Optional<Stored> find(ConversationId cid, MessageId mid) {
        return database.jdbi().withHandle(h -> find(h, cid, mid));
    }

    /** One event of a conversation, if stored, read through the caller's handle. */
    public Optional<Stored> find(Handle h, ConversationId cid, MessageId mid) {
        return h.createQuery("SELECT tags, data, sender_account, sender_device, "
                        + "created_at FROM events WHERE cid = :cid AND mid = :mid")
                .bind("cid", key(cid))
                .bind("mid", mid.value())
                .map((rs, ctx) -> new Stored(
                        event(rs.getBytes(1), rs.getBytes(2)),
                        Principal.fromStored(rs.getString(3), rs.getInt(4)),
                        Instant.ofEpochMilli(rs.getLong(5))))
                .findOne();
    }

    /** Events of a conversation with {@code mid} above {@code after}, ascending, at most {@code limit}. */
    public List<Event> after(ConversationId cid, long after, int limit) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT tags, data FROM events "
                                + "WHERE cid = :cid AND mid > :after ORDER BY mid LIMIT :limit")
                        .bind("cid", key(cid))
                        .bind("after", after)
                        .bind("limit", limit)
                        .map((rs, ctx) -> event(rs.getBytes(1), rs.getBytes(2)))
                        .list());
    }

    private Event event(byte[] shell, byte[] data) {
        Event e = codec.decodeEvent(shell);
        return new Event(
                e.cid(),
                e.kind(),
                e.mid(),
                e.time(),
                e.flags(),
                e.tags(),
                Bytes.of(data == null ? new byte[0] : data),
                e.signature(),
                e.ext());
    }

    private static Event withoutData(Event e) {
        return new Event(
                e.cid(),
                e.kind(),
                e.mid(),
                e.time(),
                e.flags(),
                e.tags(),
                Bytes.of(new byte[0]),
                e.signature(),
                e.ext());
    }

    private static String key(ConversationId cid) {
        return HexFormat.of().formatHex(cid.value().toByteArray());
    }
}
