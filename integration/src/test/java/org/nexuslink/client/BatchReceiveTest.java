// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.MessagesApi;
import org.nexuslink.server.storage.DatabaseUrl;
import org.nexuslink.server.testing.DatabaseTest;
import org.nexuslink.server.testing.MutableClock;

/**
 * A client opens the messages that reach it together in one store transaction and acknowledges
 * them after its commit is synced to the disk (offline ones drained on connect, and pushes that
 * queued up while it was busy). One message that cannot be opened in the middle of such a batch is rejected alone: the
 * others are stored and shown in order, and every one of them is acknowledged, so nothing stays
 * queued on the server.
 */
class BatchReceiveTest {
    private final MutableClock clock = new MutableClock();

    @TempDir
    Path dir;

    @DatabaseTest
    void a_forged_message_inside_a_burst_is_rejected_alone(DatabaseUrl url) throws Exception {
        // Alice sends as fast as she can; the server's flood limits are not under test here.
        try (TwoMembers members = TwoMembers.joinedWithoutFloodLimits(url, clock, dir)) {
            TestProfile alice = members.alice();
            TestProfile bob = members.bob();
            alice.client.sendText(bob.dm(), "hello", Optional.empty());
            assertThat(bob.next().text()).isEqualTo("hello");

            // Offline: the server pushes the burst on connect, then queue_empty; connect() returns
            // once the notice is taken, so the burst is stored by then.
            bob.close();
            List<String> offline = burst(alice, bob, "offline", 40);
            bob.reopen();
            bob.client.connect();
            assertThat(bob.client.history(alice.dm(), 500))
                    .as("stored when connect() returns")
                    .hasSize(1 + offline.size());
            assertThat(bob.nextTexts(offline.size())).containsExactlyElementsOf(offline);
            assertThat(bob.rejected.poll(20, TimeUnit.SECONDS)).isEqualTo(alice.id());
            assertQueueEmpty(bob);
            assertSynced(bob);

            // Online: pushes arrive faster than one commit each; they queue up and go in batches.
            List<String> online = burst(alice, bob, "online", 100);
            assertThat(bob.nextTexts(online.size())).containsExactlyElementsOf(online);
            assertThat(bob.rejected.poll(20, TimeUnit.SECONDS)).isEqualTo(alice.id());
            bob.assertNothingMore();
            assertQueueEmpty(bob);
            assertSynced(bob);
            assertThat(bob.client.history(alice.dm(), 500)).hasSize(1 + offline.size() + online.size());
        }
    }

    /**
     * Alice sends {@code count} texts with a forged copy (bytes that are no Signal message) after
     * the first half; returns the texts in the order sent.
     */
    private static List<String> burst(TestProfile alice, TestProfile bob, String label, int count) throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i : IntStream.rangeClosed(1, count).toArray()) {
            if (i == count / 2 + 1) {
                byte[] id = new byte[16];
                java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
                alice.client.request(
                        ApiRoute.MESSAGES_SEND,
                        new MessagesApi.SendRequest(
                                Bytes.of(id),
                                List.of(new MessagesApi.Copy(
                                        bob.id(),
                                        1,
                                        2,
                                        Bytes.of("no Signal message at all"
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))))),
                        MessagesApi.SendResponse.class);
            }
            String text = label + " " + i;
            alice.client.sendText(bob.dm(), text, Optional.empty());
            texts.add(text);
        }
        return texts;
    }

    /**
     * Bob's batches are committed without waiting for the disk and acknowledged after one sync for
     * them all: once every message is acknowledged, nothing is left to sync.
     */
    private static void assertSynced(TestProfile bob) {
        long syncs = bob.client.store().syncs();
        bob.client.store().sync();
        assertThat(bob.client.store().syncs())
                .as("a commit acknowledged before it was synced")
                .isEqualTo(syncs);
    }

    /** Every message was acknowledged: the server holds none for Bob any more (acks are asynchronous). */
    private static void assertQueueEmpty(TestProfile bob) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<MessagesApi.Pending> pending;
        do {
            pending = bob.client
                    .request(ApiRoute.MESSAGES_PENDING, null, MessagesApi.PendingPage.class)
                    .messages();
            if (pending.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertThat(pending).as("messages left unacknowledged on the server").isEmpty();
    }
}
