// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceId;

/**
 * What a keystore tells without being unlocked: whose keys it holds.
 *
 * @param accountId the account
 * @param deviceId this device's id in the account
 * @param kdf the Argon2id parameters it is sealed with
 */
public record VaultSummary(AccountId accountId, DeviceId deviceId, KdfParameters kdf) {
    public VaultSummary {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(kdf, "kdf");
    }
}
