// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import org.nexuslink.client.ClientEvent;
import org.nexuslink.client.community.CommunityApi;
import org.nexuslink.client.store.Settings;
import org.nexuslink.client.transparency.KeyTransparencyChecks;
import org.nexuslink.client.transparency.KeyTransparencyException;
import org.nexuslink.client.transparency.LogClient;
import org.nexuslink.client.transparency.OwnKeyMonitor;
import org.nexuslink.crypto.keystore.VaultContents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Key transparency's side of the client (docs/key-transparency.md): it turns what the checks
 * refuse into {@link ClientEvent.KeyLogRefused}, and monitors this account's own key history in
 * the server's log on connect and every {@link #INTERVAL}, telling
 * {@link ClientEvent.OwnKeysChanged} for each change this device did not make. The bundle checks
 * themselves run in the direct messenger, before any key is trusted. On the worker.
 */
public final class KeyLogWatch {
    /** How often a connected client checks its own account's key history. */
    public static final Duration INTERVAL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(KeyLogWatch.class);

    private final Events events;
    private final Settings settings;
    private final VaultContents keys;
    private final KeyTransparencyChecks checks;

    KeyLogWatch(Events events, Settings settings, VaultContents keys, KeyTransparencyChecks checks) {
        this.events = Objects.requireNonNull(events, "events");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.checks = Objects.requireNonNull(checks, "checks");
    }

    /**
     * The sink the checks warn into: each refusal is told at once, not after the batch, since a
     * refusal rolls back the batch it happened in.
     */
    static KeyTransparencyChecks.Warnings warnings(Events events) {
        return (account, refusal) -> events.tellNow(
                new ClientEvent.KeyLogRefused(Receiver.account(account), refusal.reason(), refusal.getMessage()));
    }

    /**
     * Checks this account's key history in the log of the server {@code api} is pinned to, then
     * the heads contacts sent. A failure to check is a warning (or, when the server cannot be
     * reached, a log line), never a reason to stay offline.
     */
    void check(CommunityApi api) throws InterruptedException {
        try {
            OwnKeyMonitor monitor = new OwnKeyMonitor(
                    checks.verifier(api),
                    new LogClient(api),
                    settings,
                    keys.accountId(),
                    keys.deviceKey().publicKeyBytes());
            for (OwnKeyMonitor.Warning w : monitor.check()) {
                events.tellNow(new ClientEvent.OwnKeysChanged(w.message()));
            }
            checks.checkGossip(api);
        } catch (KeyTransparencyException e) {
            checks.warn(keys.accountId().toString(), e);
        } catch (IOException e) {
            LOG.atWarn()
                    .setMessage("key log check failed")
                    .addKeyValue("error", e.toString())
                    .log();
        }
    }

    /**
     * Records that this device itself adds or removes {@code deviceKey} on the account, so that
     * monitoring does not report it; call it before the request.
     */
    void expectOwnChange(byte[] deviceKey) {
        OwnKeyMonitor.expect(settings, keys.accountId(), deviceKey);
    }
}
