// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;

/**
 * Owns {@code message_queue}: direct-message ciphertext waiting for a recipient device, one entry
 * per device, deleted when that device acknowledges it or when it expires. Thread-safe.
 */
public final class DeliveryQueueStore {
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
     * @return the stored entries with their ids, in order
     */
    List<QueueEntry> insert(Handle h, List<QueueEntry> entries) {
        List<QueueEntry> stored = new ArrayList<>(entries.size());
        for (QueueEntry e : entries) {
            Optional<Long> id = h.createQuery("INSERT INTO message_queue (message_id, recipient_account, "
                            + "recipient_device, sender_account, sender_device, message_type, encrypted_blob, created_at, "
                            + "expires_at) VALUES (:message, :ra, :rd, :sa, :sd, :type, :blob, :created, :expires) "
                            + "ON CONFLICT (message_id, recipient_account, recipient_device) DO NOTHING RETURNING id")
                    .bind("message", e.messageId())
                    .bind("ra", e.recipient().account().toString())
                    .bind("rd", e.recipient().device().value())
                    .bind("sa", e.sender().account().toString())
                    .bind("sd", e.sender().device().value())
                    .bind("type", e.type())
                    .bind("blob", e.ciphertext().toByteArray())
                    .bind("created", e.createdAt())
                    .bind("expires", e.expiresAt())
                    .mapTo(Long.class)
                    .findOne();
            id.ifPresent(value -> stored.add(e.withId(value)));
        }
        return stored;
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

    /**
     * Deletes an entry of this device inside the caller's write transaction; false when there is
     * none (already acknowledged, expired, or not its).
     */
    boolean delete(Handle h, Principal device, long id) {
        return h.createUpdate("DELETE FROM message_queue WHERE id = :id "
                        + "AND recipient_account = :account AND recipient_device = :device")
                .bind("id", id)
                .bind("account", device.account().toString())
                .bind("device", device.device().value())
                .execute() == 1;
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
