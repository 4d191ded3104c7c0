// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;
import org.nexuslink.server.storage.StorageException;
import org.postgresql.PGStatement;

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
    private final Bounds bounds;

    /**
     * How much one device may have queued: a message with a copy that would take its device over
     * either bound is refused whole.
     *
     * @param entries undelivered entries per device ({@code limits.queue_entries_per_device})
     * @param bytes ciphertext bytes per device ({@code limits.queue_bytes_per_device})
     */
    public record Bounds(long entries, long bytes) {
        /** The defaults of docs/configuration.md. */
        public static final Bounds DEFAULT = new Bounds(10_000, 256L << 20);

        public Bounds {
            if (entries < 1 || bytes < 1) {
                throw new IllegalArgumentException(
                        "queue bounds must be at least 1, got " + entries + " entries and " + bytes + " bytes");
            }
        }
    }

    public DeliveryQueueStore(Database database) {
        this(database, false);
    }

    public DeliveryQueueStore(Database database, boolean orderedAcrossNodes) {
        this(database, orderedAcrossNodes, Bounds.DEFAULT);
    }

    /**
     * @param orderedAcrossNodes whether several nodes write this queue (a cluster on PostgreSQL):
     *     each write transaction then takes one advisory lock, so entry ids are committed in
     *     increasing order and a device's "after the last id pushed" cursor never skips an entry
     *     another node committed late (and the bound check exact across nodes)
     * @param bounds what one device may have queued
     */
    public DeliveryQueueStore(Database database, boolean orderedAcrossNodes, Bounds bounds) {
        this.database = Objects.requireNonNull(database, "database");
        this.orderedAcrossNodes = orderedAcrossNodes && database.dialect() == Dialect.POSTGRES;
        this.bounds = Objects.requireNonNull(bounds, "bounds");
    }

    /**
     * What one {@link #write} did.
     *
     * @param stored the entries stored, in the order given, with their ids (minus copies already
     *     queued and the copies of refused messages)
     * @param deleted which of the acknowledged entries existed and were deleted, by position
     * @param full the refused messages, by position, each with a device whose queue it would
     *     have taken over a bound; none of their copies was stored
     */
    record Written(List<QueueEntry> stored, boolean[] deleted, Map<Integer, Principal> full) {}

    /** {@link #write(List, int[], List)} with each entry a message of its own. */
    Written write(List<QueueEntry> entries, List<Acknowledged> acks) {
        return write(entries, IntStream.range(0, entries.size()).toArray(), acks);
    }

    /**
     * Stores entries and deletes acknowledged ones in one durable, atomic write: all of it is
     * committed when this returns, or none of it. A copy already queued for its device (a resend
     * after a lost ack) is skipped, so it is never delivered twice from the queue. An
     * acknowledgement deletes an entry only if it is the acknowledging device's. A message with a
     * copy that would take its device over a {@link Bounds bound} is refused whole (none of its
     * copies is stored); the bound counts what is queued plus the batch's earlier copies, so a
     * batch never takes a device over it either.
     *
     * <p>Each device's usage is a counter row in {@code queue_usage} that this store keeps in the
     * same transaction as every insert and delete, so the check reads one row per device. The
     * check and the insert are one transaction with no other queue writer in between: on SQLite
     * the write lock is held, on PostgreSQL this node's writer is the only one and in a cluster the
     * advisory lock orders the nodes' batches. Concurrent deletes (the expiry sweep, a device
     * removal) only lower a counter, so the check can never let a device over a bound.
     *
     * <p>This is the group commit's hot path, so it speaks JDBC directly (Jdbi's per-statement
     * setup cost more than SQLite's insert). On SQLite it is a write transaction that reuses one
     * prepared statement per row. On PostgreSQL it is a single statement in auto-commit mode, so
     * the whole batch, its commit included, costs one round trip ({@link #writePostgres}).
     *
     * @param messages for each entry, the position of its message in the batch (entries of one
     *     message are stored or refused together)
     * @throws StorageException if the write failed; nothing of it was stored or deleted
     */
    Written write(List<QueueEntry> entries, int[] messages, List<Acknowledged> acks) {
        if (messages.length != entries.size()) {
            throw new IllegalArgumentException(
                    messages.length + " message positions for " + entries.size() + " entries");
        }
        if (entries.isEmpty() && acks.isEmpty()) {
            return new Written(List.of(), new boolean[0], Map.of());
        }
        if (database.dialect() == Dialect.POSTGRES) {
            return database.autoCommitted(h -> {
                try {
                    return writePostgres(h.getConnection(), entries, messages, acks);
                } catch (SQLException e) {
                    throw failed(entries, acks, e);
                }
            });
        }
        return database.inTransaction(h -> {
            try {
                Connection c = h.getConnection();
                // Acknowledgements first, as on PostgreSQL: the room they free counts for the batch.
                boolean[] deleted = deleteSqlite(c, acks);
                Map<Integer, Principal> full = fullSqlite(c, entries, messages, bounds);
                List<QueueEntry> accepted = entries;
                if (!full.isEmpty()) {
                    accepted = new ArrayList<>(entries.size());
                    for (int i = 0; i < entries.size(); i++) {
                        if (!full.containsKey(messages[i])) {
                            accepted.add(entries.get(i));
                        }
                    }
                }
                return new Written(insertSqlite(c, accepted), deleted, full);
            } catch (SQLException e) {
                throw failed(entries, acks, e);
            }
        });
    }

    private static StorageException failed(List<QueueEntry> entries, List<Acknowledged> acks, SQLException e) {
        return new StorageException(
                "cannot queue " + entries.size() + " messages and delete " + acks.size() + " acknowledged ones: "
                        + e.getMessage(),
                e);
    }

    /**
     * The messages of a batch that would take a device over a bound, with that device, read
     * inside the write transaction (which holds SQLite's write lock): what is queued, plus the
     * batch's copies up to and including each one.
     */
    private static Map<Integer, Principal> fullSqlite(
            Connection c, List<QueueEntry> entries, int[] messages, Bounds bounds) throws SQLException {
        if (entries.isEmpty()) {
            return Map.of();
        }
        Map<Principal, long[]> usage = new HashMap<>();
        Map<Integer, Principal> full = new HashMap<>();
        try (PreparedStatement read = c.prepareStatement(
                "SELECT entries, bytes FROM queue_usage " + "WHERE recipient_account = ? AND recipient_device = ?")) {
            for (int i = 0; i < entries.size(); i++) {
                QueueEntry e = entries.get(i);
                long[] used = usage.get(e.recipient());
                if (used == null) {
                    used = new long[2];
                    read.setString(1, e.recipient().account().toString());
                    read.setInt(2, e.recipient().device().value());
                    try (ResultSet rs = read.executeQuery()) {
                        if (rs.next()) {
                            used[0] = rs.getLong(1);
                            used[1] = rs.getLong(2);
                        }
                    }
                    usage.put(e.recipient(), used);
                }
                used[0]++;
                used[1] += e.ciphertext().length();
                if (used[0] > bounds.entries() || used[1] > bounds.bytes()) {
                    full.putIfAbsent(messages[i], e.recipient());
                }
            }
        }
        return full;
    }

    private static List<QueueEntry> insertSqlite(Connection c, List<QueueEntry> entries) throws SQLException {
        List<QueueEntry> stored = new ArrayList<>(entries.size());
        Map<Principal, long[]> added = new HashMap<>();
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
                        count(added, e.recipient(), 1, e.ciphertext().length());
                    }
                }
            }
        }
        addUsageSqlite(c, added);
        return stored;
    }

    private static void count(Map<Principal, long[]> usage, Principal device, long entries, long bytes) {
        long[] used = usage.computeIfAbsent(device, d -> new long[2]);
        used[0] += entries;
        used[1] += bytes;
    }

    /**
     * Adds each device's change (negative for deletes) to {@code queue_usage}, inside the caller's
     * transaction: one statement per device and batch (LimitsMigration says why not triggers). On
     * PostgreSQL the write function and the sweep's statement do the same.
     */
    private static void addUsageSqlite(Connection c, Map<Principal, long[]> change) throws SQLException {
        if (change.isEmpty()) {
            return;
        }
        try (PreparedStatement add = c.prepareStatement("INSERT INTO queue_usage "
                + "(recipient_account, recipient_device, entries, bytes) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (recipient_account, recipient_device) "
                + "DO UPDATE SET entries = entries + excluded.entries, bytes = bytes + excluded.bytes")) {
            for (Map.Entry<Principal, long[]> e : change.entrySet()) {
                add.setString(1, e.getKey().account().toString());
                add.setInt(2, e.getKey().device().value());
                add.setLong(3, e.getValue()[0]);
                add.setLong(4, e.getValue()[1]);
                add.executeUpdate();
            }
        }
    }

    /**
     * The PostgreSQL write: one call of the function {@code nexuslink_queue_write_bounded}
     * (migration 7, {@code QueueCountersFirstMigration}: migration 3's {@code nexuslink_queue_write}
     * plus the per-device counters and the bound check), which deletes the acknowledged entries
     * and inserts the new ones
     * (taking the new rows as arrays, {@code unnest}); its result rows report both ({@code true}
     * for a stored entry, {@code false} for a deleted one). In auto-commit mode PostgreSQL commits
     * it before it answers: one round trip per batch.
     *
     * <p>The queue swings between empty and hundreds of thousands of rows, and its statistics lag
     * (a vacuum that finds it empty leaves them saying it holds no row), so the delete is built
     * for a plan that stays right whatever the planner believes:
     * <ul>
     *   <li>The only condition an index can serve is {@code id = ANY(ids)}, on the primary key:
     *       the acknowledging device is checked on the rows found, through a text key of id,
     *       account and device, not through a join. (A join with the acknowledgements, such as
     *       {@code DELETE ... USING unnest(...)}, lets the planner walk a whole index when the
     *       statistics say the table is empty: every batch then reads the whole queue.)
     *   <li>Its plan is kept for the connection, as the insert's and the call's are: parsing and
     *       planning a whole statement for every batch costs about a quarter of PostgreSQL's CPU
     *       when batches are small. A plan kept from a moment when the statistics said the table was
     *       empty would be a sequential scan that stays when the table has grown, so the function
     *       runs with sequential scans off: the only plan left reads the primary key.
     * </ul>
     * In a cluster, the function takes the advisory lock before inserting, so it is held before
     * the first new entry draws its id.
     */
    private Written writePostgres(Connection c, List<QueueEntry> entries, int[] messages, List<Acknowledged> acks)
            throws SQLException {
        Map<String, Integer> ackPositions = new HashMap<>(acks.size() * 2);
        for (int i = acks.size() - 1; i >= 0; i--) {
            ackPositions.put(ackKey(acks.get(i)), i); // the first of repeated acknowledgements wins
        }
        // Rows come back in no promised order: stored entries are matched back by their unique key.
        Map<String, Long> ids = new HashMap<>(entries.size() * 2);
        boolean[] deleted = new boolean[acks.size()];
        Map<Integer, Principal> full = new HashMap<>();
        try (PreparedStatement write = prepareWritePostgres(c, orderedAcrossNodes, bounds, entries, messages, acks);
                ResultSet rs = write.executeQuery()) {
            while (rs.next()) {
                String owner = key(rs.getString(4), rs.getInt(5));
                boolean stored = rs.getBoolean(1);
                if (rs.wasNull()) {
                    full.putIfAbsent((int) rs.getLong(2), Principal.fromStored(rs.getString(4), rs.getInt(5)));
                } else if (stored) {
                    ids.put(rs.getObject(3).toString() + "/" + owner, rs.getLong(2));
                } else {
                    Integer position = ackPositions.get(rs.getLong(2) + "/" + owner);
                    if (position != null) {
                        deleted[position] = true;
                    }
                }
            }
        }
        List<QueueEntry> stored = new ArrayList<>(ids.size());
        for (QueueEntry e : entries) {
            Long id = ids.remove(e.messageId() + "/"
                    + key(
                            e.recipient().account().toString(),
                            e.recipient().device().value()));
            if (id != null) {
                stored.add(e.withId(id));
            }
        }
        return new Written(stored, deleted, full);
    }

    /** The statement of {@link #writePostgres}, its parameters bound; package-private for its plan's test. */
    static PreparedStatement prepareWritePostgres(
            Connection c,
            boolean orderedAcrossNodes,
            Bounds bounds,
            List<QueueEntry> entries,
            int[] messages,
            List<Acknowledged> acks)
            throws SQLException {
        int n = entries.size();
        Integer[] positions = new Integer[n];
        UUID[] messageIds = new UUID[n];
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
            positions[i] = messages[i];
            messageIds[i] = e.messageId();
            recipients[i] = e.recipient().account().toString();
            recipientDevices[i] = e.recipient().device().value();
            senders[i] = e.sender().account().toString();
            senderDevices[i] = e.sender().device().value();
            types[i] = e.type();
            blobs[i] = e.ciphertext().toByteArray();
            created[i] = e.createdAt().toEpochMilli();
            expires[i] = e.expiresAt().toEpochMilli();
        }
        Long[] ackIds = new Long[acks.size()];
        String[] ackKeys = new String[acks.size()];
        for (int i = 0; i < acks.size(); i++) {
            ackIds[i] = acks.get(i).id();
            ackKeys[i] = ackKey(acks.get(i));
        }
        PreparedStatement write = c.prepareStatement("SELECT stored, entry_id, entry_message_id, entry_account, "
                + "entry_device FROM nexuslink_queue_write_bounded(?::bigint[], ?::text[], ?::int[], ?::uuid[], "
                + "?::varchar[], ?::int[], ?::varchar[], ?::int[], ?::int[], ?::bytea[], ?::bigint[], ?::bigint[], "
                + "?::bigint, ?::bigint, ?::bigint)");
        try {
            write.setArray(1, c.createArrayOf("int8", ackIds));
            write.setArray(2, c.createArrayOf("text", ackKeys));
            write.setArray(3, c.createArrayOf("int4", positions));
            write.setArray(4, c.createArrayOf("uuid", messageIds));
            write.setArray(5, c.createArrayOf("varchar", recipients));
            write.setArray(6, c.createArrayOf("int4", recipientDevices));
            write.setArray(7, c.createArrayOf("varchar", senders));
            write.setArray(8, c.createArrayOf("int4", senderDevices));
            write.setArray(9, c.createArrayOf("int4", types));
            write.setArray(10, c.createArrayOf("bytea", blobs));
            write.setArray(11, c.createArrayOf("int8", created));
            write.setArray(12, c.createArrayOf("int8", expires));
            if (orderedAcrossNodes) {
                write.setLong(13, ORDER_LOCK);
            } else {
                write.setNull(13, Types.BIGINT);
            }
            write.setLong(14, bounds.entries());
            write.setLong(15, bounds.bytes());
            return write;
        } catch (SQLException | RuntimeException e) {
            write.close();
            throw e;
        }
    }

    /** An acknowledgement as the write statement matches it: entry id, account and device. */
    private static String ackKey(Acknowledged a) {
        return a.id() + "/"
                + key(a.device().account().toString(), a.device().device().value());
    }

    private static String key(String account, int device) {
        return account + '/' + device;
    }

    /** Unexpired entries for a device with ids above {@code afterId}, oldest first. */
    public List<QueueEntry> pending(Principal device, long afterId, int limit, Instant now) {
        return database.jdbi().withHandle(h -> pending(h, database.dialect(), device, afterId, limit, now));
    }

    /**
     * {@link #pending(Principal, long, int, Instant)} on the caller's handle.
     *
     * <p>On PostgreSQL the query is written so that one plan is the cheap one whatever the
     * statistics say (see {@link #writePostgres} for why they mislead): the device and the id
     * bound are a range of row values, which only the recipient index can serve and which leaves
     * the ordering to that index alone (with {@code recipient_account = ?} the planner would also
     * take the primary key's order and walk it whenever the statistics say the queue is empty);
     * the expiry is compared as {@code expires_at + 0}, so the expiry
     * index does not compete; and it is planned on every execution. SQLite plans the plain form
     * by the recipient index.
     */
    static List<QueueEntry> pending(Handle h, Dialect dialect, Principal device, long afterId, int limit, Instant now) {
        boolean postgres = dialect == Dialect.POSTGRES;
        Query query = h.createQuery("SELECT " + COLUMNS + " FROM message_queue WHERE "
                        + (postgres
                                ? "(recipient_account, recipient_device, id) > (:account, :device, :after) "
                                        + "AND (recipient_account, recipient_device, id) <= (:account, :device, "
                                        + Long.MAX_VALUE
                                        + ") AND expires_at + 0 > :now ORDER BY recipient_account, recipient_device, id "
                                : "recipient_account = :account AND recipient_device = :device AND id > :after "
                                        + "AND expires_at > :now ORDER BY id ")
                        + "LIMIT :limit")
                .bind("account", device.account().toString())
                .bind("device", device.device().value())
                .bind("after", afterId)
                .bind("now", now)
                .bind("limit", limit);
        if (postgres) {
            query.addCustomizer(new StatementCustomizer() {
                @Override
                public void beforeExecution(PreparedStatement statement, StatementContext context) throws SQLException {
                    statement.unwrap(PGStatement.class).setPrepareThreshold(0);
                }
            });
        }
        return query.map((rs, ctx) -> entry(rs)).list();
    }

    /** An acknowledged entry to delete: only if it is this device's. */
    record Acknowledged(Principal device, long id) {}

    /** Deletes acknowledged entries (one statement per entry: each a lookup of one key). */
    private static boolean[] deleteSqlite(Connection c, List<Acknowledged> acks) throws SQLException {
        boolean[] deleted = new boolean[acks.size()];
        if (acks.isEmpty()) {
            return deleted;
        }
        Map<Principal, long[]> removed = new HashMap<>();
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM message_queue WHERE id = ? "
                + "AND recipient_account = ? AND recipient_device = ? RETURNING length(encrypted_blob)")) {
            for (int i = 0; i < acks.size(); i++) {
                Acknowledged a = acks.get(i);
                delete.setLong(1, a.id());
                delete.setString(2, a.device().account().toString());
                delete.setInt(3, a.device().device().value());
                try (ResultSet rs = delete.executeQuery()) {
                    deleted[i] = rs.next();
                    if (deleted[i]) {
                        count(removed, a.device(), -1, -rs.getLong(1));
                    }
                }
            }
        }
        addUsageSqlite(c, removed);
        return deleted;
    }

    /** Deletes expired entries; returns how many. */
    public int sweepExpired(Instant now) {
        if (database.dialect() == Dialect.POSTGRES) {
            return database.inTransaction(h ->
                    h.createQuery("""
                            WITH gone AS (
                                DELETE FROM message_queue WHERE expires_at <= :now
                                RETURNING recipient_account, recipient_device, octet_length(encrypted_blob) AS len),
                            counted AS (
                                UPDATE queue_usage u SET entries = u.entries - d.n, bytes = u.bytes - d.b
                                FROM (SELECT recipient_account, recipient_device, COUNT(*) AS n, SUM(len) AS b
                                      FROM gone GROUP BY recipient_account, recipient_device) d
                                WHERE u.recipient_account = d.recipient_account
                                  AND u.recipient_device = d.recipient_device)
                            SELECT COUNT(*) FROM gone""").bind("now", now).mapTo(Integer.class).one());
        }
        return database.inTransaction(h -> {
            Connection c = h.getConnection();
            Map<Principal, long[]> removed = new HashMap<>();
            int swept = 0;
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM message_queue WHERE expires_at <= ? "
                    + "RETURNING recipient_account, recipient_device, length(encrypted_blob)")) {
                delete.setLong(1, now.toEpochMilli());
                try (ResultSet rs = delete.executeQuery()) {
                    while (rs.next()) {
                        swept++;
                        count(removed, Principal.fromStored(rs.getString(1), rs.getInt(2)), -1, -rs.getLong(3));
                    }
                }
                addUsageSqlite(c, removed);
            } catch (SQLException e) {
                throw new StorageException("cannot delete expired queue entries: " + e.getMessage(), e);
            }
            return swept;
        });
    }

    /** Entries waiting for delivery, across all devices. */
    public long size() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue")
                        .mapTo(Long.class)
                        .one());
    }

    private static QueueEntry entry(ResultSet rs) throws SQLException {
        return new QueueEntry(
                rs.getLong("id"),
                uuid(rs.getObject("message_id")),
                Principal.fromStored(rs.getString("recipient_account"), rs.getInt("recipient_device")),
                Principal.fromStored(rs.getString("sender_account"), rs.getInt("sender_device")),
                rs.getInt("message_type"),
                Bytes.of(rs.getBytes("encrypted_blob")),
                Instant.ofEpochMilli(rs.getLong("created_at")),
                Instant.ofEpochMilli(rs.getLong("expires_at")));
    }

    private static UUID uuid(Object column) {
        return column instanceof UUID u ? u : UUID.fromString(column.toString());
    }
}
