// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Root, inclusion-proof and consistency-proof generation (RFC 9162 sections 2.1.1, 2.1.3.1 and
 * 2.1.4.1) over a store of <em>perfect</em> subtree hashes: the hash of every complete, aligned
 * subtree of {@code 2^level} leaves. Every hash a proof needs is one of those or is folded from
 * at most {@code log2(size)} of them (the tree's ragged right edge), so a proof costs one batched
 * read of {@code O(log^2 size)} stored hashes at worst and never rehashes leaves.
 *
 * <p>Stateless and thread-safe; the store decides its own consistency.
 */
public final class MerkleTree {
    /** The hash of the complete subtree of leaves {@code [index * 2^level, (index + 1) * 2^level)}. */
    public record Node(int level, long index) {
        public Node {
            if (level < 0 || level > 62 || index < 0) {
                throw new IllegalArgumentException("no tree node at level " + level + ", index " + index);
            }
        }

        public long firstLeaf() {
            return index << level;
        }
    }

    /** Where the perfect subtree hashes live: a database table, or memory in tests. */
    @FunctionalInterface
    public interface NodeSource {
        /**
         * The hashes of {@code nodes}, read together. Every node asked for lies inside the tree
         * the caller names, so a missing one is the store's inconsistency.
         *
         * @throws IllegalStateException when one is missing
         */
        Map<Node, TreeHash> hashes(Collection<Node> nodes);
    }

    private MerkleTree() {}

    /** The Merkle tree hash of the first {@code size} leaves. */
    public static TreeHash root(long size, NodeSource source) {
        checkSize(size);
        if (size == 0) {
            return TreeHash.EMPTY_ROOT;
        }
        return hashes(List.of(new Range(0, size)), source).getFirst();
    }

    /** The audit path of leaf {@code index} in the tree of {@code size} leaves, leaf side first. */
    public static List<TreeHash> inclusionProof(long index, long size, NodeSource source) {
        checkSize(size);
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + size + " leaves");
        }
        List<Range> ranges = new ArrayList<>();
        path(index, 0, size, ranges);
        return hashes(ranges, source);
    }

    /** The consistency proof from the tree of {@code size1} leaves to that of {@code size2}. */
    public static List<TreeHash> consistencyProof(long size1, long size2, NodeSource source) {
        checkSize(size2);
        if (size1 <= 0 || size1 > size2) {
            throw new IllegalArgumentException(
                    "a consistency proof needs 0 < from <= to, got " + size1 + " and " + size2);
        }
        List<Range> ranges = new ArrayList<>();
        subproof(size1, 0, size2, true, ranges);
        return hashes(ranges, source);
    }

    /**
     * The perfect nodes a tree of {@code size} leaves was last extended with, when leaf
     * {@code size - 1} was appended: the leaf itself and every subtree it completed. An appender
     * stores these: {@code completedBy(size)} lists them bottom-up.
     */
    public static List<Node> completedBy(long size) {
        checkSize(size);
        if (size == 0) {
            throw new IllegalArgumentException("the empty tree completes no node");
        }
        List<Node> out = new ArrayList<>();
        long index = size - 1;
        int level = 0;
        out.add(new Node(0, index));
        while ((index & 1) == 1) {
            index >>>= 1;
            level++;
            out.add(new Node(level, index));
        }
        return out;
    }

    private static void checkSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("a tree size is not negative, got " + size);
        }
    }

    /** Leaves {@code [start, end)}, a subtree as RFC 9162's recursion splits the tree. */
    private record Range(long start, long end) {}

    /** RFC 9162 2.1.3.1, PATH(m, D[start:end]), appending the sibling hashes bottom-up. */
    private static void path(long m, long start, long end, List<Range> out) {
        long n = end - start;
        if (n == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m < k) {
            path(m, start, start + k, out);
            out.add(new Range(start + k, end));
        } else {
            path(m - k, start + k, end, out);
            out.add(new Range(start, start + k));
        }
    }

    /** RFC 9162 2.1.4.1, SUBPROOF(m, D[start:end], b). */
    private static void subproof(long m, long start, long end, boolean whole, List<Range> out) {
        long n = end - start;
        if (m == n) {
            if (!whole) {
                out.add(new Range(start, end));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, start, start + k, whole, out);
            out.add(new Range(start + k, end));
        } else {
            subproof(m - k, start + k, end, false, out);
            out.add(new Range(start, start + k));
        }
    }

    /** The largest power of two strictly smaller than {@code n}, for {@code n > 1}. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static List<TreeHash> hashes(List<Range> ranges, NodeSource source) {
        Set<Node> needed = new LinkedHashSet<>();
        for (Range r : ranges) {
            perfectNodes(r.start(), r.end(), needed);
        }
        Map<Node, TreeHash> known = Objects.requireNonNull(source.hashes(needed), "source answered null");
        List<TreeHash> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(fold(r.start(), r.end(), known));
        }
        return out;
    }

    /**
     * Splits {@code [start, end)} the way RFC 9162 does until every part is a perfect aligned
     * subtree. Ranges from the recursions above always start at a multiple of their split size,
     * so each part is aligned.
     */
    private static void perfectNodes(long start, long end, Set<Node> out) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            out.add(new Node(Long.numberOfTrailingZeros(n), start / n));
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        perfectNodes(start, start + k, out);
        perfectNodes(start + k, end, out);
    }

    private static TreeHash fold(long start, long end, Map<Node, TreeHash> known) {
        long n = end - start;
        if (Long.bitCount(n) == 1 && start % n == 0) {
            Node node = new Node(Long.numberOfTrailingZeros(n), start / n);
            TreeHash h = known.get(node);
            if (h == null) {
                throw new IllegalStateException("the node store lacks " + node);
            }
            return h;
        }
        long k = largestPowerOfTwoBelow(n);
        return TreeHash.node(fold(start, start + k, known), fold(start + k, end, known));
    }
}
