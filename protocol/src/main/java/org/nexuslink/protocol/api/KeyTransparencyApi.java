// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.protocol.api;

import java.util.List;
import org.nexuslink.protocol.Bytes;

/**
 * The bodies of {@code /api/v1/kt} and the {@code key_transparency} field of prekey bundles
 * (docs/key-transparency.md): the server's Merkle log of account key changes, its signed heads
 * and proofs. Hashes, entries and signatures are raw bytes (base64 on the wire).
 */
public final class KeyTransparencyApi {
    private KeyTransparencyApi() {}

    /**
     * {@code GET /api/v1/kt/head}: a signed tree head, the log's size and root at
     * {@code timestamp} (Unix milliseconds), signed by the server key.
     */
    public record TreeHead(long treeSize, long timestamp, Bytes rootHash, Bytes signature) {}

    /** Seed 004's key history: when an identity key of the account entered the log. */
    public record KeyHistory(Bytes identityKey, long timestamp) {}

    /** A leaf: its index, its data (a canonical MsgPack log entry) and its audit path, leaf side first. */
    public record Entry(long leafIndex, Bytes entry, List<Bytes> inclusionProof) {
        public Entry {
            inclusionProof = inclusionProof == null ? List.of() : List.copyOf(inclusionProof);
        }
    }

    /**
     * {@code GET /api/v1/kt/proof/{account_id}}, and a bundle's {@code key_transparency}: an
     * account's entries, each proven under {@code treeHead}.
     */
    public record Proof(String accountId, List<KeyHistory> keyHistory, List<Entry> entries, TreeHead treeHead) {
        public Proof {
            keyHistory = keyHistory == null ? List.of() : List.copyOf(keyHistory);
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    /** {@code GET /api/v1/kt/consistency?from=&to=}: the RFC 9162 consistency proof between two sizes. */
    public record Consistency(long from, long to, List<Bytes> proof) {
        public Consistency {
            proof = proof == null ? List.of() : List.copyOf(proof);
        }
    }

    /** {@code GET /api/v1/kt/leaves?start=&count=}: consecutive leaves' data from {@code start}. */
    public record Leaves(long start, List<Bytes> entries) {
        public Leaves {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }
}
