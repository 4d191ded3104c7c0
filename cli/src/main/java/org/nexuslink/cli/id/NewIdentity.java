// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli.id;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.Mnemonic;
import org.nexuslink.crypto.keystore.VaultContents;

/**
 * The keys of a profile that holds an account's identity: the identity of recovery words, a
 * fresh device key and its certificate. What {@code id create}, {@code id restore} and the local
 * app's onboarding seal into a new keystore.
 */
public final class NewIdentity {
    private NewIdentity() {}

    /**
     * The keys for {@code device} of the account {@code mnemonic} derives, certified at {@code now}.
     */
    public static VaultContents of(Mnemonic mnemonic, DeviceId device, Instant now) {
        Objects.requireNonNull(mnemonic, "mnemonic");
        Objects.requireNonNull(device, "device");
        AccountIdentity identity = AccountIdentity.fromMnemonic(mnemonic);
        DeviceKeyPair deviceKey = DeviceKeyPair.generate();
        DeviceCertificate certificate = identity.certify(device, deviceKey.publicKey(), now, Optional.empty());
        return new VaultContents(
                identity.accountId(), Optional.of(identity), Optional.of(mnemonic), deviceKey, certificate);
    }
}
