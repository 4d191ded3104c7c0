// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The messages of every conversation. A row holds the conversation's blind index, the blind
 * index of (conversation, ref) (unique: a message delivered twice is stored once), the send time
 * in the clear for ordering, and everything else in one sealed body bound to those two indexes.
 * Thread-safe.
 */
public final class Messages {
    private static final String TABLE = "messages";
    private static final String REF_DOMAIN = "message-ref";
    /** Bodies are padded to this many bytes, so the file shows a message's size class, not its length. */
    static final int PADDING = 256;

    private final StoreDatabase db;

    Messages(StoreDatabase db) {
        this.db = db;
    }

    /**
     * Stores {@code message} unless its conversation already has its ref.
     *
     * @return false if it was a duplicate, which is dropped
     */
    public boolean insertIfAbsent(StoredMessage message) {
        Objects.requireNonNull(message, "message");
        return db.write(c -> {
            Row row = row(message.conversationId(), message.ref());
            try (CachedStatement s = db.prepare("INSERT INTO messages (conv, ref, sent_at, body) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (conv, ref) DO NOTHING")) {
                s.setBytes(1, row.conv());
                s.setBytes(2, row.ref());
                s.setLong(3, RowCodec.epochNanos(message.sentAt()));
                s.setBytes(4, seal(row, message));
                return s.executeUpdate() == 1;
            }
        });
    }

    public Optional<StoredMessage> find(String conversationId, String ref) {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(ref, "ref");
        return db.read(c -> load(c, conversationId, ref).map(Loaded::message));
    }

    /**
     * Marks the message revoked and erases its text and attachment (a revoke asks every copy to
     * be gone; {@code secure_delete} overwrites the old cell).
     *
     * @return true if this call revoked it; false if there is no such message or it already was
     */
    public boolean markRevoked(String conversationId, String ref) {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(ref, "ref");
        return db.write(c -> {
            Optional<Loaded> loaded = load(c, conversationId, ref);
            if (loaded.isEmpty() || loaded.get().message().revoked()) {
                return false;
            }
            updateBody(
                    c,
                    loaded.get().seq(),
                    row(conversationId, ref),
                    loaded.get().message().asRevoked());
            return true;
        });
    }

    /** The latest {@code limit} messages of the conversation, oldest first. */
    public List<StoredMessage> history(String conversationId, int limit) {
        return history(conversationId, Long.MAX_VALUE, limit);
    }

    /** The latest {@code limit} messages sent strictly before {@code before}, oldest first: the previous page. */
    public List<StoredMessage> history(String conversationId, Instant before, int limit) {
        Objects.requireNonNull(before, "before");
        return history(conversationId, RowCodec.epochNanos(before), limit);
    }

    /**
     * Gives the message a new ref (an outgoing channel message gets its mid when the server
     * acknowledges it).
     *
     * @return false, changing nothing, if there is no message {@code oldRef} or {@code newRef}
     *     is already taken in the conversation
     */
    public boolean updateRef(String conversationId, String oldRef, String newRef) {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(oldRef, "oldRef");
        Objects.requireNonNull(newRef, "newRef");
        if (newRef.isEmpty()) {
            throw new IllegalArgumentException("a message ref is not empty");
        }
        return db.write(c -> {
            if (oldRef.equals(newRef)) {
                return load(c, conversationId, oldRef).isPresent();
            }
            Optional<Loaded> loaded = load(c, conversationId, oldRef);
            if (loaded.isEmpty() || load(c, conversationId, newRef).isPresent()) {
                return false;
            }
            Row row = row(conversationId, newRef);
            try (CachedStatement s = db.prepare("UPDATE messages SET ref = ?, body = ? WHERE seq = ?")) {
                s.setBytes(1, row.ref());
                s.setBytes(2, seal(row, loaded.get().message().withRef(newRef)));
                s.setLong(3, loaded.get().seq());
                s.executeUpdate();
            }
            return true;
        });
    }

