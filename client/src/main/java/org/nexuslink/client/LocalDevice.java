// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.client;

import java.util.Objects;
import org.nexuslink.crypto.identity.AccountId;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * This device: its account, its key pair and the certificate by which the account vouches for
 * it. Holds a private key: {@link #toString()} shows only the address.
 */
public record LocalDevice(AccountId account, DeviceKeyPair keys, DeviceCertificate certificate) {
    public LocalDevice {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(certificate, "certificate");
        if (!certificate.accountId().equals(account)) {
            throw new IllegalArgumentException(
                    "the certificate is for " + certificate.accountId() + ", not " + account);
        }
    }

    /** The account id as the server writes it ({@code nxl:...}). */
    public String accountId() {
        return account.toString();
    }

    /** This device's id within its account. */
    public int deviceId() {
        return certificate.deviceId().value();
    }

    /** This device's libsignal address. */
    public SignalProtocolAddress address() {
        return new SignalProtocolAddress(accountId(), deviceId());
    }

    @Override
    public String toString() {
        return "LocalDevice[" + accountId() + ":" + deviceId() + "]";
    }
}
