// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transaction is synced to the disk at its commit, except those run with
 * {@link ProfileStore#transactionSyncedLater}, which wait for the next {@link ProfileStore#sync()}
 * or synced commit; one sync covers every commit before it.
 */
class StoreSyncTest {
    @TempDir
    Path dir;

    @Test
    void a_transaction_is_synced_at_its_commit() {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            long syncs = store.syncs();
            store.transaction(() -> store.settings().put("a", new byte[] {1}));
            store.settings().put("b", new byte[] {2}); // a transaction of its own
            assertThat(store.syncs()).isEqualTo(syncs + 2);
            store.sync();
            assertThat(store.syncs()).as("nothing left to sync").isEqualTo(syncs + 2);
        }
    }

    @Test
    void transactions_synced_later_share_one_sync() {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            long syncs = store.syncs();
            long commits = store.commits();
            for (int i = 0; i < 3; i++) {
                byte[] value = {(byte) i};
                store.transactionSyncedLater(() -> store.settings().put("k" + value[0], value));
            }
            int returned = store.inTransactionSyncedLater(() -> {
                store.settings().put("k3", new byte[] {3});
                return 7;
            });
            assertThat(returned).isEqualTo(7);
            assertThat(store.commits()).isEqualTo(commits + 4);
            assertThat(store.syncs()).as("committed, not synced").isEqualTo(syncs);
            assertThat(store.settings().get("k2"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(2));

            store.sync();
            assertThat(store.syncs()).isEqualTo(syncs + 1);
            store.sync();
            assertThat(store.syncs()).isEqualTo(syncs + 1);

            // A synced transaction after an unsynced one syncs both with its one sync.
            store.transactionSyncedLater(() -> store.settings().put("later", new byte[] {4}));
            store.settings().put("now", new byte[] {5});
            assertThat(store.syncs()).isEqualTo(syncs + 2);
            store.sync();
            assertThat(store.syncs()).isEqualTo(syncs + 2);
        }
        try (ProfileStore reopened = profile.open()) {
            assertThat(reopened.settings().get("k0"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(0));
            assertThat(reopened.settings().get("later"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(4));
        }
    }

    @Test
    void work_that_asks_for_a_synced_transaction_inside_one_synced_later_gets_it() {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            long syncs = store.syncs();
            store.transactionSyncedLater(() -> {
                store.settings().put("received", new byte[] {1});
                store.transaction(() -> store.settings().put("must be on disk", new byte[] {2}));
            });
            assertThat(store.syncs()).isEqualTo(syncs + 1);
        }
    }

    @Test
    void a_failed_transaction_synced_later_leaves_nothing_to_sync() {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            long syncs = store.syncs();
            assertThatThrownBy(() -> store.transactionSyncedLater(() -> {
                        store.settings().put("undone", new byte[] {1});
                        throw new IllegalStateException("the message was bad");
                    }))
                    .hasMessage("the message was bad");
            assertThatThrownBy(() -> store.inTransactionSyncedLater(() -> {
                        store.settings().put("undone too", new byte[] {2});
                        throw new java.io.IOException("the disk said no");
                    }))
                    .isInstanceOf(java.io.IOException.class)
                    .hasMessage("the disk said no");
            store.sync();
            assertThat(store.syncs()).isEqualTo(syncs);
            assertThat(store.settings().get("undone")).isEmpty();
            assertThat(store.settings().get("undone too")).isEmpty();
        }
    }

    @Test
    void a_copy_taken_while_open_opens_with_every_synced_commit(@TempDir Path elsewhere) throws Exception {
        TestProfile profile = TestProfile.create(dir, "p");
        try (ProfileStore store = profile.open()) {
            store.settings().put("before", new byte[] {1});
            store.transactionSyncedLater(() -> store.settings().put("synced later", new byte[] {2}));
            store.sync();
            // What a crash leaves: the file and its log as they are now, nothing checkpointed.
            assertThat(Path.of(profile.file() + "-wal")).isNotEmptyFile();
            Files.copy(profile.file(), elsewhere.resolve("p.db"));
            Files.copy(Path.of(profile.file() + "-wal"), elsewhere.resolve("p.db-wal"));
        }
        // An older client shared its log's index in a -shm file: one left behind does not get in the way.
        Files.write(elsewhere.resolve("p.db-shm"), new byte[32 * 1024]);
        TestProfile copy =
                new TestProfile(profile.accountId(), profile.deviceId(), profile.device(), elsewhere.resolve("p.db"));
        try (ProfileStore reopened = copy.open()) {
            assertThat(reopened.settings().get("before"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(1));
            assertThat(reopened.settings().get("synced later"))
                    .hasValueSatisfying(v -> assertThat(v).containsExactly(2));
        }
    }
}
