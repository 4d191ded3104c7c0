// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The conversation list: id, type and title sealed; the creation time clear, because the list
 * is ordered by the latest message's time, or the creation time when there is no message.
 * Thread-safe.
 */
public final class Conversations {
    static final String DOMAIN = "conversation";
    private static final String TABLE = "conversations";
    /** Bodies are padded to this many bytes: a title's length stays hidden. */
    static final int PADDING = 64;

    private final StoreDatabase db;

    Conversations(StoreDatabase db) {
        this.db = db;
    }

    /** Inserts the conversation, or replaces its type, title and creation time. */
    public void save(Conversation conversation) {
        Objects.requireNonNull(conversation, "conversation");
        db.write(c -> {
            byte[] idx = db.index().of(DOMAIN, conversation.id());
            byte[] body = new RowCodec.Writer()
                    .string(conversation.id())
                    .string(conversation.type().name())
                    .string(conversation.title())
                    .instant(conversation.createdAt())
                    .toBytes();
            try (CachedStatement s = db.prepare("INSERT INTO conversations (idx, created_at, body) VALUES (?, ?, ?) "
                    + "ON CONFLICT (idx) DO UPDATE SET created_at = excluded.created_at, body = excluded.body")) {
                s.setBytes(1, idx);
                s.setLong(2, RowCodec.epochNanos(conversation.createdAt()));
                s.setBytes(3, db.sealer().seal(TABLE, "body", idx, RowCodec.pad(body, PADDING)));
                s.executeUpdate();
            }
            return null;
        });
    }

    public Optional<Conversation> find(String id) {
        Objects.requireNonNull(id, "id");
        return db.read(c -> {
            byte[] idx = db.index().of(DOMAIN, id);
            try (CachedStatement s = db.prepare("SELECT body FROM conversations WHERE idx = ?")) {
                s.setBytes(1, idx);
                try (ResultSet r = s.executeQuery()) {
                    return r.next()
                            ? Optional.of(decode(db.sealer().open(TABLE, "body", idx, r.getBytes(1))))
                            : Optional.empty();
                }
            }
        });
    }

    /** Every conversation, the one with the most recent message (or creation) first. */
    public List<Conversation> list() {
        record Listed(Conversation conversation, long latest) {}
        return db.read(c -> {
            List<Listed> listed = new ArrayList<>();
            try (CachedStatement s = db.prepare("SELECT c.idx, c.body, "
                            + "max(c.created_at, coalesce((SELECT max(m.sent_at) FROM messages m WHERE m.conv = c.idx), c.created_at)) "
                            + "FROM conversations c");
                    ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    listed.add(new Listed(
                            decode(db.sealer().open(TABLE, "body", r.getBytes(1), r.getBytes(2))), r.getLong(3)));
                }
            }
            return listed.stream()
                    .sorted(Comparator.comparingLong(Listed::latest)
                            .reversed()
                            .thenComparing(l -> l.conversation().id()))
                    .map(Listed::conversation)
                    .toList();
        });
    }

    private static Conversation decode(byte[] body) {
        RowCodec.Reader in = new RowCodec.Reader(RowCodec.unpad(body, "conversation"), "conversation");
        String id = in.string();
        String type = in.string();
        String title = in.string();
        Conversation conversation;
        try {
            conversation = new Conversation(id, ConversationType.valueOf(type), title, in.instant());
        } catch (IllegalArgumentException e) {
            throw new StoreException("damaged conversation in the profile store: bad type or id", e);
        }
        in.end();
        return conversation;
    }
}
