// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Objects;
import java.util.zip.CRC32;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 7: on PostgreSQL, migration 5's {@code nexuslink_queue_write_bounded} replaced by one
 * with the same parameters and result rows that moves the per-device counters first and checks
 * the bound on what that move returns; nothing on SQLite, whose queue writer is Java.
 *
 * <p>Migration 5's function checked every copy against its device's counter (a window over the
 * batch), then inserted, then added what it inserted, and took acknowledgements off in a
 * statement of their own: three statements over the batch and up to two counter updates per
 * device. This one changes each device's counter once per batch, by the batch's copies minus
 * the acknowledged entries, and in the same statement that deletes those entries; the counters
 * it returns say whether any device went over. When none did, which is every batch below the
 * bounds, the copies are inserted as migration 3's function inserts them. Two cases take a
 * slower path, and both leave the counters exact:
 * <ul>
 *   <li>a device went over: the batch's copies are taken off again and migration 5's per-copy
 *       check decides which messages are refused whole;
 *   <li>fewer copies were stored than sent (a message sent again, already queued): the copies
 *       not stored by this transaction ({@code xmin}) are taken off.
 * </ul>
 * A sent-again copy is counted by the check, as in migration 5, so at the bound it may be
 * refused rather than found queued. docs/benchmarks.md ("Cost of the limits") has the
 * instruction counts of both functions and how to reproduce them.
 */
