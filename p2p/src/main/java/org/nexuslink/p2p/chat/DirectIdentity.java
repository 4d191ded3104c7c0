// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.p2p.chat;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Predicate;
import org.nexuslink.crypto.identity.DeviceCertificate;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.signal.libsignal.protocol.SignalProtocolAddress;
import org.signal.libsignal.protocol.state.SignalProtocolStore;

/**
 * This device as direct mode needs it: its certified key (which signs the PeerBinding), and the
 * libsignal store and prekeys its sessions live in. The client's profile store implements
 * {@link SignalProtocolStore}, so direct mode and community mode share sessions, identities and
 * Sender Keys. Holds a private key: {@link #toString()} names only the account and device.
 *
 * @param deviceKey the certified device key; also the libsignal identity key of {@code store}
 * @param certificate the account's certificate for {@code deviceKey}
 * @param store the libsignal state of this device
 * @param prekeys this device's bundle for peers without a session
 * @param revoked whether a peer's (verified) certificate is covered by a revocation this device knows
 */
public record DirectIdentity(
        DeviceKeyPair deviceKey,
        DeviceCertificate certificate,
        SignalProtocolStore store,
        PrekeySource prekeys,
        Predicate<DeviceCertificate> revoked) {
    public DirectIdentity {
        Objects.requireNonNull(deviceKey, "deviceKey");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(prekeys, "prekeys");
        Objects.requireNonNull(revoked, "revoked");
        if (!Arrays.equals(deviceKey.publicKeyBytes(), certificate.devicePublicKeyBytes())) {
            throw new IllegalArgumentException("the device key is not the one the certificate names");
        }
    }

    /** A device that knows of no revocation. */
    public DirectIdentity(
            DeviceKeyPair deviceKey, DeviceCertificate certificate, SignalProtocolStore store, PrekeySource prekeys) {
        this(deviceKey, certificate, store, prekeys, c -> false);
    }

    /** This device's libsignal address. */
    public SignalProtocolAddress address() {
        return new SignalProtocolAddress(
                certificate.accountId().toString(), certificate.deviceId().value());
    }

    @Override
    public String toString() {
        return "DirectIdentity[" + certificate.accountId() + ":"
                + certificate.deviceId().value() + "]";
    }
}
