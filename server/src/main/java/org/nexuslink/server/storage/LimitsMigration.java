// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 5: bounded delivery queues, prekey fetch counts, and mutes and media usage that
 * belong to the account rather than to its membership (docs/storage.md). A Java migration
 * because most of it differs by database: the queue's write function, and dropping a foreign
 * key (PostgreSQL alters the table, SQLite rebuilds it).
 *
 * <ul>
 *   <li>{@code queue_usage}: entries and ciphertext bytes queued per device, kept in the same
 *       transaction as every insert and delete of {@code message_queue} (acknowledgement, expiry
 *       sweep), so checking a send against the bounds reads one row per device instead of
 *       counting its queue; a deleted device's row goes with it (foreign key). The queue's
 *       writer keeps it, one row update per device and batch: on PostgreSQL inside the write
 *       function and the sweep's statement, on SQLite in {@code DeliveryQueueStore}. (Triggers
 *       cost too much: SQLite has only row triggers, an upsert per entry, and PostgreSQL's
 *       statement triggers copy every row, blob included, into a transition table; each took
 *       about a fifth of the delivery rate.)
 *   <li>{@code nexuslink_queue_write_bounded}: migration 3's function plus that check, refusing
 *       a whole message when any of its copies would take its device over a bound (replaced by
 *       migration 7, {@code QueueCountersFirstMigration}, which does the same for less).
 *   <li>{@code prekey_fetches}: bundle fetches per (requester, target) account in the current
 *       hour. No foreign key: leaving and rejoining must not reset the count.
 *   <li>{@code member_overrides.account_id} and {@code media_store.uploader_account} lose their
 *       foreign keys to {@code members}: deleting a member (leave, kick) no longer deletes its
 *       mutes or forgets whose files count against its quota.
 * </ul>
 */
final class LimitsMigration implements JavaMigration {
    static final List<String> COMMON = List.of("""
            CREATE TABLE queue_usage (
                recipient_account  VARCHAR(60)  NOT NULL,
                recipient_device   INTEGER      NOT NULL,
                entries            BIGINT       NOT NULL,
                bytes              BIGINT       NOT NULL,
                PRIMARY KEY (recipient_account, recipient_device),
                FOREIGN KEY (recipient_account, recipient_device) REFERENCES devices (account_id, device_id)
                    ON DELETE CASCADE
            )""", """
            INSERT INTO queue_usage (recipient_account, recipient_device, entries, bytes)
            SELECT recipient_account, recipient_device, COUNT(*), SUM(length(encrypted_blob))
            FROM message_queue GROUP BY recipient_account, recipient_device""", """
            CREATE TABLE prekey_fetches (
                requester_account  VARCHAR(60)  NOT NULL,
                target_account     VARCHAR(60)  NOT NULL,
                window_start       BIGINT       NOT NULL,
                fetches            INTEGER      NOT NULL,
                PRIMARY KEY (requester_account, target_account)
            )""");

