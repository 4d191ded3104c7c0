// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.auth.Principal;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.StorageException;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.PostgresDatabaseExtension;

/**
 * The queue's one write (new entries and acknowledgements together), on SQLite and PostgreSQL,
 * with and without the cluster's ordering lock.
 */
class DeliveryQueueStoreTest {
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A member with devices 1 and 2, written as the accounts feature writes them. */
    private static AccountIdentity member(Database database) {
        AccountIdentity identity = AccountIdentity.generate();
        String account = identity.accountId().toString();
        database.inTransaction(h -> {
            h.createUpdate("INSERT INTO members (account_id, identity_key, joined_at) VALUES (:a, :k, :now)")
                    .bind("a", account)
                    .bind("k", identity.accountId().publicKeyBytes())
                    .bind("now", NOW)
                    .execute();
            for (int device = 1; device <= 2; device++) {
                h.createUpdate("INSERT INTO devices (account_id, device_id, device_key, certificate, device_type, "
                                + "registered_at, last_active_at) VALUES (:a, :d, :k, :c, 'desktop', :now, :now)")
                        .bind("a", account)
                        .bind("d", device)
                        .bind("k", bytes(33))
                        .bind("c", bytes(154))
                        .bind("now", NOW)
                        .execute();
            }
            return null;
        });
        return identity;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static Principal device(AccountIdentity member, int device) {
        return new Principal(member.accountId(), new DeviceId(device));
    }

    private static QueueEntry entry(UUID message, Principal to, Principal from, String hex) {
        return new QueueEntry(0, message, to, from, 1, Bytes.fromHex(hex), NOW, NOW.plus(Duration.ofDays(30)));
    }

    private static List<Long> usage(Database database, Principal device) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT entries, bytes FROM queue_usage "
                                + "WHERE recipient_account = :a AND recipient_device = :d")
                        .bind("a", device.account().toString())
                        .bind("d", device.device().value())
                        .map((rs, ctx) -> List.of(rs.getLong(1), rs.getLong(2)))
                        .findOne()
                        .orElse(List.of(0L, 0L)));
    }

    /** Every device's counters equal what its queue holds (devices with nothing queued count zero). */
    private static void assertCountersMatchQueue(Database database) {
        database.jdbi().useHandle(h -> {
            List<String> counted = h.createQuery(
                            "SELECT recipient_account || '/' || recipient_device || '=' || entries "
                                    + "|| '/' || bytes FROM queue_usage WHERE entries <> 0 OR bytes <> 0 ORDER BY 1")
                    .mapTo(String.class)
                    .list();
            List<String> queued = h.createQuery(
                            "SELECT recipient_account || '/' || recipient_device || '=' || COUNT(*) "
                                    + "|| '/' || SUM(length(encrypted_blob)) FROM message_queue "
                                    + "GROUP BY recipient_account, recipient_device ORDER BY 1")
                    .mapTo(String.class)
                    .list();
            assertThat(counted).isEqualTo(queued);
        });
    }

    @DatabaseTest
    void a_batch_never_takes_a_device_over_its_bound_and_a_refused_message_stores_no_copy(Database database) {
        Principal alice = device(member(database), 1);
        AccountIdentity bobId = member(database);
        Principal bob1 = device(bobId, 1);
        Principal bob2 = device(bobId, 2);
        DeliveryQueueStore queue = new DeliveryQueueStore(database, false, new DeliveryQueueStore.Bounds(2, 1_000));
        UUID m0 = UUID.randomUUID();
        UUID m1 = UUID.randomUUID();
        UUID m2 = UUID.randomUUID();

        DeliveryQueueStore.Written first = queue.write(
                List.of(
                        entry(m0, bob1, alice, "01"),
                        entry(m1, bob2, alice, "02"),
                        entry(m1, bob1, alice, "03"),
                        entry(m2, bob1, alice, "04")),
                new int[] {0, 1, 1, 2},
                List.of());

        assertThat(first.stored()).extracting(QueueEntry::messageId).containsExactly(m0, m1, m1);
        assertThat(first.full()).isEqualTo(Map.of(2, bob1));
        assertThat(usage(database, bob1)).containsExactly(2L, 2L);
        assertThat(usage(database, bob2)).containsExactly(1L, 1L);

        DeliveryQueueStore.Written refused = queue.write(
                List.of(entry(UUID.randomUUID(), bob2, alice, "05"), entry(UUID.randomUUID(), bob1, alice, "06")),
                new int[] {0, 0},
                List.of());

        assertThat(refused.stored()).isEmpty();
        assertThat(refused.full()).isEqualTo(Map.of(0, bob1));
        assertThat(usage(database, bob2))
                .as("nothing for the other device either")
                .containsExactly(1L, 1L);
        assertCountersMatchQueue(database);

        // An acknowledgement in the same write frees its place first.
        DeliveryQueueStore.Written freed = queue.write(
                List.of(entry(UUID.randomUUID(), bob1, alice, "0708")),
                new int[] {0},
                List.of(new DeliveryQueueStore.Acknowledged(
                        bob1, first.stored().get(0).id())));

        assertThat(freed.full()).isEmpty();
        assertThat(freed.stored()).hasSize(1);
        assertThat(usage(database, bob1)).containsExactly(2L, 3L);
        assertThat(queue.sweepExpired(NOW.plus(Duration.ofDays(31)))).isEqualTo(3);
        assertThat(usage(database, bob1)).containsExactly(0L, 0L);
        assertThat(usage(database, bob2)).containsExactly(0L, 0L);
    }

    private static List<Long> ids(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT id FROM message_queue ORDER BY id")
                        .mapTo(Long.class)
                        .list());
    }

    @DatabaseTest
    void one_write_stores_new_entries_and_deletes_only_what_the_acknowledging_device_owns(Database database) {
        Principal alice = device(member(database), 1);
        AccountIdentity bob = member(database);
        for (boolean orderedAcrossNodes : new boolean[] {false, true}) {
            DeliveryQueueStore queue = new DeliveryQueueStore(database, orderedAcrossNodes);
            UUID first = UUID.randomUUID();
            UUID second = UUID.randomUUID();
            List<QueueEntry> stored = queue.write(
                            List.of(
                                    entry(first, device(bob, 1), alice, "01"),
                                    entry(first, device(bob, 2), alice, "02"),
                                    entry(second, device(bob, 1), alice, "03")),
                            List.of())
                    .stored();
            assertThat(stored)
                    .extracting(QueueEntry::ciphertext)
                    .containsExactly(Bytes.fromHex("01"), Bytes.fromHex("02"), Bytes.fromHex("03"));
            assertThat(stored).extracting(QueueEntry::id).doesNotContain(0L).doesNotHaveDuplicates();
            long forBob1 = stored.get(0).id();
            long forBob2 = stored.get(1).id();

            UUID third = UUID.randomUUID();
            DeliveryQueueStore.Written written = queue.write(
                    // a resend of an entry already queued, and a new message
                    List.of(entry(second, device(bob, 1), alice, "03"), entry(third, device(bob, 2), alice, "04")),
                    List.of(
                            new DeliveryQueueStore.Acknowledged(device(bob, 1), forBob1),
                            new DeliveryQueueStore.Acknowledged(device(bob, 1), forBob2), // device 2's entry
                            new DeliveryQueueStore.Acknowledged(device(bob, 1), forBob1), // twice in one write
                            new DeliveryQueueStore.Acknowledged(device(bob, 2), Long.MAX_VALUE))); // no such entry

            assertThat(written.stored()).extracting(QueueEntry::ciphertext).containsExactly(Bytes.fromHex("04"));
            assertThat(written.deleted()).containsExactly(true, false, false, false);
            assertCountersMatchQueue(database);
            assertThat(ids(database))
                    .containsExactly(
                            forBob2, stored.get(2).id(), written.stored().get(0).id());

            queue.write(
                    List.of(),
                    List.of(
                            new DeliveryQueueStore.Acknowledged(device(bob, 2), forBob2),
                            new DeliveryQueueStore.Acknowledged(
                                    device(bob, 1), stored.get(2).id()),
                            new DeliveryQueueStore.Acknowledged(
                                    device(bob, 2), written.stored().get(0).id())));
            assertThat(ids(database)).isEmpty();
        }
    }

    @DatabaseTest
    void a_copy_sent_again_or_twice_in_one_batch_is_counted_once(Database database) {
        Principal alice = device(member(database), 1);
        AccountIdentity bob = member(database);
        // The check counts every copy sent (1 queued + 3 here); the counters, only what is stored.
        DeliveryQueueStore queue = new DeliveryQueueStore(database, false, new DeliveryQueueStore.Bounds(4, 1_000));
        UUID first = UUID.randomUUID();
        queue.write(List.of(entry(first, device(bob, 1), alice, "0102")), List.of());
        UUID second = UUID.randomUUID();

        DeliveryQueueStore.Written again = queue.write(
                List.of(
                        entry(first, device(bob, 1), alice, "0102"),
                        entry(second, device(bob, 1), alice, "03"),
                        entry(second, device(bob, 1), alice, "03"),
                        entry(second, device(bob, 2), alice, "04")),
                new int[] {0, 1, 1, 1},
                List.of());

        assertThat(again.full()).isEmpty();
        assertThat(again.stored())
                .extracting(QueueEntry::ciphertext)
                .containsExactly(Bytes.fromHex("03"), Bytes.fromHex("04"));
        assertThat(usage(database, device(bob, 1))).containsExactly(2L, 3L);
        assertThat(usage(database, device(bob, 2))).containsExactly(1L, 1L);
        assertCountersMatchQueue(database);
    }

    @DatabaseTest
    void a_write_that_fails_stores_and_deletes_nothing(Database database) {
        Principal alice = device(member(database), 1);
        Principal bob = device(member(database), 1);
        DeliveryQueueStore queue = new DeliveryQueueStore(database, true);
        long queued = queue.write(List.of(entry(UUID.randomUUID(), bob, alice, "01")), List.of())
                .stored()
                .get(0)
                .id();

        Principal unknown = device(AccountIdentity.generate(), 1);
        assertThatThrownBy(() -> queue.write(
                        List.of(
                                entry(UUID.randomUUID(), bob, alice, "02"),
                                entry(UUID.randomUUID(), unknown, alice, "03")),
                        List.of(new DeliveryQueueStore.Acknowledged(bob, queued))))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("cannot queue 2 messages and delete 1 acknowledged");

        assertThat(ids(database)).containsExactly(queued);
    }

    /**
     * Leaves the queue as a vacuum does when it finds it empty and keeps its pages (statistics
     * that say the table holds no row), runs both queue statements ten times on {@code held} in
     * that state, as a long-lived pool connection does (with pgjdbc's default prepare threshold
     * it would then have prepared them on the server, and PostgreSQL would have planned them once
     * for all later executions), then queues 20,000 entries, to the recipients in turn.
     */
    private static List<QueueEntry> afterAVacuumFoundTheQueueEmpty(
            Database database, Handle held, DeliveryQueueStore queue, Principal from, List<Principal> to) {
        List<QueueEntry> first = queue.write(
                        IntStream.range(0, 500)
                                .mapToObj(i -> entry(UUID.randomUUID(), to.get(0), from, "01"))
                                .toList(),
                        List.of())
                .stored();
        queue.write(
                List.of(),
                first.stream()
                        .map(e -> new DeliveryQueueStore.Acknowledged(to.get(0), e.id()))
                        .toList());
        database.autoCommitted(h -> h.execute("VACUUM (TRUNCATE false) message_queue"));
        double rowsBelieved = held.createQuery(
                        "SELECT reltuples FROM pg_class " + "WHERE oid = 'message_queue'::regclass")
                .mapTo(Double.class)
                .one();
        assertThat(rowsBelieved).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(DeliveryQueueStore.pending(held, database.dialect(), to.get(0), 0, 100, NOW))
                    .isEmpty();
            assertThat(writeRows(
                            held,
                            List.of(new DeliveryQueueStore.Acknowledged(
                                    to.get(0), first.get(i).id()))))
                    .isZero();
        }
        List<QueueEntry> queued = new ArrayList<>();
        for (int batch = 0; batch < 20; batch++) {
            queued.addAll(queue.write(
                            IntStream.range(0, 1_000)
                                    .mapToObj(i ->
                                            entry(UUID.randomUUID(), to.get(i % to.size()), from, "0102030405060708"))
                                    .toList(),
                            List.of())
                    .stored());
        }
        return queued;
    }

    /**
     * Runs {@code work} in a transaction that is rolled back, and returns the rows it read from
     * the queue: the difference in the backend's own counters (which may still hold counts of its
     * earlier transactions, not yet flushed) before and after.
     */
    private static Map<String, Long> rowsRead(Handle held, Consumer<Handle> work) {
        return held.inTransaction(h -> {
            Map<String, Long> before = readCounters(h);
            work.accept(h);
            Map<String, Long> after = readCounters(h);
            h.rollback();
            return Map.of(
                    "seq_read",
                    after.get("seq_read") - before.get("seq_read"),
                    "index_fetched",
                    after.get("index_fetched") - before.get("index_fetched"));
        });
    }

    /** Runs the PostgreSQL write statement with these acknowledgements only; returns its result rows. */
    private static int writeRows(Handle h, List<DeliveryQueueStore.Acknowledged> acks) {
        try (PreparedStatement write = DeliveryQueueStore.prepareWritePostgres(
                        h.getConnection(), false, DeliveryQueueStore.Bounds.DEFAULT, List.of(), new int[0], acks);
                ResultSet rs = write.executeQuery()) {
            int rows = 0;
            while (rs.next()) {
                rows++;
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Long> readCounters(Handle h) {
        Map<String, Object> row = h.createQuery("SELECT COALESCE(seq_tup_read, 0) AS seq_read, "
                        + "COALESCE(idx_tup_fetch, 0) AS index_fetched FROM pg_stat_xact_user_tables "
                        + "WHERE relid = 'message_queue'::regclass")
                .mapToMap()
                .one();
        return Map.of(
                "seq_read",
                ((Number) row.get("seq_read")).longValue(),
                "index_fetched",
                ((Number) row.get("index_fetched")).longValue());
    }

    @Test
    @ExtendWith(PostgresDatabaseExtension.class)
    void on_postgresql_a_page_of_a_devices_queue_is_read_by_its_index_when_the_statistics_say_it_is_empty(
            Database database) {
        Principal alice = device(member(database), 1);
        Principal bob = device(member(database), 1);
        Principal carol = device(member(database), 1);
        // 20,000 entries for one device: above the default bound.
        DeliveryQueueStore queue =
                new DeliveryQueueStore(database, false, new DeliveryQueueStore.Bounds(100_000, 1L << 30));
        List<QueueEntry> page = new ArrayList<>();
        Map<String, Long> read;
        try (Handle held = database.jdbi().open()) {
            List<QueueEntry> queued = afterAVacuumFoundTheQueueEmpty(database, held, queue, alice, List.of(bob, carol));
            long after = queued.get(10_000).id();
            read = rowsRead(
                    held, h -> page.addAll(DeliveryQueueStore.pending(h, database.dialect(), bob, after, 100, NOW)));
            assertThat(page).allMatch(e -> e.id() > after);
        }

        assertThat(page).hasSize(100).allMatch(e -> e.recipient().equals(bob));
        assertThat(page).extracting(QueueEntry::id).isSorted();
        assertThat(read.get("seq_read")).isZero();
        assertThat(read.get("index_fetched")).isBetween(100L, 110L);
    }

    /**
     * With statistics that say the queue is empty and 20,000 entries queued since, acknowledged
     * entries are found by their keys, not by reading the table or a whole index: counted by
     * PostgreSQL's own per-transaction statistics, whatever plan it chose.
     */
    @Test
    @ExtendWith(PostgresDatabaseExtension.class)
    void on_postgresql_acknowledgements_are_looked_up_by_key_when_the_statistics_say_the_queue_is_empty(
            Database database) {
        Principal alice = device(member(database), 1);
        Principal bob = device(member(database), 1);
        // 20,000 entries for one device: above the default bound.
        DeliveryQueueStore queue =
                new DeliveryQueueStore(database, false, new DeliveryQueueStore.Bounds(100_000, 1L << 30));
        Map<String, Long> read;
        try (Handle held = database.jdbi().open()) {
            List<QueueEntry> queued = afterAVacuumFoundTheQueueEmpty(database, held, queue, alice, List.of(bob));
            List<DeliveryQueueStore.Acknowledged> acks =
                    List.of(queued.get(10), queued.get(9_000), queued.get(19_990)).stream()
                            .map(e -> new DeliveryQueueStore.Acknowledged(bob, e.id()))
                            .toList();
            read = rowsRead(held, h -> assertThat(writeRows(h, acks)).isEqualTo(3));
        }

        assertThat(read.get("seq_read")).isZero();
        assertThat(read.get("index_fetched")).isBetween(3L, 10L);
    }
}
