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
 * Migration 3: on PostgreSQL, the function the delivery queue's group commit calls
 * ({@code DeliveryQueueStore}, docs/storage.md under {@code message_queue}); nothing on SQLite,
 * whose queue is written statement by statement in one transaction.
 *
 * <p>The function deletes the acknowledged entries and inserts the new ones, and returns a row
 * for each (as the statement it replaces did). What it changes is planning: both statements are
 * planned once per connection and their plans kept, where a plain statement is parsed and
 * planned for every batch (about a quarter of PostgreSQL's CPU when batches are small;
 * docs/benchmarks.md, "What shapes these figures"). A kept plan is made while the statistics may say the queue
 * is empty (a vacuum that finds it so leaves them saying it holds no row), and a delete planned
 * then would scan the whole table ever after; with sequential scans off inside the function, the
 * one plan it can get reads the primary key. {@code DeliveryQueueStoreTest} fails without that.
 */
final class QueueWriteFunction implements JavaMigration {
    static final String SQL = """
            CREATE FUNCTION nexuslink_queue_write(
                ack_ids BIGINT[], ack_keys TEXT[],
                new_message_ids UUID[], new_recipients VARCHAR[], new_recipient_devices INTEGER[],
                new_senders VARCHAR[], new_sender_devices INTEGER[], new_types INTEGER[], new_blobs BYTEA[],
                new_created BIGINT[], new_expires BIGINT[], order_lock BIGINT)
            RETURNS TABLE (stored BOOLEAN, entry_id BIGINT, entry_message_id UUID, entry_account VARCHAR,
                           entry_device INTEGER)
            LANGUAGE plpgsql
            -- Both statements are planned once per connection and the plans kept (PostgreSQL
            -- would otherwise plan the insert again for every call), and no plan made here may
            -- read the queue sequentially: with the statistics saying "empty", a delete planned
            -- once would otherwise scan the whole table ever after.
            SET plan_cache_mode = force_generic_plan
            SET enable_seqscan = off
            AS $fn$
            BEGIN
                IF cardinality(ack_ids) > 0 THEN
                    -- By the primary key; the acknowledging device is checked on the rows found.
                    RETURN QUERY DELETE FROM message_queue WHERE id = ANY(ack_ids)
                        AND (id || '/' || recipient_account || '/' || recipient_device) = ANY(ack_keys)
                        RETURNING false, id, NULL::uuid, recipient_account::varchar, recipient_device;
                END IF;
                IF cardinality(new_message_ids) > 0 THEN
                    IF order_lock IS NOT NULL THEN
                        -- In a cluster: held before any new entry draws its id, until the commit.
                        PERFORM pg_advisory_xact_lock(order_lock);
                    END IF;
                    RETURN QUERY INSERT INTO message_queue (message_id, recipient_account, recipient_device,
                            sender_account, sender_device, message_type, encrypted_blob, created_at, expires_at)
                        SELECT * FROM unnest(new_message_ids, new_recipients, new_recipient_devices, new_senders,
                            new_sender_devices, new_types, new_blobs, new_created, new_expires)
                        ON CONFLICT (message_id, recipient_account, recipient_device) DO NOTHING
                        RETURNING true, id, message_id, recipient_account::varchar, recipient_device;
                END IF;
            END
            $fn$
            """;

    private final Dialect dialect;

    QueueWriteFunction(Dialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("3");
    }

    @Override
    public String getDescription() {
        return "queue write function";
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
