// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.transparency;

import java.util.List;
import java.util.Objects;

/**
 * Verification of RFC 9162 inclusion (section 2.1.3.2) and consistency (section 2.1.4.2) proofs.
 * Stateless and thread-safe.
 *
 * <p>Edge cases follow transparency-dev/merkle, whose test vectors {@code MerkleVectorsTest}
 * runs: an index must lie inside the tree, and a consistency proof needs {@code 0 < size1 <=
 * size2} (a proof from the empty tree proves nothing, so a client that has seen no head yet
 * simply starts from the first one).
 */
public final class MerkleProofs {
    private MerkleProofs() {}

    /**
     * Checks that the leaf with hash {@code leafHash} sits at {@code index} in the tree of
     * {@code size} leaves whose root is {@code root}.
     *
     * @param proof the audit path, from the leaf's sibling up to the root's child
     * @throws InvalidProofException naming what does not hold
     */
    public static void verifyInclusion(long index, long size, TreeHash leafHash, List<TreeHash> proof, TreeHash root)
            throws InvalidProofException {
        TreeHash computed = rootFromInclusionProof(index, size, leafHash, proof);
        if (!computed.equals(Objects.requireNonNull(root, "root"))) {
            throw new InvalidProofException("inclusion proof of leaf " + index + " leads to root " + computed
                    + ", not to the tree head's root " + root);
        }
    }

    /** The root an inclusion proof leads to (RFC 9162 section 2.1.3.2, steps 1 to 5). */
    static TreeHash rootFromInclusionProof(long index, long size, TreeHash leafHash, List<TreeHash> proof)
            throws InvalidProofException {
        Objects.requireNonNull(leafHash, "leafHash");
        Objects.requireNonNull(proof, "proof");
        if (index < 0 || size < 0 || index >= size) {
            throw new InvalidProofException("leaf index " + index + " is not inside a tree of size " + size);
        }
        long fn = index;
        long sn = size - 1;
        TreeHash r = leafHash;
        for (TreeHash p : proof) {
            if (sn == 0) {
                throw new InvalidProofException("inclusion proof for leaf " + index + " of " + size
                        + " is longer than the path (" + proof.size() + " hashes)");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = TreeHash.node(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = TreeHash.node(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("inclusion proof for leaf " + index + " of " + size
                    + " is shorter than the path (" + proof.size() + " hashes)");
        }
        return r;
    }

    /**
     * Checks that the tree of {@code size1} leaves with root {@code root1} is a prefix of the
     * tree of {@code size2} leaves with root {@code root2}: the log only grew.
     *
     * @throws InvalidProofException naming what does not hold
     */
    public static void verifyConsistency(long size1, long size2, TreeHash root1, TreeHash root2, List<TreeHash> proof)
            throws InvalidProofException {
        Objects.requireNonNull(root1, "root1");
        Objects.requireNonNull(root2, "root2");
        Objects.requireNonNull(proof, "proof");
        if (size1 <= 0 || size2 < size1) {
            throw new InvalidProofException(
                    "a consistency proof needs 0 < size1 <= size2, got " + size1 + " and " + size2);
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException(
                        "two heads of one size need an empty consistency proof, got " + proof.size() + " hashes");
            }
            if (!root1.equals(root2)) {
                throw new InvalidProofException("two heads of size " + size1 + " have different roots " + root1
                        + " and " + root2 + ": the log was forked");
            }
            return;
        }
        if (proof.isEmpty()) {
            throw new InvalidProofException("empty consistency proof from size " + size1 + " to " + size2);
        }
        // RFC 9162 section 2.1.4.2.
        int i = 0;
        TreeHash first;
        if (Long.bitCount(size1) == 1) {
            first = root1;
        } else {
            first = proof.get(i++);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        TreeHash fr = first;
        TreeHash sr = first;
        for (; i < proof.size(); i++) {
            TreeHash c = proof.get(i);
            if (sn == 0) {
                throw new InvalidProofException(
                        "consistency proof from " + size1 + " to " + size2 + " is longer than it should be");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = TreeHash.node(c, fr);
                sr = TreeHash.node(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = TreeHash.node(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException(
                    "consistency proof from " + size1 + " to " + size2 + " is shorter than it should be");
        }
        if (!fr.equals(root1)) {
            throw new InvalidProofException("consistency proof does not lead to the root of size " + size1
                    + ": the log was rewritten or forked");
        }
        if (!sr.equals(root2)) {
            throw new InvalidProofException("consistency proof does not lead to the root of size " + size2
                    + ": the log was rewritten or forked");
        }
    }
}
