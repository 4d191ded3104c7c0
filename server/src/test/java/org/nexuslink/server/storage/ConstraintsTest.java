// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nexuslink.server.storage.SchemaRoundTripTest.ALICE;
import static org.nexuslink.server.storage.SchemaRoundTripTest.BOB;
import static org.nexuslink.server.storage.SchemaRoundTripTest.CHANNEL;
import static org.nexuslink.server.storage.SchemaRoundTripTest.T0;

import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.nexuslink.server.testing.DatabaseTest;

/** Foreign keys, checks and unique indexes hold on both databases, and a refused write changes nothing. */
class ConstraintsTest {

    private static void member(Handle handle, String account) {
        handle.createUpdate("INSERT INTO members (account_id, identity_key, joined_at) VALUES (:a, :k, :t)")
                .bind("a", account)
                .bind("k", new byte[33])
                .bind("t", T0)
                .execute();
    }

    private static void device(Handle handle, String account, int deviceId) {
        handle.createUpdate("INSERT INTO devices (account_id, device_id, device_key, certificate, device_type, "
                        + "registered_at, last_active_at) VALUES (:a, :d, :k, :c, 'phone', :t, :t)")
                .bind("a", account)
                .bind("d", deviceId)
                .bind("k", new byte[33])
                .bind("c", new byte[64])
                .bind("t", T0)
                .execute();
    }

    private static void queueEntry(Handle handle, String account, int deviceId, UUID messageId) {
        handle.createUpdate("INSERT INTO message_queue (message_id, recipient_account, recipient_device, "
                        + "encrypted_blob, created_at, expires_at) VALUES (:m, :a, :d, :b, :t, :t)")
                .bind("m", messageId)
                .bind("a", account)
                .bind("d", deviceId)
                .bind("b", new byte[] {1})
                .bind("t", T0)
                .execute();
    }

    private static void channel(Handle handle, UUID id) {
        handle.createUpdate("INSERT INTO channels (id, name, created_at) VALUES (:id, 'general', :t)")
                .bind("id", id)
                .bind("t", T0)
                .execute();
    }

