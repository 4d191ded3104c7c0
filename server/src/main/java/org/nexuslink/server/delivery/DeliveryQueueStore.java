// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;
import org.nexuslink.server.storage.StorageException;

/**
 * Owns {@code message_queue}: direct-message ciphertext waiting for a recipient device, one entry
 * per device, deleted when that device acknowledges it or when it expires. Thread-safe.
 */
public final class DeliveryQueueStore {
    private static final String INSERTED = "message_id, recipient_account, recipient_device, sender_account, "
            + "sender_device, message_type, encrypted_blob, created_at, expires_at";
    private static final String COLUMNS = "id, message_id, recipient_account, recipient_device, sender_account, "
            + "sender_device, message_type, encrypted_blob, created_at, expires_at";

    /** The PostgreSQL advisory lock that orders queue writes across nodes (an arbitrary constant). */
    private static final long ORDER_LOCK = 0x4e584c51L;

    private final Database database;
    private final boolean orderedAcrossNodes;

    public DeliveryQueueStore(Database database) {
        this(database, false);
    }

    /**
     * @param orderedAcrossNodes whether several nodes write this queue (a cluster on PostgreSQL):
     *     each write transaction then takes one advisory lock, so entry ids are committed in
     *     increasing order and a device's "after the last id pushed" cursor never skips an entry
     *     another node committed late
     */
    public DeliveryQueueStore(Database database, boolean orderedAcrossNodes) {
        this.database = Objects.requireNonNull(database, "database");
        this.orderedAcrossNodes = orderedAcrossNodes && database.dialect() == Dialect.POSTGRES;
    }

