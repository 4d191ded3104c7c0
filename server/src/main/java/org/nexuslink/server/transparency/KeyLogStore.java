// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.MerkleTree;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.server.storage.Database;
import org.nexuslink.server.storage.Dialect;

/**
 * Owns the key-transparency tables ({@code kt_state}, {@code kt_leaves}, {@code kt_nodes},
 * {@code kt_heads}, migration V8): the log's leaves, the hash of every complete subtree, and the
 * signed tree heads. Rows are only inserted; a leaf and the nodes it completes are written in the
 * caller's transaction, so the log and the key change it records commit together or not at all.
 *
 * <p>Thread-safe. Appenders serialise on the {@code kt_state} row ({@code FOR UPDATE} on
 * PostgreSQL; SQLite has one writer), so leaf indexes are dense on every node of a cluster.
 */
public final class KeyLogStore {
    /** Largest IN list per node read; a proof at 2^40 leaves needs fewer than 900 nodes. */
    private static final int READ_CHUNK = 500;

    /** A stored leaf: its index, the entry's bytes and when it was logged. */
    public record Leaf(long index, Bytes entry, Instant loggedAt) {
        public Leaf {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(loggedAt, "loggedAt");
        }
    }

    private final Database database;

    public KeyLogStore(Database database) {
        this.database = Objects.requireNonNull(database, "database");
    }

    /**
     * Appends {@code entry} as the next leaf inside the caller's transaction and stores the
     * subtree hashes it completes.
     *
     * @return the new leaf's index
     */
    public long append(Handle h, KeyLogEntry entry, Instant now) {
        long index = lockSize(h);
        long size = index + 1;
        byte[] data = entry.encode();
        h.createUpdate("INSERT INTO kt_leaves (leaf_index, account_id, entry, logged_at) "
                        + "VALUES (:index, :account, :entry, :at)")
                .bind("index", index).bind("account", entry.account().toString()).bind("entry", data)
                .bind("at", now.toEpochMilli()).execute();
        List<MerkleTree.Node> completed = MerkleTree.completedBy(size);
        TreeHash hash = TreeHash.leaf(data);
        // Bottom-up: each completed parent is its left sibling (stored earlier) and the hash below.
        for (int i = 0; i < completed.size(); i++) {
            MerkleTree.Node node = completed.get(i);
            if (i > 0) {
                MerkleTree.Node below = completed.get(i - 1);
                TreeHash left = node(h, new MerkleTree.Node(below.level(), below.index() - 1));
                hash = TreeHash.node(left, hash);
            }
            h.createUpdate("INSERT INTO kt_nodes (level, node_index, hash) VALUES (:level, :index, :hash)")
                    .bind("level", node.level()).bind("index", node.index()).bind("hash", hash.bytes()).execute();
        }
        h.createUpdate("UPDATE kt_state SET tree_size = :size WHERE id = 1").bind("size", size).execute();
        return index;
    }

    private long lockSize(Handle h) {
        String lock = database.dialect() == Dialect.POSTGRES ? " FOR UPDATE" : "";
        return h.createQuery("SELECT tree_size FROM kt_state WHERE id = 1" + lock).mapTo(Long.class).one();
    }

    private static TreeHash node(Handle h, MerkleTree.Node node) {
        return h.createQuery("SELECT hash FROM kt_nodes WHERE level = :level AND node_index = :index")
                .bind("level", node.level()).bind("index", node.index())
                .map((rs, ctx) -> TreeHash.of(rs.getBytes(1))).findOne()
                .orElseThrow(() -> new IllegalStateException("key log lacks node " + node));
    }

