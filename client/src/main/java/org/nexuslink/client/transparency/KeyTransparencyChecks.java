// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.store.Settings;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.server.ServerPublicKey;
import org.nexuslink.crypto.transparency.SignedTreeHead;
import org.nexuslink.protocol.Bytes;
import org.nexuslink.protocol.api.PrekeysApi;

/**
 * A profile's key-transparency checks: one {@link KeyTransparencyVerifier} per pinned server key,
 * its largest head kept in the profile's settings. What the messengers call before they trust a
 * bundle. Thread-safe (a concurrent map of thread-safe verifiers).
 */
public final class KeyTransparencyChecks {
    /** Told about every refusal, to warn the user (the SDK's event). */
    @FunctionalInterface
    public interface Warnings {
        Warnings NONE = (account, warning) -> {};

        void warn(String account, KeyTransparencyException warning);
    }

    private final Settings settings;
    private final Warnings warnings;
    private final Map<ServerPublicKey, KeyTransparencyVerifier> verifiers = new ConcurrentHashMap<>();
    /**
     * Heads contacts gossiped and not yet checked: per server key, the largest per contact. Kept
     * in memory only; checking needs the server, which must not happen inside a receive.
     */
    private final Map<ServerPublicKey, Map<String, SignedTreeHead>> gossip = new ConcurrentHashMap<>();

    public KeyTransparencyChecks(Settings settings, Warnings warnings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
    }

    /**
     * The verifier for the server {@code api} is pinned to.
     *
     * @throws KeyTransparencyException {@code MISSING_PROOF} when {@code api} has no pinned key
     */
    public KeyTransparencyVerifier verifier(CommunityApi api) throws KeyTransparencyException {
        ServerPublicKey key = api.pinnedKey()
                .orElseThrow(() -> new KeyTransparencyException(
                        KeyTransparencyException.Reason.MISSING_PROOF,
                        "no server key is pinned for " + api.server() + ": key-transparency proofs cannot be checked"));
        return verifiers.computeIfAbsent(
                key, k -> new KeyTransparencyVerifier(k, SeenHeads.in(settings, k), new LogClient(api)));
    }

    /**
     * {@link KeyTransparencyVerifier#verifyBundle}, warning of each refusal.
     *
     * @return the ids of the devices whose bundles must not be used
     * @throws KeyTransparencyException when nothing of the answer may be used
     */
    public Set<Integer> verifyBundle(CommunityApi api, AccountId account, PrekeysApi.Bundles answer)
            throws IOException, InterruptedException {
        KeyTransparencyVerifier.BundleVerdict verdict;
        try {
            verdict = verifier(api).verifyBundle(account, answer);
        } catch (KeyTransparencyException e) {
            warnings.warn(account.toString(), e);
            throw e;
        }
        verdict.refused().values().forEach(e -> warnings.warn(account.toString(), e));
        return verdict.refused().keySet();
    }

    /**
     * What a direct message carries for its recipients: the largest head verified for the server
     * {@code api} is pinned to, as {@link HeadGossip} bytes; empty before any head was verified.
     */
    public Optional<Bytes> gossipFor(CommunityApi api) {
        Optional<ServerPublicKey> key = api.pinnedKey();
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return verifier(api).largestHead().map(h -> Bytes.of(new HeadGossip(key.get(), h).encode()));
        } catch (KeyTransparencyException e) {
            return Optional.empty();
        }
    }

    /**
     * Keeps a head {@code contact} sent inside a direct message, for {@link #checkGossip}. A
     * malformed one is dropped: the sender's client is broken or old, and a head proves nothing
     * until its signature is checked anyway.
     */
    public void received(String contact, Bytes encoded) {
        HeadGossip g;
        try {
            g = HeadGossip.decode(encoded.toByteArray());
        } catch (IllegalArgumentException e) {
            return;
        }
        gossip.computeIfAbsent(g.server(), k -> new ConcurrentHashMap<>())
                .merge(contact, g.head(), (a, b) -> b.treeSize() > a.treeSize() ? b : a);
    }

    /**
     * Checks the heads contacts gossiped for the server {@code api} is pinned to against this
     * profile's view of the log, warning of each one that does not fit ({@code inconsistent_log}:
     * the server shows the contact another log). Call it outside any transaction.
     */
    public void checkGossip(CommunityApi api) throws InterruptedException {
        Optional<ServerPublicKey> key = api.pinnedKey();
        if (key.isEmpty()) {
            return;
        }
        Map<String, SignedTreeHead> pending = gossip.remove(key.get());
        if (pending == null) {
            return;
        }
        for (Map.Entry<String, SignedTreeHead> e : pending.entrySet()) {
            try {
                verifier(api).acceptFromContact(e.getValue(), e.getKey());
            } catch (KeyTransparencyException refused) {
                warnings.warn(e.getKey(), refused);
            } catch (IOException unreachable) {
                // Checked again next time: keep the head unless a larger one came meanwhile.
                gossip.computeIfAbsent(key.get(), k -> new ConcurrentHashMap<>())
                        .merge(e.getKey(), e.getValue(), (a, b) -> b.treeSize() > a.treeSize() ? b : a);
            }
        }
    }

    /** Tells the warnings sink, for refusals found elsewhere (monitoring, gossip). */
    public void warn(String account, KeyTransparencyException e) {
        warnings.warn(account, e);
    }
}
