// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.store.Settings;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.server.ServerPublicKey;

/**
 * A profile's key-transparency checks: one {@link KeyTransparencyVerifier} per pinned server key,
 * its largest head kept in the profile's settings. What the messengers call before they trust a
 * bundle. Thread-safe (a concurrent map of thread-safe verifiers).
 */
public final class KeyTransparencyChecks {
    /** Told about every refusal, to warn the user (the SDK's event). */
    @FunctionalInterface
    public interface Warnings {
        Warnings NONE = (account, warning) -> { };

        void warn(String account, KeyTransparencyException warning);
    }

    private final Settings settings;
    private final Warnings warnings;
    private final Map<ServerPublicKey, KeyTransparencyVerifier> verifiers = new ConcurrentHashMap<>();

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
        ServerPublicKey key = api.pinnedKey().orElseThrow(() -> new KeyTransparencyException(
                KeyTransparencyException.Reason.MISSING_PROOF,
                "no server key is pinned for " + api.server() + ": key-transparency proofs cannot be checked"));
        return verifiers.computeIfAbsent(key,
                k -> new KeyTransparencyVerifier(k, SeenHeads.in(settings, k), new LogClient(api)));
    }

    /**
     * {@link KeyTransparencyVerifier#verifyBundle}, warning of each refusal.
     *
     * @return the ids of the devices whose bundles must not be used
     * @throws KeyTransparencyException when nothing of the answer may be used
     */
    public Set<Integer> verifyBundle(CommunityApi api, AccountId account, JsonNode answer)
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

    /** Tells the warnings sink, for refusals found elsewhere (monitoring, gossip). */
    public void warn(String account, KeyTransparencyException e) {
        warnings.warn(account, e);
    }
}
