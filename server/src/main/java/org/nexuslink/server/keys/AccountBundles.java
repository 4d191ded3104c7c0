// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.List;
import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.protocol.Bytes;

/**
 * The answer to a bundle fetch: the account's identity key, one bundle per available device, the
 * devices left out with their reason, and the account's device revocations. At least one bundle is present.
 *
 * @param account the account
 * @param identityKey the raw 32-byte account identity public key, as stored at join
 * @param devices bundles, by device id
 * @param unavailable devices without a bundle, by device id
 * @param revocations the account's signed device revocations, which senders check bundles against
 */
public record AccountBundles(
        AccountId account,
        Bytes identityKey,
        List<DeviceBundle> devices,
        List<UnavailableDevice> unavailable,
        List<Bytes> revocations) {
    public AccountBundles {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(identityKey, "identityKey");
        devices = List.copyOf(devices);
        unavailable = List.copyOf(unavailable);
        revocations = List.copyOf(revocations);
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("an answer has at least one bundle");
        }
    }
}
