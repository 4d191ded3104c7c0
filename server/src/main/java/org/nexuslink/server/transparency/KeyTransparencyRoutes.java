// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import java.util.List;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.server.http.ApiException;
import org.nexuslink.server.http.Request;
import org.nexuslink.server.http.Response;
import org.nexuslink.server.http.Router;

/**
 * Seed 004's key-transparency endpoints (6.2.6): {@code GET /api/v1/kt/head},
 * {@code GET /api/v1/kt/proof/{account_id}}, {@code GET /api/v1/kt/consistency?from=&to=}, and
 * {@code GET /api/v1/kt/leaves?start=&count=} for auditors. None needs a token: the log is public
 * so that anyone can audit it (docs/key-transparency.md). Bytes are standard base64. Thread-safe.
 */
public final class KeyTransparencyRoutes {
    private final KeyTransparency log;

    public KeyTransparencyRoutes(KeyTransparency log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    /** A signed tree head: size, Unix milliseconds, root and the server key's signature. */
    public record HeadView(long treeSize, long timestamp, byte[] rootHash, byte[] signature) {
        static HeadView of(SignedTreeHead head) {
            return new HeadView(head.treeSize(), head.timestamp().toEpochMilli(), head.root().bytes(),
                    head.signature());
        }
    }

    /** Seed 004's key history: when each identity key entered the log. */
    public record KeyHistoryView(byte[] identityKey, long timestamp) {}

    /** A leaf: its index, the entry's bytes (the leaf data) and its inclusion proof. */
    public record EntryView(long leafIndex, byte[] entry, List<byte[]> inclusionProof) {}

    /** An account's proof, as {@code /kt/proof} and prekey bundles carry it. */
    public record ProofView(String accountId, List<KeyHistoryView> keyHistory, List<EntryView> entries,
                            HeadView treeHead) {
        /** The view of a proof. */
        public static ProofView of(KeyTransparency.AccountProof proof) {
            List<KeyHistoryView> history = proof.leaves().stream()
                    .filter(l -> decodesAsIdentity(l.leaf().entry().toByteArray()))
                    .map(l -> new KeyHistoryView(proof.account().publicKeyBytes(), l.leaf().loggedAt().toEpochMilli()))
                    .toList();
            return new ProofView(proof.account().toString(), history, proof.leaves().stream()
                    .map(l -> new EntryView(l.leaf().index(), l.leaf().entry().toByteArray(), bytes(l.inclusionProof())))
                    .toList(), HeadView.of(proof.head()));
        }
    }

    record ConsistencyView(long from, long to, List<byte[]> proof) {}

    record LeavesView(long start, List<byte[]> entries) {}

    public void register(Router router) {
        router.get("/api/v1/kt/head", r -> Response.ok(HeadView.of(log.head())));
        router.get("/api/v1/kt/proof/{account_id}", this::proof);
        router.get("/api/v1/kt/consistency", this::consistency);
        router.get("/api/v1/kt/leaves", this::leaves);
    }

    private Response proof(Request request) {
        AccountId account;
        try {
            account = AccountId.parse(request.pathParam("account_id"));
        } catch (InvalidAccountIdException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "account_id: " + e.getMessage());
        }
        return Response.ok(ProofView.of(log.proof(account)));
    }

    private Response consistency(Request request) {
        long from = number(request, "from");
        long to = number(request, "to");
        return Response.ok(new ConsistencyView(from, to, bytes(log.consistency(from, to))));
    }

    private Response leaves(Request request) {
        long start = number(request, "start");
        long count = request.queryParam("count").isPresent() ? number(request, "count")
                : KeyTransparency.MAX_LEAVES_PER_PAGE;
        if (count > KeyTransparency.MAX_LEAVES_PER_PAGE) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "count is at most " + KeyTransparency.MAX_LEAVES_PER_PAGE
                    + ", got " + count);
        }
        return Response.ok(new LeavesView(start, log.leaves(start, (int) count).stream()
                .map(l -> l.entry().toByteArray()).toList()));
    }

    private static long number(Request request, String name) {
        String text = request.queryParam(name)
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_FIELD, name + " is required"));
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, name + " must be an integer, got '"
                    + (text.length() > 20 ? text.substring(0, 17) + "..." : text) + "'");
        }
    }

    private static boolean decodesAsIdentity(byte[] entry) {
        try {
            return KeyLogEntry.decode(entry) instanceof KeyLogEntry.IdentityKey;
        } catch (org.nexuslink.crypto.transparency.InvalidProofException e) {
            throw new IllegalStateException("the key log holds a malformed entry: " + e.getMessage(), e);
        }
    }

    private static List<byte[]> bytes(List<TreeHash> hashes) {
        return hashes.stream().map(TreeHash::bytes).toList();
    }
}
