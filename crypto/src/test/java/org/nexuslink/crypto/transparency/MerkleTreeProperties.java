// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random trees against the RFC 9162 definition written out directly (MTH, PATH and SUBPROOF over
 * the leaf list), and every generated proof verified, then broken.
 */
class MerkleTreeProperties {

    @Property(tries = 200)
    void roots_equal_the_rfc_definition(@ForAll @IntRange(min = 0, max = 300) int size) {
        List<TreeHash> leaves = leafHashes(size);
        MemoryMerkleTree tree = tree(leaves);
        assertThat(tree.root()).isEqualTo(mth(leaves, 0, size));
    }

    @Property(tries = 300)
    void inclusion_proofs_equal_the_rfc_definition_and_verify(
            @ForAll @IntRange(min = 1, max = 300) int size,
            @ForAll @IntRange(min = 0, max = 299) int rawIndex,
            @ForAll @IntRange(min = 1, max = 300) int rawTreeSize)
            throws InvalidProofException {
        List<TreeHash> leaves = leafHashes(size);
        MemoryMerkleTree tree = tree(leaves);
        int treeSize = 1 + rawTreeSize % size;
        int index = rawIndex % treeSize;
        List<TreeHash> proof = tree.inclusionProof(index, treeSize);
        assertThat(proof).isEqualTo(path(leaves, index, 0, treeSize));
        MerkleProofs.verifyInclusion(index, treeSize, leaves.get(index), proof, tree.root(treeSize));
    }

    @Property(tries = 300)
    void consistency_proofs_equal_the_rfc_definition_and_verify(
            @ForAll @IntRange(min = 1, max = 300) int a, @ForAll @IntRange(min = 1, max = 300) int b)
            throws InvalidProofException {
        int size1 = Math.min(a, b);
        int size2 = Math.max(a, b);
        List<TreeHash> leaves = leafHashes(size2);
        MemoryMerkleTree tree = tree(leaves);
        List<TreeHash> proof = tree.consistencyProof(size1, size2);
        List<TreeHash> expected = new ArrayList<>();
        subproof(leaves, size1, 0, size2, true, expected);
        assertThat(proof).isEqualTo(expected);
        MerkleProofs.verifyConsistency(size1, size2, tree.root(size1), tree.root(size2), proof);
    }

    @Property(tries = 300)
    void a_changed_hash_or_index_breaks_an_inclusion_proof(
            @ForAll @IntRange(min = 2, max = 200) int size,
            @ForAll @IntRange(min = 0, max = 199) int rawIndex,
            @ForAll @IntRange(min = 0, max = 40) int which) {
        List<TreeHash> leaves = leafHashes(size);
        MemoryMerkleTree tree = tree(leaves);
        int index = rawIndex % size;
        List<TreeHash> proof = new ArrayList<>(tree.inclusionProof(index, size));
        TreeHash root = tree.root();
        int slot = which % (proof.size() + 2);
        if (slot < proof.size()) {
            proof.set(slot, flip(proof.get(slot)));
            assertThatThrownBy(() -> MerkleProofs.verifyInclusion(index, size, leaves.get(index), proof, root))
                    .isInstanceOf(InvalidProofException.class);
        } else if (slot == proof.size()) {
            assertThatThrownBy(() -> MerkleProofs.verifyInclusion(index, size, flip(leaves.get(index)), proof, root))
                    .isInstanceOf(InvalidProofException.class);
        } else {
            int other = (index + 1) % size;
            assertThatThrownBy(() -> MerkleProofs.verifyInclusion(other, size, leaves.get(index), proof, root))
                    .isInstanceOf(InvalidProofException.class);
        }
    }

