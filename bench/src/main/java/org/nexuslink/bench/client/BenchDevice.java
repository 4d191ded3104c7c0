// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.bench.client;

import java.time.Instant;
import java.util.Optional;
import org.nexuslink.client.LocalDevice;
import org.nexuslink.crypto.identity.AccountIdentity;
import org.nexuslink.crypto.identity.DeviceId;
import org.nexuslink.crypto.identity.DeviceKeyPair;
import org.signal.libsignal.protocol.SignalProtocolAddress;

/**
 * A fresh account with its primary device, certified as the client certifies it: the device key
 * is the libsignal identity its sessions run with.
 */
record BenchDevice(LocalDevice local) {
    static BenchDevice create() {
        AccountIdentity account = AccountIdentity.generate();
        DeviceKeyPair keys = DeviceKeyPair.generate();
        return new BenchDevice(new LocalDevice(
                account.accountId(),
                keys,
                account.certify(DeviceId.PRIMARY, keys.publicKey(), Instant.now(), Optional.empty())));
    }

    SignalProtocolAddress address() {
        return local.address();
    }

    DeviceKeyPair keys() {
        return local.keys();
    }
}