    private static long count(Database database, String table) {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM " + table)
                        .mapTo(Long.class)
                        .one());
    }

    @DatabaseTest
    void refuses_a_device_of_an_unknown_member(Database database) {
        assertThatThrownBy(() -> database.inTransaction(handle -> {
                    device(handle, ALICE, 1);
                    return null;
                }))
                .isInstanceOf(UnableToExecuteStatementException.class);

        assertThat(count(database, "devices")).isZero();
    }

    @DatabaseTest
    void refuses_a_queue_entry_for_an_unknown_device_and_rolls_back_the_transaction(Database database) {
        assertThatThrownBy(() -> database.inTransaction(handle -> {
                    member(handle, BOB);
                    device(handle, BOB, 1);
                    queueEntry(handle, BOB, 1, UUID.randomUUID());
                    queueEntry(handle, BOB, 2, UUID.randomUUID());
                    return null;
                }))
                .isInstanceOf(UnableToExecuteStatementException.class);

        assertThat(count(database, "members")).isZero();
        assertThat(count(database, "message_queue")).isZero();
    }

    @DatabaseTest
    void removing_a_member_removes_its_devices_keys_tokens_and_queue(Database database) {
        database.inTransaction(handle -> {
            member(handle, BOB);
            device(handle, BOB, 1);
            handle.createUpdate("INSERT INTO prekeys (account_id, device_id, key_id, public_key, uploaded_at) "
                            + "VALUES (:a, 1, 1, :k, :t)")
                    .bind("a", BOB)
                    .bind("k", new byte[33])
                    .bind("t", T0)
                    .execute();
            handle.createUpdate("INSERT INTO auth_tokens (token_hash, account_id, device_id, created_at, expires_at) "
                            + "VALUES (:h, :a, 1, :t, :t)")
                    .bind("h", new byte[32])
                    .bind("a", BOB)
                    .bind("t", T0)
                    .execute();
            queueEntry(handle, BOB, 1, UUID.randomUUID());
            return null;
        });

        database.inTransaction(handle -> handle.execute("DELETE FROM members WHERE account_id = ?", BOB));

        for (String table : new String[] {"devices", "prekeys", "auth_tokens", "message_queue"}) {
            assertThat(count(database, table)).as(table).isZero();
        }
    }

    @DatabaseTest
    void deleting_a_channel_removes_its_permissions_members_and_overrides_but_not_the_audit_log(Database database) {
        database.inTransaction(handle -> {
            member(handle, BOB);
            channel(handle, CHANNEL);
            handle.createUpdate("INSERT INTO channel_permissions (channel_id, role) VALUES (:c, 'member')")
                    .bind("c", CHANNEL)
                    .execute();
            handle.createUpdate("INSERT INTO channel_members (channel_id, account_id, added_at) VALUES (:c, :a, :t)")
                    .bind("c", CHANNEL)
                    .bind("a", BOB)
                    .bind("t", T0)
                    .execute();
            handle.createUpdate("INSERT INTO member_overrides (account_id, channel_id, can_write, created_at) "
                            + "VALUES (:a, :c, FALSE, :t)")
                    .bind("a", BOB)
                    .bind("c", CHANNEL)
                    .bind("t", T0)
                    .execute();
            handle.createUpdate("INSERT INTO audit_log (action, target_channel, created_at) VALUES ('mute', :c, :t)")
                    .bind("c", CHANNEL)
                    .bind("t", T0)
                    .execute();
            return null;
        });

        database.inTransaction(handle -> handle.createUpdate("DELETE FROM channels WHERE id = :c")
                .bind("c", CHANNEL)
                .execute());

        for (String table : new String[] {"channel_permissions", "channel_members", "member_overrides"}) {
            assertThat(count(database, table)).as(table).isZero();
        }
        assertThat(count(database, "audit_log")).isOne();
    }

    @DatabaseTest
    void refuses_an_unknown_role_and_a_device_id_outside_1_to_127(Database database) {
        assertThatThrownBy(() -> database.inTransaction(handle -> handle.createUpdate(
                                "INSERT INTO members (account_id, identity_key, role, joined_at) VALUES (:a, :k, 'owner', :t)")
                        .bind("a", ALICE)
                        .bind("k", new byte[33])
                        .bind("t", T0)
                        .execute()))
                .isInstanceOf(UnableToExecuteStatementException.class);
        database.inTransaction(handle -> {
            member(handle, BOB);
            return null;
        });

        assertThatThrownBy(() -> database.inTransaction(handle -> {
                    device(handle, BOB, 128);
                    return null;
                }))
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThatThrownBy(() -> database.inTransaction(handle -> {
                    device(handle, BOB, 0);
                    return null;
                }))
                .isInstanceOf(UnableToExecuteStatementException.class);

        assertThat(count(database, "members")).isOne();
        assertThat(count(database, "devices")).isZero();
    }

    @DatabaseTest
    void allows_one_last_resort_kyber_key_per_device(Database database) {
        String insert = "INSERT INTO kyber_prekeys (account_id, device_id, key_id, public_key, signature, "
                + "is_last_resort, uploaded_at) VALUES (:a, 1, :id, :k, :s, :last, :t)";
        database.inTransaction(handle -> {
            member(handle, BOB);
            device(handle, BOB, 1);
            for (int id = 1; id <= 3; id++) {
                handle.createUpdate(insert)
                        .bind("a", BOB)
                        .bind("id", id)
                        .bind("k", new byte[1569])
                        .bind("s", new byte[64])
                        .bind("last", id == 1)
                        .bind("t", T0)
                        .execute();
            }
            return null;
        });

        assertThatThrownBy(() -> database.inTransaction(handle -> handle.createUpdate(insert)
                        .bind("a", BOB)
                        .bind("id", 4)
                        .bind("k", new byte[1569])
                        .bind("s", new byte[64])
                        .bind("last", true)
                        .bind("t", T0)
                        .execute()))
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThat(count(database, "kyber_prekeys")).isEqualTo(3);
    }

    @DatabaseTest
    void allows_one_override_per_member_and_channel_and_one_community_wide(Database database) {
        String insert = "INSERT INTO member_overrides (account_id, channel_id, can_write, created_at) "
                + "VALUES (:a, :c, FALSE, :t)";
        database.inTransaction(handle -> {
            member(handle, BOB);
            channel(handle, CHANNEL);
            handle.createUpdate(insert)
                    .bind("a", BOB)
                    .bind("c", CHANNEL)
                    .bind("t", T0)
                    .execute();
            handle.createUpdate(insert)
                    .bind("a", BOB)
                    .bind("c", (UUID) null)
                    .bind("t", T0)
                    .execute();
            return null;
        });

        assertThatThrownBy(() -> database.inTransaction(handle -> handle.createUpdate(insert)
                        .bind("a", BOB)
                        .bind("c", CHANNEL)
                        .bind("t", T0)
                        .execute()))
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThatThrownBy(() -> database.inTransaction(handle -> handle.createUpdate(insert)
                        .bind("a", BOB)
                        .bind("c", (UUID) null)
                        .bind("t", T0)
                        .execute()))
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThat(count(database, "member_overrides")).isEqualTo(2);
    }

    @DatabaseTest
    void stores_one_queue_entry_per_message_and_device(Database database) {
        UUID message = UUID.randomUUID();
        database.inTransaction(handle -> {
            member(handle, BOB);
            device(handle, BOB, 1);
            device(handle, BOB, 2);
            queueEntry(handle, BOB, 1, message);
            queueEntry(handle, BOB, 2, message);
            return null;
        });

        assertThatThrownBy(() -> database.inTransaction(handle -> {
                    queueEntry(handle, BOB, 1, message);
                    return null;
                }))
                .isInstanceOf(UnableToExecuteStatementException.class);
        assertThat(count(database, "message_queue")).isEqualTo(2);
    }
}
