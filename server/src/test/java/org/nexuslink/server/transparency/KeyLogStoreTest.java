// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MemoryMerkleTree;
import org.nexuslink.crypto.transparency.MerkleProofs;
import org.nexuslink.crypto.transparency.MerkleTree;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.testing.DatabaseTest;

/** The stored tree on SQLite and PostgreSQL against the in-memory reference of the crypto module. */
class KeyLogStoreTest {
    private static final Instant T = Instant.ofEpochSecond(1_800_000_000L);

    private static List<KeyLogEntry> entries(int n) {
        List<KeyLogEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new KeyLogEntry.IdentityKey(AccountIdentity.generate().accountId(), T.plusSeconds(i)));
        }
        return out;
    }

    @DatabaseTest
    void stored_roots_and_proofs_equal_the_reference_tree(Database database) throws Exception {
        KeyLogStore store = new KeyLogStore(database);
        MemoryMerkleTree reference = new MemoryMerkleTree();
        List<KeyLogEntry> entries = entries(37);
        for (KeyLogEntry e : entries) {
            long index = database.inTransaction(h -> store.append(h, e, T));
            assertThat(index).isEqualTo(reference.append(e.encode()));
        }
        assertThat(store.size()).isEqualTo(37);
        for (long size = 1; size <= 37; size++) {
            assertThat(MerkleTree.root(size, store.nodes())).isEqualTo(reference.root(size));
        }
        for (long index = 0; index < 37; index += 5) {
            List<TreeHash> proof = MerkleTree.inclusionProof(index, 37, store.nodes());
            assertThat(proof).isEqualTo(reference.inclusionProof(index, 37));
            MerkleProofs.verifyInclusion(index, 37, entries.get((int) index).leafHash(), proof, reference.root());
        }
        for (long from = 1; from < 37; from += 7) {
            assertThat(MerkleTree.consistencyProof(from, 37, store.nodes()))
                    .isEqualTo(reference.consistencyProof(from, 37));
        }
        assertThat(store.leaves(entries.get(3).account(), 37))
                .singleElement()
                .satisfies(l -> assertThat(l.index()).isEqualTo(3));
        assertThat(store.leaves(entries.get(3).account(), 3)).isEmpty();
        assertThat(store.leaves(30, 100)).hasSize(7);
    }

    @DatabaseTest
    void batched_appends_store_the_same_tree_as_single_ones(Database database) {
        KeyLogStore store = new KeyLogStore(database);
        MemoryMerkleTree reference = new MemoryMerkleTree();
        List<KeyLogEntry> entries = entries(70);
        int[] batches = {1, 2, 5, 16, 3, 31, 0, 12};
        int at = 0;
        for (int n : batches) {
            List<KeyLogEntry> batch = entries.subList(at, at + n);
            long first = database.inTransaction(h -> store.appendAll(h, batch, T));
            assertThat(first).isEqualTo(at);
            batch.forEach(e -> reference.append(e.encode()));
            at += n;
            assertThat(store.size()).isEqualTo(at);
            if (at > 0) {
                assertThat(MerkleTree.root(at, store.nodes())).isEqualTo(reference.root());
            }
        }
        long nodes = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM kt_nodes")
                        .mapTo(Long.class)
                        .one());
        assertThat(nodes).as("every complete subtree of 70 leaves, once").isEqualTo(70 + 35 + 17 + 8 + 4 + 2 + 1);
    }

    @DatabaseTest
    void a_rolled_back_change_leaves_no_leaf_behind(Database database) {
        KeyLogStore store = new KeyLogStore(database);
        database.inTransaction(h -> store.append(h, entries(1).getFirst(), T));
        try {
            database.inTransaction(h -> {
                store.append(h, entries(1).getFirst(), T);
                throw new IllegalStateException("the key change failed");
            });
        } catch (IllegalStateException expected) {
            // The change and its leaf go together.
        }
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.leaves(0, 10)).hasSize(1);
        long nodes = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM kt_nodes")
                        .mapTo(Long.class)
                        .one());
        assertThat(nodes).isEqualTo(1);
    }

    @DatabaseTest
    void concurrent_appenders_get_dense_indexes(Database database) throws Exception {
        KeyLogStore store = new KeyLogStore(database);
        List<KeyLogEntry> entries = entries(40);
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> indexes = new ArrayList<>();
            for (KeyLogEntry e : entries) {
                indexes.add(pool.submit(() -> database.inTransaction(h -> store.append(h, e, T))));
            }
            List<Long> got = new ArrayList<>();
            for (Future<Long> f : indexes) {
                got.add(f.get());
            }
            assertThat(got)
                    .containsExactlyInAnyOrderElementsOf(
                            java.util.stream.LongStream.range(0, 40).boxed().toList());
        }
        MemoryMerkleTree reference = new MemoryMerkleTree();
        store.leaves(0, 40).forEach(l -> reference.append(l.entry().toByteArray()));
        assertThat(MerkleTree.root(40, store.nodes())).isEqualTo(reference.root());
    }
}
