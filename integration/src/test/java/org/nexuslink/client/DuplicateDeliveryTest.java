// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.client.store.StoredMessage;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/**
 * A direct message delivered a second time after it was taken and acknowledged (a sender's
 * retry after a lost answer is queued again once the first copy is gone) is dropped: neither
 * shown again nor reported as rejected, and acknowledged so it leaves the queue.
 */
class DuplicateDeliveryTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    private static long queued(Database database) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_queue")
                        .mapTo(Long.class)
                        .one());
    }

    @DatabaseTest
    void a_message_delivered_again_after_it_was_acknowledged_is_dropped_silently(DatabaseUrl url, Database database)
            throws Exception {
        try (TwoMembers members = TwoMembers.joined(url, clock, dir, Map.of())) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.sendText(bob.dm(), "first contact", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("first contact");

            bob.close();
            alice.client.sendText(bob.dm(), "only once, please", Optional.empty());
            Map<String, Object> copy = database.jdbi()
                    .withHandle(h -> h.createQuery("SELECT * FROM message_queue")
                            .mapToMap()
                            .one());
            bob.reopen();
            bob.client.connect();
            assertThat(bob.next().text()).isEqualTo("only once, please");
            await(() -> queued(database) == 0);

            bob.close();
            database.inTransaction(h -> h.createUpdate("INSERT INTO message_queue (message_id, recipient_account, "
                            + "recipient_device, sender_account, sender_device, message_type, encrypted_blob, created_at, "
                            + "expires_at) VALUES (:message_id, :recipient_account, :recipient_device, :sender_account, "
                            + ":sender_device, :message_type, :encrypted_blob, :created_at, :expires_at)")
                    .bindMap(copy)
                    .execute());
            bob.reopen();
            bob.client.connect();

            bob.assertNothingMore();
            assertThat(bob.rejected.poll(100, TimeUnit.MILLISECONDS))
                    .as("not reported as rejected")
                    .isNull();
            assertThat(bob.client.history(alice.dm(), 10))
                    .extracting(StoredMessage::text)
                    .containsExactly("first contact", "only once, please");
            await(() -> queued(database) == 0);
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TestProfile.WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition met in time").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