    static final List<String> SQLITE = List.of(
            """
            CREATE TABLE member_overrides_v5 (
                id              INTEGER      PRIMARY KEY AUTOINCREMENT,
                account_id      VARCHAR(60)  NOT NULL,
                channel_id      TEXT         REFERENCES channels (id) ON DELETE CASCADE,
                can_read        BOOLEAN,
                can_write       BOOLEAN,
                can_manage      BOOLEAN,
                reason          VARCHAR(500),
                created_by      VARCHAR(60),
                created_at      BIGINT       NOT NULL,
                expires_at      BIGINT
            )""",
            "INSERT INTO member_overrides_v5 SELECT id, account_id, channel_id, can_read, can_write, can_manage, "
                    + "reason, created_by, created_at, expires_at FROM member_overrides",
            "DROP TABLE member_overrides",
            "ALTER TABLE member_overrides_v5 RENAME TO member_overrides",
            "CREATE UNIQUE INDEX member_overrides_channel ON member_overrides (account_id, channel_id) "
                    + "WHERE channel_id IS NOT NULL",
            "CREATE UNIQUE INDEX member_overrides_community ON member_overrides (account_id) WHERE channel_id IS NULL",
            "CREATE INDEX member_overrides_expiry ON member_overrides (expires_at) WHERE expires_at IS NOT NULL",
            """
            CREATE TABLE media_store_v5 (
                id                TEXT         NOT NULL PRIMARY KEY,
                uploader_account  VARCHAR(60),
                encrypted_size    BIGINT       NOT NULL CHECK (encrypted_size >= 0),
                mime_type_hint    VARCHAR(100),
                storage_backend   VARCHAR(20)  NOT NULL DEFAULT 'local',
                storage_path      VARCHAR(500) NOT NULL,
                digest            BLOB         NOT NULL,
                uploaded_at       BIGINT       NOT NULL,
                completed_at      BIGINT,
                expires_at        BIGINT
            )""",
            "INSERT INTO media_store_v5 SELECT id, uploader_account, encrypted_size, mime_type_hint, storage_backend, "
                    + "storage_path, digest, uploaded_at, completed_at, expires_at FROM media_store",
            "DROP TABLE media_store",
            "ALTER TABLE media_store_v5 RENAME TO media_store",
            "CREATE INDEX media_store_uploader ON media_store (uploader_account)",
            "CREATE INDEX media_store_expiry ON media_store (expires_at) WHERE expires_at IS NOT NULL",
            "CREATE INDEX media_store_incomplete ON media_store (uploaded_at) WHERE completed_at IS NULL");

