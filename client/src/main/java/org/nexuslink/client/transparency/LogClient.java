// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.KeyTransparencyApi;

/**
 * Reads a community server's key-transparency routes ({@code /api/v1/kt/...}, no token) and
 * parses their JSON into values; verifies nothing itself. Thread-safe.
 */
public final class LogClient {
    /** A leaf with its inclusion proof. */
    public record ProvenEntry(long index, Bytes data, List<TreeHash> inclusionProof) {
        public ProvenEntry {
            Objects.requireNonNull(data, "data");
            inclusionProof = List.copyOf(inclusionProof);
        }
    }

    /** An account's entries as the server shows them, with the head they are proven under. */
    public record AccountLog(AccountId account, SignedTreeHead head, List<ProvenEntry> entries) {
        public AccountLog {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(head, "head");
            entries = List.copyOf(entries);
        }
    }

    private final CommunityApi api;

    public LogClient(CommunityApi api) {
        this.api = Objects.requireNonNull(api, "api");
    }

    public SignedTreeHead head() throws IOException, InterruptedException {
        try {
            return head(api.call(ApiRoute.KT_HEAD, null, KeyTransparencyApi.TreeHead.class, null));
        } catch (IllegalArgumentException e) {
            throw new IOException("the server's key-log head is malformed: " + e.getMessage(), e);
        }
    }

    public List<TreeHash> consistency(long from, long to) throws IOException, InterruptedException {
        KeyTransparencyApi.Consistency answer = api.call(
                ApiRoute.KT_CONSISTENCY,
                List.of(),
                new TreeMap<>(Map.of("from", from, "to", to)),
                null,
                KeyTransparencyApi.Consistency.class,
                null);
        try {
            return hashes(answer.proof());
        } catch (IllegalArgumentException e) {
            throw new IOException("the server's consistency proof is malformed: " + e.getMessage(), e);
        }
    }

    public AccountLog account(AccountId account) throws IOException, InterruptedException {
        return accountLog(
                account,
                Optional.of(
                        api.call(ApiRoute.KT_PROOF, null, KeyTransparencyApi.Proof.class, null, account.toString())));
    }

    /** Leaves {@code [start, start + count)}, fewer at the end of the log. */
    public List<Bytes> leaves(long start, int count) throws IOException, InterruptedException {
        return api.call(
                        ApiRoute.KT_LEAVES,
                        List.of(),
                        new TreeMap<>(Map.of("start", start, "count", count)),
                        null,
                        KeyTransparencyApi.Leaves.class,
                        null)
                .entries();
    }

    /**
     * Parses a proof ({@code /kt/proof} or a bundle's {@code key_transparency}).
     *
     * @throws KeyTransparencyException {@code MISSING_PROOF} when it is absent or malformed
     */
    public static AccountLog accountLog(AccountId account, Optional<KeyTransparencyApi.Proof> proof)
            throws KeyTransparencyException {
        if (proof.isEmpty()) {
            throw new KeyTransparencyException(
                    KeyTransparencyException.Reason.MISSING_PROOF,
                    "the server sent the keys of " + account + " without a key-transparency proof");
        }
        try {
            if (!account.toString().equals(proof.get().accountId())) {
                throw new IllegalArgumentException(
                        "the proof is for " + proof.get().accountId());
            }
            List<ProvenEntry> entries = new ArrayList<>();
            for (KeyTransparencyApi.Entry e : proof.get().entries()) {
                entries.add(new ProvenEntry(e.leafIndex(), required(e.entry(), "entry"), hashes(e.inclusionProof())));
            }
            if (proof.get().treeHead() == null) {
                throw new IllegalArgumentException("it has no tree_head");
            }
            return new AccountLog(account, head(proof.get().treeHead()), entries);
        } catch (IllegalArgumentException e) {
            throw new KeyTransparencyException(
                    KeyTransparencyException.Reason.MISSING_PROOF,
                    "the key-transparency proof of " + account + " is malformed: " + e.getMessage());
        }
    }

    /**
     * Parses a head.
     *
     * @throws IllegalArgumentException when a field is missing or out of range
     */
    public static SignedTreeHead head(KeyTransparencyApi.TreeHead head) {
        return SignedTreeHead.of(
                head.treeSize(),
                Instant.ofEpochMilli(head.timestamp()),
                TreeHash.of(required(head.rootHash(), "root_hash").toByteArray()),
                required(head.signature(), "signature").toByteArray());
    }

    private static List<TreeHash> hashes(List<Bytes> hashes) {
        List<TreeHash> out = new ArrayList<>();
        for (Bytes h : hashes) {
            out.add(TreeHash.of(required(h, "hash").toByteArray()));
        }
        return out;
    }

    private static Bytes required(Bytes value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return value;
    }
}
