// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.crypto.keystore;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.nexuslink.crypto.identity.Mnemonic;

/**
 * The key material of one device profile: the device key and its certificate, and, on a device
 * that can certify others, the account identity key and the mnemonic it came from.
 *
 * <p>The constructor checks that the pieces belong together. Holds secrets: {@link #toString()}
 * shows only public facts. Immutable and thread-safe.
 */
public final class VaultContents {
    private final AccountId accountId;
    private final AccountIdentity identity;
    private final Mnemonic mnemonic;
    private final DeviceKeyPair deviceKey;
    private final DeviceCertificate certificate;

    /**
     * @param identity the account identity key, or empty on a linked device that does not hold it
     * @param mnemonic the words of {@code identity}, or empty if it was not made from words
     * @throws IllegalArgumentException if the certificate is not for this device key and account,
     *     or the identity or mnemonic belong to another account
     */
    public VaultContents(
            AccountId accountId,
            Optional<AccountIdentity> identity,
            Optional<Mnemonic> mnemonic,
            DeviceKeyPair deviceKey,
            DeviceCertificate certificate) {
        this.accountId = Objects.requireNonNull(accountId, "accountId");
        this.identity = identity.orElse(null);
        this.mnemonic = mnemonic.orElse(null);
        this.deviceKey = Objects.requireNonNull(deviceKey, "deviceKey");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        if (!certificate.accountId().equals(accountId)) {
            throw new IllegalArgumentException("certificate is for " + certificate.accountId() + ", not " + accountId);
        }
        if (!Arrays.equals(certificate.devicePublicKeyBytes(), deviceKey.publicKeyBytes())) {
            throw new IllegalArgumentException("certificate is for another device key");
        }
        if (this.identity != null && !this.identity.accountId().equals(accountId)) {
            throw new IllegalArgumentException("identity key is " + this.identity.accountId() + ", not " + accountId);
        }
        if (this.mnemonic != null
                && (this.identity == null
                        || !AccountIdentity.fromMnemonic(this.mnemonic)
                                .accountId()
                                .equals(accountId))) {
            throw new IllegalArgumentException("mnemonic does not derive " + accountId);
        }
    }

    public AccountId accountId() {
        return accountId;
    }

    public Optional<AccountIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    public Optional<Mnemonic> mnemonic() {
        return Optional.ofNullable(mnemonic);
    }

    public DeviceId deviceId() {
        return certificate.deviceId();
    }

    public DeviceKeyPair deviceKey() {
        return deviceKey;
    }

    public DeviceCertificate certificate() {
        return certificate;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaultContents other
                && accountId.equals(other.accountId)
                && Objects.equals(identity, other.identity)
                && Objects.equals(mnemonic, other.mnemonic)
                && deviceKey.equals(other.deviceKey)
                && certificate.equals(other.certificate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountId, deviceKey, certificate);
    }

    @Override
    public String toString() {
        return "VaultContents[account=" + accountId + ", device=" + deviceId() + ", identityKey="
                + (identity != null ? "present" : "absent") + ", mnemonic=" + (mnemonic != null ? "present" : "absent")
                + ", secrets redacted]";
    }
}