    private List<StoredMessage> history(String conversationId, long beforeNanos, int limit) {
        Objects.requireNonNull(conversationId, "conversationId");
        if (limit < 0) {
            throw new IllegalArgumentException("a history limit is not negative, got " + limit);
        }
        return db.read(c -> {
            byte[] conv = db.index().of(Conversations.DOMAIN, conversationId);
            List<StoredMessage> page = new ArrayList<>();
            try (CachedStatement s = db.prepare("SELECT ref, body FROM messages WHERE conv = ? AND sent_at < ? "
                    + "ORDER BY sent_at DESC, seq DESC LIMIT ?")) {
                s.setBytes(1, conv);
                s.setLong(2, beforeNanos);
                s.setInt(3, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        Row row = new Row(conv, r.getBytes(1));
                        page.add(decode(conversationId, db.sealer().open(TABLE, "body", row.aad(), r.getBytes(2))));
                    }
                }
            }
            Collections.reverse(page);
            return page;
        });
    }

    private record Row(byte[] conv, byte[] ref) {
        byte[] aad() {
            return ByteBuffer.allocate(conv.length + ref.length)
                    .put(conv)
                    .put(ref)
                    .array();
        }
    }

    private record Loaded(long seq, StoredMessage message) {}

    private Row row(String conversationId, String ref) {
        byte[] conv = db.index().of(Conversations.DOMAIN, conversationId);
        byte[] refIdx = db.index()
                .of(
                        REF_DOMAIN,
                        new RowCodec.Writer().string(conversationId).string(ref).toBytes());
        return new Row(conv, refIdx);
    }

    private Optional<Loaded> load(Connection c, String conversationId, String ref) throws SQLException {
        Row row = row(conversationId, ref);
        try (CachedStatement s = db.prepare("SELECT seq, body FROM messages WHERE conv = ? AND ref = ?")) {
            s.setBytes(1, row.conv());
            s.setBytes(2, row.ref());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                long seq = r.getLong(1);
                return Optional.of(new Loaded(
                        seq, decode(conversationId, db.sealer().open(TABLE, "body", row.aad(), r.getBytes(2)))));
            }
        }
    }

    private void updateBody(Connection c, long seq, Row row, StoredMessage message) throws SQLException {
        try (CachedStatement s = db.prepare("UPDATE messages SET body = ? WHERE seq = ?")) {
            s.setBytes(1, seal(row, message));
            s.setLong(2, seq);
            s.executeUpdate();
        }
    }

    private byte[] seal(Row row, StoredMessage m) {
        byte[] body = new RowCodec.Writer()
                .string(m.ref())
                .string(m.senderAccount())
                .i32(m.senderDevice())
                .string(m.direction().name())
                .i32(m.kind())
                .instant(m.sentAt())
                .instant(m.receivedAt())
                .string(m.text())
                .optionalString(m.replyTo())
                .optionalBytes(m.attachment())
                .bool(m.revoked())
                .toBytes();
        return db.sealer().seal(TABLE, "body", row.aad(), RowCodec.pad(body, PADDING));
    }

    private static StoredMessage decode(String conversationId, byte[] body) {
        RowCodec.Reader in = new RowCodec.Reader(RowCodec.unpad(body, "message"), "message");
        String ref = in.string();
        String senderAccount = in.string();
        int senderDevice = in.i32();
        String direction = in.string();
        int kind = in.i32();
        Instant sentAt = in.instant();
        Instant receivedAt = in.instant();
        String text = in.string();
        Optional<String> replyTo = in.optionalString();
        Optional<byte[]> attachment = in.optionalBytes();
        boolean revoked = in.bool();
        in.end();
        try {
            return new StoredMessage(
                    conversationId,
                    ref,
                    senderAccount,
                    senderDevice,
                    Direction.valueOf(direction),
                    kind,
                    sentAt,
                    receivedAt,
                    text,
                    replyTo,
                    attachment,
                    revoked);
        } catch (IllegalArgumentException e) {
            throw new StoreException("damaged message in the profile store: bad direction or field", e);
        }
    }
}