    /**
     * On PostgreSQL the write function keeps the counters in the statements that insert and
     * delete (data-modifying {@code WITH}): one upsert or update per device and batch. The update
     * reads the counters by their key (sequential scans off, as for the rest of the function): the
     * table holds a row per device ever written to.
     */
    static final List<String> POSTGRES = List.of(
            """
            CREATE FUNCTION nexuslink_queue_write_bounded(
                ack_ids BIGINT[], ack_keys TEXT[], new_messages INTEGER[],
                new_message_ids UUID[], new_recipients VARCHAR[], new_recipient_devices INTEGER[],
                new_senders VARCHAR[], new_sender_devices INTEGER[], new_types INTEGER[], new_blobs BYTEA[],
                new_created BIGINT[], new_expires BIGINT[], order_lock BIGINT, max_entries BIGINT, max_bytes BIGINT)
            RETURNS TABLE (stored BOOLEAN, entry_id BIGINT, entry_message_id UUID, entry_account VARCHAR,
                           entry_device INTEGER)
            LANGUAGE plpgsql
            -- As migration 3's nexuslink_queue_write, whose comments apply.
            SET plan_cache_mode = force_generic_plan
            SET enable_seqscan = off
            AS $fn$
            DECLARE
                full_messages INTEGER[];
                full_accounts VARCHAR[];
                full_devices INTEGER[];
            BEGIN
                IF cardinality(ack_ids) > 0 THEN
                    -- queue_usage follows in the same statement: one update per device and batch.
                    RETURN QUERY WITH gone AS (
                            DELETE FROM message_queue WHERE id = ANY(ack_ids)
                                AND (id || '/' || recipient_account || '/' || recipient_device) = ANY(ack_keys)
                            RETURNING id, recipient_account, recipient_device, octet_length(encrypted_blob) AS len),
                        counted AS (
                            UPDATE queue_usage u SET entries = u.entries - d.n, bytes = u.bytes - d.b
                            FROM (SELECT g.recipient_account, g.recipient_device, COUNT(*) AS n, SUM(g.len) AS b
                                  FROM gone g GROUP BY g.recipient_account, g.recipient_device) d
                            WHERE u.recipient_account = d.recipient_account AND u.recipient_device = d.recipient_device)
                        SELECT false, gone.id, NULL::uuid, gone.recipient_account::varchar, gone.recipient_device
                        FROM gone;
                END IF;
                IF cardinality(new_message_ids) > 0 THEN
                    IF order_lock IS NOT NULL THEN
                        -- In a cluster: held before any new entry draws its id, until the commit. It
                        -- also makes the bound check below exact across nodes: no other node's batch
                        -- can change a counter between this read and this insert.
                        PERFORM pg_advisory_xact_lock(order_lock);
                    END IF;
                    -- Copies that would take their device over a bound, counting what is queued plus
                    -- the batch's copies up to and including this one. Their messages are refused whole.
                    SELECT array_agg(o.message), array_agg(o.account), array_agg(o.device)
                        INTO full_messages, full_accounts, full_devices
                        FROM (SELECT n.message, n.account, n.device,
                                     COALESCE(u.entries, 0) + COUNT(*) OVER w AS entries,
                                     COALESCE(u.bytes, 0) + SUM(octet_length(n.blob)) OVER w AS bytes
                              FROM unnest(new_messages, new_recipients, new_recipient_devices, new_blobs)
                                   WITH ORDINALITY AS n(message, account, device, blob, ord)
                              LEFT JOIN queue_usage u
                                   ON u.recipient_account = n.account AND u.recipient_device = n.device
                              WINDOW w AS (PARTITION BY n.account, n.device ORDER BY n.ord)) o
                        WHERE o.entries > max_entries OR o.bytes > max_bytes;
                    IF full_messages IS NOT NULL THEN
                        -- stored NULL: refused; entry_id is the refused message's position in the batch.
                        RETURN QUERY SELECT NULL::boolean, f.message::bigint, NULL::uuid, f.account::varchar, f.device
                            FROM unnest(full_messages, full_accounts, full_devices) AS f(message, account, device);
                    END IF;
                    RETURN QUERY WITH added AS (
                            INSERT INTO message_queue (message_id, recipient_account, recipient_device,
                                sender_account, sender_device, message_type, encrypted_blob, created_at, expires_at)
                            SELECT n.m, n.r, n.d, n.s, n.sd, n.t, n.b, n.c, n.e
                            FROM unnest(new_messages, new_message_ids, new_recipients, new_recipient_devices,
                                new_senders, new_sender_devices, new_types, new_blobs, new_created, new_expires)
                                AS n(g, m, r, d, s, sd, t, b, c, e)
                            WHERE full_messages IS NULL OR NOT (n.g = ANY(full_messages))
                            ON CONFLICT (message_id, recipient_account, recipient_device) DO NOTHING
                            RETURNING id, message_id, recipient_account, recipient_device,
                                octet_length(encrypted_blob) AS len),
                        counted AS (
                            INSERT INTO queue_usage (recipient_account, recipient_device, entries, bytes)
                            SELECT a.recipient_account, a.recipient_device, COUNT(*), SUM(a.len)
                            FROM added a GROUP BY a.recipient_account, a.recipient_device
                            ORDER BY a.recipient_account, a.recipient_device
                            ON CONFLICT (recipient_account, recipient_device) DO UPDATE
                            SET entries = queue_usage.entries + excluded.entries,
                                bytes = queue_usage.bytes + excluded.bytes)
                        SELECT true, added.id, added.message_id, added.recipient_account::varchar,
                            added.recipient_device
                        FROM added;
                END IF;
            END
            $fn$""",
            "ALTER TABLE member_overrides DROP CONSTRAINT member_overrides_account_id_fkey",
            "ALTER TABLE media_store DROP CONSTRAINT media_store_uploader_account_fkey");

    private final Dialect dialect;

    LimitsMigration(Dialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("5");
    }

    @Override
    public String getDescription() {
        return "bounded queues and account-bound moderation";
    }

    /** Like a SQL migration's: Flyway refuses to start if these statements changed after they were applied. */
    @Override
    public Integer getChecksum() {
        CRC32 crc = new CRC32();
        for (String sql : statements()) {
            crc.update(sql.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    private List<String> statements() {
        List<String> specific = switch (dialect) {
            case SQLITE -> SQLITE;
            case POSTGRES -> POSTGRES;
        };
        return java.util.stream.Stream.concat(COMMON.stream(), specific.stream())
                .toList();
    }

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement statement = context.getConnection().createStatement()) {
            for (String sql : statements()) {
                statement.execute(sql);
            }
        }
    }
}
