// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Merkle tree held in memory: the perfect subtree hashes of {@link MerkleTree}, appended leaf
 * by leaf. For clients and auditors that rebuild a log they downloaded, and for tests. Not
 * thread-safe: one owner appends and reads.
 */
public final class MemoryMerkleTree implements MerkleTree.NodeSource {
    /** levels.get(l).get(i) is the hash of node (l, i). */
    private final List<List<TreeHash>> levels = new ArrayList<>();

    private long size;

    /** Appends a leaf holding {@code data}; returns its index. */
    public long append(byte[] data) {
        return appendLeafHash(TreeHash.leaf(data));
    }

    /** Appends a leaf by its hash; returns its index. */
    public long appendLeafHash(TreeHash leafHash) {
        Objects.requireNonNull(leafHash, "leafHash");
        long index = size;
        TreeHash h = leafHash;
        int level = 0;
        long i = index;
        while (true) {
            if (levels.size() == level) {
                levels.add(new ArrayList<>());
            }
            levels.get(level).add(h);
            if ((i & 1) == 0) {
                break;
            }
            h = TreeHash.node(levels.get(level).get((int) (i - 1)), h);
            i >>>= 1;
            level++;
        }
        size++;
        return index;
    }

    public long size() {
        return size;
    }

    public TreeHash root() {
        return MerkleTree.root(size, this);
    }

    public TreeHash root(long treeSize) {
        checkWithin(treeSize);
        return MerkleTree.root(treeSize, this);
    }

    public List<TreeHash> inclusionProof(long index, long treeSize) {
        checkWithin(treeSize);
        return MerkleTree.inclusionProof(index, treeSize, this);
    }

    public List<TreeHash> consistencyProof(long size1, long size2) {
        checkWithin(size2);
        return MerkleTree.consistencyProof(size1, size2, this);
    }

    private void checkWithin(long treeSize) {
        if (treeSize > size) {
            throw new IllegalArgumentException("tree size " + treeSize + " is larger than the log (" + size + ")");
        }
    }

    @Override
    public Map<MerkleTree.Node, TreeHash> hashes(Collection<MerkleTree.Node> nodes) {
        Map<MerkleTree.Node, TreeHash> out = new HashMap<>();
        for (MerkleTree.Node n : nodes) {
            if (n.level() >= levels.size() || n.index() >= levels.get(n.level()).size()) {
                throw new IllegalStateException("no stored hash for " + n);
            }
            out.put(n, levels.get(n.level()).get((int) n.index()));
        }
        return out;
    }
}