    /** Starts a write transaction of the queue (see {@link #DeliveryQueueStore(Database, boolean)}). */
    void beginWrite(Handle h) {
        if (orderedAcrossNodes) {
            h.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + ORDER_LOCK + ")) AS l").mapTo(Integer.class).one();
        }
    }

    /**
     * Stores entries inside the caller's write transaction. A copy already queued for its device
     * (a resend after a lost ack) is skipped, so it is never delivered twice from the queue.
     *
     * <p>This is the group commit's hot path, so it speaks JDBC directly (Jdbi's per-statement
     * setup cost more than SQLite's insert): on SQLite one prepared statement is reused for every
     * row; on PostgreSQL the whole batch is one multi-row {@code INSERT ... SELECT FROM unnest(...)}.
     *
     * @return the stored entries with their ids, in order
     */
    List<QueueEntry> insert(Handle h, List<QueueEntry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        try {
            return database.dialect() == Dialect.POSTGRES
                    ? insertPostgres(h.getConnection(), entries)
                    : insertSqlite(h.getConnection(), entries);
        } catch (SQLException e) {
            throw new StorageException("cannot queue " + entries.size() + " messages: " + e.getMessage(), e);
        }
    }

    private static List<QueueEntry> insertSqlite(Connection c, List<QueueEntry> entries) throws SQLException {
        List<QueueEntry> stored = new ArrayList<>(entries.size());
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO message_queue (" + INSERTED + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (message_id, recipient_account, recipient_device) DO NOTHING RETURNING id")) {
            for (QueueEntry e : entries) {
                insert.setString(1, e.messageId().toString());
                insert.setString(2, e.recipient().account().toString());
                insert.setInt(3, e.recipient().device().value());
                insert.setString(4, e.sender().account().toString());
                insert.setInt(5, e.sender().device().value());
                insert.setInt(6, e.type());
                insert.setBytes(7, e.ciphertext().toByteArray());
                insert.setLong(8, e.createdAt().toEpochMilli());
                insert.setLong(9, e.expiresAt().toEpochMilli());
                try (ResultSet rs = insert.executeQuery()) {
                    if (rs.next()) {
                        stored.add(e.withId(rs.getLong(1)));
                    }
                }
            }
        }
        return stored;
    }

    private static List<QueueEntry> insertPostgres(Connection c, List<QueueEntry> entries) throws SQLException {
        int n = entries.size();
        UUID[] messages = new UUID[n];
        String[] recipients = new String[n];
        Integer[] recipientDevices = new Integer[n];
        String[] senders = new String[n];
        Integer[] senderDevices = new Integer[n];
        Integer[] types = new Integer[n];
        byte[][] blobs = new byte[n][];
        Long[] created = new Long[n];
        Long[] expires = new Long[n];
        for (int i = 0; i < n; i++) {
            QueueEntry e = entries.get(i);
            messages[i] = e.messageId();
            recipients[i] = e.recipient().account().toString();
            recipientDevices[i] = e.recipient().device().value();
            senders[i] = e.sender().account().toString();
            senderDevices[i] = e.sender().device().value();
            types[i] = e.type();
            blobs[i] = e.ciphertext().toByteArray();
            created[i] = e.createdAt().toEpochMilli();
            expires[i] = e.expiresAt().toEpochMilli();
        }
        // unnest keeps the arrays' order, and so does an INSERT ... SELECT's RETURNING in practice,
        // but nothing promises that: the rows are matched back by their unique key instead.
        Map<String, Long> ids = new HashMap<>(n * 2);
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO message_queue (" + INSERTED + ") "
                + "SELECT * FROM unnest(?::uuid[], ?::varchar[], ?::int[], ?::varchar[], ?::int[], ?::int[], "
                + "?::bytea[], ?::bigint[], ?::bigint[]) "
                + "ON CONFLICT (message_id, recipient_account, recipient_device) DO NOTHING "
                + "RETURNING id, message_id, recipient_account, recipient_device")) {
            insert.setArray(1, c.createArrayOf("uuid", messages));
            insert.setArray(2, c.createArrayOf("varchar", recipients));
            insert.setArray(3, c.createArrayOf("int4", recipientDevices));
            insert.setArray(4, c.createArrayOf("varchar", senders));
            insert.setArray(5, c.createArrayOf("int4", senderDevices));
            insert.setArray(6, c.createArrayOf("int4", types));
            insert.setArray(7, c.createArrayOf("bytea", blobs));
            insert.setArray(8, c.createArrayOf("int8", created));
            insert.setArray(9, c.createArrayOf("int8", expires));
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    ids.put(key(rs.getObject(2).toString(), rs.getString(3), rs.getInt(4)), rs.getLong(1));
                }
            }
        }
        List<QueueEntry> stored = new ArrayList<>(ids.size());
        for (QueueEntry e : entries) {
            Long id = ids.remove(key(e.messageId().toString(), e.recipient().account().toString(),
                    e.recipient().device().value()));
            if (id != null) {
                stored.add(e.withId(id));
            }
        }
        return stored;
    }

    private static String key(String message, String account, int device) {
        return message + '/' + account + '/' + device;
    }

    /** Unexpired entries for a device with ids above {@code afterId}, oldest first. */
    public List<QueueEntry> pending(Principal device, long afterId, int limit, Instant now) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM message_queue "
                        + "WHERE recipient_account = :account AND recipient_device = :device AND id > :after "
                        + "AND expires_at > :now ORDER BY id LIMIT :limit")
                .bind("account", device.account().toString())
                .bind("device", device.device().value())
                .bind("after", afterId)
                .bind("now", now)
                .bind("limit", limit)
                .map((rs, ctx) -> entry(rs))
                .list());
    }

    /** An acknowledged entry to delete: only if it is this device's. */
    record Acknowledged(Principal device, long id) {}

    /**
     * Deletes acknowledged entries inside the caller's write transaction, each only if it belongs
     * to the device that acknowledged it (one statement per entry, sent as one JDBC batch).
     *
     * @return which of them existed and were deleted, by position
     */
    boolean[] delete(Handle h, List<Acknowledged> acks) {
        boolean[] deleted = new boolean[acks.size()];
        if (acks.isEmpty()) {
            return deleted;
        }
        // One statement per row, sent together: each is a lookup of one key whatever the planner
        // believes of the table's size. On PostgreSQL a single DELETE ... USING unnest(...) was
        // planned as a full index scan once a vacuum had found the queue empty (the statistics then
        // say the table holds no row), and delivery fell to 1,500/s.
        try (PreparedStatement delete = h.getConnection().prepareStatement("DELETE FROM message_queue WHERE id = ? "
                + "AND recipient_account = ? AND recipient_device = ?")) {
            for (Acknowledged a : acks) {
                delete.setLong(1, a.id());
                delete.setString(2, a.device().account().toString());
                delete.setInt(3, a.device().device().value());
                delete.addBatch();
            }
            int[] counts = delete.executeBatch();
            for (int i = 0; i < counts.length; i++) {
                deleted[i] = counts[i] == 1;
            }
        } catch (SQLException e) {
            throw new StorageException("cannot delete " + acks.size() + " acknowledged messages: " + e.getMessage(), e);
        }
        return deleted;
    }

    /** Deletes expired entries; returns how many. */
    public int sweepExpired(Instant now) {
        return database.inTransaction(h -> h.createUpdate("DELETE FROM message_queue WHERE expires_at <= :now")
                .bind("now", now)
                .execute());
    }

    /** Entries waiting for delivery, across all devices. */
    public long size() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue")
                .mapTo(Long.class)
                .one());
    }

    private static QueueEntry entry(ResultSet rs) throws SQLException {
        return new QueueEntry(rs.getLong("id"), uuid(rs.getObject("message_id")),
                Principal.fromStored(rs.getString("recipient_account"), rs.getInt("recipient_device")),
                Principal.fromStored(rs.getString("sender_account"), rs.getInt("sender_device")),
                rs.getInt("message_type"), Bytes.of(rs.getBytes("encrypted_blob")),
                Instant.ofEpochMilli(rs.getLong("created_at")), Instant.ofEpochMilli(rs.getLong("expires_at")));
    }

    private static UUID uuid(Object column) {
        return column instanceof UUID u ? u : UUID.fromString(column.toString());
    }
}
