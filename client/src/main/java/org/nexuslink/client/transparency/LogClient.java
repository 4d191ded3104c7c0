// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.Bytes;

/**
 * Reads a community server's key-transparency routes ({@code /api/v1/kt/...}, no token) and
 * parses their JSON into values; verifies nothing itself. Thread-safe.
 */
public final class LogClient {
    private static final Base64.Decoder B64 = Base64.getDecoder();

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
        return head(api.get("/api/v1/kt/head", null));
    }

    public List<TreeHash> consistency(long from, long to) throws IOException, InterruptedException {
        return hashes(api.get("/api/v1/kt/consistency?from=" + from + "&to=" + to, null).path("proof"));
    }

    public AccountLog account(AccountId account) throws IOException, InterruptedException {
        return accountLog(account, api.get("/api/v1/kt/proof/" + account, null));
    }

    /** Leaves {@code [start, start + count)}, fewer at the end of the log. */
    public List<Bytes> leaves(long start, int count) throws IOException, InterruptedException {
        List<Bytes> out = new ArrayList<>();
        for (JsonNode n : api.get("/api/v1/kt/leaves?start=" + start + "&count=" + count, null).path("entries")) {
            out.add(Bytes.of(bytes(n)));
        }
        return out;
    }

    /**
     * Parses a proof object ({@code /kt/proof} or a bundle's {@code key_transparency}).
     *
     * @throws KeyTransparencyException {@code MISSING_PROOF} when it is absent or malformed
     */
    public static AccountLog accountLog(AccountId account, JsonNode proof) throws KeyTransparencyException {
        if (proof == null || proof.isMissingNode() || proof.isNull()) {
            throw new KeyTransparencyException(KeyTransparencyException.Reason.MISSING_PROOF,
                    "the server sent the keys of " + account + " without a key-transparency proof");
        }
        try {
            if (!account.toString().equals(proof.path("account_id").asText())) {
                throw new IllegalArgumentException("the proof is for " + proof.path("account_id").asText());
            }
            List<ProvenEntry> entries = new ArrayList<>();
            for (JsonNode e : proof.path("entries")) {
                if (!e.path("leaf_index").canConvertToLong()) {
                    throw new IllegalArgumentException("an entry has no leaf_index");
                }
                entries.add(new ProvenEntry(e.path("leaf_index").asLong(), Bytes.of(bytes(e.path("entry"))),
                        hashes(e.path("inclusion_proof"))));
            }
            return new AccountLog(account, head(proof.path("tree_head")), entries);
        } catch (IllegalArgumentException e) {
            throw new KeyTransparencyException(KeyTransparencyException.Reason.MISSING_PROOF,
                    "the key-transparency proof of " + account + " is malformed: " + e.getMessage());
        }
    }

    /**
     * Parses a head object.
     *
     * @throws IllegalArgumentException when a field is missing or out of range
     */
    public static SignedTreeHead head(JsonNode json) {
        if (!json.path("tree_size").canConvertToLong() || !json.path("timestamp").canConvertToLong()) {
            throw new IllegalArgumentException("a tree head needs tree_size and timestamp");
        }
        return SignedTreeHead.of(json.path("tree_size").asLong(), Instant.ofEpochMilli(json.path("timestamp").asLong()),
                TreeHash.of(bytes(json.path("root_hash"))), bytes(json.path("signature")));
    }

    private static List<TreeHash> hashes(JsonNode array) {
        List<TreeHash> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(TreeHash.of(bytes(n)));
        }
        return out;
    }

    private static byte[] bytes(JsonNode n) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException("expected base64 text");
        }
        return B64.decode(n.asText());
    }
}
