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
import org.jdbi.v3.core.statement.PreparedBatch;
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
        return appendAll(h, List.of(entry), now);
    }

    /**
     * Appends {@code entries} in order inside the caller's transaction: one read of the tree's
     * right edge, then batched inserts of the leaves and of every subtree hash they complete.
     *
     * @return the first new leaf's index
     */
    public long appendAll(Handle h, List<KeyLogEntry> entries, Instant now) {
        long first = lockedSize(h);
        if (entries.isEmpty()) {
            return first;
        }
        // The perfect subtrees along the right edge: the only nodes a new leaf can complete with.
        List<MerkleTree.Node> edge = new ArrayList<>();
        long covered = 0;
        for (int level = 62; level >= 0; level--) {
            if ((first & (1L << level)) != 0) {
                edge.add(new MerkleTree.Node(level, covered >>> level));
                covered += 1L << level;
            }
        }
        Map<MerkleTree.Node, TreeHash> known = edge.isEmpty() ? Map.of() : hashes(h, edge);
        List<MerkleTree.Node> stack = new ArrayList<>(edge);
        List<TreeHash> stackHashes = new ArrayList<>();
        edge.forEach(n -> stackHashes.add(known.get(n)));
        PreparedBatch leaves = h.prepareBatch("INSERT INTO kt_leaves (leaf_index, account_id, entry, logged_at) "
                + "VALUES (:index, :account, :entry, :at)");
        PreparedBatch nodes =
                h.prepareBatch("INSERT INTO kt_nodes (level, node_index, hash) VALUES (:level, :index, :hash)");
        long index = first;
        for (KeyLogEntry entry : entries) {
            byte[] data = entry.encode();
            leaves.bind("index", index)
                    .bind("account", entry.account().toString())
                    .bind("entry", data)
                    .bind("at", now.toEpochMilli())
                    .add();
            MerkleTree.Node node = new MerkleTree.Node(0, index);
            TreeHash hash = TreeHash.leaf(data);
            nodes.bind("level", 0)
                    .bind("index", index)
                    .bind("hash", hash.bytes())
                    .add();
            // A binary counter: equal-sized neighbours on the edge merge into their parent.
            while (!stack.isEmpty() && stack.getLast().level() == node.level()) {
                hash = TreeHash.node(stackHashes.removeLast(), hash);
                stack.removeLast();
                node = new MerkleTree.Node(node.level() + 1, node.index() >>> 1);
                nodes.bind("level", node.level())
                        .bind("index", node.index())
                        .bind("hash", hash.bytes())
                        .add();
            }
            stack.add(node);
            stackHashes.add(hash);
            index++;
        }
        leaves.execute();
        nodes.execute();
        h.createUpdate("UPDATE kt_state SET tree_size = :size WHERE id = 1")
                .bind("size", index)
                .execute();
        return first;
    }

    /**
     * The tree size, with {@code kt_state}'s row locked until the caller's transaction ends (on
     * PostgreSQL; SQLite has one writer): no other appender gets between this read and the
     * caller's writes.
     */
    public long lockedSize(Handle h) {
        String lock = database.dialect() == Dialect.POSTGRES ? " FOR UPDATE" : "";
        return h.createQuery("SELECT tree_size FROM kt_state WHERE id = 1" + lock)
                .mapTo(Long.class)
                .one();
    }

    /** The number of leaves committed. */
    public long size() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT tree_size FROM kt_state WHERE id = 1")
                        .mapTo(Long.class)
                        .one());
    }

    /** Reads stored subtree hashes, for {@link MerkleTree}'s proofs; each read is one query. */
    public MerkleTree.NodeSource nodes() {
        return this::hashes;
    }

    private Map<MerkleTree.Node, TreeHash> hashes(Collection<MerkleTree.Node> wanted) {
        return database.jdbi().withHandle(h -> hashes(h, wanted));
    }

    /**
     * One statement, answered from the primary key. PostgreSQL joins two bound arrays (one plan,
     * prepared once); SQLite joins a VALUES list (a long OR list makes it scan the table; planning
     * is cheap there).
     */
    private Map<MerkleTree.Node, TreeHash> hashes(Handle h, Collection<MerkleTree.Node> wanted) {
        if (database.dialect() == Dialect.POSTGRES) {
            List<MerkleTree.Node> nodes = List.copyOf(new java.util.LinkedHashSet<>(wanted));
            Map<MerkleTree.Node, TreeHash> out = new HashMap<>();
            if (!nodes.isEmpty()) {
                h.createQuery("SELECT n.level, n.node_index, n.hash FROM kt_nodes n "
                                + "JOIN unnest(:levels, :indexes) AS w(level, node_index) "
                                + "ON n.level = w.level AND n.node_index = w.node_index")
                        .bindArray(
                                "levels",
                                Integer.class,
                                nodes.stream().map(MerkleTree.Node::level).toList())
                        .bindArray(
                                "indexes",
                                Long.class,
                                nodes.stream().map(MerkleTree.Node::index).toList())
                        .map((rs, ctx) -> Map.entry(
                                new MerkleTree.Node(rs.getInt(1), rs.getLong(2)), TreeHash.of(rs.getBytes(3))))
                        .forEach(e -> out.put(e.getKey(), e.getValue()));
            }
            return complete(out, nodes.size());
        }
        return valuesJoin(h, wanted);
    }

    private static Map<MerkleTree.Node, TreeHash> complete(Map<MerkleTree.Node, TreeHash> found, int wanted) {
        if (found.size() != wanted) {
            throw new IllegalStateException(
                    "key log lacks " + (wanted - found.size()) + " of " + wanted + " subtree hashes");
        }
        return found;
    }

    private static Map<MerkleTree.Node, TreeHash> valuesJoin(Handle h, Collection<MerkleTree.Node> wanted) {
        List<MerkleTree.Node> nodes = List.copyOf(new java.util.LinkedHashSet<>(wanted));
        Map<MerkleTree.Node, TreeHash> out = new HashMap<>();
        if (nodes.isEmpty()) {
            return out;
        }
        // Integers the tree computed, never input: inlined.
        StringBuilder sql = new StringBuilder("WITH w(level, node_index) AS (VALUES ");
        for (int i = 0; i < nodes.size(); i++) {
            sql.append(i == 0 ? "(" : ", (")
                    .append(nodes.get(i).level())
                    .append(", ")
                    .append(nodes.get(i).index())
                    .append(')');
        }
        sql.append(") SELECT n.level, n.node_index, n.hash FROM w JOIN kt_nodes n "
                + "ON n.level = w.level AND n.node_index = w.node_index");
        h.createQuery(sql.toString())
                .map((rs, ctx) ->
                        Map.entry(new MerkleTree.Node(rs.getInt(1), rs.getLong(2)), TreeHash.of(rs.getBytes(3))))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return complete(out, nodes.size());
    }

    /** The account's leaves below {@code treeSize}, oldest first. */
    public List<Leaf> leaves(AccountId account, long treeSize) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT leaf_index, entry, logged_at FROM kt_leaves "
                                + "WHERE account_id = :account AND leaf_index < :size ORDER BY leaf_index")
                        .bind("account", account.toString())
                        .bind("size", treeSize)
                        .map((rs, ctx) ->
                                new Leaf(rs.getLong(1), Bytes.of(rs.getBytes(2)), Instant.ofEpochMilli(rs.getLong(3))))
                        .list());
    }

    /** Leaves {@code [start, start + count)}, fewer at the end of the log. */
    public List<Leaf> leaves(long start, int count) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT leaf_index, entry, logged_at FROM kt_leaves "
                                + "WHERE leaf_index >= :start AND leaf_index < :end ORDER BY leaf_index")
                        .bind("start", start)
                        .bind("end", start + count)
                        .map((rs, ctx) ->
                                new Leaf(rs.getLong(1), Bytes.of(rs.getBytes(2)), Instant.ofEpochMilli(rs.getLong(3))))
                        .list());
    }

    /** The signed head of the largest size. */
    public Optional<SignedTreeHead> latestHead() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT tree_size, signed_at, root_hash, signature "
                                + "FROM kt_heads ORDER BY tree_size DESC LIMIT 1")
                        .map((rs, ctx) -> SignedTreeHead.of(
                                rs.getLong(1),
                                Instant.ofEpochMilli(rs.getLong(2)),
                                TreeHash.of(rs.getBytes(3)),
                                rs.getBytes(4)))
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
                    .bind("size", head.treeSize())
                    .bind("root", head.root().bytes())
                    .bind("at", head.timestamp().toEpochMilli())
                    .bind("signature", head.signature())
                    .execute();
            return h.createQuery("SELECT tree_size, signed_at, root_hash, signature FROM kt_heads "
                            + "WHERE tree_size = :size")
                    .bind("size", head.treeSize())
                    .map((rs, ctx) -> SignedTreeHead.of(
                            rs.getLong(1),
                            Instant.ofEpochMilli(rs.getLong(2)),
                            TreeHash.of(rs.getBytes(3)),
                            rs.getBytes(4)))
                    .one();
        });
    }
}