    @Property(tries = 300)
    void a_fork_or_a_changed_hash_breaks_a_consistency_proof(
            @ForAll @IntRange(min = 1, max = 200) int a,
            @ForAll @IntRange(min = 2, max = 200) int b,
            @ForAll @IntRange(min = 0, max = 40) int which)
            throws InvalidProofException {
        int size1 = Math.min(a, b - 1);
        int size2 = b;
        List<TreeHash> leaves = leafHashes(size2);
        MemoryMerkleTree tree = tree(leaves);
        List<TreeHash> proof = new ArrayList<>(tree.consistencyProof(size1, size2));
        TreeHash root1 = tree.root(size1);
        // A fork: the same size1 leaves but one of them rewritten.
        List<TreeHash> forked = new ArrayList<>(leaves);
        int victim = which % size1;
        forked.set(victim, flip(forked.get(victim)));
        MemoryMerkleTree other = tree(forked);
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(
                        size1, size2, root1, other.root(size2), other.consistencyProof(size1, size2)))
                .isInstanceOf(InvalidProofException.class);
        int slot = which % proof.size();
        proof.set(slot, flip(proof.get(slot)));
        assertThatThrownBy(() -> MerkleProofs.verifyConsistency(size1, size2, root1, tree.root(), proof))
                .isInstanceOf(InvalidProofException.class);
    }

    @Property(tries = 100)
    void completed_nodes_are_exactly_those_an_append_stores(@ForAll @IntRange(min = 1, max = 5000) int size) {
        List<MerkleTree.Node> nodes = MerkleTree.completedBy(size);
        assertThat(nodes.getFirst()).isEqualTo(new MerkleTree.Node(0, size - 1));
        assertThat(nodes).hasSize(1 + Integer.numberOfTrailingZeros(size));
        MerkleTree.Node top = nodes.getLast();
        assertThat(top.firstLeaf() + (1L << top.level())).isEqualTo(size);
        assertThatCode(() -> new MemoryMerkleTree().hashes(List.of())).doesNotThrowAnyException();
    }

    private static TreeHash flip(TreeHash h) {
        byte[] b = h.bytes();
        b[7] ^= 0x10;
        return TreeHash.of(b);
    }

    static List<TreeHash> leafHashes(int size) {
        List<TreeHash> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(TreeHash.leaf(ByteBuffer.allocate(4).putInt(i * 7919).array()));
        }
        return out;
    }

    private static MemoryMerkleTree tree(List<TreeHash> leaves) {
        MemoryMerkleTree t = new MemoryMerkleTree();
        leaves.forEach(t::appendLeafHash);
        return t;
    }

    private static int k(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    /** RFC 9162 2.1.1 MTH(D[start:end]), over leaf hashes. */
    private static TreeHash mth(List<TreeHash> leaves, int start, int end) {
        int n = end - start;
        if (n == 0) {
            return TreeHash.EMPTY_ROOT;
        }
        if (n == 1) {
            return leaves.get(start);
        }
        int k = k(n);
        return TreeHash.node(mth(leaves, start, start + k), mth(leaves, start + k, end));
    }

    private static List<TreeHash> path(List<TreeHash> leaves, int m, int start, int end) {
        int n = end - start;
        List<TreeHash> out = new ArrayList<>();
        if (n == 1) {
            return out;
        }
        int k = k(n);
        if (m < k) {
            out.addAll(path(leaves, m, start, start + k));
            out.add(mth(leaves, start + k, end));
        } else {
            out.addAll(path(leaves, m - k, start + k, end));
            out.add(mth(leaves, start, start + k));
        }
        return out;
    }

    private static void subproof(List<TreeHash> leaves, int m, int start, int end, boolean b, List<TreeHash> out) {
        int n = end - start;
        if (m == n) {
            if (!b) {
                out.add(mth(leaves, start, end));
            }
            return;
        }
        int k = k(n);
        if (m <= k) {
            subproof(leaves, m, start, start + k, b, out);
            out.add(mth(leaves, start + k, end));
        } else {
            subproof(leaves, m - k, start + k, end, false, out);
            out.add(mth(leaves, start, start + k));
        }
    }
}
