// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client.transparency;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.client.store.Settings;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.transparency.KeyLogEntry;

/**
 * Monitoring of this client's own account in the key log (issue 21, item 4): on connect and on a
 * schedule it fetches the account's entries, verifies them, and warns about every key change
 * logged since it last looked that this device did not make: a device added, a device removed, or
 * this device missing from the log. The first check starts from this device's own entry (what
 * came before it is the history the user linked this device into). Changes this device made
 * itself (a device it registered or removed, see {@link #expect}) are not reported.
 *
 * <p>Not thread-safe: the client's worker thread owns it. Its progress is kept in the profile's
 * settings under {@code kt-monitor:<account>}.
 */
public final class OwnKeyMonitor {
    /** One change of the account's keys that this device did not make. */
    public record Warning(long leafIndex, String message) {
        public Warning {
            Objects.requireNonNull(message, "message");
        }
    }

    private static final String EXPECTED_PREFIX = "kt-expected:";

    private final KeyTransparencyVerifier verifier;
    private final LogClient log;
    private final Settings settings;
    private final AccountId account;
    private final byte[] deviceKey;

    public OwnKeyMonitor(
            KeyTransparencyVerifier verifier, LogClient log, Settings settings, AccountId account, byte[] deviceKey) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.log = Objects.requireNonNull(log, "log");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.account = Objects.requireNonNull(account, "account");
        this.deviceKey = deviceKey.clone();
    }

    /**
     * Records that this device itself adds or removes {@code deviceKey} on its account, so that
     * monitoring does not report the change. Call it before the request.
     */
    public static void expect(Settings settings, AccountId account, byte[] deviceKey) {
        String key = EXPECTED_PREFIX + account;
        java.util.Set<String> known = expected(settings, account);
        if (known.add(java.util.HexFormat.of().formatHex(deviceKey))) {
            settings.put(key, String.join(",", known).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }

    private static java.util.Set<String> expected(Settings settings, AccountId account) {
        return settings.get(EXPECTED_PREFIX + account)
                .map(b -> new String(b, java.nio.charset.StandardCharsets.US_ASCII))
                .filter(t -> !t.isEmpty())
                .map(t -> new java.util.TreeSet<>(java.util.Arrays.asList(t.split(","))))
                .orElseGet(java.util.TreeSet::new);
    }

    /**
     * Checks the account's history once.
     *
     * @return the changes to warn about, oldest first; empty when nothing happened
     * @throws KeyTransparencyException when the server's answer does not verify (itself a warning)
     */
    public List<Warning> check() throws IOException, InterruptedException {
        String progressKey = "kt-monitor:" + account;
        List<KeyTransparencyVerifier.Verified> entries = verifier.verifyAccount(log.account(account));
        Optional<KeyTransparencyVerifier.Verified> mine = entries.stream()
                .filter(v -> v.entry() instanceof KeyLogEntry.DeviceAdded a
                        && Arrays.equals(a.parsedCertificate().devicePublicKeyBytes(), deviceKey))
                .findFirst();
        List<Warning> warnings = new ArrayList<>();
        if (mine.isEmpty()) {
            warnings.add(new Warning(-1, "this device's key is not in the server's key log: contacts will refuse it"));
            return warnings;
        }
        long checked = settings.getLong(progressKey, mine.get().index());
        long last = checked;
        java.util.Set<String> ours = expected(settings, account);
        for (KeyTransparencyVerifier.Verified v : entries) {
            last = Math.max(last, v.index());
            if (v.index() <= checked) {
                continue;
            }
            switch (v.entry()) {
                case KeyLogEntry.DeviceAdded a -> {
                    byte[] added = a.parsedCertificate().devicePublicKeyBytes();
                    if (!Arrays.equals(added, deviceKey)
                            && !ours.contains(java.util.HexFormat.of().formatHex(added))) {
                        warnings.add(new Warning(
                                v.index(),
                                "device " + a.parsedCertificate().deviceId()
                                        + " was added to your account at " + a.at() + "; if you did not link it, your"
                                        + " identity key or this server is compromised"));
                    }
                }
                case KeyLogEntry.DeviceRemoved r -> {
                    if (!ours.contains(r.deviceKey().hex())) {
                        warnings.add(new Warning(
                                v.index(),
                                "device " + r.device() + " was removed from your account at " + r.at()
                                        + (Arrays.equals(r.deviceKey().toByteArray(), deviceKey)
                                                ? " (this device)"
                                                : "")));
                    }
                }
                case KeyLogEntry.IdentityKey i ->
                    warnings.add(new Warning(v.index(), "your account joined this server again at " + i.at()));
            }
        }
        settings.putLong(progressKey, last);
        return warnings;
    }
}