    /** The number of leaves committed. */
    public long size() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT tree_size FROM kt_state WHERE id = 1")
                .mapTo(Long.class).one());
    }

    /** Reads stored subtree hashes, for {@link MerkleTree}'s proofs; each read is one query per 500 nodes. */
    public MerkleTree.NodeSource nodes() {
        return this::hashes;
    }

    private Map<MerkleTree.Node, TreeHash> hashes(Collection<MerkleTree.Node> wanted) {
        List<MerkleTree.Node> all = List.copyOf(wanted);
        Map<MerkleTree.Node, TreeHash> out = new HashMap<>();
        database.jdbi().useHandle(h -> {
            for (int from = 0; from < all.size(); from += READ_CHUNK) {
                List<MerkleTree.Node> chunk = all.subList(from, Math.min(all.size(), from + READ_CHUNK));
                StringBuilder sql = new StringBuilder("SELECT level, node_index, hash FROM kt_nodes WHERE ");
                for (int i = 0; i < chunk.size(); i++) {
                    sql.append(i == 0 ? "" : " OR ").append("(level = ").append(chunk.get(i).level())
                            .append(" AND node_index = ").append(chunk.get(i).index()).append(')');
                }
                h.createQuery(sql.toString()).map((rs, ctx) -> Map.entry(
                                new MerkleTree.Node(rs.getInt(1), rs.getLong(2)), TreeHash.of(rs.getBytes(3))))
                        .forEach(e -> out.put(e.getKey(), e.getValue()));
            }
        });
        if (out.size() != all.size()) {
            throw new IllegalStateException("key log lacks " + (all.size() - out.size()) + " of " + all.size()
                    + " subtree hashes");
        }
        return out;
    }

    /** The account's leaves below {@code treeSize}, oldest first. */
    public List<Leaf> leaves(AccountId account, long treeSize) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT leaf_index, entry, logged_at FROM kt_leaves "
                        + "WHERE account_id = :account AND leaf_index < :size ORDER BY leaf_index")
                .bind("account", account.toString()).bind("size", treeSize)
                .map((rs, ctx) -> new Leaf(rs.getLong(1), Bytes.of(rs.getBytes(2)), Instant.ofEpochMilli(rs.getLong(3))))
                .list());
    }

    /** Leaves {@code [start, start + count)}, fewer at the end of the log. */
    public List<Leaf> leaves(long start, int count) {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT leaf_index, entry, logged_at FROM kt_leaves "
                        + "WHERE leaf_index >= :start AND leaf_index < :end ORDER BY leaf_index")
                .bind("start", start).bind("end", start + count)
                .map((rs, ctx) -> new Leaf(rs.getLong(1), Bytes.of(rs.getBytes(2)), Instant.ofEpochMilli(rs.getLong(3))))
                .list());
    }

    /** The signed head of the largest size. */
    public Optional<SignedTreeHead> latestHead() {
        return database.jdbi().withHandle(h -> h.createQuery("SELECT tree_size, signed_at, root_hash, signature "
                        + "FROM kt_heads ORDER BY tree_size DESC LIMIT 1")
                .map((rs, ctx) -> SignedTreeHead.of(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                        TreeHash.of(rs.getBytes(3)), rs.getBytes(4)))
                .findOne());
    }

    /**
     * Stores a head unless one of its size exists (another node signed it first); returns the
     * stored head of that size.
     */
    public SignedTreeHead saveHead(SignedTreeHead head) {
        return database.inTransaction(h -> {
            h.createUpdate("INSERT INTO kt_heads (tree_size, root_hash, signed_at, signature) "
                            + "VALUES (:size, :root, :at, :signature) ON CONFLICT (tree_size) DO NOTHING")
                    .bind("size", head.treeSize()).bind("root", head.root().bytes())
                    .bind("at", head.timestamp().toEpochMilli()).bind("signature", head.signature()).execute();
            return h.createQuery("SELECT tree_size, signed_at, root_hash, signature FROM kt_heads "
                            + "WHERE tree_size = :size").bind("size", head.treeSize())
                    .map((rs, ctx) -> SignedTreeHead.of(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                            TreeHash.of(rs.getBytes(3)), rs.getBytes(4)))
                    .one();
        });
    }
}