final class QueueCountersFirstMigration implements JavaMigration {
    static final String SQL = """
            CREATE OR REPLACE FUNCTION nexuslink_queue_write_bounded(
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
                gone_ids BIGINT[];
                gone_accounts VARCHAR[];
                gone_devices INTEGER[];
                any_over BOOLEAN;
                inserted BIGINT;
                full_messages INTEGER[];
                full_accounts VARCHAR[];
                full_devices INTEGER[];
            BEGIN
                IF cardinality(new_message_ids) = 0 THEN
                    IF cardinality(ack_ids) > 0 THEN
                        RETURN QUERY WITH gone AS (
                                DELETE FROM message_queue WHERE id = ANY(ack_ids)
                                    AND (id || '/' || recipient_account || '/' || recipient_device) = ANY(ack_keys)
                                RETURNING id, recipient_account, recipient_device, octet_length(encrypted_blob) AS len),
                            counted AS (
                                UPDATE queue_usage u SET entries = u.entries - d.n, bytes = u.bytes - d.b
                                FROM (SELECT g.recipient_account, g.recipient_device, COUNT(*) AS n, SUM(g.len) AS b
                                      FROM gone g GROUP BY g.recipient_account, g.recipient_device) d
                                WHERE u.recipient_account = d.recipient_account
                                    AND u.recipient_device = d.recipient_device)
                            SELECT false, gone.id, NULL::uuid, gone.recipient_account::varchar, gone.recipient_device
                            FROM gone;
                    END IF;
                    RETURN;
                END IF;
                IF order_lock IS NOT NULL THEN
                    -- In a cluster: held before any new entry draws its id, until the commit. It
                    -- also makes the bound check exact across nodes: no other node's batch can
                    -- change a counter between this move and this insert.
                    PERFORM pg_advisory_xact_lock(order_lock);
                END IF;
                -- The acknowledged entries go, and each device's counters move by the batch's
                -- copies minus what went, one row update per device (in key order, as the sweep).
                WITH gone AS (
                        DELETE FROM message_queue WHERE id = ANY(ack_ids)
                            AND (id || '/' || recipient_account || '/' || recipient_device) = ANY(ack_keys)
                        RETURNING id, recipient_account, recipient_device, octet_length(encrypted_blob) AS len),
                    counted AS (
                        INSERT INTO queue_usage (recipient_account, recipient_device, entries, bytes)
                        SELECT c.account, c.device, SUM(c.n), SUM(c.b)
                        FROM (SELECT n.account, n.device, 1::bigint AS n, octet_length(n.blob)::bigint AS b
                              FROM unnest(new_recipients, new_recipient_devices, new_blobs) AS n(account, device, blob)
                              UNION ALL
                              SELECT g.recipient_account, g.recipient_device, -1, -g.len FROM gone g) c
                        GROUP BY c.account, c.device
                        ORDER BY c.account, c.device
                        ON CONFLICT (recipient_account, recipient_device) DO UPDATE
                        SET entries = queue_usage.entries + excluded.entries,
                            bytes = queue_usage.bytes + excluded.bytes
                        RETURNING queue_usage.entries > max_entries OR queue_usage.bytes > max_bytes AS over)
                    SELECT (SELECT array_agg(g.id) FROM gone g), (SELECT array_agg(g.recipient_account) FROM gone g),
                           (SELECT array_agg(g.recipient_device) FROM gone g), (SELECT bool_or(c.over) FROM counted c)
                    INTO gone_ids, gone_accounts, gone_devices, any_over;
                IF gone_ids IS NOT NULL THEN
                    RETURN QUERY SELECT false, g.id, NULL::uuid, g.account::varchar, g.device
                        FROM unnest(gone_ids, gone_accounts, gone_devices) AS g(id, account, device);
                END IF;
                IF any_over THEN
                    -- Some device would go over: its copies come off again, and each copy is checked
                    -- against what is queued plus the batch's copies up to and including it. The
                    -- messages of copies over a bound are refused whole.
                    UPDATE queue_usage u SET entries = u.entries - t.n, bytes = u.bytes - t.b
                        FROM (SELECT n.account, n.device, COUNT(*) AS n, SUM(octet_length(n.blob)) AS b
                              FROM unnest(new_recipients, new_recipient_devices, new_blobs) AS n(account, device, blob)
                              GROUP BY n.account, n.device) t
                        WHERE u.recipient_account = t.account AND u.recipient_device = t.device;
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
                    -- stored NULL: refused; entry_id is the refused message's position in the batch.
                    RETURN QUERY SELECT NULL::boolean, f.message::bigint, NULL::uuid, f.account::varchar, f.device
                        FROM unnest(full_messages, full_accounts, full_devices) AS f(message, account, device);
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
                            UPDATE queue_usage u SET entries = u.entries + d.n, bytes = u.bytes + d.b
                            FROM (SELECT a.recipient_account, a.recipient_device, COUNT(*) AS n, SUM(a.len) AS b
                                  FROM added a GROUP BY a.recipient_account, a.recipient_device) d
                            WHERE u.recipient_account = d.recipient_account
                                AND u.recipient_device = d.recipient_device)
                        SELECT true, added.id, added.message_id, added.recipient_account::varchar,
                            added.recipient_device
                        FROM added;
                    RETURN;
                END IF;
                RETURN QUERY INSERT INTO message_queue (message_id, recipient_account, recipient_device,
                        sender_account, sender_device, message_type, encrypted_blob, created_at, expires_at)
                    SELECT * FROM unnest(new_message_ids, new_recipients, new_recipient_devices, new_senders,
                        new_sender_devices, new_types, new_blobs, new_created, new_expires)
                    ON CONFLICT (message_id, recipient_account, recipient_device) DO NOTHING
                    RETURNING true, id, message_id, recipient_account::varchar, recipient_device;
                GET DIAGNOSTICS inserted = ROW_COUNT;
                IF inserted < cardinality(new_message_ids) THEN
                    -- Copies counted above but not stored now (already queued, or twice in the
                    -- batch) come off: what each device was sent minus what this transaction stored.
                    UPDATE queue_usage u SET entries = u.entries - (s.n - COALESCE(k.n, 0)),
                                             bytes = u.bytes - (s.b - COALESCE(k.b, 0))
                        FROM (SELECT n.account, n.device, COUNT(*) AS n, SUM(octet_length(n.blob)) AS b
                              FROM unnest(new_recipients, new_recipient_devices, new_blobs) AS n(account, device, blob)
                              GROUP BY n.account, n.device) s
                        LEFT JOIN (SELECT q.recipient_account, q.recipient_device, COUNT(*) AS n,
                                          SUM(octet_length(q.encrypted_blob)) AS b
                                   FROM message_queue q
                                   WHERE (q.message_id, q.recipient_account, q.recipient_device) IN (
                                           SELECT * FROM unnest(new_message_ids, new_recipients, new_recipient_devices))
                                       AND q.xmin = pg_current_xact_id()::xid
                                   GROUP BY q.recipient_account, q.recipient_device) k
                            ON k.recipient_account = s.account AND k.recipient_device = s.device
                        WHERE u.recipient_account = s.account AND u.recipient_device = s.device
                            AND s.n > COALESCE(k.n, 0);
                END IF;
            END
            $fn$
            """;

    private final Dialect dialect;

    QueueCountersFirstMigration(Dialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("7");
    }

    @Override
    public String getDescription() {
        return "queue counters first";
    }

    /** Like a SQL migration's: Flyway refuses to start if the function's text changed after it was applied. */
    @Override
    public Integer getChecksum() {
        CRC32 crc = new CRC32();
        crc.update(SQL.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        if (dialect != Dialect.POSTGRES) {
            return;
        }
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(SQL);
        }
    }
}
