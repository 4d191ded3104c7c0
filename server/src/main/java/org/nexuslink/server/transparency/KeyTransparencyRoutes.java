// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.transparency;

import java.util.List;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.InvalidAccountIdException;
import org.nexuslink.crypto.transparency.KeyLogEntry;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.crypto.transparency.TreeHash;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.ErrorCode;
import org.nexuslink.protocol.api.ApiRoute;
import org.nexuslink.protocol.api.KeyTransparencyApi;
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

    /** The wire form of a head. */
    public static KeyTransparencyApi.TreeHead view(SignedTreeHead head) {
        return new KeyTransparencyApi.TreeHead(
                head.treeSize(),
                head.timestamp().toEpochMilli(),
                Bytes.of(head.root().bytes()),
                Bytes.of(head.signature()));
    }

    /** The wire form of an account's proof, as {@code /kt/proof} and prekey bundles carry it. */
    public static KeyTransparencyApi.Proof view(KeyTransparency.AccountProof proof) {
        List<KeyTransparencyApi.KeyHistory> history = proof.leaves().stream()
                .filter(l -> decodesAsIdentity(l.leaf().entry().toByteArray()))
                .map(l -> new KeyTransparencyApi.KeyHistory(
                        Bytes.of(proof.account().publicKeyBytes()),
                        l.leaf().loggedAt().toEpochMilli()))
                .toList();
        return new KeyTransparencyApi.Proof(
                proof.account().toString(),
                history,
                proof.leaves().stream()
                        .map(l -> new KeyTransparencyApi.Entry(
                                l.leaf().index(), l.leaf().entry(), bytes(l.inclusionProof())))
                        .toList(),
                view(proof.head()));
    }

    public void register(Router router) {
        router.add(ApiRoute.KT_HEAD, r -> Response.ok(view(log.head())));
        router.add(ApiRoute.KT_PROOF, this::proof);
        router.add(ApiRoute.KT_CONSISTENCY, this::consistency);
        router.add(ApiRoute.KT_LEAVES, this::leaves);
    }

    private Response proof(Request request) {
        AccountId account;
        try {
            account = AccountId.parse(request.pathParam("account_id"));
        } catch (InvalidAccountIdException e) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "account_id: " + e.getMessage());
        }
        return Response.ok(view(log.proof(account)));
    }

    private Response consistency(Request request) {
        long from = number(request, "from");
        long to = number(request, "to");
        return Response.ok(new KeyTransparencyApi.Consistency(from, to, bytes(log.consistency(from, to))));
    }

    private Response leaves(Request request) {
        long start = number(request, "start");
        long count = request.queryParam("count").isPresent()
                ? number(request, "count")
                : KeyTransparency.MAX_LEAVES_PER_PAGE;
        if (count > KeyTransparency.MAX_LEAVES_PER_PAGE) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    "count is at most " + KeyTransparency.MAX_LEAVES_PER_PAGE + ", got " + count);
        }
        return Response.ok(new KeyTransparencyApi.Leaves(
                start,
                log.leaves(start, (int) count).stream()
                        .map(KeyLogStore.Leaf::entry)
                        .toList()));
    }

    private static long number(Request request, String name) {
        String text = request.queryParam(name)
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_FIELD, name + " is required"));
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ApiException(
                    ErrorCode.INVALID_FIELD,
                    name + " must be an integer, got '" + (text.length() > 20 ? text.substring(0, 17) + "..." : text)
                            + "'");
        }
    }

    private static boolean decodesAsIdentity(byte[] entry) {
        try {
            return KeyLogEntry.decode(entry) instanceof KeyLogEntry.IdentityKey;
        } catch (org.nexuslink.crypto.transparency.InvalidProofException e) {
            throw new IllegalStateException("the key log holds a malformed entry: " + e.getMessage(), e);
        }
    }

    private static List<Bytes> bytes(List<TreeHash> hashes) {
        return hashes.stream().map(h -> Bytes.of(h.bytes())).toList();
    }
}
