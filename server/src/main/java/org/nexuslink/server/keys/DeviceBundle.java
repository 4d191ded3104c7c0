// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.server.keys;

import java.util.Objects;
import java.util.Optional;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.protocol.Bytes;

/**
 * Everything a sender needs to start a PQXDH session with one device, as libsignal's
 * {@code PreKeyBundle} takes it. The device key is the session's identity key; the certificate
 * proves it belongs to the account.
 *
 * @param device the device id
 * @param deviceKey the raw 32-byte device public key (the libsignal identity key of its sessions)
 * @param certificate the device certificate signed by the account identity key
 * @param signedPrekey the current signed EC prekey
 * @param oneTimePrekey a one-time EC prekey, now consumed, if any was left
 * @param kyberPrekey a one-time Kyber prekey (now consumed) or else the last-resort one
 * @param kyberLastResort whether {@code kyberPrekey} is the last-resort key
 */
public record DeviceBundle(
        DeviceId device,
        Bytes deviceKey,
        Bytes certificate,
        SignedEcPrekey signedPrekey,
        Optional<EcPrekey> oneTimePrekey,
        KyberPrekey kyberPrekey,
        boolean kyberLastResort) {
    public DeviceBundle {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(deviceKey, "deviceKey");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(signedPrekey, "signedPrekey");
        Objects.requireNonNull(oneTimePrekey, "oneTimePrekey");
        Objects.requireNonNull(kyberPrekey, "kyberPrekey");
    }
}
